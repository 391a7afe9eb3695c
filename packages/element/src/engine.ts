/**
 * The face engine: MediaPipe FaceLandmarker in VIDEO mode. MediaPipe's JavaScript, its WASM runtime
 * and the model all come from the Liveproof server, never from a CDN and never from the embedder's
 * bundle: the server's `manifest.json` names a content-hashed copy of MediaPipe's loader with its
 * usage logging to Google removed, the WASM files of the same build, and the model. The loader is
 * imported by URL at run time, so no bundler ever sees MediaPipe's code (only its types, from the
 * package), and a cached WASM runtime can never meet a loader of another version.
 */
import type { FaceLandmarker } from '@mediapipe/tasks-vision';
import { LiveproofError, type TraceFrame } from '@liveproof/protocol';
import { frameFromResult } from './features.ts';

type Vision = typeof import('@mediapipe/tasks-vision');

/**
 * `<assets-base>/manifest.json`, as the Liveproof server writes it: where MediaPipe's assets are,
 * relative to the manifest's own address.
 */
export interface MediapipeManifest {
  /** The @mediapipe/tasks-vision version the files come from. */
  version: string;
  /** MediaPipe's ES module (`vision_bundle.mjs`), with its usage logging removed. */
  loader: string;
  /** The folder of the WASM runtime matching that loader (`vision_wasm_internal.js` and `.wasm`). */
  wasm: string;
  /** `face_landmarker.task`. */
  model: string;
}

export interface FaceEngineOptions {
  /** Base URL of the Liveproof server's MediaPipe assets, holding `manifest.json`. */
  assetsBase: string;
  /** How many faces to look for; 2 is enough to notice a second person. */
  maxFaces?: number;
  signal?: AbortSignal;
}

export interface FaceEngine {
  /** Analyse one video frame. `timestampMs` must increase from call to call. */
  detect(source: HTMLVideoElement | HTMLCanvasElement | ImageBitmap | VideoFrame, timestampMs: number, t: number, luma: number): TraceFrame;
  close(): void;
}

/** Reads the manifest and imports the loader it names; returns the loader and the absolute addresses. */
async function loadMediapipe(assetsBase: string, signal: AbortSignal | undefined): Promise<{ vision: Vision; wasm: string; model: string }> {
  const manifestUrl = new URL(`${assetsBase.replace(/\/+$/, '')}/manifest.json`, document.baseURI);
  const response = await fetch(manifestUrl, { signal });
  if (!response.ok) throw new Error(`${manifestUrl.href}: HTTP ${response.status}`);
  const manifest = (await response.json()) as MediapipeManifest;
  const at = (path: string) => new URL(path, manifestUrl).href;
  // A URL known only at run time: bundlers leave this import alone (and are told to).
  const vision = (await import(/* @vite-ignore */ /* webpackIgnore: true */ at(manifest.loader))) as Vision;
  return { vision, wasm: at(manifest.wasm).replace(/\/+$/, ''), model: at(manifest.model) };
}

export async function createFaceEngine(options: FaceEngineOptions): Promise<FaceEngine> {
  const { assetsBase, maxFaces = 2, signal } = options;
  let landmarker: FaceLandmarker;
  try {
    const { vision, wasm, model } = await loadMediapipe(assetsBase, signal);
    signal?.throwIfAborted();
    const fileset = await vision.FilesetResolver.forVisionTasks(wasm);
    signal?.throwIfAborted();
    landmarker = await vision.FaceLandmarker.createFromOptions(fileset, {
      baseOptions: { modelAssetPath: model, delegate: 'CPU' },
      runningMode: 'VIDEO',
      numFaces: maxFaces,
      outputFaceBlendshapes: true,
      outputFacialTransformationMatrixes: true,
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new LiveproofError('model_load_failed', 'The face model could not be loaded.', { cause: error });
  }
  if (signal?.aborted) {
    landmarker.close();
    signal.throwIfAborted();
  }
  let lastTimestamp = -Infinity;
  return {
    detect(source, timestampMs, t, luma) {
      // MediaPipe's VIDEO mode rejects timestamps that do not increase.
      const ts = timestampMs > lastTimestamp ? timestampMs : lastTimestamp + 0.001;
      lastTimestamp = ts;
      return frameFromResult(landmarker.detectForVideo(source, ts), t, luma);
    },
    close() {
      landmarker.close();
    },
  };
}
