/**
 * Starting an attempt: the page registers a fresh attempt key and receives a plan the server drew
 * and signed. A check needs an attempt left in the session; a re-check answers an interviewer's
 * open request. The screen-light policy applies to both.
 */
import { createPublicKey } from 'node:crypto';
import { CURRENT_THRESHOLDS, LiveproofError, type DeviceInfo, type StartAttemptRequest, type StartAttemptResponse } from '@liveproof/protocol';
import type { Deps, RequestInfo } from '../../context.ts';
import { ecThumbprint } from '../../encoding.ts';
import { iceCredentials } from '../../network/ice.ts';
import { newId, newNonce } from '../../random.ts';
import type { AttemptRefusal, AttemptState, SessionRecord } from '../../store.ts';
import { issuePlanToken } from '../../tokens.ts';
import { audit } from '../audit.ts';
import { drawAttemptPlan, planView, type PlanFacts } from '../plan.ts';
import { admit, attemptsRemaining } from '../session-rules.ts';
import { iso } from '../views.ts';

const REFUSALS: Record<AttemptRefusal, (session: SessionRecord, recheckId?: string) => LiveproofError> = {
  limit_reached: (s) => new LiveproofError('attempt_limit_reached', `Session ${s.id} has used all ${s.attemptLimit} attempts.`),
  session_passed: (s) => new LiveproofError('session_completed', `Session ${s.id} has already passed.`),
  session_closed: (s) => new LiveproofError('session_expired', `Session ${s.id} has ended.`),
  session_not_found: (s) => new LiveproofError('session_not_found', `No session ${s.id}.`),
  recheck_not_found: (s, id) => new LiveproofError('recheck_not_found', `No open re-check request ${id} for session ${s.id}.`),
};

export async function startAttempt(deps: Deps, session: SessionRecord, body: StartAttemptRequest, info: RequestInfo): Promise<StartAttemptResponse> {
  const now = deps.clock.now();
  if (now > session.expiresAt) throw new LiveproofError('session_expired', `Session ${session.id} has expired.`);
  try {
    // A point on P-256 (node:crypto checks it), as the schema already made it a P-256 JWK.
    createPublicKey({ key: { kty: body.publicKey.kty, crv: body.publicKey.crv, x: body.publicKey.x, y: body.publicKey.y }, format: 'jwk' });
  } catch (error) {
    throw new LiveproofError('invalid_public_key', 'The attempt key is not a valid P-256 public key.', { cause: error });
  }
  const kind = body.recheckId ? 'recheck' : 'check';
  const integration = await deps.store.getIntegration(session.integrationId);
  // An opt-out only means something when plans have the light at all.
  const lightOptOut = body.lightOptOut === true && deps.config.lightChallenge;
  if (lightOptOut && integration?.lightOptOutPolicy === 'reject') {
    throw new LiveproofError('light_required', 'This check requires the screen-light step; it cannot be skipped for this session.');
  }
  const ice = deps.network.ice ? { ...iceCredentials(deps.network.ice.secret, deps.random), candidates: deps.network.ice.candidates } : undefined;
  const drawn = drawAttemptPlan(kind, session.challengeCount, { light: deps.config.lightChallenge, lightOptOut, excluded: integration?.excludedChallenges ?? [], profileTurn: integration?.profileTurn === 'on' }, deps.random);
  const expiresAt = now + drawn.challenges.length * deps.config.stepTimeoutMs + deps.config.planSlackMs;
  const plan: PlanFacts = {
    attemptId: newId('att', deps.random),
    sessionId: session.id,
    nonce: newNonce(deps.random),
    kind,
    challenges: drawn.challenges,
    stepTimeoutMs: deps.config.stepTimeoutMs,
    thresholds: CURRENT_THRESHOLDS,
    light: drawn.light,
    lightOptOut,
    referenceImage: Boolean(integration?.referenceImageDays) && kind === 'check',
    highAssurance: integration?.highAssurance ?? 'off',
    iceUfrag: ice?.ufrag,
    issuedAt: now,
    expiresAt,
  };
  const planToken = await issuePlanToken(deps.tokens, plan);
  const publicJwk = { kty: body.publicKey.kty, crv: body.publicKey.crv, x: body.publicKey.x, y: body.publicKey.y };
  // The store hands the rule the session's attempts inside its transaction; keep them for the answer.
  let before: readonly AttemptState[] = [];
  const created = await deps.store.createAttempt(
    {
      id: plan.attemptId,
      sessionId: session.id,
      kind,
      createdAt: now,
      expiresAt,
      nonce: plan.nonce,
      challenges: plan.challenges,
      planToken,
      publicJwk,
      keyThumbprint: ecThumbprint(publicJwk),
      ip: info.ip,
      userAgent: info.userAgent,
      // The device's digest is not kept as sent: links keep only a keyed hash of the result's.
      device: body.device ? withoutFingerprint(body.device) : null,
    },
    (s, attempts, k) => {
      before = attempts;
      return admit(s, attempts, k);
    },
    body.recheckId ? { id: body.recheckId, now } : undefined,
  );
  if (typeof created === 'string') throw REFUSALS[created](session, body.recheckId);
  await audit(deps.store, now, {
    type: 'attempt_started',
    sessionId: session.id,
    attemptId: created.id,
    integrationId: session.integrationId,
    info,
    detail: { sequence: created.sequence, kind, challenges: created.challenges, keyThumbprint: created.keyThumbprint },
  });
  await deps.events
    .publish({ type: 'attempt.started', sessionId: session.id, attemptId: created.id, sequence: created.sequence, kind, challenges: created.challenges, at: iso(now) })
    .catch(() => undefined); // viewers miss a live event; the record and the answer stand
  return { attemptId: created.id, plan: planView(plan, ice), planToken, attemptsRemaining: attemptsRemaining(session, [...before, created]) };
}

function withoutFingerprint({ fingerprint: _fingerprint, ...device }: DeviceInfo): DeviceInfo {
  return device;
}
