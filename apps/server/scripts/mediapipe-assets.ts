/**
 * MediaPipe as this server serves it, under assets/mediapipe/:
 *
 *   <hash>/vision_bundle.mjs   @mediapipe/tasks-vision's ES module, its usage logging removed
 *   <hash>/wasm/               the WASM runtime of the same package (SIMD and no-SIMD builds)
 *   face_landmarker.task       the model
 *   manifest.json              the element reads it to find the rest
 *
 * `<hash>` is a hash of the loader and WASM files, so a browser that cached one version's WASM can
 * never pair it with another version's loader. The model keeps a fixed name, revalidated on each use.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { MediapipeManifest } from '@liveproof/element';
import { APP_ROOT, MODEL_PATH } from '../src/paths.ts';

/**
 * MediaPipe's usage log to Google, posted while a task runs and when it closes, with no option to
 * turn it off. Candidates are promised that nothing about their check goes anywhere but the
 * Liveproof server.
 */
const TELEMETRY_ADDRESS = '"https://odml.pa.googleapis.com/v1/log"';

/**
 * Replaces the usage-log address with an inert `data:` URL (posting to it never touches the
 * network). Fails unless the address is there exactly once and no other address is left, so a
 * MediaPipe upgrade cannot quietly bring the logging back or add another destination.
 */
export function stripTelemetry(loader: string): string {
  const count = loader.split(TELEMETRY_ADDRESS).length - 1;
  if (count !== 1) throw new Error(`expected MediaPipe's usage-log address once in vision_bundle.mjs, found it ${count} times: review the new version`);
  const stripped = loader
    .replace(TELEMETRY_ADDRESS, '"data:,"')
    // Its map is not served (the source it holds names the address).
    .replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n');
  const other = /https?:\/\/[^\s"'`)]+/.exec(stripped);
  if (other) throw new Error(`vision_bundle.mjs names another address, ${other[0]}: review the new version before serving it`);
  return stripped;
}

/** The runtime files FilesetResolver.forVisionTasks() picks between (the `_module_` build is for forVisionTasks(base, true), unused). */
const WASM_FILES = ['vision_wasm_internal.js', 'vision_wasm_internal.wasm', 'vision_wasm_nosimd_internal.js', 'vision_wasm_nosimd_internal.wasm'];

/** Writes the files into `dir` (the served assets/mediapipe); returns the written paths with whether each is content-hashed. */
export async function prepareMediapipe(dir: string): Promise<Map<string, boolean>> {
  const wasmDir = dirname(createRequire(join(APP_ROOT, 'package.json')).resolve('@mediapipe/tasks-vision/vision_wasm_internal.wasm'));
  const packageDir = dirname(wasmDir);
  const { version } = JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8')) as { version: string };
  const files = new Map<string, Uint8Array>([['vision_bundle.mjs', Buffer.from(stripTelemetry(await readFile(join(packageDir, 'vision_bundle.mjs'), 'utf8')))]]);
  for (const name of WASM_FILES) files.set(`wasm/${name}`, await readFile(join(wasmDir, name)));

  const hash = createHash('sha256');
  for (const [path, bytes] of files) hash.update(`${path}\0${bytes.byteLength}\0`).update(bytes);
  const versioned = hash.digest('hex').slice(0, 16);

  const written = new Map<string, boolean>();
  for (const [path, bytes] of files) {
    await mkdir(dirname(join(dir, versioned, path)), { recursive: true });
    await writeFile(join(dir, versioned, path), bytes);
    written.set(`${versioned}/${path}`, true);
  }
  await writeFile(join(dir, 'face_landmarker.task'), await readFile(MODEL_PATH));
  written.set('face_landmarker.task', false);
  const manifest: MediapipeManifest = {
    version,
    loader: `./${versioned}/vision_bundle.mjs`,
    wasm: `./${versioned}/wasm`,
    model: './face_landmarker.task',
  };
  await writeFile(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  written.set('manifest.json', false);
  return written;
}
