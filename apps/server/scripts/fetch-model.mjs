#!/usr/bin/env node
// Puts MediaPipe's face landmarker model where the server serves it from, and checks its sha256.
// Source, in order: $LIVEPROOF_MODEL_PATH, ../shared/models/ beside the repository, MediaPipe's official address.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const MODEL_SHA256 = '64184e229b263107bc2b804c6625db1341ff2bb731874b0bcc2fe6544e0bc9ff';
export const MODEL_URL =
  'https://storage.googleapis.com/mediapipe-models/face_landmarker/face_landmarker/float16/1/face_landmarker.task';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../..');
export const MODEL_TARGET = join(here, '..', 'assets', 'models', 'face_landmarker.task');

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

async function obtain() {
  const candidates = [process.env.LIVEPROOF_MODEL_PATH, join(repoRoot, '..', 'shared', 'models', 'face_landmarker.task')];
  for (const path of candidates) {
    if (path && existsSync(path)) return { bytes: readFileSync(path), from: path };
  }
  const response = await fetch(MODEL_URL);
  if (!response.ok) throw new Error(`download failed: HTTP ${response.status} from ${MODEL_URL}`);
  return { bytes: new Uint8Array(await response.arrayBuffer()), from: MODEL_URL };
}

async function main() {
  if (existsSync(MODEL_TARGET) && sha256(readFileSync(MODEL_TARGET)) === MODEL_SHA256) return;
  const { bytes, from } = await obtain();
  const digest = sha256(bytes);
  if (digest !== MODEL_SHA256) {
    throw new Error(`face_landmarker.task from ${from} has sha256 ${digest}, expected ${MODEL_SHA256}`);
  }
  mkdirSync(dirname(MODEL_TARGET), { recursive: true });
  writeFileSync(`${MODEL_TARGET}.tmp`, bytes);
  renameSync(`${MODEL_TARGET}.tmp`, MODEL_TARGET);
  console.log(`liveproof: model ready (${(bytes.byteLength / 1e6).toFixed(1)} MB from ${from})`);
}

main().catch((error) => {
  console.error(`liveproof: could not obtain the face landmarker model: ${error.message}`);
  process.exit(1);
});
