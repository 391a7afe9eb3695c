/**
 * What runs on a timer, on every instance (each step is safe to run on several at once):
 * - the sweep: sessions whose last attempt was abandoned, or whose time ran out, reach their final
 *   state, with their `session.failed` or `session.expired` webhook, exactly once; and attempts
 *   that never sent a result get the network facts the server saw of them (address, lists, UDP
 *   path, time zone, claims), so a candidate who walks away from a proxy is on record too;
 * - the purge: audit rows, counted refusals and finished webhook messages after `retentionDays`;
 *   traces, addresses, user agents and device facts after `evidenceRetentionDays` (verdicts stay);
 *   reference images after their integration's period; revoked-token records once moot;
 * - signing-key rotation when the schedule says so.
 */
import type { RiskFacts } from '@liveproof/protocol';
import type { Deps } from '../context.ts';
import { compareClaims } from '../network/claims.ts';
import { observeNetwork, reportedFacts } from '../network/facts.ts';
import type { PurgeCounts } from '../store.ts';
import { planFacts } from './plan.ts';
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

/**
 * The facts of attempts that expired without a result: what the server saw at the start and on the
 * UDP path (no round trips, which travel with a result; no links, which a result makes).
 */
export async function recordAbandonedFacts(deps: Deps, limit = 500): Promise<number> {
  const now = deps.clock.now();
  let recorded = 0;
  for (const attempt of await deps.store.attemptsWithoutFacts(now, limit)) {
    const session = await deps.store.getSession(attempt.sessionId);
    if (!session) continue;
    const plan = planFacts(attempt);
    const udp = plan.iceUfrag ? await deps.store.listUdpObservations(plan.iceUfrag) : null;
    const zone = attempt.device?.timeZone;
    const observed = observeNetwork({ intel: deps.network.intel, startIp: attempt.ip, resultIp: null, udp, timeZone: zone, localAddresses: deps.network.localAddresses, rtt: null });
    const claimed = compareClaims(session.claims, observed, zone, now);
    const risk: RiskFacts = { observed, reported: reportedFacts(attempt.device, undefined, []), ...(claimed ? { claimed } : {}), recorded: [] };
    if (await deps.store.recordAttemptFacts(attempt.id, risk)) recorded++;
  }
  return recorded;
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
      const sweep = guard(async () => {
        await sweepSessions(deps);
        await recordAbandonedFacts(deps);
      });
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
      await recordAbandonedFacts(deps);
      const purged = await purgeExpired(deps);
      const rotated = await deps.keys.rotateIfDue();
      return { settled, purged, rotated };
    },
  };
}
