/**
 * A signed result (or a signed stop) arrives. It is authorised by the attempt key's signature,
 * until the attempt expires, whatever became of the page's client token: evidence that reached the
 * page reaches the record. Evaluation (signature, schema, plan binding, clock, `score()`) runs in
 * the injected scorer, off the event loop in the runnable server. Every result the attempt key
 * signed is recorded, pass or fail, with why a refused one was refused; a stranger's request
 * (not signed by the attempt key) cannot end the attempt.
 *
 * Copies of one result arriving together are evaluated once: the later ones wait for the first and
 * get its answer, so a flood of duplicates costs one scoring.
 */
import { LiveproofError, type ResultResponse, type RiskFacts } from '@liveproof/protocol';
import type { Deps, RequestInfo } from '../../context.ts';
import type { AttemptOutcome } from '../../store.ts';
import { attemptForResult } from '../access.ts';
import { audit } from '../audit.ts';
import { rejectionError, type Evaluation } from '../evidence.ts';
import { planFacts } from '../plan.ts';
import { checkReferenceImage } from '../reference-images.ts';
import { FACE_RULES, checkFrames, compareWithCheck } from '../faces.ts';
import { settlementRule } from '../settlement.ts';
import { assuranceOf, claimSignals, judgeSignals, networkSignals, reportedSignals } from '../signals.ts';
import { compareClaims } from '../../network/claims.ts';
import { keepFaceForMatch, matchOtherCandidates, matchesFaces } from '../face-match.ts';
import { linkAttempt, linkSignals } from '../links.ts';
import { observeNetwork, reportedFacts } from '../../network/facts.ts';
import { openAttemptEcho } from '../../network/rtt.ts';
import { iso } from '../views.ts';
import { outcomeResponse } from './outcome.ts';

export interface SubmitInput {
  attemptId: string;
  jws: string;
  purpose: 'result' | 'stop';
  info: RequestInfo;
}

/** Thrown for a request that may not end the attempt (not signed by its key): counted, not audited. */
export class StrangerRequest extends LiveproofError {}

const inflight = new WeakMap<Deps, Map<string, { jws: string; answer: Promise<ResultResponse> }>>();

export function submitResult(deps: Deps, input: SubmitInput): Promise<ResultResponse> {
  let pending = inflight.get(deps);
  if (!pending) inflight.set(deps, (pending = new Map()));
  const running = pending.get(input.attemptId);
  if (running) {
    if (running.jws !== input.jws) return Promise.reject(new LiveproofError('result_already_submitted', `Attempt ${input.attemptId} already has a result on its way.`));
    return running.answer;
  }
  const answer = record(deps, input).finally(() => pending.delete(input.attemptId));
  pending.set(input.attemptId, { jws: input.jws, answer });
  return answer;
}

