/**
 * Static assets the check needs, all served by this server so nothing loads from a CDN at run
 * time, compressed, with validators, and cached for a year where the name carries a content hash:
 *
 *   /element/define.js, liveproof-check.js, liveproof-badge.js   the element's browser
 *       bundle (revalidated, so a deploy reaches pages at once) and its chunks under /element/chunks/
 *   /assets/mediapipe/manifest.json   where the element finds MediaPipe (revalidated)
 *   /assets/mediapipe/<hash>/...       MediaPipe's loader (usage logging removed) and its WASM
 *   /assets/mediapipe/face_landmarker.task   the model (revalidated)
 *   /, /demo/*                         the demo pages, from apps/server/public as they are on disk
 *                                      (only when the demo is on)
 *
 * The build prepares everything but the demo pages in dist/static (scripts/build-static.ts).
 */
import { Hono, type Context, type Next } from 'hono';
import { builtFiles, liveFiles, respond, type ServedFile } from './static-files.ts';
import { STATIC_DIR } from './static-index.ts';

export interface AssetPaths {
  /** The demo pages, served when given (the demo is on). */
  publicDir?: string;
  /** What the build prepared; default this app's dist/static. */
  staticDir?: string;
}

export function assetRoutes(paths: AssetPaths) {
  const built = builtFiles(paths.staticDir ?? STATIC_DIR);
  const serve = async (c: Context, next: Next, file: ServedFile | undefined) => (file ? respond(c.req.raw, file) : next());

  const app = new Hono();
  app.get('/element/*', (c, next) => serve(c, next, built(c.req.path.slice(1))));
  app.get('/assets/*', (c, next) => serve(c, next, built(c.req.path.slice(1))));
  if (paths.publicDir) {
    const demo = liveFiles(paths.publicDir);
    app.get('/', async (c, next) => serve(c, next, await demo('index.html')));
    app.get('/demo/*', async (c, next) => serve(c, next, await demo(c.req.path.slice('/demo/'.length))));
  }
  return app;
}
