/** Where the runnable server finds its static assets, whether run from source or from dist/. */
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** apps/server/ (this file is src/paths.ts in development and bundled into dist/main.js when built). */
export const APP_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const REPO_ROOT = resolve(APP_ROOT, '../..');
export const PUBLIC_DIR = join(APP_ROOT, 'public');
export const MODEL_PATH = join(APP_ROOT, 'assets', 'models', 'face_landmarker.task');
export const ELEMENT_DIST = join(REPO_ROOT, 'packages', 'element', 'dist');
export const MEDIAPIPE_WASM_DIR = dirname(createRequire(join(APP_ROOT, 'package.json')).resolve('@mediapipe/tasks-vision/vision_wasm_internal.wasm'));
