/**
 * Measures small JPEG face crops with Human (`@vladmandic/human`) on TensorFlow.js's WebAssembly
 * backend, on the CPU, with models from local files. One analyser holds one model set (about 200 MB);
 * the runnable server keeps one per worker thread, off the request's event loop.
 *
 * What a measurement holds: how many faces, the detector's score, the face box in the crop, head
 * pose in degrees (in Liveproof's trace convention), mouth and eye openness from the mesh, the mean
 * colour of the face against the rest of the crop, and, when asked, the face embedding (1024 values).
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import jpeg from 'jpeg-js';
import { checkModels, humanRoot, modelDir, wasmDir } from './models.ts';
import type { FaceMeasure, Rgb } from './measure.ts';

/** The part of Human's API used here (its own types pull in the whole of tfjs). */
interface HumanFace {
  score: number;
  boxScore: number;
  box: [number, number, number, number];
  mesh: [number, number, number?][];
  rotation?: { angle: { roll: number; yaw: number; pitch: number } } | null;
  embedding?: number[];
}
interface HumanTensor {
  dispose(): void;
}
interface HumanInstance {
  tf: { tensor3d(values: Int32Array, shape: [number, number, number], dtype: 'int32'): HumanTensor };
  load(): Promise<void>;
  detect(input: HumanTensor, config?: Record<string, unknown>): Promise<{ face: HumanFace[] }>;
  match: { similarity(a: number[], b: number[]): number };
}

export interface FaceAnalyser {
  measure(jpegBytes: Uint8Array, options?: { embed?: boolean }): Promise<FaceMeasure>;
  /** Human's similarity of two embeddings, 0..1 (its own normalisation: above about 0.5 the same person). */
  similarity(a: number[], b: number[]): number;
}

const require = createRequire(import.meta.url);
/** Crops larger than this are refused before decoding (a 224 px JPEG is far smaller). */
export const MAX_CROP_BYTES = 64 * 1024;
const MAX_CROP_SIDE = 320;

function config(embed: boolean): Record<string, unknown> {
  return {
    debug: false,
    backend: 'wasm',
    wasmPath: `${pathToFileURL(wasmDir()).href}/`,
    wasmPlatformFetch: false,
    modelBasePath: `${pathToFileURL(modelDir()).href}/`,
    cacheSensitivity: 0,
    skipAllowed: false,
    filter: { enabled: false },
    face: {
      enabled: true,
      detector: { enabled: true, rotation: false, maxDetected: 3, minConfidence: 0.3, skipFrames: 0, return: false },
      mesh: { enabled: true },
      iris: { enabled: false },
      attention: { enabled: false },
      description: { enabled: embed, skipFrames: 0 },
      emotion: { enabled: false },
      antispoof: { enabled: false },
      liveness: { enabled: false },
      gear: { enabled: false },
    },
    body: { enabled: false },
    hand: { enabled: false },
    object: { enabled: false },
    gesture: { enabled: false },
    segmentation: { enabled: false },
  };
}

/**
 * Node's fetch has no `file:` scheme; tfjs loads the models and the WebAssembly with fetch. Local
 * files under the two package folders are answered from disk; anything else is refused, so no
 * model can come from the network.
 */
function installFileFetch(): void {
  const key = Symbol.for('liveproof.faces.fileFetch');
  const global = globalThis as typeof globalThis & { [key: symbol]: boolean };
  if (global[key]) return;
  global[key] = true;
  const roots = [pathToFileURL(modelDir()).href, pathToFileURL(wasmDir()).href];
  const original = globalThis.fetch;
  globalThis.fetch = async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!url.startsWith('file:')) return original(input, init);
    if (!roots.some((root) => url.startsWith(root))) throw new Error(`Refused to load ${url}: not a Liveproof face model.`);
    const bytes = await readFile(new URL(url));
    const type = url.endsWith('.json') ? 'application/json' : url.endsWith('.wasm') ? 'application/wasm' : 'application/octet-stream';
    return new Response(bytes, { headers: { 'content-type': type } });
  };
}

