/**
 * The hiring system's record: list and filter sessions and attempts, read one attempt in full,
 * introspect a verification token (shaped like RFC 7662) and revoke an attempt's tokens.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { LIVENESS_TOKEN_TYPE, LiveproofError, idSchema, plainText } from '@liveproof/protocol';
import type { Deps } from '../../../context.ts';
import { attemptOfIntegration } from '../../../domain/access.ts';
import { audit } from '../../../domain/audit.ts';
import { assuranceOf } from '../../../domain/signals.ts';
import { attemptSummary, interviewOf, iso, sessionView } from '../../../domain/views.ts';
import { base64url, fromBase64url } from '../../../encoding.ts';
import type { Trace } from '@liveproof/protocol';
import type { AttemptRecord, SessionRecord } from '../../../store.ts';
import { verifyLivenessTokenFor } from '../../../tokens.ts';
import type { RouteGroup } from '../../group.ts';
import { API_KEY, errorResponses, json } from '../../openapi.ts';

const ref = plainText(200).min(1);
const date = z.iso.datetime({ offset: true }).openapi({ example: '2026-11-25T00:00:00Z' });
const cursor = z.string().max(200).openapi({ description: 'The `next` of the previous page' });
const limit = z.coerce.number().int().min(1).max(200).optional().openapi({ description: 'Default 50' });

export const sessionQuery = z.object({ candidateRef: ref.optional(), interviewRef: ref.optional(), from: date.optional(), to: date.optional(), limit, cursor: cursor.optional() });
export const attemptQuery = sessionQuery.extend({
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
  responses: { 200: json('A page of sessions and the cursor of the next one'), ...errorResponses },
});

const listAttempts = createRoute({
  method: 'get',
  path: '/v1/attempts',
  security: API_KEY,
  summary: 'Attempts across sessions, newest first, by candidate, interview, session, result, reason and date',
  request: { query: attemptQuery },
  responses: { 200: json('A page of attempts and the cursor of the next one'), ...errorResponses },
});

const attemptDetail = createRoute({
  method: 'get',
  path: '/v1/sessions/{id}/attempts/{attemptId}',
  security: API_KEY,
  summary: 'One attempt in full: steps, reasons, signals, device, timings, diagnostics and, on request, the evidence trace',
  request: { params: z.object({ id: idSchema, attemptId: idSchema }), query: z.object({ trace: z.enum(['0', '1']).optional() }) },
  responses: { 200: json('The attempt'), ...errorResponses },
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
  responses: { 200: json('`{ active: false }`, or `active: true` with the token claims (including `kind`)'), ...errorResponses },
});

const revoke = createRoute({
  method: 'post',
  path: '/v1/attempts/{id}/revoke',
  security: API_KEY,
  summary: "Revoke an attempt's verification tokens: introspection reports them inactive from now on",
  request: { params: z.object({ id: idSchema }) },
  responses: { 200: json('The attempt, with `revokedAt`'), ...errorResponses },
});

const DEFAULT_LIMIT = 50;

export function encodeCursor(createdAt: number, id: string): string {
  return base64url(new TextEncoder().encode(`${createdAt}.${id}`));
}

export function decodeCursor(value: string | undefined): { createdAt: number; id: string } | undefined {
  if (value === undefined) return undefined;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(fromBase64url(value));
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

/** Filters of a list query, as the store takes them. */
export function listFilter(q: z.infer<typeof attemptQuery>) {
  const before = decodeCursor(q.cursor);
  return {
    limit: q.limit ?? DEFAULT_LIMIT,
    ...(q.candidateRef ? { candidateRef: q.candidateRef } : {}),
    ...(q.interviewRef ? { interviewRef: q.interviewRef } : {}),
    ...(q.sessionId ? { sessionId: q.sessionId } : {}),
    ...(q.result ? { status: q.result } : {}),
    ...(q.reason ? { reason: q.reason } : {}),
    ...(q.from ? { createdFrom: ms(q.from)! } : {}),
    ...(q.to ? { createdTo: ms(q.to)! } : {}),
    ...(before ? { before } : {}),
  };
}

