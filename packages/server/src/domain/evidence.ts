/**
 * Checking a signed result. Order matters: first that the attempt key signed it (anything else is
 * a stranger's request and cannot end the attempt), then that its size fits the plan, then what the
 * page claims against what the server itself knows (plan, nonce, deadlines, elapsed time), and only
 * then `score()` on the raw trace. Whatever the page concluded about its own check is never read.
 *
 * `evaluateResult` is a pure function of plain values with a plain-value answer, so a deployment
 * can run it off the event loop (apps/server runs it in worker threads) and tests can run it inline.
 */
import { compactVerify, importJWK, type JWK } from 'jose';
import {
  LiveproofError,
  MAX_FRAME_BASE64,
  MAX_FRAME_MOMENTS,
  SIGNING_ALG,
  resultPayloadSchema,
  score,
  stopPayloadSchema,
  type AttemptTimings,
  type DeviceInfo,
  type ErrorCode,
  type ReasonCode,
  type ResultNetwork,
  type ResultFrame,
  type ResultPayload,
  type StepVerdict,
  type Trace,
} from '@liveproof/protocol';
import type { AttemptKind } from '../store.ts';
import { printable } from '../context.ts';
import { planFacts, type PlanFacts } from './plan.ts';
import { attemptSignals } from './signals.ts';

/** What evaluation needs to know of the attempt: what the server stored when it started. */
export interface EvidenceAttempt {
  id: string;
  kind: AttemptKind;
  nonce: string;
  planToken: string;
  publicJwk: Record<string, unknown>;
  createdAt: number;
  expiresAt: number;
  device: DeviceInfo | null;
}

export interface EvidenceInput {
  attempt: EvidenceAttempt;
  /** The compact JWS the page sent. */
  jws: string;
  /** `result`: the check's evidence. `stop`: the candidate stopped the flashing colours. */
  purpose: 'result' | 'stop';
  receivedAt: number;
}

/** Why a signed result was refused: the response's error, and what goes on the attempt's record. */
export interface Rejection {
  code: ErrorCode;
  message: string;
  /** Bounded: at most 10 issues, each path and message cut short. */
  details?: Record<string, unknown>;
}

export type Evaluation =
  /** Not signed by the attempt key: a stranger's request, which cannot end the attempt. */
  | { kind: 'stranger'; rejection: Rejection }
  | {
      kind: 'recorded';
      status: 'passed' | 'failed';
      reasons: ReasonCode[];
      steps: StepVerdict[];
      signals: string[];
      trace: Trace | null;
      timings: AttemptTimings | null;
      device: DeviceInfo | null;
      /** Set when the result broke the protocol: the attempt is failed and the page is told why. */
      rejection?: Rejection;
      /** The reference image the page sent, still base64 (checked and kept by `reference-images.ts`). */
      referenceImage?: string;
      /** What the page's network probes brought back (the sealed echo is opened by the caller). */
      network?: ResultNetwork;
      /** High assurance: the crops as sent (checked by `faces.ts` against the moments drawn). */
      frames?: ResultFrame[];
    };

/**
 * Most frames a trace may hold for its plan: the positioning baseline, every step's deadline and
 * the slack, at 60 frames a second (cameras deliver 30). Beyond that the page sent more than it
 * could have measured, and scoring it would only cost the server time.
 */
export function maxFramesFor(plan: Pick<PlanFacts, 'challenges' | 'stepTimeoutMs' | 'thresholds' | 'issuedAt' | 'expiresAt'>): number {
  const spanMs = plan.thresholds.positioning.baselineMs + 2000 + (plan.expiresAt - plan.issuedAt);
  return Math.ceil((spanMs / 1000) * 60);
}

/**
 * Longest signed result the plan allows: frames at a generous 400 bytes each, a reference image,
 * the high-assurance crops when the plan asks for them, base64url's third.
 */
export function maxResultBytesFor(plan: Parameters<typeof maxFramesFor>[0] & Partial<Pick<PlanFacts, 'highAssurance'>>): number {
  const crops = plan.highAssurance && plan.highAssurance !== 'off' ? MAX_FRAME_MOMENTS * (MAX_FRAME_BASE64 + 40) : 0;
  return Math.ceil(((maxFramesFor(plan) * 400 + 96_000 + 16_000 + crops) * 4) / 3);
}

/** The trace's span on its own clock, from attempt start (0) to its last frame. */
export function traceSpan(trace: Trace): number {
  const last = trace.frames[trace.frames.length - 1];
  return last ? Math.max(0, last.t) : 0;
}

/** Schema issues, bounded so a hostile payload cannot make the record large. */
/**
 * The schema's complaints, bounded and printable: zod quotes what it refused (an unknown key, say),
 * and that text came from the client, so it may hold what no store takes (NUL, lone surrogates).
 */
function boundedIssues(issues: readonly { path: PropertyKey[]; message: string }[]) {
  return issues.slice(0, 10).map((i) => ({ path: printable(i.path.map(String).join('.'), 120), message: printable(i.message, 200) }));
}

/** The payload `jws` carries if the attempt key signed it (ES256), else null. */
export async function verifySignature(attempt: Pick<EvidenceAttempt, 'publicJwk'>, jws: string): Promise<Uint8Array | null> {
  try {
    const key = await importJWK(attempt.publicJwk as JWK, SIGNING_ALG);
    const { payload } = await compactVerify(jws, key, { algorithms: [SIGNING_ALG] });
    return payload;
  } catch {
    return null;
  }
}

