/**
 * Signed results, authorised by the attempt key alone: whatever became of the page's client token,
 * a result the attempt key signed is taken until the attempt expires. A request not signed by that
 * key is a stranger's and changes nothing.
 *
 * Beside them, the round trips the server times (`rtt`): they need no credential but the attempt
 * id (a client token's signature check would cost more than the round trip itself), since an echo
 * counts only inside the result the attempt key signs, and only from the attempt's own network.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { LiveproofError, idSchema, rttRequestSchema, submitResultSchema, type RttResponse } from '@liveproof/protocol';
import { requestInfo, type Deps } from '../../context.ts';
import { submitResult } from '../../domain/attempts/submit.ts';
import { requestFrames } from '../../domain/attempts/frame-requests.ts';
import { echoNetwork, nextEcho, openEcho, sealEcho, tcpRttFromHeader } from '../../network/rtt.ts';
import { limitBody, pageCors, rateLimit } from '../guards.ts';
import { routeGroup } from '../group.ts';
import { ATTEMPT_ID, ATTEMPT_KEY, errorResponses, json } from '../openapi.ts';

const idParams = z.object({ id: idSchema });
/** The signed commitment (compact JWS): a trace's digest, its steps and span. */
const frameRequestSchema = z.strictObject({ commitment: z.string().min(1).max(16_000) });

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

const frames = createRoute({
  method: 'post',
  path: '/v1/attempts/{id}/frames',
  security: ATTEMPT_KEY,
  summary: 'High assurance: commit to the trace (signed by the attempt key) and receive the moments whose face crops the result must carry',
  request: { params: idParams, body: { content: { 'application/json': { schema: frameRequestSchema } }, required: true } },
  responses: { 200: json('The moments the server drew for this commitment'), ...errorResponses },
});

const rtt = createRoute({
  method: 'post',
  path: '/v1/attempts/{id}/rtt',
  security: ATTEMPT_ID,
  summary: 'One round trip the server times: send the previous echo at once, receive the next (counted only inside the signed result)',
  request: { params: idParams, body: { content: { 'application/json': { schema: rttRequestSchema } }, required: true } },
  responses: { 200: json('The next echo, sealed'), ...errorResponses },
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
  group.openapi(frames, async (c) => {
    const attemptId = c.req.valid('param').id;
    c.set('auditAttemptId', attemptId);
    return c.json(await requestFrames(deps, attemptId, c.req.valid('json').commitment), 200);
  });
  group.openapi(rtt, async (c) => {
    const arrivedAt = deps.clock.now();
    const id = c.req.valid('param').id;
    const attempt = await deps.store.getAttempt(id);
    if (!attempt) throw new LiveproofError('attempt_not_found', `No attempt ${id}.`);
    if (attempt.status !== 'started') throw new LiveproofError('result_already_submitted', `Attempt ${attempt.id} already has a result.`);
    const { secret, tcpRttHeader } = deps.network.rtt;
    const { echo, restart } = c.req.valid('json');
    const network = echoNetwork(requestInfo(c, deps).ip);
    const previous = echo === undefined ? null : openEcho(secret, echo, attempt.id);
    if (echo !== undefined && (!previous || previous.network !== network)) {
      throw new LiveproofError('invalid_request', 'The echo is not one this server sent for this attempt and network.');
    }
    const tcpMs = tcpRttHeader ? tcpRttFromHeader(c.req.header(tcpRttHeader)) : null;
    const next = nextEcho(previous, attempt.id, network, arrivedAt, deps.clock.now(), tcpMs, restart === true);
    return c.json({ echo: sealEcho(secret, next) } satisfies RttResponse, 200);
  });
  return group;
}
