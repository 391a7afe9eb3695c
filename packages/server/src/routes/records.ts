/**
 * Hiring-system endpoints over the record: list and filter sessions and attempts, read one attempt
 * in full, introspect a verification token (shaped like RFC 7662) and revoke an attempt's tokens.
 */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { LIVENESS_TOKEN_TYPE, LiveproofError, idSchema } from '@liveproof/protocol';
import type { AppEnv, Deps } from '../context.ts';
import { API_KEY } from '../openapi.ts';
import { limitBody, rateLimit, requireApiKey } from '../middleware.ts';
import { base64url } from '../ids.ts';
import { assuranceOf } from '../signals.ts';
import type { AttemptRecord, SessionRecord } from '../store.ts';
import { verifyLivenessTokenFor } from '../tokens.ts';
import { attemptSummary, iso, sessionView } from '../views.ts';

const ref = z.string().min(1).max(200);
const date = z.iso.datetime({ offset: true }).openapi({ example: '2026-11-25T00:00:00Z' });
const cursor = z.string().max(200).openapi({ description: 'The `next` of the previous page' });
const limit = z.coerce.number().int().min(1).max(200).optional().openapi({ description: 'Default 50' });

const sessionQuery = z.object({ candidateRef: ref.optional(), interviewRef: ref.optional(), from: date.optional(), to: date.optional(), limit, cursor: cursor.optional() });
const attemptQuery = sessionQuery.extend({
  sessionId: idSchema.optional(),
  result: z.enum(['passed', 'failed', 'started']).optional(),
  reason: z.string().regex(/^[a-z_]{1,40}$/).optional().openapi({ description: 'A reason code, e.g. `not_performed`' }),
});

const listSessions = createRoute({
  method: 'get',
  path: '/v1/sessions',
  security: API_KEY,
  summary: 'Sessions, newest first, by candidate, interview and creation date',
  request: { query: sessionQuery },
  responses: { 200: { description: 'A page of sessions and the cursor of the next one' } },
});

const listAttempts = createRoute({
  method: 'get',
  path: '/v1/attempts',
  security: API_KEY,
  summary: 'Attempts across sessions, newest first, by candidate, interview, session, result, reason and date',
  request: { query: attemptQuery },
  responses: { 200: { description: 'A page of attempts and the cursor of the next one' } },
});

const attemptDetail = createRoute({
  method: 'get',
  path: '/v1/sessions/{id}/attempts/{attemptId}',
  security: API_KEY,
  summary: 'One attempt in full: steps, reasons, signals, device, timings and, on request, the evidence trace',
  request: { params: z.object({ id: idSchema, attemptId: idSchema }), query: z.object({ trace: z.enum(['0', '1']).optional() }) },
  responses: { 200: { description: 'The attempt' } },
});

const introspect = createRoute({
  method: 'post',
  path: '/v1/tokens/introspect',
  security: API_KEY,
  summary: 'Whether a verification token is active: valid, unexpired, not revoked and one of yours (RFC 7662)',
  request: {
    body: {
      content: {
        'application/x-www-form-urlencoded': { schema: z.object({ token: z.string().min(1).max(8000) }) },
        'application/json': { schema: z.object({ token: z.string().min(1).max(8000) }) },
      },
      // Each content type is validated when it is the one sent; one of the two must be.
      required: false,
    },
  },
  responses: { 200: { description: '`{ active: false }`, or `active: true` with the token claims' } },
});

const revoke = createRoute({
  method: 'post',
  path: '/v1/attempts/{id}/revoke',
  security: API_KEY,
  summary: "Revoke an attempt's verification tokens: introspection reports them inactive from now on",
  request: { params: z.object({ id: idSchema }) },
  responses: { 200: { description: 'The attempt, with `revokedAt`' } },
});

const DEFAULT_LIMIT = 50;

function encodeCursor(createdAt: number, id: string): string {
  return base64url(new TextEncoder().encode(`${createdAt}.${id}`));
}

function decodeCursor(value: string | undefined): { createdAt: number; id: string } | undefined {
  if (value === undefined) return undefined;
  try {
    const text = new TextDecoder().decode(Uint8Array.from(atob(value.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0)));
    const dot = text.indexOf('.');
    const createdAt = Number(text.slice(0, dot));
    const id = text.slice(dot + 1);
    if (dot > 0 && Number.isSafeInteger(createdAt) && idSchema.safeParse(id).success) return { createdAt, id };
  } catch {
    // falls through
  }
  throw new LiveproofError('invalid_request', 'The cursor is not one this API returned.');
}

const ms = (value: string | undefined) => (value === undefined ? undefined : Date.parse(value));

function attemptView(attempt: AttemptRecord, session: SessionRecord, now: number, withTrace: boolean) {
  return {
    ...attemptSummary(attempt, now),
    sessionId: session.id,
    candidateRef: session.candidateRef,
    interviewRef: session.interviewRef,
    assurance: assuranceOf(attempt.signals),
    device: attempt.device,
    ...(attempt.revokedAt !== null ? { revokedAt: iso(attempt.revokedAt) } : {}),
    ...(withTrace ? { trace: attempt.trace } : {}),
  };
}

