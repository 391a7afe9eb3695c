/** Stored records as the API shows them, with statuses derived rather than stored. */
import type { AttemptStatus, AttemptSummary, SessionStatus, SessionView } from '@liveproof/protocol';
import type { AttemptRecord, SessionRecord } from './store.ts';

const iso = (ms: number): string => new Date(ms).toISOString();

export function attemptStatus(attempt: AttemptRecord, now: number): AttemptStatus {
  if (attempt.status === 'started' && now > attempt.expiresAt) return 'abandoned';
  return attempt.status;
}

/** Passed once any attempt passed; failed once every allowed attempt is used up without a pass. */
export function sessionStatus(session: SessionRecord, all: readonly AttemptRecord[], now: number): SessionStatus {
  // Re-checks during the call are reported on their own; the session's status is its checks'.
  const attempts = all.filter((a) => a.kind === 'check');
  if (attempts.some((a) => a.status === 'passed')) return 'passed';
  const open = attempts.some((a) => attemptStatus(a, now) === 'started');
  if (attempts.length >= session.attemptLimit && !open) return 'failed';
  if (now > session.expiresAt) return 'expired';
  return 'open';
}

export function attemptsRemaining(session: SessionRecord, all: readonly AttemptRecord[]): number {
  const attempts = all.filter((a) => a.kind === 'check');
  if (attempts.some((a) => a.status === 'passed')) return 0;
  return Math.max(0, session.attemptLimit - attempts.length);
}

export function attemptSummary(attempt: AttemptRecord, now: number): AttemptSummary {
  const summary: AttemptSummary = {
    id: attempt.id,
    sequence: attempt.sequence,
    kind: attempt.kind,
    status: attemptStatus(attempt, now),
    challenges: attempt.challenges,
    createdAt: iso(attempt.createdAt),
    reasons: attempt.reasons,
    steps: attempt.steps,
    signals: attempt.signals,
  };
  if (attempt.completedAt !== null) summary.completedAt = iso(attempt.completedAt);
  if (attempt.ip !== null) summary.ip = attempt.ip;
  if (attempt.userAgent !== null) summary.userAgent = attempt.userAgent;
  if (attempt.timings !== null) summary.timings = attempt.timings;
  return summary;
}

export function sessionView(session: SessionRecord, attempts: readonly AttemptRecord[], now: number, withAttempts: boolean): SessionView {
  const view: SessionView = {
    id: session.id,
    candidateRef: session.candidateRef,
    interviewRef: session.interviewRef,
    audience: session.audience,
    status: sessionStatus(session, attempts, now),
    attemptLimit: session.attemptLimit,
    attemptsUsed: attempts.filter((a) => a.kind === 'check').length,
    createdAt: iso(session.createdAt),
    expiresAt: iso(session.expiresAt),
  };
  if (withAttempts) view.attempts = attempts.map((a) => attemptSummary(a, now));
  return view;
}

export { iso };
