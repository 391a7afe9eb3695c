/**
 * Sessions as the hiring system and the interviewer's page use them: creating one, tokens for the
 * candidate's page and for viewers, revoking a viewer token, and asking for a witnessed re-check.
 */
import { LiveproofError, type CreateSessionRequest, type CreateSessionResponse, type ViewerTokenResponse } from '@liveproof/protocol';
import type { Deps, RequestInfo } from '../context.ts';
import { isKnownCountry } from '../network/claims.ts';
import { newId } from '../random.ts';
import type { IntegrationRecord, NewSession, SessionRecord } from '../store.ts';
import { issueClientToken, issueViewerToken, type ViewerRight } from '../tokens.ts';
import { audit } from './audit.ts';
import { iso, sessionView } from './views.ts';

export async function createSession(deps: Deps, integration: IntegrationRecord, body: CreateSessionRequest): Promise<CreateSessionResponse> {
  if (!integration.audiences.includes(body.audience)) {
    throw new LiveproofError('audience_not_allowed', `This integration may not issue tokens for audience "${body.audience}".`, {
      details: { allowed: integration.audiences },
    });
  }
  if (body.claims?.country && !isKnownCountry(body.claims.country)) {
    throw new LiveproofError('invalid_request', `claims.country "${body.claims.country}" is not an ISO 3166-1 alpha-2 country code.`, { details: { field: 'claims.country' } });
  }
  const now = deps.clock.now();
  const session: NewSession = {
    id: newId('ses', deps.random),
    integrationId: integration.id,
    candidateRef: body.candidateRef,
    interviewRef: body.interviewRef ?? '',
    audience: body.audience,
    attemptLimit: body.attemptLimit ?? deps.config.defaultAttemptLimit,
    challengeCount: body.challengeCount ?? deps.config.defaultChallengeCount,
    tokenTtlSeconds: body.tokenTtlSeconds ?? deps.config.defaultTokenTtlSeconds,
    createdAt: now,
    expiresAt: now + (body.expiresInSeconds ?? deps.config.defaultSessionTtlSeconds) * 1000,
    claims: body.claims && Object.keys(body.claims).length > 0 ? body.claims : null,
  };
  await deps.store.insertSession(session);
  const record: SessionRecord = { ...session, status: 'open', statusAt: null };
  return { ...sessionView(record, [], now, false), ...(await clientTokenFor(deps, record)) };
}

/** A client token for the candidate's page, for at most the configured lifetime and never past the session. */
export async function clientTokenFor(deps: Deps, session: SessionRecord): Promise<{ clientToken: string; clientTokenExpiresAt: string }> {
  const now = deps.clock.now();
  if (now > session.expiresAt) throw new LiveproofError('session_expired', `Session ${session.id} has expired.`);
  const expiresAt = Math.min(session.expiresAt, now + deps.config.clientTokenTtlSeconds * 1000);
  // The page shows the high-assurance and profile-turn notices before the check starts; the plan is what binds.
  const integration = await deps.store.getIntegration(session.integrationId);
  const token = await issueClientToken(deps.tokens, session.id, expiresAt, newId('ct', deps.random), integration?.highAssurance ?? 'off', integration?.profileTurn === 'on');
  return { clientToken: token, clientTokenExpiresAt: iso(expiresAt) };
}

export async function viewerTokenFor(deps: Deps, session: SessionRecord, options: { ttlSeconds?: number; recheck?: boolean }): Promise<ViewerTokenResponse & { id: string }> {
  const now = deps.clock.now();
  const expiresAt = Math.min(session.expiresAt, now + (options.ttlSeconds ?? deps.config.viewerTokenTtlSeconds) * 1000);
  const rights: ViewerRight[] = options.recheck ? ['watch', 'recheck'] : ['watch'];
  const id = newId('vt', deps.random);
  return { id, viewerToken: await issueViewerToken(deps.tokens, session.id, expiresAt, id, rights), expiresAt: iso(expiresAt) };
}

/** Revokes a viewer token of the session by its id: its streams close, and it opens no more. */
export async function revokeViewerToken(deps: Deps, session: SessionRecord, jti: string): Promise<void> {
  const now = deps.clock.now();
  // Kept until the longest a viewer token of this session could live.
  await deps.store.revokeToken(jti, session.id, session.expiresAt, now);
  await audit(deps.store, now, { type: 'viewer_token_revoked', sessionId: session.id, integrationId: session.integrationId, detail: { jti } });
  await deps.events.publish({ type: 'viewer.revoked', sessionId: session.id, jti, at: iso(now) }).catch(() => undefined);
}

/**
 * The interviewer asks for a witnessed re-check. One request at a time per session: another while
 * one waits is refused, so a viewer cannot make the candidate's element start checks without end.
 */
export async function requestRecheck(deps: Deps, session: SessionRecord, info: RequestInfo): Promise<{ recheckId: string; expiresAt: string }> {
  const now = deps.clock.now();
  if (now > session.expiresAt) throw new LiveproofError('session_expired', `Session ${session.id} has expired.`);
  if ((await deps.store.listOpenRechecks(session.id, now)).length > 0) {
    throw new LiveproofError('recheck_pending', 'A re-check is already waiting for the candidate; wait for it to start or expire.');
  }
  const recheck = { id: newId('rck', deps.random), sessionId: session.id, requestedAt: now, expiresAt: now + deps.config.recheckTtlMs, attemptId: null };
  await deps.store.insertRecheck(recheck);
  await audit(deps.store, now, { type: 'recheck_requested', sessionId: session.id, integrationId: session.integrationId, info, detail: { recheckId: recheck.id } });
  // A stream that misses the event still learns of the request: its snapshot lists open requests.
  await deps.events
    .publish({ type: 'recheck.requested', sessionId: session.id, recheckId: recheck.id, expiresAt: iso(recheck.expiresAt), at: iso(now) })
    .catch(() => undefined);
  return { recheckId: recheck.id, expiresAt: iso(recheck.expiresAt) };
}
