/**
 * Viewers: the interviewer's badge (viewer token) and the candidate's element in interview mode
 * (the session's client token) follow the session's events; an interviewer with the re-check right
 * asks for a witnessed re-check; the badge shows the reference image of a passed check.
 *
 * The event stream opens with a snapshot (status, attempts without addresses or user agents, the
 * latest result's token, any re-check request still waiting), then every event as it happens on
 * any server instance, with a comment every 15 s so proxies keep it open. It closes when its token
 * or its session expires, when its viewer token is revoked, and streams are capped per token,
 * per address and per process.
 */
import { createRoute, z } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { createMiddleware } from 'hono/factory';
import { streamSSE } from 'hono/streaming';
import { LiveproofError, idSchema } from '@liveproof/protocol';
import { requestInfo, type AppEnv, type Deps } from '../../context.ts';
import { sessionForWatcher } from '../../domain/access.ts';
import { integrationForApiKey } from '../../domain/integrations.ts';
import { requestRecheck } from '../../domain/sessions.ts';
import { iso, viewerSessionView } from '../../domain/views.ts';
import type { BusEvent } from '../../event-bus.ts';
import { livenessTokenFor } from '../../tokens.ts';
import { bearer, pageCors, rateLimit, watchTokenAuth } from '../guards.ts';
import { routeGroup } from '../group.ts';
import { VIEWER_TOKEN, errorResponses, json } from '../openapi.ts';

const idParams = z.object({ id: idSchema });

const events = createRoute({
  method: 'get',
  path: '/v1/sessions/{id}/events',
  security: VIEWER_TOKEN,
  summary:
    "The session's events as server-sent events: `snapshot`, `attempt.started`, `attempt.prompt`, `attempt.completed`, `recheck.requested`. The token may be sent as `?access_token=` (for EventSource). Closes when the token or the session expires, or when the viewer token is revoked.",
  request: { params: idParams, query: z.object({ access_token: z.string().max(4000).optional() }) },
  responses: { 200: { description: 'text/event-stream', content: { 'text/event-stream': { schema: z.string() } } }, ...errorResponses },
});

const summary = createRoute({
  method: 'get',
  path: '/v1/sessions/{id}/summary',
  security: VIEWER_TOKEN,
  summary: "The session as a viewer sees it: status and attempts (no references, addresses or user agents), and any re-check request waiting",
  request: { params: idParams },
  responses: { 200: json('The session'), ...errorResponses },
});

const rechecks = createRoute({
  method: 'post',
  path: '/v1/sessions/{id}/rechecks',
  security: [{ viewerToken: [] }],
  summary: "Ask the candidate's element (interview mode) for a witnessed re-check; one waits at a time, for two minutes",
  request: { params: idParams },
  responses: { 201: json('The re-check request id and when it expires'), ...errorResponses },
});

const referenceImage = createRoute({
  method: 'get',
  path: '/v1/attempts/{id}/reference-image',
  security: [{ viewerToken: [] }, { apiKey: [] }] as Record<string, string[]>[],
  summary: "The reference image of a passed check (JPEG, supplied by the candidate's page), for the session's viewers and the hiring system",
  request: { params: idParams, query: z.object({ access_token: z.string().max(4000).optional() }) },
  responses: { 200: { description: 'image/jpeg', content: { 'image/jpeg': { schema: z.string() } } }, ...errorResponses },
});

/** A viewer token of the attempt's session, or its integration's API key. */
function viewerOrApiKey(deps: Deps): MiddlewareHandler<AppEnv> {
  const viewer = watchTokenAuth(deps);
  return createMiddleware<AppEnv>(async (c, next) => {
    const token = bearer(c) ?? c.req.query('access_token');
    if (token && token.split('.').length !== 3) {
      const integration = await integrationForApiKey(deps.store, token, deps.clock.now());
      if (!integration) throw new LiveproofError('unauthorized', 'The API key is not valid (unknown, expired or revoked).');
      c.set('integration', integration);
      c.set('authenticated', true);
      return next();
    }
    return viewer(c, next);
  });
}

