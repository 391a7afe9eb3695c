/**
 * Static assets the check needs, all served by this server so nothing loads from a CDN at run
 * time: the built element, MediaPipe's WASM runtime, the face model and the demo pages.
 */
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { Hono } from 'hono';

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.task': 'application/octet-stream',
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** Serves files under `root` at `prefix`, refusing anything that escapes `root`. */
function directory(root: string, cacheControl: string) {
  return async (path: string): Promise<Response | undefined> => {
    const file = normalize(join(root, path));
    if (!file.startsWith(root + sep) && file !== root) return undefined;
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) return undefined;
    return new Response(await readFile(file), {
      headers: {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'content-length': String(info.size),
        'cache-control': cacheControl,
        // The WASM runtime needs to be loadable from pages on other origins that embed the check.
        'access-control-allow-origin': '*',
        'cross-origin-resource-policy': 'cross-origin',
      },
    });
  };
}

export interface AssetPaths {
  elementDist: string;
  wasmDir: string;
  modelPath: string;
  publicDir: string;
}

export function assetRoutes(paths: AssetPaths) {
  for (const [name, path] of Object.entries(paths)) {
    if (!existsSync(path)) throw new Error(`liveproof: missing ${name} at ${path} (run the build and the model setup first)`);
  }
  const element = directory(paths.elementDist, 'public, max-age=300');
  const wasm = directory(paths.wasmDir, 'public, max-age=86400');
  const publicFiles = directory(paths.publicDir, 'no-cache');
  const model = directory(paths.modelPath.slice(0, paths.modelPath.lastIndexOf(sep)), 'public, max-age=86400');
  const modelName = paths.modelPath.slice(paths.modelPath.lastIndexOf(sep) + 1);

  const app = new Hono();
  app.get('/element/*', async (c, next) => (await element(c.req.path.slice('/element/'.length))) ?? next());
  app.get('/assets/mediapipe/wasm/*', async (c, next) => (await wasm(c.req.path.slice('/assets/mediapipe/wasm/'.length))) ?? next());
  app.get('/assets/mediapipe/face_landmarker.task', async (_c, next) => (await model(modelName)) ?? next());
  app.get('/', async (_c, next) => (await publicFiles('index.html')) ?? next());
  app.get('/demo/*', async (c, next) => (await publicFiles(c.req.path.slice('/demo/'.length))) ?? next());
  return app;
}