export function recordRoutes(deps: Deps) {
  const app = new OpenAPIHono<AppEnv>();
  for (const path of ['/v1/attempts', '/v1/sessions/:id/attempts/:attemptId', '/v1/tokens/introspect', '/v1/attempts/:id/revoke']) {
    app.use(path, rateLimit(deps, 'api'), limitBody(deps), requireApiKey(deps));
  }

  app.openapi(listSessions, async (c) => {
    const q = c.req.valid('query');
    const now = deps.clock.now();
    const pageSize = q.limit ?? DEFAULT_LIMIT;
    const before = decodeCursor(q.cursor);
    const sessions = await deps.store.listSessions(c.get('integration').id, {
      limit: pageSize,
      ...(q.candidateRef ? { candidateRef: q.candidateRef } : {}),
      ...(q.interviewRef ? { interviewRef: q.interviewRef } : {}),
      ...(q.from ? { createdFrom: ms(q.from)! } : {}),
      ...(q.to ? { createdTo: ms(q.to)! } : {}),
      ...(before ? { before } : {}),
    });
    // One query for the whole page's attempts, not one per session.
    const attempts = await deps.store.listAttemptsOfSessions(sessions.map((s) => s.id));
    const views = sessions.map((s) => sessionView(s, attempts.filter((a) => a.sessionId === s.id), now, false));
    const last = sessions.at(-1);
    return c.json({ sessions: views, next: sessions.length === pageSize && last ? encodeCursor(last.createdAt, last.id) : null }, 200);
  });

  app.openapi(listAttempts, async (c) => {
    const q = c.req.valid('query');
    const now = deps.clock.now();
    const pageSize = q.limit ?? DEFAULT_LIMIT;
    const before = decodeCursor(q.cursor);
    const found = await deps.store.findAttempts(c.get('integration').id, {
      limit: pageSize,
      ...(q.candidateRef ? { candidateRef: q.candidateRef } : {}),
      ...(q.interviewRef ? { interviewRef: q.interviewRef } : {}),
      ...(q.sessionId ? { sessionId: q.sessionId } : {}),
      ...(q.result ? { status: q.result } : {}),
      ...(q.reason ? { reason: q.reason } : {}),
      ...(q.from ? { createdFrom: ms(q.from)! } : {}),
      ...(q.to ? { createdTo: ms(q.to)! } : {}),
      ...(before ? { before } : {}),
    });
    const last = found.at(-1)?.attempt;
    return c.json(
      { attempts: found.map(({ attempt, session }) => attemptView(attempt, session, now, false)), next: found.length === pageSize && last ? encodeCursor(last.createdAt, last.id) : null },
      200,
    );
  });

  app.openapi(attemptDetail, async (c) => {
    const { id, attemptId } = c.req.valid('param');
    c.set('auditSessionId', id);
    const session = await deps.store.getSession(id);
    const attempt = session && session.integrationId === c.get('integration').id ? await deps.store.getAttempt(attemptId) : null;
    if (!session || !attempt || attempt.sessionId !== session.id) throw new LiveproofError('attempt_not_found', `No attempt ${attemptId} in session ${id}.`);
    return c.json(attemptView(attempt, session, deps.clock.now(), c.req.valid('query').trace === '1'), 200);
  });

  app.openapi(introspect, async (c) => {
    const contentType = c.req.header('content-type') ?? '';
    const body = contentType.startsWith('application/json') ? c.req.valid('json') : contentType.startsWith('application/x-www-form-urlencoded') ? c.req.valid('form') : undefined;
    if (!body?.token) throw new LiveproofError('invalid_request', 'Send the token as `token`, form-encoded (RFC 7662) or in JSON.');
    const { token } = body;
    const integration = c.get('integration');
    const claims = await verifyLivenessTokenFor(deps.tokens, token, integration.audiences);
    // RFC 7662: anything wrong, including a token of another integration, is simply not active.
    const attempt = claims && typeof claims.jti === 'string' ? await deps.store.getAttempt(claims.jti) : null;
    const session = attempt ? await deps.store.getSession(attempt.sessionId) : null;
    if (!claims || !attempt || !session || session.integrationId !== integration.id || attempt.revokedAt !== null) return c.json({ active: false }, 200);
    return c.json({ active: true, token_type: LIVENESS_TOKEN_TYPE, ...claims }, 200);
  });

  app.openapi(revoke, async (c) => {
    const { id } = c.req.valid('param');
    c.set('auditAttemptId', id);
    const attempt = await deps.store.getAttempt(id);
    const session = attempt ? await deps.store.getSession(attempt.sessionId) : null;
    if (!attempt || !session || session.integrationId !== c.get('integration').id) throw new LiveproofError('attempt_not_found', `No attempt ${id}.`);
    c.set('auditSessionId', session.id);
    if (!(await deps.store.revokeAttempt(id, deps.clock.now()))) {
      throw new LiveproofError('attempt_not_found', `Attempt ${id} has no result, so no token to revoke.`, { details: { status: 'started' } });
    }
    await deps.store.appendEvent({
      at: deps.clock.now(),
      type: 'attempt_revoked',
      sessionId: session.id,
      attemptId: id,
      integrationId: session.integrationId,
      code: null,
      ip: null,
      userAgent: null,
      detail: {},
    });
    return c.json(attemptView((await deps.store.getAttempt(id))!, session, deps.clock.now(), false), 200);
  });

  return app;
}
