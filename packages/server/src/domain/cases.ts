/**
 * The review queue: a session whose attempt carried a flagged signal has a case (opened in the
 * result's own transaction, see `settlement.ts`), which security staff decide: cleared, confirmed
 * fraud, or an in-person check needed, with a note. A decision is audited and sent as a
 * `case.decided` webhook in one transaction; the hiring system reads cases through its API.
 */
import { LiveproofError, SIGNAL_TEXT } from '@liveproof/protocol';
import type { Deps, RequestInfo } from '../context.ts';
import { newId } from '../random.ts';
import type { CaseDecision, CaseRecord, NewWebhookMessage, SessionRecord } from '../store.ts';
export type { CaseDecision };
import { audit } from './audit.ts';
import { iso, interviewOf, sessionView } from './views.ts';

export const CASE_DECISIONS: readonly CaseDecision[] = ['cleared', 'fraud', 'in_person'];

/** A case as lists show it. */
export function caseSummary(record: CaseRecord, session: SessionRecord | null) {
  return {
    id: record.id,
    sessionId: record.sessionId,
    candidateRef: session?.candidateRef ?? null,
    interviewRef: session ? interviewOf(session) : null,
    status: record.status,
    signals: record.signals,
    openedAt: iso(record.openedAt),
    updatedAt: iso(record.updatedAt),
    decision: record.decision,
    note: record.note,
    decidedAt: record.decidedAt === null ? null : iso(record.decidedAt),
    decidedBy: record.decidedBy,
  };
}

/** Cases with their sessions, for a list. */
export async function caseSummaries(deps: Deps, records: readonly CaseRecord[]) {
  const sessions = await Promise.all(records.map((r) => deps.store.getSession(r.sessionId)));
  return records.map((r, i) => caseSummary(r, sessions[i]!));
}

/**
 * A case with what a reviewer weighs: the session (its claims included) with every attempt and its
 * facts, the other candidates' sessions the links point to, and where each kept reference image is.
 * `imagePath` says where the caller may fetch an attempt's image.
 */
export async function caseDetail(deps: Deps, record: CaseRecord, imagePath: (attemptId: string) => string) {
  const now = deps.clock.now();
  const session = (await deps.store.getSession(record.sessionId))!;
  const attempts = await deps.store.listAttempts(session.id);
  const linkedIds = new Set(attempts.flatMap((a) => a.risk?.links?.flatMap((l) => l.sessions) ?? []));
  const linked = [];
  for (const id of linkedIds) {
    const other = await deps.store.getSession(id);
    // Links are made within one integration; a session gone (or another's) is not shown.
    if (!other || other.integrationId !== record.integrationId) continue;
    const otherCase = await deps.store.getCaseOfSession(other.id);
    const attemptsOf = await deps.store.listAttemptStates(other.id);
    linked.push({
      sessionId: other.id,
      candidateRef: other.candidateRef,
      interviewRef: interviewOf(other),
      createdAt: iso(other.createdAt),
      attempts: attemptsOf.length,
      by: [...new Set(attempts.flatMap((a) => a.risk?.links?.filter((l) => l.sessions.includes(other.id)).map((l) => l.by) ?? []))],
      caseId: otherCase?.id ?? null,
      caseStatus: otherCase?.status ?? null,
      decision: otherCase?.decision ?? null,
    });
  }
  const images = [];
  const frames = [];
  for (const attempt of attempts) {
    if (await deps.store.getReferenceImage(attempt.id, now)) images.push({ attemptId: attempt.id, url: imagePath(attempt.id) });
    // High assurance: the crops an integration keeps for its reviewers, beside what the server saw in them.
    const kept = await deps.store.getFrameEvidence(attempt.id, now);
    if (kept) frames.push({ attemptId: attempt.id, crops: kept.frames.length, faces: attempt.faces, url: `/v1/admin/attempts/${attempt.id}/frames` });
  }
  const signals = new Set([...record.signals, ...attempts.flatMap((a) => [...a.signals, ...(a.risk?.recorded ?? [])])]);
  const signalText = Object.fromEntries([...signals].filter((s) => SIGNAL_TEXT[s]).map((s) => [s, SIGNAL_TEXT[s]]));
  return { ...caseSummary(record, session), session: { ...sessionView(session, attempts, now, true), claims: session.claims }, linked, referenceImages: images, frameEvidence: frames, signalText };
}

/** The case of `id` within `integrationId` (or any, for an administrator). */
export async function caseById(deps: Deps, id: string, integrationId?: string): Promise<CaseRecord> {
  const record = /^cas_[a-z0-9]{8,40}$/.test(id) ? await deps.store.getCase(id) : null;
  if (!record || (integrationId !== undefined && record.integrationId !== integrationId)) throw new LiveproofError('case_not_found', `No case ${id}.`);
  return record;
}

/** Records a reviewer's decision, with its audit row and, in the same transaction, its `case.decided` webhooks. */
export async function decideCase(deps: Deps, record: CaseRecord, input: { decision: CaseDecision; note?: string }, by: string, info: RequestInfo) {
  const now = deps.clock.now();
  const session = (await deps.store.getSession(record.sessionId))!;
  const endpoints = (await deps.store.listWebhookEndpoints(record.integrationId)).filter((e) => e.disabledAt === null && e.events.includes('case.decided'));
  const messages = (decided: CaseRecord): NewWebhookMessage[] =>
    endpoints.map((endpoint) => ({
      id: newId('msg', deps.random),
      endpointId: endpoint.id,
      integrationId: record.integrationId,
      type: 'case.decided',
      body: JSON.stringify({ type: 'case.decided', timestamp: iso(now), data: caseSummary(decided, session) }),
      createdAt: now,
      afterId: null,
    }));
  const decided = await deps.store.decideCase(record.id, { decision: input.decision, note: input.note?.trim() || null, by, at: now }, messages);
  if (!decided) throw new LiveproofError('case_not_found', `No case ${record.id}.`);
  await audit(deps.store, now, {
    type: 'case_decided',
    sessionId: record.sessionId,
    integrationId: record.integrationId,
    info,
    detail: { caseId: record.id, decision: input.decision, by, ...(record.decision ? { previous: record.decision } : {}) },
  });
  return caseSummary(decided, session);
}