export async function createFaceAnalyser(): Promise<FaceAnalyser> {
  await checkModels();
  installFileFetch();
  const { Human } = require(`${humanRoot()}/dist/human.node-wasm.js`) as { Human: new (config: Record<string, unknown>) => HumanInstance };
  const human = new Human(config(true));
  await human.load();
  // Human merges a call's config into its own for good: each call passes the whole of it.
  const plain = config(false);
  const embedding = config(true);
  // One crop at a time: Human keeps each call's settings on the instance, so calls must not overlap.
  let queue: Promise<unknown> = Promise.resolve();
  const measureOne = async (bytes: Uint8Array, options: { embed?: boolean }): Promise<FaceMeasure> => {
    if (bytes.byteLength > MAX_CROP_BYTES) throw new RangeError(`A face crop is ${bytes.byteLength} bytes; at most ${MAX_CROP_BYTES}.`);
    const image = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, maxResolutionInMP: 0.1, maxMemoryUsageInMB: 16 });
    if (image.width > MAX_CROP_SIDE || image.height > MAX_CROP_SIDE) throw new RangeError(`A face crop is ${image.width}x${image.height}; at most ${MAX_CROP_SIDE} px a side.`);
    const rgb = Int32Array.from(image.data);
    const tensor = human.tf.tensor3d(rgb, [image.height, image.width, 3], 'int32');
    try {
      const result = await human.detect(tensor, options.embed ? embedding : plain);
      return describe(result.face, image.data, image.width, image.height);
    } finally {
      tensor.dispose();
    }
  };
  return {
    measure(bytes, options = {}) {
      const next = queue.then(() => measureOne(bytes, options));
      queue = next.catch(() => undefined);
      return next;
    },
    similarity: (a, b) => human.match.similarity(a, b),
  };
}

const RAD = 180 / Math.PI;

function describe(faces: HumanFace[], pixels: Uint8Array, width: number, height: number): FaceMeasure {
  const found = faces.filter((face) => face.score > 0);
  const face = found.sort((a, b) => b.box[2] * b.box[3] - a.box[2] * a.box[3])[0];
  const all = meanRgb(pixels, width, 0, 0, width, height);
  if (!face) return { faces: 0, colour: { face: null, rest: all } };
  const [x, y, w, h] = face.box;
  const angle = face.rotation?.angle;
  // Inside: the middle of the box (cheeks, nose, forehead), away from hair and background.
  const inner = meanRgb(pixels, width, x + w * 0.25, y + h * 0.2, w * 0.5, h * 0.6);
  const rest = meanOutside(pixels, width, height, x, y, w, h) ?? all;
  return {
    faces: found.length,
    score: round(face.score, 3),
    box: [round(x / width, 4), round(y / height, 4), round(w / width, 4), round(h / height, 4)],
    // Human's angles, turned into the trace's convention (all three signs flipped: measured on the shared clips, bench:faces).
    ...(angle ? { pose: [round(-angle.yaw * RAD, 2), round(-angle.pitch * RAD, 2), round(-angle.roll * RAD, 2)] as [number, number, number] } : {}),
    ...openness(face.mesh),
    colour: { face: inner, rest },
    ...(face.embedding?.length ? { embedding: face.embedding.map((v) => round(v, 5)) } : {}),
  };
}

function distance(a: [number, number, number?] | undefined, b: [number, number, number?] | undefined): number {
  if (!a || !b) return 0;
  return Math.hypot(a[0] - b[0], a[1] - b[1]);
}

/** Mouth opening over mouth width, and each eye's opening over its width (facemesh's 468-point indices). */
function openness(mesh: HumanFace['mesh']): { mouth?: number; eyes?: number } {
  if (mesh.length < 468) return {};
  const mouthWidth = distance(mesh[61], mesh[291]);
  const left = distance(mesh[159], mesh[145]) / (distance(mesh[33], mesh[133]) || 1);
  const right = distance(mesh[386], mesh[374]) / (distance(mesh[362], mesh[263]) || 1);
  return { mouth: round(distance(mesh[13], mesh[14]) / (mouthWidth || 1), 3), eyes: round((left + right) / 2, 3) };
}

function meanRgb(pixels: Uint8Array, width: number, x0: number, y0: number, w: number, h: number): Rgb {
  const sums = [0, 0, 0];
  let count = 0;
  const height = pixels.length / 3 / width;
  for (let y = Math.max(0, Math.floor(y0)); y < Math.min(height, Math.ceil(y0 + h)); y++) {
    for (let x = Math.max(0, Math.floor(x0)); x < Math.min(width, Math.ceil(x0 + w)); x++) {
      const i = (y * width + x) * 3;
      sums[0]! += pixels[i]!;
      sums[1]! += pixels[i + 1]!;
      sums[2]! += pixels[i + 2]!;
      count++;
    }
  }
  return count ? [round(sums[0]! / count, 1), round(sums[1]! / count, 1), round(sums[2]! / count, 1)] : [0, 0, 0];
}

function meanOutside(pixels: Uint8Array, width: number, height: number, x: number, y: number, w: number, h: number): Rgb | null {
  const sums = [0, 0, 0];
  let count = 0;
  for (let py = 0; py < height; py++) {
    for (let px = 0; px < width; px++) {
      if (px >= x && px < x + w && py >= y && py < y + h) continue;
      const i = (py * width + px) * 3;
      sums[0]! += pixels[i]!;
      sums[1]! += pixels[i + 1]!;
      sums[2]! += pixels[i + 2]!;
      count++;
    }
  }
  return count > width * height * 0.05 ? [round(sums[0]! / count, 1), round(sums[1]! / count, 1), round(sums[2]! / count, 1)] : null;
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
