/**
 * What runs on a timer, on every instance (each step is safe to run on several at once):
 * - the sweep: sessions whose last attempt was abandoned, or whose time ran out, reach their final
 *   state, with their `session.failed` or `session.expired` webhook, exactly once;
 * - the purge: audit rows, counted refusals and finished webhook messages after `retentionDays`;
 *   traces, addresses, user agents and device facts after `evidenceRetentionDays` (verdicts stay);
 *   reference images after their integration's period; revoked-token records once moot;
 * - signing-key rotation when the schedule says so.
 */
import type { Deps } from '../context.ts';
import type { PurgeCounts } from '../store.ts';
import { settlementRule } from './settlement.ts';

const DAY_MS = 24 * 3600 * 1000;

export async function sweepSessions(deps: Deps, limit = 500): Promise<number> {
  const now = deps.clock.now();
  const ids = await deps.store.sessionsToSettle(now, limit);
  let settled = 0;
  for (const id of ids) {
    const session = await deps.store.getSession(id);
    if (!session) continue;
    const endpoints = await deps.store.listWebhookEndpoints(session.integrationId);
    if ((await deps.store.settleSession(id, settlementRule(endpoints, now, deps.random), now)) !== null) settled++;
  }
  return settled;
}

export function purgeExpired(deps: Deps): Promise<PurgeCounts> {
  const now = deps.clock.now();
  return deps.store.purge({ now, recordsBefore: now - deps.config.retentionDays * DAY_MS, evidenceBefore: now - deps.config.evidenceRetentionDays * DAY_MS, linksBefore: now - deps.config.linkWindowDays * DAY_MS });
}

export interface Maintenance {
  start(): void;
  stop(): void;
  /** One round of everything, now. */
  runOnce(): Promise<{ settled: number; purged: PurgeCounts; rotated: string | null }>;
}

export function createMaintenance(deps: Deps, options: { sweepMs?: number; purgeMs?: number; onError?: (error: unknown) => void } = {}): Maintenance {
  const timers: ReturnType<typeof setInterval>[] = [];
  const guard = (task: () => Promise<unknown>) => () => void task().catch((error: unknown) => options.onError?.(error));
  return {
    start() {
      const sweep = guard(() => sweepSessions(deps));
      const purge = guard(async () => {
        await purgeExpired(deps);
        await deps.keys.rotateIfDue();
      });
      timers.push(setInterval(sweep, options.sweepMs ?? 30_000), setInterval(purge, options.purgeMs ?? 3_600_000));
      for (const timer of timers) timer.unref?.();
      sweep();
      purge();
    },
    stop() {
      for (const timer of timers.splice(0)) clearInterval(timer);
    },
    async runOnce() {
      const settled = await sweepSessions(deps);
      const purged = await purgeExpired(deps);
      const rotated = await deps.keys.rotateIfDue();
      return { settled, purged, rotated };
    },
  };
}
