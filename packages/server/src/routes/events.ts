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
import type { AppEnv, Deps } from '../context.ts';
import { pageCors, rateLimit } from '../middleware.ts';
import { verifyWatchToken } from '../tokens.ts';
import { sessionView } from '../views.ts';

const KEEPALIVE_MS = 15_000;

export function eventRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.use('/v1/sessions/:id/events', pageCors(deps), rateLimit(deps, 'client'));

  app.get('/v1/sessions/:id/events', async (c) => {
    const id = c.req.param('id');
    c.set('auditSessionId', id);
    if (!idSchema.safeParse(id).success) throw new LiveproofError('session_not_found', `No session ${id}.`);
    const header = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
    const token = header ?? c.req.query('access_token');
    if (!token) throw new LiveproofError('unauthorized', 'A viewer or client token is required: Authorization: Bearer <token>, or ?access_token=<token>.');
    const watcher = await verifyWatchToken(deps.tokens, token);
    const session = watcher.sessionId === id ? await deps.store.getSession(id) : null;
    if (!session) throw new LiveproofError('session_not_found', `No session ${id} for this token.`);

    return streamSSE(c, async (stream) => {
      // Writes come from the bus and from the keep-alive loop: one at a time, in order.
      let writing: Promise<unknown> = Promise.resolve();
      const write = (message: Parameters<typeof stream.writeSSE>[0]) => (writing = writing.then(() => (stream.aborted ? undefined : stream.writeSSE(message))));
      let sequence = 0;
      const unsubscribe = deps.events.subscribe(id, (event: SessionEvent) => void write({ event: event.type, data: JSON.stringify(event), id: String(++sequence) }));
      stream.onAbort(unsubscribe);
      const attempts = await deps.store.listAttempts(id);
      await write({ event: 'snapshot', data: JSON.stringify(sessionView(session, attempts, deps.clock.now(), true)), id: String(++sequence) });
      while (!stream.aborted) {
        await stream.sleep(KEEPALIVE_MS);
        if (!stream.aborted) await (writing = writing.then(() => stream.write(': keep-alive\n\n')));
      }
      unsubscribe();
    });
  });
  return app;
}
