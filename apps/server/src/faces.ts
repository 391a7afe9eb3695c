/**
 * The face model in worker threads (piscina): the runnable server's `FaceMeasurer`. Threads start
 * when the first high-assurance result arrives (each loads the model once, about a second) and
 * stop after ten idle minutes, so a server whose integrations never ask for crops spends nothing.
 * As many threads as scoring has; LIVEPROOF_FACE_THREADS changes it (0: on the event loop).
 */
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { inlineFaceMeasurer, type FaceMeasurer } from '@liveproof/server';

export interface FacePool {
  faces: FaceMeasurer;
  threads: number;
  close(): Promise<void>;
}

export function createFacePool(threads = Math.max(1, availableParallelism() - 1)): FacePool {
  if (threads === 0) return { faces: inlineFaceMeasurer(), threads: 0, close: async () => {} };
  const pool = new Piscina({ filename: new URL('./face-worker.js', import.meta.url).href, minThreads: 0, maxThreads: threads, idleTimeout: 10 * 60_000 });
  return {
    faces: { measure: (jpeg, options) => pool.run({ jpeg, embed: options.embed }) },
    threads,
    close: () => pool.destroy(),
  };
}
