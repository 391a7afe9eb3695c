/**
 * Stored records as the API shows them, with statuses from the session rules. Views for viewers
 * (the interviewer's badge, the candidate's own page) leave out what they do not need: addresses,
 * user agents and the hiring system's references.
 */
import type { AttemptSummary, SessionView } from '@liveproof/protocol';
import type { AttemptRecord, SessionRecord } from '../store.ts';
import { attemptStatus, checksUsed, sessionStatus } from './session-rules.ts';

export const iso = (ms: number): string => new Date(ms).toISOString();

export function attemptSummary(attempt: AttemptRecord, now: number, audience: 'hiring' | 'viewer' = 'hiring'): AttemptSummary {
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
  if (audience === 'hiring') {
    if (attempt.ip !== null) summary.ip = attempt.ip;
    if (attempt.userAgent !== null) summary.userAgent = attempt.userAgent;
  }
  if (attempt.timings !== null) summary.timings = attempt.timings;
  if (attempt.risk !== null) summary.risk = attempt.risk;
  if (attempt.faces !== null) summary.faces = attempt.faces;
  return summary;
}

/** The session's interview, or null outside any (stored as ''). */
export function interviewOf(session: Pick<SessionRecord, 'interviewRef'>): string | null {
  return session.interviewRef === '' ? null : session.interviewRef;
}

export function sessionView(session: SessionRecord, attempts: readonly AttemptRecord[], now: number, withAttempts: boolean): SessionView {
  const view: SessionView = {
    id: session.id,
    candidateRef: session.candidateRef,
    interviewRef: interviewOf(session),
    audience: session.audience,
    status: sessionStatus(session, attempts, now),
    attemptLimit: session.attemptLimit,
    attemptsUsed: checksUsed(attempts),
    createdAt: iso(session.createdAt),
    expiresAt: iso(session.expiresAt),
  };
  if (session.claims) view.claims = session.claims;
  if (withAttempts) view.attempts = attempts.map((a) => attemptSummary(a, now));
  return view;
}

/** The session as a viewer's stream shows it: status and attempts, no references, addresses or user agents. */
export function viewerSessionView(session: SessionRecord, attempts: readonly AttemptRecord[], now: number) {
  return {
    id: session.id,
    status: sessionStatus(session, attempts, now),
    attemptLimit: session.attemptLimit,
    attemptsUsed: checksUsed(attempts),
    createdAt: iso(session.createdAt),
    expiresAt: iso(session.expiresAt),
    attempts: attempts.map((a) => attemptSummary(a, now, 'viewer')),
  };
}
