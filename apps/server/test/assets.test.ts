/**
 * The static assets as `pnpm build` leaves them (dist/static) and as assetRoutes serves them,
 * through `app.request()`: encodings, validators, cache lifetimes, the CORS headers embedding pages
 * need, nothing served that the build did not list, and MediaPipe's usage-log address nowhere.
 */
import { mkdtemp, readFile, readdir, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MediapipeManifest } from '@liveproof/element';
import { stripTelemetry } from '../scripts/mediapipe-assets.ts';
import { assetRoutes } from '../src/assets.ts';
import { APP_ROOT } from '../src/paths.ts';
import { negotiate } from '../src/static-files.ts';
import { STATIC_DIR } from '../src/static-index.ts';

const CHROMIUM = 'gzip, deflate, br, zstd';
let work: string;
let publicDir: string;
let app: ReturnType<typeof assetRoutes>;
let manifest: MediapipeManifest;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'liveproof-assets-'));
  publicDir = join(work, 'public');
  await mkdir(publicDir);
  await writeFile(join(publicDir, 'index.html'), `<!doctype html><title>Demo</title>${'<p>Join your interview.</p>'.repeat(40)}`);
  await writeFile(join(work, 'secret.txt'), 'not for the web');
  app = assetRoutes({ publicDir });
  manifest = JSON.parse(await readFile(join(STATIC_DIR, 'assets/mediapipe/manifest.json'), 'utf8')) as MediapipeManifest;
});

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

const get = (path: string, headers: Record<string, string> = {}, method = 'GET') => app.request(path, { method, headers });
const body = async (response: Response) => new Uint8Array(await response.arrayBuffer());
const mediapipe = (path: string) => `/assets/mediapipe/${path.replace(/^\.\//, '')}`;

describe('content coding', () => {
  it('takes the acceptable coding with the highest q-value, the smaller on a tie, identity when none is asked for', () => {
    const all = ['br', 'gzip', 'identity'] as const;
    expect(negotiate(CHROMIUM, all)).toBe('br');
    expect(negotiate('gzip, deflate', all)).toBe('gzip');
    expect(negotiate(undefined, all)).toBe('identity');
    expect(negotiate('', all)).toBe('identity');
    expect(negotiate('br;q=0, gzip;q=0.5', all)).toBe('gzip');
    expect(negotiate('gzip;q=0.8, br;q=0.2', all)).toBe('gzip');
    expect(negotiate('*', all)).toBe('br');
    expect(negotiate('*;q=0', all)).toBe('identity');
    expect(negotiate('identity;q=0, GZIP', all)).toBe('gzip');
    expect(negotiate('identity, gzip;q=0.5', all)).toBe('identity');
    expect(negotiate(CHROMIUM, ['identity'])).toBe('identity');
  });

  it('serves brotli, gzip or the plain bytes, each with its own length and ETag and the same content', async () => {
    const plain = await get('/element/define.js');
    const br = await get('/element/define.js', { 'accept-encoding': CHROMIUM });
    const gz = await get('/element/define.js', { 'accept-encoding': 'gzip' });
    const bytes = await body(plain);
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(Buffer.from(brotliDecompressSync(await body(br)))).toEqual(Buffer.from(bytes));
    for (const response of [plain, br]) {
      expect(response.headers.get('vary')).toBe('Accept-Encoding');
      expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    }
    expect(Number(plain.headers.get('content-length'))).toBe(bytes.byteLength);
    expect(new Set([plain.headers.get('etag'), br.headers.get('etag')]).size).toBe(2);
    // A 152-byte file gains too little from gzip to keep a copy: it goes out as it is.
    expect(gz.headers.get('content-encoding') ?? 'identity').toMatch(/^(gzip|identity)$/);
  });

  it('compresses the biggest downloads: the WASM runtime to under a quarter, the model by more than a tenth', async () => {
    for (const [path, saving] of [
      [mediapipe(`${manifest.wasm}/vision_wasm_internal.wasm`), 0.75],
      [mediapipe(manifest.model), 0.1],
    ] as const) {
      const plain = Number((await get(path, {}, 'HEAD')).headers.get('content-length'));
      const br = await get(path, { 'accept-encoding': CHROMIUM }, 'HEAD');
      expect(br.headers.get('content-encoding')).toBe('br');
      expect(Number(br.headers.get('content-length'))).toBeLessThan(plain * (1 - saving));
    }
  });
});

