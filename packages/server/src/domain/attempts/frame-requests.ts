/**
 * High assurance, the draw: once its challenges are done, the element signs a commitment to its
 * trace (digest, steps, span) with the attempt key and sends it; only then does the server draw the
 * moments whose crops it wants, with its own random numbers, and store them with the attempt. Asking
 * again with the same commitment (a retry after a lost answer) returns the same moments; another
 * commitment gets none, so a forger cannot commit, see the moments, and commit to a better trace.
 */
import {
  LiveproofError,
  canonicalJson,
  drawFrameMoments,
  frameRequestPayloadSchema,
  type FrameCommitment,
  type FrameRequestResponse,
} from '@liveproof/protocol';
import type { Deps } from '../../context.ts';
import { randomInt } from '../../random.ts';
import { parseJson, verifySignature } from '../evidence.ts';
import { planFacts } from '../plan.ts';

/** A uniform number in [0, 1) from the server's random source (a CSPRNG unless seeded for evaluation). */
function uniform(deps: Deps): () => number {
  return () => randomInt(2 ** 30, deps.random) / 2 ** 30;
}

const sameCommitment = (a: FrameCommitment, b: FrameCommitment) => canonicalJson(a) === canonicalJson(b);

export async function requestFrames(deps: Deps, attemptId: string, jws: string): Promise<FrameRequestResponse> {
  const now = deps.clock.now();
  const attempt = await deps.store.getAttempt(attemptId);
  if (!attempt) throw new LiveproofError('attempt_not_found', `No attempt ${attemptId}.`);
  const payload = await verifySignature(attempt, jws);
  if (!payload) throw new LiveproofError('invalid_signature', 'The commitment is not signed by the key registered for this attempt.');
  const parsed = frameRequestPayloadSchema.safeParse(parseJson(payload));
  if (!parsed.success) throw new LiveproofError('invalid_request', 'The commitment does not have the expected shape.', { details: { issues: parsed.error.issues.slice(0, 5).map((i) => i.path.join('.')) } });
  const { commitment } = parsed.data;
  if (parsed.data.attemptId !== attempt.id || parsed.data.nonce !== attempt.nonce) throw new LiveproofError('plan_mismatch', 'The commitment is not bound to this attempt.');
  if (attempt.status !== 'started') throw new LiveproofError('result_already_submitted', `Attempt ${attempt.id} already has a result.`);
  if (now > attempt.expiresAt) throw new LiveproofError('attempt_expired', 'The commitment arrived after the attempt expired.');
  if (planFacts(attempt).highAssurance === 'off') throw new LiveproofError('frames_not_available', "This attempt's plan asks for no face crops.");

  const existing = attempt.frameRequest;
  if (existing) {
    if (!sameCommitment(existing.commitment, commitment)) throw new LiveproofError('frames_not_available', 'Moments were drawn already, for another trace.');
    return { moments: existing.moments };
  }
  const request = { commitment, moments: drawFrameMoments(commitment, uniform(deps)), at: now };
  if (await deps.store.setFrameRequest(attempt.id, request)) return { moments: request.moments };
  // Another request won the race: answer as it was answered, if it was for this trace.
  const winner = (await deps.store.getAttempt(attempt.id))?.frameRequest;
  if (winner && sameCommitment(winner.commitment, commitment)) return { moments: winner.moments };
  throw new LiveproofError('frames_not_available', 'Moments were drawn already, for another trace.');
}
