/**
 * Page endpoints, called by `<liveproof-check>` with its client token: start an attempt (register
 * the attempt key, receive the signed plan), submit the signed result, and read an outcome back
 * after a lost response.
 */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { calculateJwkThumbprint, importJWK } from 'jose';
import {
  CURRENT_THRESHOLDS,
  LiveproofError,
  SIGNING_ALG,
  idSchema,
  progressSchema,
  startAttemptSchema,
  submitResultSchema,
  type Plan,
  type ResultResponse,
  type SessionEvent,
  type StartAttemptResponse,
} from '@liveproof/protocol';
import { drawChallenges, drawPlan } from '../challenges.ts';

/** Movements in a witnessed re-check. */
const RECHECK_CHALLENGES = 2;
import { requestInfo, type AppEnv, type Deps } from '../context.ts';
import { CLIENT_TOKEN } from '../openapi.ts';
import { newId, newNonce } from '../ids.ts';
import { auditTarget, limitBody, pageCors, rateLimit, requireClientToken } from '../middleware.ts';
import { RejectedResult, checkResult, parsePayload, verifyResultSignature } from '../results.ts';
import { applyPolicy, assuranceOf, attemptSignals } from '../signals.ts';
import type { AttemptOutcome, AttemptRecord, SessionRecord } from '../store.ts';
import { issuePlanToken, livenessTokenFor } from '../tokens.ts';
import { keepReferenceImage } from '../reference-images.ts';
import { attemptsRemaining, iso, sessionStatus } from '../views.ts';
import { messagesForResult } from '../webhooks.ts';

const idParams = z.object({ id: idSchema });

const startAttempt = createRoute({
  method: 'post',
  path: '/v1/sessions/{id}/attempts',
  security: CLIENT_TOKEN,
  summary: 'Start an attempt: register the attempt key and receive the signed challenge plan',
  request: { params: idParams, body: { content: { 'application/json': { schema: startAttemptSchema } }, required: true } },
  responses: { 201: { description: 'The attempt id and its signed plan' } },
});

const submitResult = createRoute({
  method: 'post',
  path: '/v1/attempts/{id}/result',
  security: CLIENT_TOKEN,
  summary: 'Submit the signed result of an attempt and receive the verdict and verification token',
  request: { params: idParams, body: { content: { 'application/json': { schema: submitResultSchema } }, required: true } },
  responses: { 200: { description: 'The verdict and a verification token' } },
});

const getOutcome = createRoute({
  method: 'get',
  path: '/v1/attempts/{id}',
  security: CLIENT_TOKEN,
  summary: "An attempt's outcome, for a page whose result response was lost",
  request: { params: idParams },
  responses: { 200: { description: 'The verdict and a verification token' } },
});

const reportProgress = createRoute({
  method: 'post',
  path: '/v1/attempts/{id}/progress',
  security: CLIENT_TOKEN,
  summary: 'The element reports the prompt it has just shown, for live viewers; it changes nothing in the verdict',
  request: { params: idParams, body: { content: { 'application/json': { schema: progressSchema } }, required: true } },
  responses: { 204: { description: 'Passed on to the session event stream' } },
});

