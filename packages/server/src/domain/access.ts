/**
 * Who may reach what, in one place. Every lookup a route makes on behalf of a credential goes
 * through here, and another integration's (or another session's) object is reported as not found:
 * its existence is not the caller's to learn.
 */
import { LiveproofError, idSchema } from '@liveproof/protocol';
import type { AttemptRecord, IntegrationRecord, SessionRecord, Store, WebhookEndpointRecord } from '../store.ts';
import type { Watcher } from '../tokens.ts';

const validId = (id: string) => idSchema.safeParse(id).success;

/** The session of a client token, which must be session `id`. */
export async function sessionForClient(store: Store, clientSessionId: string, id: string): Promise<SessionRecord> {
  const session = clientSessionId === id && validId(id) ? await store.getSession(id) : null;
  if (!session) throw new LiveproofError('session_not_found', 'No such session for this token.');
  return session;
}

/** An attempt of the client token's session. */
export async function attemptForClient(store: Store, clientSessionId: string, attemptId: string): Promise<{ attempt: AttemptRecord; session: SessionRecord }> {
  const attempt = validId(attemptId) ? await store.getAttempt(attemptId) : null;
  const session = attempt && attempt.sessionId === clientSessionId ? await store.getSession(attempt.sessionId) : null;
  if (!attempt || !session) throw new LiveproofError('attempt_not_found', 'No such attempt for this token.');
  return { attempt, session };
}

/**
 * The attempt a signed result is for, with its session and integration. No credential is needed
 * to get this far: only the attempt key's signature, checked next, lets a result end the attempt.
 */
export async function attemptForResult(store: Store, attemptId: string): Promise<{ attempt: AttemptRecord; session: SessionRecord; integration: IntegrationRecord }> {
  const attempt = validId(attemptId) ? await store.getAttempt(attemptId) : null;
  const session = attempt ? await store.getSession(attempt.sessionId) : null;
  const integration = session ? await store.getIntegration(session.integrationId) : null;
  if (!attempt || !session || !integration) throw new LiveproofError('attempt_not_found', 'No such attempt.');
  return { attempt, session, integration };
}

export async function sessionOfIntegration(store: Store, integrationId: string, id: string): Promise<SessionRecord> {
  const session = validId(id) ? await store.getSession(id) : null;
  if (!session || session.integrationId !== integrationId) throw new LiveproofError('session_not_found', `No session ${id}.`);
  return session;
}

export async function attemptOfIntegration(
  store: Store,
  integrationId: string,
  attemptId: string,
  sessionId?: string,
): Promise<{ attempt: AttemptRecord; session: SessionRecord }> {
  const attempt = validId(attemptId) ? await store.getAttempt(attemptId) : null;
  const session = attempt && (sessionId === undefined || attempt.sessionId === sessionId) ? await store.getSession(attempt.sessionId) : null;
  if (!attempt || !session || session.integrationId !== integrationId) throw new LiveproofError('attempt_not_found', `No attempt ${attemptId}.`);
  return { attempt, session };
}

/** The session a verified, unrevoked watch token (viewer or client) is for, which must be `id`. */
export async function sessionForWatcher(store: Store, watcher: Watcher, id: string): Promise<SessionRecord> {
  if (watcher.as === 'viewer' && (await store.isTokenRevoked(watcher.jti, watcher.sessionId))) throw new LiveproofError('unauthorized', 'This viewer token was revoked.', { details: { reason: 'revoked' } });
  const session = watcher.sessionId === id && validId(id) ? await store.getSession(id) : null;
  if (!session) throw new LiveproofError('session_not_found', 'No such session for this token.');
  return session;
}

export async function endpointOfIntegration(store: Store, integrationId: string, id: string): Promise<WebhookEndpointRecord> {
  const endpoint = validId(id) ? (await store.listWebhookEndpoints(integrationId)).find((e) => e.id === id) : undefined;
  if (!endpoint) throw new LiveproofError('webhook_not_found', `No webhook endpoint ${id}.`);
  return endpoint;
}

export async function integrationById(store: Store, id: string): Promise<IntegrationRecord> {
  const integration = validId(id) ? await store.getIntegration(id) : null;
  if (!integration) throw new LiveproofError('integration_not_found', `No integration ${id}.`);
  return integration;
}
