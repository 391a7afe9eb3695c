/**
 * Refusals nobody can be held to (no valid credential, rate-limited, malformed before any
 * credential) are counted per window, route group and code, and written as one row per window,
 * not as a row per request: a flood of junk requests costs the database almost nothing. Refusals
 * of a request with a valid credential are audited one by one (`audit.ts`), after the rate limit.
 */
import type { Clock } from '../clock.ts';
import type { RefusalCount, Store } from '../store.ts';

export interface RefusalCounter {
  count(route: string, code: string): void;
  /** Writes the counts gathered so far. */
  flush(): Promise<void>;
  /** Counts not yet written. */
  pending(): RefusalCount[];
  stop(): Promise<void>;
}

export function createRefusalCounter(store: Store, clock: Clock, options: { windowMs?: number; onError?: (error: unknown) => void } = {}): RefusalCounter {
  const windowMs = options.windowMs ?? 60_000;
  let counts = new Map<string, RefusalCount>();
  const timer = setInterval(() => void flush().catch((error: unknown) => options.onError?.(error)), windowMs);
  timer.unref?.();

  async function flush(): Promise<void> {
    if (counts.size === 0) return;
    const batch = [...counts.values()];
    counts = new Map();
    try {
      await store.addRefusalCounts(batch);
    } catch (error) {
      // Keep them for the next flush rather than lose them.
      for (const c of batch) add(c.windowStart, c.route, c.code, c.count);
      throw error;
    }
  }

  function add(windowStart: number, route: string, code: string, n: number): void {
    const key = `${windowStart}|${route}|${code}`;
    const entry = counts.get(key);
    if (entry) entry.count += n;
    else counts.set(key, { windowStart, route, code, count: n });
  }

  return {
    count(route, code) {
      const now = clock.now();
      add(now - (now % windowMs), route.slice(0, 40), code, 1);
    },
    flush,
    pending: () => [...counts.values()].map((c) => ({ ...c })),
    async stop() {
      clearInterval(timer);
      await flush();
    },
  };
}
