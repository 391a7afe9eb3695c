/**
 * `GET /v1/sessions/{id}/events`: the session's events as server-sent events, for the interviewer's
 * badge (viewer token) and the candidate's element in interview mode (client token). The token goes
 * in the Authorization header, or as `access_token` in the query (RFC 6750) for `EventSource`, which
 * cannot set headers. The stream opens with a `snapshot` of the session, then every event as it
 * happens on any server instance, and a comment every 15 s keeps proxies from closing it.
 */
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { LiveproofError, idSchema, type SessionEvent } from '@liveproof/protocol';
import { requestInfo, type AppEnv, type Deps } from '../context.ts';
import { newId } from '../ids.ts';
import { bearer, integrationForApiKey, pageCors, rateLimit } from '../middleware.ts';
import type { SessionRecord } from '../store.ts';
import { livenessTokenFor, verifyWatchToken } from '../tokens.ts';
import { iso, sessionView } from '../views.ts';

const KEEPALIVE_MS = 15_000;

/** Session `id`, if the verified watch token is for it; `session_not_found` otherwise. */
async function watchedSession(deps: Deps, watcher: { sessionId: string }, id: string): Promise<SessionRecord> {
  const session = watcher.sessionId === id && idSchema.safeParse(id).success ? await deps.store.getSession(id) : null;
  if (!session) throw new LiveproofError('session_not_found', `No session ${id} for this token.`);
  return session;
}

export function eventRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.use('/v1/sessions/:id/events', pageCors(deps), rateLimit(deps, 'client'));

  app.get('/v1/sessions/:id/events', async (c) => {
    const id = c.req.param('id');
    c.set('auditSessionId', id);
    if (!idSchema.safeParse(id).success) throw new LiveproofError('session_not_found', `No session ${id}.`);
    const token = bearer(c) ?? c.req.query('access_token');
    if (!token) throw new LiveproofError('unauthorized', 'A viewer or client token is required: Authorization: Bearer <token>, or ?access_token=<token>.');
    const session = await watchedSession(deps, await verifyWatchToken(deps.tokens, token), id);

    return streamSSE(c, async (stream) => {
      // Writes come from the bus and from the keep-alive loop: one at a time, in order.
      let writing: Promise<unknown> = Promise.resolve();
      const write = (message: Parameters<typeof stream.writeSSE>[0]) => (writing = writing.then(() => (stream.aborted ? undefined : stream.writeSSE(message))));
      let sequence = 0;
      const unsubscribe = deps.events.subscribe(id, (event: SessionEvent) => void write({ event: event.type, data: JSON.stringify(event), id: String(++sequence) }));
      stream.onAbort(unsubscribe);
      const attempts = await deps.store.listAttempts(id);
      // The latest result's token, so a badge that connects mid-interview can verify where things stand.
      const latest = attempts.filter((a) => a.status !== 'started').at(-1);
      const latestToken = latest ? (await livenessTokenFor(deps.tokens, session, latest, deps.clock.now())).token : undefined;
      const snapshot = { ...sessionView(session, attempts, deps.clock.now(), true), ...(latestToken ? { latestToken } : {}) };
      await write({ event: 'snapshot', data: JSON.stringify(snapshot), id: String(++sequence) });
      while (!stream.aborted) {
        await stream.sleep(KEEPALIVE_MS);
        if (!stream.aborted) await (writing = writing.then(() => stream.write(': keep-alive\n\n')));
      }
      unsubscribe();
    });
  });
  /**
   * `POST /v1/sessions/{id}/rechecks`: the interviewer asks for a witnessed re-check. The
   * candidate's element in interview mode hears `recheck.requested` and answers with a short
   * attempt within two minutes; the badge shows its prompts live.
   */
  app.use('/v1/sessions/:id/rechecks', pageCors(deps), rateLimit(deps, 'client'));
  app.post('/v1/sessions/:id/rechecks', async (c) => {
    const id = c.req.param('id');
    c.set('auditSessionId', id);
    const token = bearer(c);
    if (!token) throw new LiveproofError('unauthorized', 'A viewer token with the re-check right is required: Authorization: Bearer <token>.');
    const watcher = await verifyWatchToken(deps.tokens, token);
    if (watcher.as !== 'viewer' || !watcher.rights.includes('recheck')) throw new LiveproofError('forbidden', 'This token may not ask for re-checks.');
    const session = await watchedSession(deps, watcher, id);
    const now = deps.clock.now();
    if (now > session.expiresAt) throw new LiveproofError('session_expired', `Session ${id} has expired.`);
    const recheck = { id: newId('rck', deps.random), sessionId: id, requestedAt: now, expiresAt: now + RECHECK_TTL_MS, attemptId: null };
    await deps.store.insertRecheck(recheck);
    await deps.store.appendEvent({ at: now, type: 'recheck_requested', sessionId: id, attemptId: null, integrationId: session.integrationId, code: null, ...requestInfo(c, deps), detail: { recheckId: recheck.id } });
    await deps.events.publish({ type: 'recheck.requested', sessionId: id, recheckId: recheck.id, expiresAt: iso(recheck.expiresAt), at: iso(now) });
    return c.json({ recheckId: recheck.id, expiresAt: iso(recheck.expiresAt) }, 201);
  });

  /**
   * `GET /v1/attempts/{id}/reference-image`: the attempt's reference image (JPEG), for the
   * interviewer's badge (viewer token of that session) or the hiring system (its API key).
   */
  app.use('/v1/attempts/:id/reference-image', pageCors(deps), rateLimit(deps, 'client'));
  app.get('/v1/attempts/:id/reference-image', async (c) => {
    const id = c.req.param('id');
    c.set('auditAttemptId', id);
    const token = bearer(c);
    if (!token) throw new LiveproofError('unauthorized', 'A viewer token or an API key is required: Authorization: Bearer <token>.');
    const attempt = idSchema.safeParse(id).success ? await deps.store.getAttempt(id) : null;
    const session = attempt ? await deps.store.getSession(attempt.sessionId) : null;
    let allowed = false;
    if (token.split('.').length === 3) {
      const watcher = await verifyWatchToken(deps.tokens, token);
      allowed = watcher.as === 'viewer' && watcher.sessionId === session?.id;
    } else {
      allowed = (await integrationForApiKey(deps, token)).id === session?.integrationId;
    }
    const image = allowed && attempt ? await deps.store.getReferenceImage(attempt.id, deps.clock.now()) : null;
    if (!image) throw new LiveproofError('not_found', `No reference image for attempt ${id}.`);
    return c.body(image.data.slice().buffer, 200, { 'content-type': image.contentType, 'cache-control': 'private, no-store' });
  });

  return app;
}

/** How long a re-check request waits for the candidate's element to answer it. */
const RECHECK_TTL_MS = 2 * 60_000;
