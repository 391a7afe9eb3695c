/**
 * Reference images (opt-in per integration): one small face image from a passed check, kept for
 * the integration's retention period so the interviewer can compare it with the person on the call,
 * then purged. Nothing is kept unless the plan, signed when the integration had opted in, asked for
 * it; an image sent anyway is dropped unread.
 */
import { planFacts } from './results.ts';
import type { AttemptRecord, IntegrationRecord, SessionRecord, Store } from './store.ts';

const JPEG_MAGIC = [0xff, 0xd8, 0xff];

/** Stores the image of a passed attempt when its plan asked for one; returns whether it did. */
export async function keepReferenceImage(
  store: Store,
  integration: IntegrationRecord | null,
  session: SessionRecord,
  attempt: AttemptRecord,
  image: { type: 'image/jpeg'; data: string } | undefined,
  now: number,
): Promise<boolean> {
  if (!image || !planFacts(attempt).referenceImage) return false;
  if (!integration?.referenceImageDays) return false; // opted out since the plan was issued
  const bytes = Uint8Array.from(atob(image.data), (c) => c.charCodeAt(0));
  if (!JPEG_MAGIC.every((b, i) => bytes[i] === b)) return false;
  await store.insertReferenceImage({
    attemptId: attempt.id,
    sessionId: session.id,
    contentType: 'image/jpeg',
    data: bytes,
    createdAt: now,
    expiresAt: now + integration.referenceImageDays * 24 * 3600 * 1000,
  });
  return true;
}
