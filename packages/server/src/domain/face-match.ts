/**
 * The cross-candidate face match, for integrations that opt in (`faceMatchDays`, high assurance
 * only): one operator behind many personas shows the same face under several candidate references.
 * A passed check's frontal embeddings are kept that many days; each later check's are compared with
 * the kept faces of the integration's other candidates, and a mean similarity of
 * `FACE_RULES.otherCandidate` or more is a link (`shared_face`): for a reviewer to compare, never a
 * failure (policies refuse `reject` for it). Small open face models match strangers far more often
 * than the large commercial ones, which is why it only routes a case to a person.
 *
 * A linear scan over the integration's newest `MATCH_SCAN_LIMIT` faces: enough for a hiring team's
 * candidates over weeks; beyond that it needs a vector index (not built).
 */
import type { LinkFact } from '@liveproof/protocol';
import type { Deps } from '../context.ts';
import type { IntegrationRecord, SessionRecord } from '../store.ts';
import { FACE_RULES, meanSimilarity } from './faces.ts';

export const MATCH_SCAN_LIMIT = 2000;

/** Other sessions named per match, at most (as for the other links). */
const MAX_MATCHED_SESSIONS = 10;

/** Embeddings as float32, one after another. */
export function packEmbeddings(embeddings: readonly number[][]): { dimensions: number; bytes: Uint8Array } {
  const dimensions = embeddings[0]?.length ?? 0;
  const packed = new Float32Array(dimensions * embeddings.length);
  embeddings.forEach((e, i) => packed.set(e, i * dimensions));
  return { dimensions, bytes: new Uint8Array(packed.buffer) };
}

export function unpackEmbeddings(dimensions: number, bytes: Uint8Array): number[][] {
  if (dimensions <= 0) return [];
  const floats = new Float32Array(bytes.slice().buffer);
  const out: number[][] = [];
  for (let at = 0; at + dimensions <= floats.length; at += dimensions) out.push(Array.from(floats.subarray(at, at + dimensions)));
  return out;
}

/** Whether the integration keeps faces for the match, unless its policy switched the signal off (`off`, as for the other links). */
export const matchesFaces = (integration: IntegrationRecord, off: ReadonlySet<string>): boolean => integration.faceMatchDays !== null && !off.has('shared_face');

/** The kept faces of other candidates that match `embeddings`, as one link fact (null for none). */
export async function matchOtherCandidates(deps: Deps, session: SessionRecord, embeddings: readonly number[][], now: number): Promise<LinkFact | null> {
  const kept = await deps.store.otherCandidateFaces(session.integrationId, session.candidateRef, now, MATCH_SCAN_LIMIT);
  const matched: { sessionId: string; candidateRef: string; similarity: number }[] = [];
  for (const face of kept) {
    const similarity = meanSimilarity(unpackEmbeddings(face.dimensions, face.embeddings), embeddings);
    if (similarity !== null && similarity >= FACE_RULES.otherCandidate) matched.push({ sessionId: face.sessionId, candidateRef: face.candidateRef, similarity });
  }
  if (matched.length === 0) return null;
  matched.sort((a, b) => b.similarity - a.similarity);
  return {
    signal: 'shared_face',
    by: 'face',
    sessions: matched.slice(0, MAX_MATCHED_SESSIONS).map((m) => m.sessionId),
    candidates: new Set(matched.map((m) => m.candidateRef)).size,
    similarity: matched[0]!.similarity,
  };
}

/** Keeps a passed check's face for the integration's match, for its `faceMatchDays`. */
export async function keepFaceForMatch(deps: Deps, integration: IntegrationRecord, session: SessionRecord, attemptId: string, embeddings: readonly number[][], now: number): Promise<void> {
  const { dimensions, bytes } = packEmbeddings(embeddings);
  await deps.store.putIntegrationFace({
    sessionId: session.id,
    integrationId: integration.id,
    candidateRef: session.candidateRef,
    attemptId,
    dimensions,
    embeddings: bytes,
    createdAt: now,
    expiresAt: now + integration.faceMatchDays! * 24 * 3600 * 1000,
  });
}
