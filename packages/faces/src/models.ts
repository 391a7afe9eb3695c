/**
 * The face models the server runs, from the `@vladmandic/human` package that installs them (never
 * fetched at run time), each checked by SHA-256 before it is loaded: a model that changed under the
 * same name would change every threshold measured with it.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The model files used, with their digests as measured and thresholds calibrated (Human 3.3.6). */
export const FACE_MODELS = {
  'blazeface.json': 'cd7bbfc078270572beb39f9e5ae67aadbd50b5e67cff37e6d4f6b3ea39312e5f',
  'blazeface.bin': 'dc9a97fdc50bc43216554bdd69aa3e7b9361a519ee7bdd996a2f69a98a6f9b72',
  'facemesh.json': 'b60ca26f404724f43bd2b1575761d8265180e1f053cc0731caa68462927309e7',
  'facemesh.bin': '3826da640b0a3021161605369ee6af293f75d518040355b960ec71a3390c1c0b',
  'faceres.json': '5b83d49c0385d2e68a05122441b94226313677cae9fcc40b9587ad50079eb4df',
  'faceres.bin': '2c7d2d62b76c97528b736527aa09d310ea71743c9e3e79fb6c62d4b2d73af79b',
} as const;

const require = createRequire(import.meta.url);

/** Where the package keeps its files. Its exports map names no `package.json`, so the entry point is resolved instead. */
export function humanRoot(): string {
  return dirname(dirname(require.resolve('@vladmandic/human')));
}

export function modelDir(): string {
  return join(humanRoot(), 'models');
}

/** The folder holding tfjs-backend-wasm's `.wasm` files, resolved from the package itself. */
export function wasmDir(): string {
  return dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
}

/** Reads each model file and compares its digest; throws on the first that differs or is missing. */
export async function checkModels(dir = modelDir()): Promise<void> {
  for (const [file, expected] of Object.entries(FACE_MODELS)) {
    const bytes = await readFile(join(dir, file)).catch(() => null);
    if (!bytes) throw new Error(`Face model ${file} is missing from ${dir}.`);
    const actual = createHash('sha256').update(bytes).digest('hex');
    if (actual !== expected) throw new Error(`Face model ${file} has SHA-256 ${actual}, not ${expected}: reinstall @vladmandic/human 3.3.6.`);
  }
}
