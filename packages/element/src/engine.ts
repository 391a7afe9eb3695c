/**
 * The face engine: MediaPipe FaceLandmarker in VIDEO mode, loaded from the Liveproof server's own
 * assets (WASM and model), never from a CDN. MediaPipe is imported lazily so the element's own
 * script stays small and the page shows the check's first screen before the model arrives.
 */
import type { FaceLandmarker } from '@mediapipe/tasks-vision';
import { LiveproofError, type TraceFrame } from '@liveproof/protocol';
import { frameFromResult } from './features.ts';

export interface FaceEngineOptions {
  /** Base URL holding `wasm/` and `face_landmarker.task`. */
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

function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path}`;
}

export async function createFaceEngine(options: FaceEngineOptions): Promise<FaceEngine> {
  const { assetsBase, maxFaces = 2, signal } = options;
  let landmarker: FaceLandmarker;
  try {
    const vision = await import('@mediapipe/tasks-vision');
    signal?.throwIfAborted();
    const fileset = await vision.FilesetResolver.forVisionTasks(joinUrl(assetsBase, 'wasm'));
    signal?.throwIfAborted();
    landmarker = await vision.FaceLandmarker.createFromOptions(fileset, {
      baseOptions: { modelAssetPath: joinUrl(assetsBase, 'face_landmarker.task'), delegate: 'CPU' },
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
