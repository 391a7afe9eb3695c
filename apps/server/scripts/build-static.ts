/**
 * The second half of `pnpm build` for this app (after `vite build` of the server): what browsers
 * load from it, into dist/static, at the paths it is served at.
 *
 *   element/            the element's browser bundle (element-bundle.ts)
 *   assets/mediapipe/   MediaPipe's loader without its usage logging, its WASM, the model and the
 *                       manifest (mediapipe-assets.ts)
 *
 * then brotli and gzip copies where they pay and index.json (precompress.ts). Fails if MediaPipe's
 * usage-log address is left anywhere in what is served.
 */
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { INDEX_FILE, STATIC_DIR } from '../src/static-index.ts';
import { buildElementBundle, isHashedElementFile } from './element-bundle.ts';
import { prepareMediapipe } from './mediapipe-assets.ts';
import { precompress } from './precompress.ts';

const started = performance.now();
await rm(STATIC_DIR, { recursive: true, force: true });

await buildElementBundle(join(STATIC_DIR, 'element'));
const files = new Map<string, boolean>();
for (const path of await readdir(join(STATIC_DIR, 'element'), { recursive: true, withFileTypes: false })) {
  if (/\.(js|map)$/.test(path)) files.set(`element/${path.split('\\').join('/')}`, isHashedElementFile(path));
}
for (const [path, immutable] of await prepareMediapipe(join(STATIC_DIR, 'assets', 'mediapipe'))) files.set(`assets/mediapipe/${path}`, immutable);

for (const path of files.keys()) {
  if ((await readFile(join(STATIC_DIR, path))).includes('odml.pa.googleapis.com')) throw new Error(`MediaPipe's usage-log address is in ${path}`);
}

const index = await precompress(STATIC_DIR, files);
await writeFile(join(STATIC_DIR, INDEX_FILE), `${JSON.stringify(index, null, 2)}\n`);
const total = (pick: (e: (typeof index)[string]) => number) => Object.values(index).reduce((sum, e) => sum + pick(e), 0);
console.log(
  `liveproof: ${Object.keys(index).length} static files in ${Math.round(performance.now() - started)} ms: ` +
    `${(total((e) => e.identity.size) / 1e6).toFixed(1)} MB, ${(total((e) => (e.br ?? e.identity).size) / 1e6).toFixed(1)} MB brotli`,
);
