/** The hiring system's sessions: create one, read it back with its attempts, mint tokens for the page and for viewers. */
import { createRoute, z } from '@hono/zod-openapi';
import { createSessionSchema, idSchema, viewerTokenSchema } from '@liveproof/protocol';
import type { Deps } from '../../../context.ts';
import { sessionOfIntegration } from '../../../domain/access.ts';
import { clientTokenFor, createSession, revokeViewerToken, viewerTokenFor } from '../../../domain/sessions.ts';
import { sessionView } from '../../../domain/views.ts';
import type { RouteGroup } from '../../group.ts';
import { API_KEY, errorResponses, json } from '../../openapi.ts';

const sessionParams = z.object({ id: idSchema });

const create = createRoute({
  method: 'post',
  path: '/v1/sessions',
  security: API_KEY,
  summary: 'Create a check session for one candidate and interview',
  request: { body: { content: { 'application/json': { schema: createSessionSchema } }, required: true } },
  responses: { 201: json('The session, with a short-lived client token for the page'), ...errorResponses },
});

const read = createRoute({
  method: 'get',
  path: '/v1/sessions/{id}',
  security: API_KEY,
  summary: 'A session with every attempt made in it',
  request: { params: sessionParams },
  responses: { 200: json('The session and its attempts'), ...errorResponses },
});

const clientToken = createRoute({
  method: 'post',
  path: '/v1/sessions/{id}/client-tokens',
  security: API_KEY,
  summary: "A fresh client token for the page (for example when the candidate's page reloads, or an interview outlasts the token)",
  request: { params: sessionParams },
  responses: { 201: json('A client token'), ...errorResponses },
});

const viewerToken = createRoute({
  method: 'post',
  path: '/v1/sessions/{id}/viewer-tokens',
  security: API_KEY,
  summary: "A token for the interviewer's badge to watch the session's events live (and, with `recheck`, to ask for re-checks)",
  request: { params: sessionParams, body: { content: { 'application/json': { schema: viewerTokenSchema } }, required: false } },
  responses: { 201: json('A viewer token and its id (for revocation)'), ...errorResponses },
});

const revokeViewer = createRoute({
  method: 'post',
  path: '/v1/sessions/{id}/viewer-tokens/{tokenId}/revoke',
  security: API_KEY,
  summary: 'Revoke a viewer token: its event streams close and it opens no more',
  request: { params: z.object({ id: idSchema, tokenId: idSchema }) },
  responses: { 204: { description: 'Revoked' }, ...errorResponses },
});

export function hiringSessionRoutes(deps: Deps, group: RouteGroup): void {
  group.openapi(create, async (c) => c.json(await createSession(deps, c.get('integration'), c.req.valid('json')), 201));

  group.openapi(read, async (c) => {
    const id = c.req.valid('param').id;
    c.set('auditSessionId', id);
    const session = await sessionOfIntegration(deps.store, c.get('integration').id, id);
    return c.json(sessionView(session, await deps.store.listAttempts(session.id), deps.clock.now(), true), 200);
  });

  group.openapi(clientToken, async (c) => {
    const id = c.req.valid('param').id;
    c.set('auditSessionId', id);
    const session = await sessionOfIntegration(deps.store, c.get('integration').id, id);
    return c.json(await clientTokenFor(deps, session), 201);
  });

  group.openapi(viewerToken, async (c) => {
    const id = c.req.valid('param').id;
    c.set('auditSessionId', id);
    const session = await sessionOfIntegration(deps.store, c.get('integration').id, id);
    const body = c.req.header('content-type')?.startsWith('application/json') ? c.req.valid('json') : {};
    return c.json(await viewerTokenFor(deps, session, { ...(body.ttlSeconds ? { ttlSeconds: body.ttlSeconds } : {}), recheck: body.recheck === true }), 201);
  });

  group.openapi(revokeViewer, async (c) => {
    const { id, tokenId } = c.req.valid('param');
    c.set('auditSessionId', id);
    const session = await sessionOfIntegration(deps.store, c.get('integration').id, id);
    await revokeViewerToken(deps, session, tokenId);
    return c.body(null, 204);
  });
}
