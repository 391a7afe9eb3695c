/** Hiring-system endpoints: create a check session, read it back with its attempts, mint page tokens. */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { LiveproofError, createSessionSchema, idSchema, viewerTokenSchema, type CreateSessionResponse, type ViewerTokenResponse } from '@liveproof/protocol';
import type { AppEnv, Deps } from '../context.ts';
import { API_KEY } from '../openapi.ts';
import { newId } from '../ids.ts';
import { auditTarget, limitBody, rateLimit, requireApiKey } from '../middleware.ts';
import type { SessionRecord } from '../store.ts';
import { issueClientToken, issueViewerToken } from '../tokens.ts';
import { iso, sessionView } from '../views.ts';

const sessionParams = z.object({ id: idSchema });

const createSession = createRoute({
  method: 'post',
  path: '/v1/sessions',
  security: API_KEY,
  summary: 'Create a check session for one candidate and interview',
  request: { body: { content: { 'application/json': { schema: createSessionSchema } }, required: true } },
  responses: { 201: { description: 'The session, with a short-lived client token for the page' } },
});

const getSession = createRoute({
  method: 'get',
  path: '/v1/sessions/{id}',
  security: API_KEY,
  summary: 'A session with every attempt made in it',
  request: { params: sessionParams },
  responses: { 200: { description: 'The session and its attempts' } },
});

const newClientToken = createRoute({
  method: 'post',
  path: '/v1/sessions/{id}/client-tokens',
  security: API_KEY,
  summary: 'A fresh client token for the page, when the previous one has expired',
  request: { params: sessionParams },
  responses: { 201: { description: 'A client token' } },
});

const newViewerToken = createRoute({
  method: 'post',
  path: '/v1/sessions/{id}/viewer-tokens',
  security: API_KEY,
  summary: "A token for the interviewer's badge to watch the session's events live",
  request: { params: sessionParams, body: { content: { 'application/json': { schema: viewerTokenSchema } }, required: false } },
  responses: { 201: { description: 'A viewer token' } },
});

export function sessionRoutes(deps: Deps) {
  const app = new OpenAPIHono<AppEnv>();
  for (const path of ['/v1/sessions', '/v1/sessions/:id', '/v1/sessions/:id/client-tokens', '/v1/sessions/:id/viewer-tokens']) {
    app.use(path, auditTarget('session'), rateLimit(deps, 'api'), limitBody(deps), requireApiKey(deps));
  }

  async function ownSession(c: { get(key: 'integration'): { id: string }; set(key: 'auditSessionId', value: string): void }, id: string): Promise<SessionRecord> {
    c.set('auditSessionId', id);
    const session = await deps.store.getSession(id);
    // Another integration's session is reported as unknown: its existence is not ours to reveal.
    if (!session || session.integrationId !== c.get('integration').id) {
      throw new LiveproofError('session_not_found', `No session ${id}.`);
    }
    return session;
  }

  async function clientToken(session: SessionRecord) {
    const expiresAt = Math.min(session.expiresAt, deps.clock.now() + deps.config.clientTokenTtlSeconds * 1000);
    const token = await issueClientToken(deps.tokens, session.id, expiresAt, newId('ct', deps.random));
    return { clientToken: token, clientTokenExpiresAt: iso(expiresAt) };
  }

  app.openapi(createSession, async (c) => {
    const body = c.req.valid('json');
    const integration = c.get('integration');
    if (!integration.audiences.includes(body.audience)) {
      throw new LiveproofError('audience_not_allowed', `This integration may not issue tokens for audience "${body.audience}".`, {
        details: { allowed: integration.audiences },
      });
    }
    const now = deps.clock.now();
    const session: SessionRecord = {
      id: newId('ses', deps.random),
      integrationId: integration.id,
      candidateRef: body.candidateRef,
      interviewRef: body.interviewRef,
      audience: body.audience,
      attemptLimit: body.attemptLimit ?? deps.config.defaultAttemptLimit,
      challengeCount: body.challengeCount ?? deps.config.defaultChallengeCount,
      tokenTtlSeconds: body.tokenTtlSeconds ?? deps.config.defaultTokenTtlSeconds,
      createdAt: now,
      expiresAt: now + (body.expiresInSeconds ?? deps.config.defaultSessionTtlSeconds) * 1000,
    };
    await deps.store.insertSession(session);
    const response: CreateSessionResponse = { ...sessionView(session, [], now, false), ...(await clientToken(session)) };
    return c.json(response, 201);
  });

  app.openapi(getSession, async (c) => {
    const session = await ownSession(c, c.req.valid('param').id);
    const attempts = await deps.store.listAttempts(session.id);
    return c.json(sessionView(session, attempts, deps.clock.now(), true), 200);
  });

  app.openapi(newClientToken, async (c) => {
    const session = await ownSession(c, c.req.valid('param').id);
    if (deps.clock.now() > session.expiresAt) throw new LiveproofError('session_expired', `Session ${session.id} has expired.`);
    return c.json(await clientToken(session), 201);
  });

  app.openapi(newViewerToken, async (c) => {
    const session = await ownSession(c, c.req.valid('param').id);
    const ttlSeconds = (c.req.header('content-type')?.startsWith('application/json') ? c.req.valid('json').ttlSeconds : undefined) ?? deps.config.viewerTokenTtlSeconds;
    const expiresAt = Math.min(session.expiresAt, deps.clock.now() + ttlSeconds * 1000);
    const recheck = c.req.header('content-type')?.startsWith('application/json') ? c.req.valid('json').recheck === true : false;
    const rights = recheck ? (['watch', 'recheck'] as const) : (['watch'] as const);
    const response: ViewerTokenResponse = { viewerToken: await issueViewerToken(deps.tokens, session.id, expiresAt, newId('vt', deps.random), rights), expiresAt: iso(expiresAt) };
    return c.json(response, 201);
  });

  return app;
}
