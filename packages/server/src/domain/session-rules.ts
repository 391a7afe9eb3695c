/**
 * The session rules, in one place: what an attempt's status is, what counts toward the attempt
 * limit, what a session's status is, whether it may take another attempt, and which lifecycle
 * events a change causes. The stores call `admit` and `settle` inside their transactions; views,
 * the result response and webhooks read statuses from here. Pure functions of plain records.
 *
 * - Re-checks (an interviewer's short check during the call) never count toward the limit and
 *   never change the session's status: a session is what its checks say.
 * - A check the candidate stopped because of the flashing colours (`stopped_flashing`) does not
 *   use up an attempt, up to `FREE_STOPS` per session; past that, stops count like any attempt,
 *   so stopping cannot become a way to draw plans without end.
 * - `session.passed`, `session.failed` and `session.expired` fire once, on the transition from
 *   `open`, whether a result or the sweep (abandoned attempts, expiry) causes it.
 */
import type { AttemptStatus, SessionStatus } from '@liveproof/protocol';
import type { AttemptKind, AttemptRefusal, AttemptState, SessionRecord } from '../store.ts';

/** Flashing-colour stops per session that do not use up an attempt. */
export const FREE_STOPS = 3;

const isCheck = (a: AttemptState) => a.kind === 'check';
const isStop = (a: AttemptState) => a.status === 'failed' && a.reasons.includes('stopped_flashing');

/** An attempt as the API reports it: `abandoned` once its plan expired unanswered, `stopped` for a flashing stop. */
export function attemptStatus(attempt: AttemptState, now: number): AttemptStatus {
  if (attempt.status === 'started' && now > attempt.expiresAt) return 'abandoned';
  if (isStop(attempt)) return 'stopped';
  return attempt.status;
}

/** How many of the session's allowed attempts its checks have used. */
export function checksUsed(attempts: readonly AttemptState[]): number {
  let freeStops = FREE_STOPS;
  let used = 0;
  for (const attempt of attempts) {
    if (!isCheck(attempt)) continue;
    if (isStop(attempt) && freeStops > 0) freeStops--;
    else used++;
  }
  return used;
}

/**
 * Passed once a check passed; failed once every allowed attempt is used up without a pass and none
 * is still running; expired once the session's time is up with none running; open otherwise.
 */
export function sessionStatus(session: SessionRecord, attempts: readonly AttemptState[], now: number): SessionStatus {
  const checks = attempts.filter(isCheck);
  if (checks.some((a) => a.status === 'passed')) return 'passed';
  const running = checks.some((a) => attemptStatus(a, now) === 'started');
  if (running) return 'open';
  if (checksUsed(checks) >= session.attemptLimit) return 'failed';
  if (now > session.expiresAt) return 'expired';
  return 'open';
}

export function attemptsRemaining(session: SessionRecord, attempts: readonly AttemptState[]): number {
  if (attempts.some((a) => isCheck(a) && a.status === 'passed')) return 0;
  return Math.max(0, session.attemptLimit - checksUsed(attempts));
}

/**
 * Whether the session may take another attempt of `kind`. A check needs an open session with an
 * attempt left; a re-check needs only the interviewer's request, which the store checks.
 */
export function admit(session: SessionRecord, attempts: readonly AttemptState[], kind: AttemptKind): AttemptRefusal | null {
  if (kind === 'recheck') return null;
  if (attempts.some((a) => isCheck(a) && a.status === 'passed')) return 'session_passed';
  if (checksUsed(attempts) >= session.attemptLimit) return 'limit_reached';
  if (session.status !== 'open') return 'session_closed';
  return null;
}

/** What happened, for webhooks: an attempt's result, and the session's transition if there was one. */
export type LifecycleEvent =
  | { type: 'attempt.completed'; attemptId: string }
  | { type: 'session.passed' | 'session.failed' | 'session.expired'; attemptId: string | null; cause: 'result' | 'abandoned' | 'expired' };

export interface Settled {
  /** The new status, when the session left `open`. */
  status?: SessionStatus;
  /** In the order receivers must see them. */
  events: LifecycleEvent[];
}

/**
 * What the session's attempts mean after `completed` (a result just recorded) or on a sweep (none).
 * The session's stored status is the one its last event was sent for, so a transition is seen once.
 */
export function settle(session: SessionRecord, attempts: readonly AttemptState[], completed: AttemptState | null, now: number): Settled {
  const events: LifecycleEvent[] = completed ? [{ type: 'attempt.completed', attemptId: completed.id }] : [];
  if (session.status !== 'open') return { events };
  const status = sessionStatus(session, attempts, now);
  if (status === 'open') return { events };
  // The check that decided it: the result just in, or (on a sweep) the session's last check.
  const decidedBy = completed?.kind === 'check' ? completed : attempts.filter(isCheck).at(-1);
  const cause = completed?.kind === 'check' ? 'result' : status === 'expired' ? 'expired' : 'abandoned';
  events.push({ type: `session.${status}`, attemptId: decidedBy?.id ?? null, cause });
  return { status, events };
}