/** An attempt for the hiring system; the evidence trace only when asked for (and read for it). */
export function attemptView(attempt: AttemptRecord, session: SessionRecord, now: number, trace?: Trace | null) {
  return {
    ...attemptSummary(attempt, now),
    sessionId: session.id,
    candidateRef: session.candidateRef,
    interviewRef: interviewOf(session),
    assurance: assuranceOf(attempt.signals),
    device: attempt.device,
    ...(attempt.diagnostics ? { diagnostics: attempt.diagnostics } : {}),
    ...(attempt.revokedAt !== null ? { revokedAt: iso(attempt.revokedAt) } : {}),
    ...(trace !== undefined ? { trace } : {}),
  };
}

export function hiringRecordRoutes(deps: Deps, group: RouteGroup): void {
  group.openapi(listSessions, async (c) => {
    const filter = listFilter(c.req.valid('query'));
    const now = deps.clock.now();
    const sessions = await deps.store.listSessions(c.get('integration').id, filter);
    // One query for the whole page's attempts, not one per session.
    const attempts = await deps.store.listAttemptsOfSessions(sessions.map((s) => s.id));
    const views = sessions.map((s) => sessionView(s, attempts.filter((a) => a.sessionId === s.id), now, false));
    const last = sessions.at(-1);
    return c.json({ sessions: views, next: sessions.length === filter.limit && last ? encodeCursor(last.createdAt, last.id) : null }, 200);
  });

  group.openapi(listAttempts, async (c) => {
    const filter = listFilter(c.req.valid('query'));
    const now = deps.clock.now();
    const found = await deps.store.findAttempts({ ...filter, integrationId: c.get('integration').id });
    const last = found.at(-1)?.attempt;
    return c.json(
      {
        attempts: found.map(({ attempt, session }) => attemptView(attempt, session, now)),
        next: found.length === filter.limit && last ? encodeCursor(last.createdAt, last.id) : null,
      },
      200,
    );
  });

  group.openapi(attemptDetail, async (c) => {
    const { id, attemptId } = c.req.valid('param');
    c.set('auditSessionId', id);
    const { attempt, session } = await attemptOfIntegration(deps.store, c.get('integration').id, attemptId, id);
    const trace = c.req.valid('query').trace === '1' ? await deps.store.getAttemptTrace(attempt.id) : undefined;
    return c.json(attemptView(attempt, session, deps.clock.now(), trace), 200);
  });

  group.openapi(introspect, async (c) => {
    const contentType = c.req.header('content-type') ?? '';
    const body = contentType.startsWith('application/json') ? c.req.valid('json') : contentType.startsWith('application/x-www-form-urlencoded') ? c.req.valid('form') : undefined;
    if (!body?.token) throw new LiveproofError('invalid_request', 'Send the token as `token`, form-encoded (RFC 7662) or in JSON.');
    const integration = c.get('integration');
    const claims = await verifyLivenessTokenFor(deps.tokens, body.token, integration.audiences);
    // RFC 7662: anything wrong, including a token of another integration, is simply not active.
    const attempt = claims && typeof claims.jti === 'string' ? await deps.store.getAttempt(claims.jti) : null;
    const session = attempt ? await deps.store.getSession(attempt.sessionId) : null;
    if (!claims || !attempt || !session || session.integrationId !== integration.id || attempt.revokedAt !== null) return c.json({ active: false }, 200);
    return c.json({ active: true, token_type: LIVENESS_TOKEN_TYPE, kind: attempt.kind, ...claims }, 200);
  });

  group.openapi(revoke, async (c) => {
    const { id } = c.req.valid('param');
    c.set('auditAttemptId', id);
    const { attempt, session } = await attemptOfIntegration(deps.store, c.get('integration').id, id);
    c.set('auditSessionId', session.id);
    const now = deps.clock.now();
    if (!(await deps.store.revokeAttempt(attempt.id, now))) {
      throw new LiveproofError('attempt_not_found', `Attempt ${id} has no result, so no token to revoke.`, { details: { status: 'started' } });
    }
    await audit(deps.store, now, { type: 'attempt_revoked', sessionId: session.id, attemptId: id, integrationId: session.integrationId });
    return c.json(attemptView((await deps.store.getAttempt(id))!, session, now), 200);
  });
}