/** UTF-8 JSON, or undefined when it is not. */
export function parseJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return undefined;
  }
}

export async function evaluateResult(input: EvidenceInput): Promise<Evaluation> {
  const { attempt, receivedAt } = input;
  const plan = planFacts(attempt);
  if (input.jws.length > maxResultBytesFor(plan)) {
    // Too long to be this plan's evidence: refused before any work, like any stranger's request.
    return { kind: 'stranger', rejection: { code: 'body_too_large', message: `A result for this plan is at most ${maxResultBytesFor(plan)} bytes.` } };
  }
  const bytes = await verifySignature(attempt, input.jws);
  if (!bytes) return { kind: 'stranger', rejection: { code: 'invalid_signature', message: 'The result is not signed by the key registered for this attempt.' } };

  const fail = (rejection: Rejection, reason: ReasonCode, payload?: ResultPayload): Evaluation => ({
    kind: 'recorded',
    status: 'failed',
    reasons: [reason],
    steps: [],
    signals: attemptSignals(plan, payload?.device ?? attempt.device),
    trace: payload?.trace ?? null,
    timings: null,
    device: payload?.device ?? attempt.device,
    ...(payload?.network ? { network: payload.network } : {}),
    rejection,
  });

  const json = parseJson(bytes);
  if (json === undefined) return fail({ code: 'invalid_result', message: 'The signed result is not JSON.' }, 'trace_invalid');

  if (input.purpose === 'stop') {
    const parsed = stopPayloadSchema.safeParse(json);
    if (!parsed.success) {
      return fail({ code: 'invalid_result', message: 'The signed stop does not have the expected shape.', details: { issues: boundedIssues(parsed.error.issues) } }, 'trace_invalid');
    }
    if (parsed.data.attemptId !== attempt.id || parsed.data.nonce !== attempt.nonce) {
      return fail({ code: 'plan_mismatch', message: 'The stop is not bound to this attempt.' }, 'steps_mismatch');
    }
    // Late, a stop would turn an attempt the session already counted as abandoned into a free one.
    if (receivedAt > attempt.expiresAt) return fail({ code: 'attempt_expired', message: 'The stop arrived after the attempt expired.' }, 'attempt_expired');
    return { kind: 'recorded', status: 'failed', reasons: ['stopped_flashing'], steps: [], signals: attemptSignals(plan, attempt.device), trace: null, timings: null, device: attempt.device };
  }

  const parsed = resultPayloadSchema.safeParse(json);
  if (!parsed.success) {
    return fail(
      { code: 'invalid_result', message: 'The signed result does not have the expected shape.', details: { issues: boundedIssues(parsed.error.issues) } },
      'trace_invalid',
    );
  }
  const payload = parsed.data;
  const reject = (code: ErrorCode, message: string, reason: ReasonCode, details?: Record<string, unknown>) =>
    fail({ code, message, ...(details ? { details } : {}) }, reason, payload);

  if (payload.attemptId !== attempt.id || payload.nonce !== attempt.nonce || payload.planToken !== attempt.planToken) {
    return reject('plan_mismatch', 'The result is not bound to the plan issued for this attempt.', 'steps_mismatch');
  }
  if (receivedAt > attempt.expiresAt) return reject('attempt_expired', 'The result arrived after the attempt expired.', 'attempt_expired');
  const maxFrames = maxFramesFor(plan);
  if (payload.trace.frames.length > maxFrames) {
    return reject('invalid_result', `The trace has more frames (${payload.trace.frames.length}) than this plan allows (${maxFrames}).`, 'trace_invalid', {
      frames: payload.trace.frames.length,
      maxFrames,
    });
  }
  const serverElapsedMs = receivedAt - attempt.createdAt;
  const traceSpanMs = traceSpan(payload.trace);
  const allowed = serverElapsedMs * (1 + plan.thresholds.clockToleranceShare) + plan.thresholds.clockToleranceMs;
  if (traceSpanMs > allowed) {
    return reject('clock_mismatch', 'The trace covers more time than passed on the server.', 'clock_mismatch', { serverElapsedMs, traceSpanMs });
  }
  const verdict = score({ challenges: plan.challenges, stepTimeoutMs: plan.stepTimeoutMs, thresholds: plan.thresholds.version, ...(plan.light ? { light: plan.light } : {}) }, payload.trace);
  const timings: AttemptTimings = { serverElapsedMs, traceSpanMs };
  if (verdict.stats) timings.checkDurationMs = Math.round(verdict.stats.durationMs);
  // The integration's policies over these signals (and the network's) are applied by the caller.
  const signals = attemptSignals(plan, payload.device);
  return {
    kind: 'recorded',
    status: verdict.reasons.length === 0 ? 'passed' : 'failed',
    reasons: verdict.reasons,
    steps: verdict.steps,
    signals,
    trace: payload.trace,
    timings,
    device: payload.device,
    ...(payload.referenceImage ? { referenceImage: payload.referenceImage.data } : {}),
    ...(payload.network ? { network: payload.network } : {}),
    ...(payload.frames?.length ? { frames: payload.frames } : {}),
  };
}

/** Runs `evaluateResult`: in-process by default; a deployment may run it in worker threads. */
export type Scorer = (input: EvidenceInput) => Promise<Evaluation>;

export const inlineScorer: Scorer = evaluateResult;

/** The error a rejection answers with. */
export function rejectionError(rejection: Rejection): LiveproofError {
  return new LiveproofError(rejection.code, rejection.message, rejection.details ? { details: rejection.details } : undefined);
}
