/**
 * The candidate's page (`<liveproof-check>`), with its client token: start an attempt (register the
 * attempt key, receive the signed plan), report the prompt just shown, and read an outcome back
 * after a lost response. Results themselves are authorised by the attempt key (`results.ts`).
 */
import { createRoute, z } from '@hono/zod-openapi';
import { LiveproofError, idSchema, progressSchema, startAttemptSchema } from '@liveproof/protocol';
import { requestInfo, type Deps } from '../../context.ts';
import { attemptForClient, sessionForClient } from '../../domain/access.ts';
import { outcomeResponse } from '../../domain/attempts/outcome.ts';
import { startAttempt } from '../../domain/attempts/start.ts';
import { iso } from '../../domain/views.ts';
import { clientTokenAuth, limitBody, pageCors, rateLimit } from '../guards.ts';
import { routeGroup } from '../group.ts';
import { CLIENT_TOKEN, errorResponses, json } from '../openapi.ts';

const idParams = z.object({ id: idSchema });

const start = createRoute({
  method: 'post',
  path: '/v1/sessions/{id}/attempts',
  security: CLIENT_TOKEN,
  summary: 'Start an attempt: register the attempt key and receive the signed challenge plan',
  request: { params: idParams, body: { content: { 'application/json': { schema: startAttemptSchema } }, required: true } },
  responses: { 201: json('The attempt id and its signed plan'), ...errorResponses },
});

const progress = createRoute({
  method: 'post',
  path: '/v1/attempts/{id}/progress',
  security: CLIENT_TOKEN,
  summary: 'The element reports the prompt it has just shown, for live viewers; it changes nothing in the verdict',
  request: { params: idParams, body: { content: { 'application/json': { schema: progressSchema } }, required: true } },
  responses: { 204: { description: 'Passed on to viewers' }, ...errorResponses },
});

const outcome = createRoute({
  method: 'get',
  path: '/v1/attempts/{id}',
  security: CLIENT_TOKEN,
  summary: "An attempt's outcome, for a page whose result response was lost",
  request: { params: idParams },
  responses: { 200: json('The verdict and a verification token'), ...errorResponses },
});

export function pageRoutes(deps: Deps) {
  const group = routeGroup('page', [rateLimit(deps, 'page'), limitBody(deps.config.maxBodyBytes), clientTokenAuth(deps)], { cors: pageCors(deps) });

  group.openapi(start, async (c) => {
    const id = c.req.valid('param').id;
    c.set('auditSessionId', id);
    const session = await sessionForClient(deps.store, c.get('clientSessionId'), id);
    return c.json(await startAttempt(deps, session, c.req.valid('json'), requestInfo(c, deps)), 201);
  });

  group.openapi(progress, async (c) => {
    const id = c.req.valid('param').id;
    c.set('auditAttemptId', id);
    const { attempt, session } = await attemptForClient(deps.store, c.get('clientSessionId'), id);
    const { index, challenge } = c.req.valid('json');
    if (attempt.status !== 'started') throw new LiveproofError('result_already_submitted', `Attempt ${attempt.id} already has a result.`);
    if (attempt.challenges[index] !== challenge) throw new LiveproofError('plan_mismatch', `Step ${index} of attempt ${attempt.id} is not ${challenge}.`);
    await deps.events.publish({ type: 'attempt.prompt', sessionId: session.id, attemptId: attempt.id, index, challenge, at: iso(deps.clock.now()) }).catch(() => undefined);
    return c.body(null, 204);
  });

  group.openapi(outcome, async (c) => {
    const id = c.req.valid('param').id;
    c.set('auditAttemptId', id);
    const { attempt, session } = await attemptForClient(deps.store, c.get('clientSessionId'), id);
    if (attempt.status === 'started') throw new LiveproofError('attempt_not_found', `Attempt ${attempt.id} has no result yet.`, { details: { status: 'started' } });
    return c.json(await outcomeResponse(deps, session, attempt), 200);
  });

  return group;
}
