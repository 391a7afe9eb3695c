/**
 * Scoring in worker threads (piscina): the runnable server's `Scorer`. One thread fewer than the
 * machine has cores (at least one), so the event loop keeps a core to answer other requests;
 * LIVEPROOF_SCORING_THREADS changes it (0 scores on the event loop, as tests of the library do).
 */
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { inlineScorer, type Scorer } from '@liveproof/server';

export interface ScoringPool {
  scorer: Scorer;
  threads: number;
  close(): Promise<void>;
}

export function createScoringPool(threads = Math.max(1, availableParallelism() - 1)): ScoringPool {
  if (threads === 0) return { scorer: inlineScorer, threads: 0, close: async () => {} };
  const pool = new Piscina({ filename: new URL('./score-worker.js', import.meta.url).href, minThreads: threads, maxThreads: threads, idleTimeout: 60_000 });
  return {
    scorer: (input) => pool.run(input),
    threads,
    close: () => pool.destroy(),
  };
}
