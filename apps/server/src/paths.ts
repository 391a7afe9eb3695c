/** Where the runnable server finds its static assets, whether run from source or from dist/. */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** apps/server/ (this file is src/paths.ts in development and bundled into dist/main.js when built). */
export const APP_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const PUBLIC_DIR = join(APP_ROOT, 'public');
/** The hosted check page (`hosted.ts`). */
export const HOSTED_DIR = join(APP_ROOT, 'hosted');
/** The face model, put there by set-up (scripts/fetch-model.mjs). */
export const MODEL_PATH = join(APP_ROOT, 'assets', 'models', 'face_landmarker.task');