export function attemptRoutes(deps: Deps) {
  const app = new OpenAPIHono<AppEnv>();
  app.use('/v1/sessions/:id/attempts', auditTarget('session'));
  app.use('/v1/attempts/:id', auditTarget('attempt'));
  app.use('/v1/attempts/:id/result', auditTarget('attempt'));
  app.use('/v1/attempts/:id/progress', auditTarget('attempt'));
  for (const path of ['/v1/sessions/:id/attempts', '/v1/attempts/:id', '/v1/attempts/:id/result', '/v1/attempts/:id/progress']) {
    app.use(path, pageCors(deps), rateLimit(deps, 'client'), limitBody(deps), requireClientToken(deps));
  }

  /** Live viewers are a convenience: an event that cannot be sent never fails the request. */
  async function publish(event: SessionEvent): Promise<void> {
    try {
      await deps.events.publish(event);
    } catch (error) {
      console.error('liveproof: could not publish a session event:', error);
    }
  }

  /** The session the client token is for, if it is `id`; the token must not reach other sessions. */
  async function tokenSession(c: Context<AppEnv>, id: string): Promise<SessionRecord> {
    c.set('auditSessionId', id);
    const session = id === c.get('clientSessionId') ? await deps.store.getSession(id) : null;
    if (!session) throw new LiveproofError('session_not_found', `No session ${id} for this client token.`);
    return session;
  }

  async function tokenAttempt(c: Context<AppEnv>, id: string): Promise<{ attempt: AttemptRecord; session: SessionRecord }> {
    c.set('auditAttemptId', id);
    const attempt = await deps.store.getAttempt(id);
    if (!attempt || attempt.sessionId !== c.get('clientSessionId')) {
      throw new LiveproofError('attempt_not_found', `No attempt ${id} for this client token.`);
    }
    return { attempt, session: await tokenSession(c, attempt.sessionId) };
  }

  async function outcomeResponse(session: SessionRecord, attempt: AttemptRecord): Promise<ResultResponse> {
    const { token, expiresAt, result } = await livenessTokenFor(deps.tokens, session, attempt, deps.clock.now());
    const attempts = await deps.store.listAttempts(session.id);
    return {
      attemptId: attempt.id,
      result,
      reasons: attempt.reasons,
      steps: attempt.steps,
      signals: attempt.signals,
      assurance: assuranceOf(attempt.signals),
      token,
      tokenExpiresAt: iso(expiresAt),
      attemptsRemaining: attemptsRemaining(session, attempts),
      sessionStatus: sessionStatus(session, attempts, deps.clock.now()),
    };
  }

  app.openapi(startAttempt, async (c) => {
    const session = await tokenSession(c, c.req.valid('param').id);
    const body = c.req.valid('json');
    const now = deps.clock.now();
    if (now > session.expiresAt) throw new LiveproofError('session_expired', `Session ${session.id} has expired.`);
    try {
      await importJWK(body.publicKey, SIGNING_ALG);
    } catch (error) {
      throw new LiveproofError('invalid_public_key', 'The attempt key is not a valid P-256 public key.', { cause: error });
    }
    const attemptId = newId('att', deps.random);
    c.set('auditAttemptId', attemptId);
    // An opt-out only means something when plans have the light at all.
    const lightOptOut = body.lightOptOut === true && deps.config.lightChallenge && body.recheckId === undefined;
    const integration = await deps.store.getIntegration(session.integrationId);
    if (lightOptOut) {
      if (integration?.lightOptOutPolicy === 'reject') {
        throw new LiveproofError('light_required', 'This check requires the screen-light step; it cannot be skipped for this session.');
      }
    }
    // A re-check during the call is short: two movements, no flashing, watched by the interviewer.
    const recheckId = body.recheckId;
    const { challenges, light } = recheckId
      ? { challenges: drawChallenges(RECHECK_CHALLENGES, deps.random), light: undefined }
      : drawPlan(session.challengeCount, { light: deps.config.lightChallenge, lightOptOut }, deps.random);
    const stepTimeoutMs = deps.config.stepTimeoutMs;
    const expiresAt = now + challenges.length * stepTimeoutMs + deps.config.planSlackMs;
    const nonce = newNonce(deps.random);
    const plan: Plan = {
      attemptId,
      sessionId: session.id,
      nonce,
      challenges,
      stepTimeoutMs,
      thresholds: CURRENT_THRESHOLDS.version,
      ...(light ? { light } : {}),
      ...(integration?.referenceImageDays ? { referenceImage: true } : {}),
      issuedAt: iso(now),
      expiresAt: iso(expiresAt),
    };
    const planToken = await issuePlanToken(deps.tokens, { ...plan, issuedAt: now, expiresAt, lightOptOut });
    const info = requestInfo(c, deps);
    const publicJwk = { kty: body.publicKey.kty, crv: body.publicKey.crv, x: body.publicKey.x, y: body.publicKey.y };
    const newAttempt = {
      id: attemptId,
      sessionId: session.id,
      createdAt: now,
      expiresAt,
      nonce,
      challenges,
      planToken,
      publicJwk,
      keyThumbprint: await calculateJwkThumbprint(publicJwk),
      ip: info.ip,
      userAgent: info.userAgent,
      device: body.device ?? null,
    };
    const created = recheckId ? await deps.store.createRecheckAttempt(newAttempt, recheckId, now) : await deps.store.createAttempt(newAttempt);
    if (created === 'recheck_not_found') throw new LiveproofError('recheck_not_found', `No open re-check request ${recheckId} for session ${session.id}.`);
    if (created === 'limit_reached') throw new LiveproofError('attempt_limit_reached', `Session ${session.id} has used all ${session.attemptLimit} attempts.`);
    if (created === 'session_passed') throw new LiveproofError('session_completed', `Session ${session.id} has already passed.`);
    if (created === 'session_not_found') throw new LiveproofError('session_not_found', `No session ${session.id}.`);
    await deps.store.appendEvent({
      at: now,
      type: 'attempt_started',
      sessionId: session.id,
      attemptId,
      integrationId: session.integrationId,
      code: null,
      ip: info.ip,
      userAgent: info.userAgent,
      detail: { sequence: created.sequence, challenges, keyThumbprint: created.keyThumbprint },
    });
    await publish({ type: 'attempt.started', sessionId: session.id, attemptId, sequence: created.sequence, kind: created.kind, challenges, at: iso(now) });
    const attempts = await deps.store.listAttempts(session.id);
    const response: StartAttemptResponse = { attemptId, plan, planToken, attemptsRemaining: attemptsRemaining(session, attempts) };
    return c.json(response, 201);
  });

  app.openapi(submitResult, async (c) => {
    const receivedAt = deps.clock.now();
    const { attempt, session } = await tokenAttempt(c, c.req.valid('param').id);
    if (attempt.status !== 'started') throw new LiveproofError('result_already_submitted', `Attempt ${attempt.id} already has a result.`);
    const payloadBytes = await verifyResultSignature(attempt, c.req.valid('json').result);
    const info = requestInfo(c, deps);
    const base = { completedAt: receivedAt, resultIp: info.ip, resultUserAgent: info.userAgent };
    const integration = await deps.store.getIntegration(session.integrationId);

    let outcome: AttemptOutcome;
    let rejection: RejectedResult | undefined;
    let payloadImage: { type: 'image/jpeg'; data: string } | undefined;
    try {
      const payload = parsePayload(payloadBytes);
      payloadImage = payload.referenceImage;
      const { verdict, timings } = checkResult(attempt, payload, receivedAt);
      const signals = attemptSignals(attempt, payload.device);
      const reasons = applyPolicy(verdict.reasons, signals, integration?.virtualCameraPolicy ?? 'flag');
      outcome = {
        ...base,
        status: reasons.length === 0 ? 'passed' : 'failed',
        reasons,
        steps: verdict.steps,
        signals,
        trace: payload.trace,
        timings,
      };
    } catch (error) {
      if (!(error instanceof RejectedResult)) throw error;
      rejection = error;
      outcome = {
        ...base,
        status: 'failed',
        reasons: [error.reason],
        steps: [],
        signals: error.payload ? attemptSignals(attempt, error.payload.device) : [],
        trace: error.payload?.trace ?? null,
        timings: null,
      };
    }
    // Single use: only the first result for an attempt is written, with its webhooks.
    const endpoints = await deps.store.listWebhookEndpoints(session.integrationId);
    const messages = messagesForResult(endpoints, session, attempt, outcome, deps.random);
    if (!(await deps.store.completeAttempt(attempt.id, outcome, messages))) {
      throw new LiveproofError('result_already_submitted', `Attempt ${attempt.id} already has a result.`);
    }
    await deps.store.appendEvent({
      at: receivedAt,
      type: 'attempt_completed',
      sessionId: session.id,
      attemptId: attempt.id,
      integrationId: session.integrationId,
      code: rejection?.code ?? null,
      ip: info.ip,
      userAgent: info.userAgent,
      detail: { status: outcome.status, reasons: outcome.reasons },
    });
    const keptImage = outcome.status === 'passed' && !rejection ? await keepReferenceImage(deps.store, integration, session, attempt, payloadImage, receivedAt) : false;
    const completed = (await deps.store.getAttempt(attempt.id))!;
    const response = await outcomeResponse(session, completed);
    await publish({
      type: 'attempt.completed',
      sessionId: session.id,
      attemptId: attempt.id,
      sequence: attempt.sequence,
      result: response.result,
      reasons: outcome.reasons,
      signals: outcome.signals,
      assurance: response.assurance,
      steps: outcome.steps,
      token: response.token,
      referenceImage: keptImage,
      at: iso(receivedAt),
    });
    if (rejection) throw rejection;
    return c.json(response, 200);
  });

  app.openapi(reportProgress, async (c) => {
    const { attempt, session } = await tokenAttempt(c, c.req.valid('param').id);
    const { index, challenge } = c.req.valid('json');
    if (attempt.status !== 'started') throw new LiveproofError('result_already_submitted', `Attempt ${attempt.id} already has a result.`);
    if (attempt.challenges[index] !== challenge) throw new LiveproofError('plan_mismatch', `Step ${index} of attempt ${attempt.id} is not ${challenge}.`);
    await publish({ type: 'attempt.prompt', sessionId: session.id, attemptId: attempt.id, index, challenge, at: iso(deps.clock.now()) });
    return c.body(null, 204);
  });

  app.openapi(getOutcome, async (c) => {
    const { attempt, session } = await tokenAttempt(c, c.req.valid('param').id);
    if (attempt.status === 'started') {
      throw new LiveproofError('attempt_not_found', `Attempt ${attempt.id} has no result yet.`, { details: { status: 'started' } });
    }
    return c.json(await outcomeResponse(session, attempt), 200);
  });

  return app;
}