describe('caching', () => {
  it('keeps content-hashed files a year, and revalidates the entries, the manifest and the model', async () => {
    const entry = await (await get('/element/liveproof-check.js')).text();
    const chunk = /from"\.\/(chunks\/[^"]+\.js)"/.exec(entry)?.[1];
    expect(chunk).toMatch(/^chunks\/.+-[\w-]{8}\.js$/);
    const immutable = 'public, max-age=31536000, immutable';
    expect((await get(`/element/${chunk}`)).headers.get('cache-control')).toBe(immutable);
    expect(manifest.loader).toMatch(/^\.\/[0-9a-f]{16}\/vision_bundle\.mjs$/);
    expect(manifest.wasm).toBe(manifest.loader.replace('vision_bundle.mjs', 'wasm'));
    for (const path of [manifest.loader, `${manifest.wasm}/vision_wasm_internal.js`, `${manifest.wasm}/vision_wasm_internal.wasm`]) {
      expect((await get(mediapipe(path), {}, 'HEAD')).headers.get('cache-control')).toBe(immutable);
    }
    for (const path of ['/element/define.js', '/element/liveproof-check.js', '/element/liveproof-badge.js', mediapipe('manifest.json'), mediapipe(manifest.model), '/']) {
      expect((await get(path, {}, 'HEAD')).headers.get('cache-control')).toBe('no-cache');
    }
  });

  it('answers 304 with no body to the ETag of the encoding it would send, and 200 to another', async () => {
    const first = await get('/element/define.js', { 'accept-encoding': CHROMIUM });
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]{22}"$/);
    for (const ifNoneMatch of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
      const again = await get('/element/define.js', { 'accept-encoding': CHROMIUM, 'if-none-match': ifNoneMatch });
      expect(again.status).toBe(304);
      expect((await body(again)).byteLength).toBe(0);
      expect(again.headers.get('etag')).toBe(etag);
      expect(again.headers.get('cache-control')).toBe('no-cache');
      expect(again.headers.get('vary')).toBe('Accept-Encoding');
    }
    // The brotli copy's ETag does not validate the plain bytes.
    expect((await get('/element/define.js', { 'if-none-match': etag })).status).toBe(200);
  });

  it('answers HEAD with the headers of GET and no body', async () => {
    const head = await get(mediapipe(manifest.model), { 'accept-encoding': CHROMIUM }, 'HEAD');
    const full = await get(mediapipe(manifest.model), { 'accept-encoding': CHROMIUM });
    expect(head.status).toBe(200);
    expect((await body(head)).byteLength).toBe(0);
    expect(head.headers.get('content-length')).toBe(full.headers.get('content-length'));
    expect(Number(full.headers.get('content-length'))).toBe((await body(full)).byteLength);
  });
});

describe('what is served', () => {
  it('lets pages on other origins load the assets', async () => {
    for (const path of ['/element/define.js', mediapipe('manifest.json'), mediapipe(manifest.loader), mediapipe(manifest.model)]) {
      const response = await get(path, {}, 'HEAD');
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      expect(response.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    }
  });

  it('serves only what the build listed, and nothing outside the demo pages folder', async () => {
    const hashed = manifest.wasm.replace(/^\.\//, '');
    for (const path of [
      '/element/define.js.br',
      '/element/chunks',
      '/assets/index.json',
      '/element/..%2f..%2fpackage.json',
      '/element/%2e%2e/index.json',
      `/assets/mediapipe/${hashed}/vision_wasm_module_internal.wasm`,
      '/assets/mediapipe/wasm/vision_wasm_internal.wasm',
      '/demo/..%2fsecret.txt',
      '/demo/..%2f..%2f..%2fetc%2fpasswd',
    ]) {
      expect((await get(path)).status, path).toBe(404);
    }
  });

  it('compresses the demo pages on the fly and follows their edits', async () => {
    const first = await get('/', { 'accept-encoding': CHROMIUM });
    expect(first.headers.get('content-encoding')).toBe('br');
    expect(brotliDecompressSync(await body(first)).toString()).toContain('Join your interview.');
    expect((await get('/', { 'accept-encoding': CHROMIUM, 'if-none-match': first.headers.get('etag')! })).status).toBe(304);
    await writeFile(join(publicDir, 'index.html'), `<!doctype html><title>Demo</title>${'<p>Pick a time.</p>'.repeat(40)}`);
    const edited = await get('/', { 'accept-encoding': 'gzip', 'if-none-match': first.headers.get('etag')! });
    expect(edited.status).toBe(200);
    expect(gunzipSync(await body(edited)).toString()).toContain('Pick a time.');
  });
});

describe("MediaPipe's usage log", () => {
  it('is cut from the loader the server serves, which posts its log to an inert data: URL', async () => {
    const loader = await (await get(mediapipe(manifest.loader))).text();
    expect(loader).not.toContain('odml.pa.googleapis.com');
    expect(loader).not.toMatch(/https?:\/\//);
    expect(loader).toContain('url:"data:,"');
  });

  it('is nowhere in what the server build wrote', async () => {
    const dist = join(APP_ROOT, 'dist');
    const found: string[] = [];
    for (const entry of await readdir(dist, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const path = join(entry.parentPath, entry.name);
      let bytes = await readFile(path);
      if (path.endsWith('.br')) bytes = brotliDecompressSync(bytes);
      if (path.endsWith('.gz')) bytes = gunzipSync(bytes);
      if (bytes.includes('odml.pa.googleapis.com')) found.push(path);
    }
    expect(found).toEqual([]);
  });

  it('fails the build unless the address is there exactly once and no other address is left', () => {
    const address = '"https://odml.pa.googleapis.com/v1/log"';
    const loader = `var a={url:${address},cb:"POST"};export{a};\n//# sourceMappingURL=vision_bundle_mjs.js.map\n`;
    expect(stripTelemetry(loader)).toBe('var a={url:"data:,",cb:"POST"};export{a};\n');
    expect(() => stripTelemetry('var a={url:"data:,"};')).toThrow(/found it 0 times/);
    expect(() => stripTelemetry(`${loader}var b=${address};`)).toThrow(/found it 2 times/);
    expect(() => stripTelemetry(`${loader}fetch("https://example.com/v2/log");`)).toThrow(/another address, https:\/\/example\.com\/v2\/log/);
  });
});
