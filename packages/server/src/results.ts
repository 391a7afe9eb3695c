/**
 * Checking a signed result. Order matters: first that the attempt key signed it (anything else is
 * a stranger's request and cannot end the attempt), then what the page claims against what the
 * server itself knows (plan, nonce, deadlines, elapsed time), and only then `score()` on the raw
 * trace. Whatever the page concluded about its own check is never read.
 */
import { compactVerify, decodeJwt, importJWK, type JWK } from 'jose';
import {
  LiveproofError,
  SIGNING_ALG,
  resultPayloadSchema,
  score,
  thresholdsFor,
  type LightSpec,
  type ReasonCode,
  type ResultPayload,
  type Thresholds,
  type Verdict,
} from '@liveproof/protocol';
import type { AttemptTimings } from '@liveproof/protocol';
import type { AttemptRecord } from './store.ts';

/** A result the attempt key signed but that breaks the protocol: the attempt ends as failed with this reason. */
export class RejectedResult extends LiveproofError {
  readonly reason: ReasonCode;
  readonly payload: ResultPayload | undefined;
  constructor(error: LiveproofError, reason: ReasonCode, payload?: ResultPayload) {
    super(error.code, error.message, error.details ? { details: error.details } : undefined);
    this.reason = reason;
    this.payload = payload;
  }
}

/** Verifies the compact JWS with the attempt's own public key; throws `invalid_signature` otherwise. */
export async function verifyResultSignature(attempt: AttemptRecord, jws: string): Promise<Uint8Array> {
  try {
    const key = await importJWK(attempt.publicJwk as JWK, SIGNING_ALG);
    const { payload } = await compactVerify(jws, key, { algorithms: [SIGNING_ALG] });
    return payload;
  } catch (error) {
    throw new LiveproofError('invalid_signature', 'The result is not signed by the key registered for this attempt.', { cause: error });
  }
}

export function parsePayload(bytes: Uint8Array): ResultPayload {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new RejectedResult(new LiveproofError('invalid_result', 'The signed result is not JSON.'), 'trace_invalid');
  }
  const parsed = resultPayloadSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 10).map((i) => ({ path: i.path.join('.'), message: i.message }));
    throw new RejectedResult(new LiveproofError('invalid_result', 'The signed result does not have the expected shape.', { details: { issues } }), 'trace_invalid');
  }
  return parsed.data;
}

/** The trace's span on its own clock, from attempt start (0) to its last frame. */
export function traceSpan(payload: ResultPayload): number {
  const last = payload.trace.frames[payload.trace.frames.length - 1];
  return last ? Math.max(0, last.t) : 0;
}

export interface ResultCheck {
  payload: ResultPayload;
  verdict: Verdict;
  timings: AttemptTimings;
}

/** Everything after the signature. Throws `RejectedResult` for protocol breaches. */
export function checkResult(attempt: AttemptRecord, payload: ResultPayload, receivedAt: number): ResultCheck {
  const reject = (code: 'plan_mismatch' | 'attempt_expired' | 'clock_mismatch', message: string, reason: ReasonCode, details?: Record<string, unknown>) =>
    new RejectedResult(new LiveproofError(code, message, details ? { details } : undefined), reason, payload);

  if (payload.attemptId !== attempt.id || payload.nonce !== attempt.nonce || payload.planToken !== attempt.planToken) {
    throw reject('plan_mismatch', 'The result is not bound to the plan issued for this attempt.', 'steps_mismatch');
  }
  if (receivedAt > attempt.expiresAt) {
    throw reject('attempt_expired', 'The result arrived after the attempt expired.', 'attempt_expired');
  }
  const { thresholds, stepTimeoutMs, light } = planFacts(attempt);
  const serverElapsedMs = receivedAt - attempt.createdAt;
  const traceSpanMs = traceSpan(payload);
  const allowed = serverElapsedMs * (1 + thresholds.clockToleranceShare) + thresholds.clockToleranceMs;
  if (traceSpanMs > allowed) {
    throw reject('clock_mismatch', 'The trace covers more time than passed on the server.', 'clock_mismatch', { serverElapsedMs, traceSpanMs });
  }
  const verdict = score({ challenges: attempt.challenges, stepTimeoutMs, thresholds: thresholds.version, ...(light ? { light } : {}) }, payload.trace);
  const timings: AttemptTimings = { serverElapsedMs, traceSpanMs };
  if (verdict.stats) timings.checkDurationMs = Math.round(verdict.stats.durationMs);
  return { payload, verdict, timings };
}

/**
 * Facts the attempt was issued with, read back from its plan token. The store keeps the token the
 * server signed itself, so decoding it here needs no verification.
 */
export interface PlanFacts {
  thresholds: Thresholds;
  stepTimeoutMs: number;
  light: LightSpec | undefined;
  lightOptOut: boolean;
  /** The integration had opted in to a reference image when the plan was issued. */
  referenceImage: boolean;
}

export function planFacts(attempt: AttemptRecord): PlanFacts {
  const claims = decodeJwt(attempt.planToken) as { thresholds?: string; step_timeout_ms?: number; light?: LightSpec; light_opt_out?: boolean; reference_image?: boolean };
  const thresholds = claims.thresholds ? thresholdsFor(claims.thresholds) : undefined;
  if (!thresholds || typeof claims.step_timeout_ms !== 'number') {
    throw new LiveproofError('internal_error', `The stored plan of attempt ${attempt.id} names unknown thresholds.`);
  }
  return { thresholds, stepTimeoutMs: claims.step_timeout_ms, light: claims.light, lightOptOut: claims.light_opt_out === true, referenceImage: claims.reference_image === true };
}
