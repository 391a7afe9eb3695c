/**
 * Signed results, authorised by the attempt key alone: whatever became of the page's client token,
 * a result the attempt key signed is taken until the attempt expires. A request not signed by that
 * key is a stranger's and changes nothing.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { idSchema, submitResultSchema } from '@liveproof/protocol';
import { requestInfo, type Deps } from '../../context.ts';
import { submitResult } from '../../domain/attempts/submit.ts';
import { limitBody, pageCors, rateLimit } from '../guards.ts';
import { routeGroup } from '../group.ts';
import { ATTEMPT_KEY, errorResponses, json } from '../openapi.ts';

const idParams = z.object({ id: idSchema });

/** The body limit of a result: the largest plan's evidence (see `maxResultBytesFor`) and its JSON wrapping. */
export const MAX_RESULT_BODY = 2_500_000;

const result = createRoute({
  method: 'post',
  path: '/v1/attempts/{id}/result',
  security: ATTEMPT_KEY,
  summary: 'Submit the signed result of an attempt and receive the verdict and verification token',
  request: { params: idParams, body: { content: { 'application/json': { schema: submitResultSchema } }, required: true } },
  responses: { 200: json('The verdict and a verification token'), ...errorResponses },
});

const stop = createRoute({
  method: 'post',
  path: '/v1/attempts/{id}/stop',
  security: ATTEMPT_KEY,
  summary: 'The candidate stopped the flashing colours: the attempt ends without using up one of the session\'s attempts',
  request: { params: idParams, body: { content: { 'application/json': { schema: submitResultSchema } }, required: true } },
  responses: { 200: json('The attempt, ended as stopped'), ...errorResponses },
});

export function resultRoutes(deps: Deps) {
  const group = routeGroup('page', [rateLimit(deps, 'page'), limitBody(MAX_RESULT_BODY)], { cors: pageCors(deps) });
  for (const [route, purpose] of [
    [result, 'result'],
    [stop, 'stop'],
  ] as const) {
    group.openapi(route, async (c) => {
      const attemptId = c.req.valid('param').id;
      return c.json(await submitResult(deps, { attemptId, jws: c.req.valid('json').result, purpose, info: requestInfo(c, deps) }), 200);
    });
  }
  return group;
}
