/**
 * What must hold in the store whatever requests came before, read from the raw database (not
 * through the store's own code) and judged by the session rules themselves:
 *
 * - no attempt without its session, no session without its integration, no webhook message
 *   without its integration;
 * - an attempt has at most one result: passed or failed exactly when it has `completedAt`, one
 *   completion in the audit log, one `attempt.completed` message per endpoint;
 * - sequence numbers are unique within a session;
 * - the attempts a session used (`checksUsed`) never exceed its `attemptLimit`, and the API reports
 *   exactly that count;
 * - the stored status agrees with `sessionStatus` once the sweep has run, or is a final one reached
 *   earlier (never `passed` without a passed check, never something else after a pass), and a
 *   session's lifecycle event went out at most once per endpoint.
 */
import type { SessionStatus } from '@liveproof/protocol';
import { checksUsed, sessionStatus } from '../domain/session-rules.ts';
import type { AttemptState, SessionRecord } from '../store.ts';
import type { RawRow, StoreTarget } from './targets.ts';

const num = (value: unknown) => (value === null || value === undefined ? null : Number(value));
const json = (value: unknown): unknown => (typeof value === 'string' ? JSON.parse(value) : value);

function attemptState(row: RawRow): AttemptState {
  return {
    id: String(row.id),
    sessionId: String(row.session_id),
    sequence: Number(row.sequence),
    kind: row.kind as AttemptState['kind'],
    status: row.status as AttemptState['status'],
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
    completedAt: num(row.completed_at),
    reasons: json(row.reasons) as AttemptState['reasons'],
  };
}

function sessionRecord(row: RawRow): SessionRecord {
  return {
    id: String(row.id),
    integrationId: String(row.integration_id),
    candidateRef: String(row.candidate_ref),
    interviewRef: String(row.interview_ref),
    audience: String(row.audience),
    attemptLimit: Number(row.attempt_limit),
    challengeCount: Number(row.challenge_count),
    tokenTtlSeconds: Number(row.token_ttl_seconds),
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
    status: row.status as SessionStatus,
    statusAt: num(row.status_at),
    claims: (json(row.claims) as SessionRecord['claims']) ?? null,
  };
}

/** How many times each key occurs, keeping those seen more than once. */
function duplicates(keys: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return [...counts].filter(([, n]) => n > 1).map(([key, n]) => `${key} ×${n}`);
}

export interface InvariantOptions {
  now: number;
  /** `attemptsUsed` as the API reports it, for the sessions whose owner the caller can ask. */
  reportedAttemptsUsed?: (sessionId: string, integrationId: string) => Promise<number | undefined>;
}

/** Every violation found, as readable lines; empty when the store is sound. */
export async function storeViolations(target: StoreTarget, options: InvariantOptions): Promise<string[]> {
  const q = (sql: string) => target.query(sql);
  const out: string[] = [];
  const orphans = async (what: string, sql: string) => {
    for (const row of await q(sql)) out.push(`${what}: ${String(row.id)}`);
  };
  await orphans('attempt without its session', 'SELECT a.id FROM attempts a LEFT JOIN sessions s ON s.id = a.session_id WHERE s.id IS NULL');
  await orphans('session without its integration', 'SELECT s.id FROM sessions s LEFT JOIN integrations i ON i.id = s.integration_id WHERE i.id IS NULL');
  await orphans('webhook message without its integration', 'SELECT m.id FROM webhook_messages m LEFT JOIN integrations i ON i.id = m.integration_id WHERE i.id IS NULL');

  const attempts = (await q('SELECT id, session_id, sequence, kind, status, created_at, expires_at, completed_at, reasons FROM attempts')).map(attemptState);
  for (const a of attempts) {
    if ((a.status === 'started') !== (a.completedAt === null)) out.push(`attempt ${a.id} is ${a.status} with completedAt ${a.completedAt}`);
  }
  const completions = await q("SELECT attempt_id FROM events WHERE type IN ('attempt_completed', 'attempt_stopped')");
  for (const d of duplicates(completions.map((r) => String(r.attempt_id)))) out.push(`attempt completed more than once (audit): ${d}`);
  const messages = (await q('SELECT endpoint_id, type, body FROM webhook_messages')).map((r) => {
    const body = json(r.body) as { data?: { attemptId?: string; sessionId?: string } };
    return { endpoint: String(r.endpoint_id), type: String(r.type), attemptId: body.data?.attemptId, sessionId: body.data?.sessionId };
  });
  for (const d of duplicates(messages.filter((m) => m.type === 'attempt.completed').map((m) => `${m.endpoint}/${m.attemptId}`))) out.push(`attempt.completed more than once: ${d}`);
  for (const d of duplicates(messages.filter((m) => m.type.startsWith('session.')).map((m) => `${m.endpoint}/${m.sessionId}`))) out.push(`session event more than once: ${d}`);

  const bySession = new Map<string, AttemptState[]>();
  for (const a of attempts) (bySession.get(a.sessionId) ?? bySession.set(a.sessionId, []).get(a.sessionId)!).push(a);
  for (const [id, list] of bySession) for (const d of duplicates(list.map((a) => String(a.sequence)))) out.push(`session ${id}: sequence repeated ${d}`);

  const sessions = (await q('SELECT * FROM sessions')).map(sessionRecord);
  for (const session of sessions) {
    const list = (bySession.get(session.id) ?? []).sort((a, b) => a.sequence - b.sequence);
    const used = checksUsed(list);
    if (used > session.attemptLimit) out.push(`session ${session.id}: ${used} attempts used of ${session.attemptLimit}`);
    const reported = await options.reportedAttemptsUsed?.(session.id, session.integrationId);
    if (reported !== undefined && reported !== used) out.push(`session ${session.id}: API reports ${reported} attempts used, the rules count ${used}`);
    const computed = sessionStatus(session, list, options.now);
    const agrees = session.status === computed || (session.status !== 'open' && computed !== 'open' && session.status !== 'passed' && computed !== 'passed');
    if (!agrees) out.push(`session ${session.id}: stored ${session.status}, the rules say ${computed}`);
    if (session.status !== 'open' && session.statusAt === null) out.push(`session ${session.id}: ${session.status} without statusAt`);
  }
  return out;
}