async function record(deps: Deps, input: SubmitInput): Promise<ResultResponse> {
  const receivedAt = deps.clock.now();
  const { attempt, session, integration } = await attemptForResult(deps.store, input.attemptId);
  if (attempt.status !== 'started') throw new LiveproofError('result_already_submitted', `Attempt ${attempt.id} already has a result.`);

  const evaluation: Evaluation = await deps.scorer({
    attempt: {
      id: attempt.id,
      kind: attempt.kind,
      nonce: attempt.nonce,
      planToken: attempt.planToken,
      publicJwk: attempt.publicJwk,
      createdAt: attempt.createdAt,
      expiresAt: attempt.expiresAt,
      device: attempt.device,
    },
    jws: input.jws,
    purpose: input.purpose,
    receivedAt,
  });
  if (evaluation.kind === 'stranger') {
    const { code, message } = evaluation.rejection;
    throw new StrangerRequest(code, message);
  }

  // What the server saw of the network, and the integration's policies over every signal. A
  // refused result or a stop keeps its reasons: policies add a reason only to a scored check.
  const plan = planFacts(attempt);
  const udp = plan.iceUfrag ? await deps.store.listUdpObservations(plan.iceUfrag) : null;
  const device = evaluation.device;
  const rtt = evaluation.network?.rtt ? openAttemptEcho(deps.network.rtt.secret, evaluation.network.rtt, attempt) : null;
  const observed = observeNetwork({ intel: deps.network.intel, startIp: attempt.ip, resultIp: input.info.ip, udp, timeZone: device?.timeZone, localAddresses: deps.network.localAddresses, rtt });
  const reported = reportedFacts(device, evaluation.network, evaluation.steps);
  const claimed = compareClaims(session.claims, observed, device?.timeZone, receivedAt);
  // High assurance: the crops, measured only for a check whose trace passed (a failed one fails anyway).
  const frames = plan.highAssurance !== 'off' && evaluation.status === 'passed' && !evaluation.rejection && input.purpose === 'result'
    ? await checkFrames(deps.faces, { policy: plan.highAssurance, request: attempt.frameRequest, trace: evaluation.trace!, frames: evaluation.frames })
    : null;
  // A re-check's face against the session's passed check: the same person from the check to the call.
  if (frames && attempt.kind === 'recheck' && frames.embeddings.length > 0) {
    const continuity = compareWithCheck((await deps.store.getSessionFace(session.id, receivedAt))?.embeddings ?? null, frames.embeddings);
    if (continuity) {
      frames.summary.continuity = continuity;
      if (continuity.changed) frames.signals.push('face_changed');
    }
  }
  const off = new Set(Object.keys(integration.signalPolicies).filter((s) => integration.signalPolicies[s] === 'off'));
  const links = await linkAttempt(deps, { session, startIp: attempt.ip, udp, device, network: evaluation.network }, receivedAt, off);
  // Opted in: a check's face, when its crops passed every check, against other candidates' kept faces.
  const faceMatch = frames && attempt.kind === 'check' && frames.reasons.length === 0 && frames.embeddings.length > 0 && matchesFaces(integration, off);
  const sameFace = faceMatch ? await matchOtherCandidates(deps, session, frames.embeddings, receivedAt) : null;
  if (sameFace) links.push(sameFace);
  const judged = judgeSignals(
    [...evaluation.reasons, ...(frames?.reasons ?? [])],
    [...evaluation.signals, ...(frames?.signals ?? []), ...networkSignals(observed, reported), ...reportedSignals(reported), ...claimSignals(claimed), ...linkSignals(links)],
    integration,
  );
  const scored = input.purpose === 'result' && !evaluation.rejection;
  const reasons = scored ? judged.reasons : evaluation.reasons;
  const status = evaluation.status === 'passed' && reasons.length === 0 ? 'passed' : 'failed';
  const risk: RiskFacts = { observed, reported, ...(claimed ? { claimed } : {}), ...(links.length ? { links } : {}), recorded: judged.recorded };

  // A reference image only from a check that passed, when the plan asked for one.
  const image =
    status === 'passed' && !evaluation.rejection ? checkReferenceImage(plan, integration, evaluation.referenceImage) : undefined;
  const dropped = image && !image.kept && image.reason !== 'not_sent' ? image.reason : undefined;
  const outcome: AttemptOutcome = {
    status,
    completedAt: receivedAt,
    reasons,
    steps: evaluation.steps,
    signals: judged.signals,
    trace: evaluation.trace,
    timings: evaluation.timings,
    risk,
    resultIp: input.info.ip,
    resultUserAgent: input.info.userAgent,
    diagnostics: evaluation.rejection
      ? { rejection: evaluation.rejection }
      : dropped || frames
        ? { ...(dropped ? { referenceImage: { dropped } } : {}), ...(frames ? { frames: { rules: FACE_RULES.version, crops: frames.details, ...(frames.mismatch ? { mismatch: frames.mismatch } : {}) } } : {}) }
        : null,
    faces: frames?.summary ?? (plan.highAssurance !== 'off' && input.purpose === 'result' ? { policy: plan.highAssurance, frames: evaluation.frames?.length ?? 0, checks: [], failed: [] } : null),
  };
  const endpoints = await deps.store.listWebhookEndpoints(session.integrationId);
  const settled = await deps.store.completeAttempt(attempt.id, outcome, settlementRule(endpoints, receivedAt, deps.random));
  // Single use: only the first result for an attempt is written, with its webhooks.
  if (!settled) throw new LiveproofError('result_already_submitted', `Attempt ${attempt.id} already has a result.`);
  const keptImage = image?.kept === true;
  if (image?.kept) {
    await deps.store.insertReferenceImage({
      attemptId: attempt.id,
      sessionId: session.id,
      contentType: 'image/jpeg',
      data: image.bytes,
      createdAt: receivedAt,
      expiresAt: receivedAt + integration.referenceImageDays! * 24 * 3600 * 1000,
    });
  }
  // The passed check's face, for the session's re-checks: kept only until the session ends.
  if (frames && status === 'passed' && attempt.kind === 'check' && frames.embeddings.length > 0) {
    await deps.store.putSessionFace({ sessionId: session.id, attemptId: attempt.id, embeddings: frames.embeddings, createdAt: receivedAt, expiresAt: session.expiresAt });
    if (faceMatch) await keepFaceForMatch(deps, integration, session, attempt.id, frames.embeddings, receivedAt);
  }
  // The crops are deleted once scored, unless the integration keeps them for its reviewers.
  if (frames && frames.crops.length > 0 && integration.frameEvidenceDays) {
    await deps.store.insertFrameEvidence({
      attemptId: attempt.id,
      sessionId: session.id,
      frames: frames.crops.map((c) => ({ t: c.t, kind: c.kind, data: Buffer.from(c.bytes).toString('base64') })),
      createdAt: receivedAt,
      expiresAt: receivedAt + integration.frameEvidenceDays * 24 * 3600 * 1000,
    });
  }
  await audit(deps.store, receivedAt, {
    type: input.purpose === 'stop' ? 'attempt_stopped' : 'attempt_completed',
    sessionId: session.id,
    attemptId: attempt.id,
    integrationId: session.integrationId,
    code: evaluation.rejection?.code ?? null,
    info: input.info,
    detail: { status: outcome.status, reasons: outcome.reasons, ...(settled.status ? { sessionStatus: settled.status } : {}), ...(dropped ? { referenceImageDropped: dropped } : {}) },
  });
  // What the store now holds, without reading it back.
  const { trace: _trace, ...written } = outcome;
  const completed = { ...attempt, ...written };
  const response = await outcomeResponse(deps, session, completed);
  await deps.events
    .publish({
      type: 'attempt.completed',
      sessionId: session.id,
      attemptId: attempt.id,
      sequence: attempt.sequence,
      kind: attempt.kind,
      result: response.result,
      reasons: outcome.reasons,
      signals: outcome.signals,
      assurance: assuranceOf(outcome.signals),
      steps: outcome.steps,
      token: response.token,
      referenceImage: keptImage,
      at: iso(receivedAt),
    })
    .catch(() => undefined);
  if (evaluation.rejection) throw rejectionError(evaluation.rejection);
  return response;
}