async function streamEvents(deps: Deps, c: Context<AppEnv>, id: string) {
  const watcher = c.get('watcher');
  const session = await sessionForWatcher(deps.store, watcher, id);
  const release = deps.streams.open(`${watcher.as}:${watcher.jti || id}`, requestInfo(c, deps).ip);
  const closesAt = Math.min(watcher.expiresAt, session.expiresAt);
  return streamSSE(c, async (stream) => {
    // Writes come from the bus and from the keep-alive loop: one at a time, in order.
    let writing: Promise<unknown> = Promise.resolve();
    let closed = false;
    const write = (message: Parameters<typeof stream.writeSSE>[0]) => (writing = writing.then(() => (stream.aborted ? undefined : stream.writeSSE(message))));
    let sequence = 0;
    const unsubscribe = deps.events.subscribe(id, (event: BusEvent) => {
      if (event.type === 'viewer.revoked') {
        // Said, then closed at once: the badge knows why it stopped.
        if (watcher.as === 'viewer' && event.jti === watcher.jti && !closed) {
          closed = true;
          void write({ event: 'closed', data: JSON.stringify({ reason: 'revoked' }) }).finally(() => stream.abort());
        }
        return;
      }
      void write({ event: event.type, data: JSON.stringify(event), id: String(++sequence) });
    });
    stream.onAbort(() => {
      unsubscribe();
      release();
    });
    try {
      const now = deps.clock.now();
      const attempts = await deps.store.listAttempts(id);
      // The latest result's token, so a badge that connects mid-interview can verify where things stand.
      const latest = attempts.filter((a) => a.status !== 'started').at(-1);
      const latestToken = latest ? (await livenessTokenFor(deps.tokens, session, latest, now)).token : undefined;
      const open = (await deps.store.listOpenRechecks(id, now)).map((r) => ({ recheckId: r.id, expiresAt: iso(r.expiresAt) }));
      const snapshot = { ...viewerSessionView(session, attempts, now), ...(latestToken ? { latestToken } : {}), openRechecks: open };
      await write({ event: 'snapshot', data: JSON.stringify(snapshot), id: String(++sequence) });
      while (!stream.aborted && !closed) {
        const left = closesAt - deps.clock.now();
        if (left <= 0) break;
        await stream.sleep(Math.min(deps.config.streams.keepAliveMs, left));
        if (!stream.aborted && deps.clock.now() < closesAt) await (writing = writing.then(() => stream.write(': keep-alive\n\n')));
      }
      if (!stream.aborted && !closed) await write({ event: 'closed', data: JSON.stringify({ reason: 'expired' }) });
    } finally {
      unsubscribe();
      release();
    }
  });
}

export function viewerRoutes(deps: Deps) {
  const group = routeGroup('viewer', [rateLimit(deps, 'viewer'), watchTokenAuth(deps)], { cors: pageCors(deps) });

  group.openapi(events, async (c) => {
    const id = c.req.valid('param').id;
    c.set('auditSessionId', id);
    return (await streamEvents(deps, c, id)) as never;
  });

  group.openapi(summary, async (c) => {
    const id = c.req.valid('param').id;
    const session = await sessionForWatcher(deps.store, c.get('watcher'), id);
    const now = deps.clock.now();
    const open = (await deps.store.listOpenRechecks(id, now)).map((r) => ({ recheckId: r.id, expiresAt: iso(r.expiresAt) }));
    return c.json({ ...viewerSessionView(session, await deps.store.listAttempts(id), now), openRechecks: open }, 200);
  });

  group.openapi(rechecks, async (c) => {
    const id = c.req.valid('param').id;
    c.set('auditSessionId', id);
    const watcher = c.get('watcher');
    if (watcher.as !== 'viewer' || !watcher.rights.includes('recheck')) throw new LiveproofError('forbidden', 'This token may not ask for re-checks.');
    const session = await sessionForWatcher(deps.store, watcher, id);
    return c.json(await requestRecheck(deps, session, requestInfo(c, deps)), 201);
  });

  // The image is also the hiring system's: a group of its own, reachable with either credential.
  const images = routeGroup('viewer', [rateLimit(deps, 'viewer'), viewerOrApiKey(deps)], { cors: pageCors(deps) });
  images.openapi(referenceImage, async (c) => {
    const id = c.req.valid('param').id;
    c.set('auditAttemptId', id);
    const attempt = await deps.store.getAttempt(id);
    const session = attempt ? await deps.store.getSession(attempt.sessionId) : null;
    const watcher = c.get('watcher');
    const allowed = watcher ? watcher.as === 'viewer' && watcher.sessionId === session?.id : c.get('integration').id === session?.integrationId;
    const image = allowed && attempt ? await deps.store.getReferenceImage(attempt.id, deps.clock.now()) : null;
    if (!image) throw new LiveproofError('not_found', `No reference image for attempt ${id}.`);
    return c.body(image.data.slice().buffer as ArrayBuffer, 200, { 'content-type': image.contentType, 'cache-control': 'private, no-store' }) as never;
  });
  return [group, images];
}

