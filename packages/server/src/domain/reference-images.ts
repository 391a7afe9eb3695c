/**
 * Reference images (opt-in per integration): one small face image from a passed check, kept for
 * the integration's retention period so the interviewer can compare it with the person on the call,
 * then purged. Nothing is kept unless the plan, signed when the integration had opted in, asked for
 * it. The image is supplied by the candidate's page: a tampered page can choose which face it shows,
 * so the badge labels it as such. The server only accepts a well-formed JPEG of bounded size, and
 * keeps it without metadata (APPn and comment segments are dropped: no EXIF, no location).
 */
import { fromBase64 } from '../encoding.ts';
import type { IntegrationRecord } from '../store.ts';
import type { PlanFacts } from './plan.ts';

/** Largest image kept, in pixels on each side. */
export const MAX_REFERENCE_IMAGE_SIDE = 640;

export type ReferenceImageCheck =
  | { kept: true; bytes: Uint8Array }
  | { kept: false; reason: 'not_sent' | 'not_requested' | 'opted_out' | 'not_base64' | 'not_jpeg' | 'too_large' };

/**
 * Walks the JPEG's segments up to the image data and rebuilds it without metadata. Null when it is
 * not a well-formed JPEG (or larger than allowed).
 */
export function sanitiseJpeg(bytes: Uint8Array): Uint8Array | null | 'too_large' {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return null;
  if (bytes[bytes.length - 2] !== 0xff || bytes[bytes.length - 1] !== 0xd9) return null;
  const kept: Uint8Array[] = [bytes.subarray(0, 2)];
  let offset = 2;
  let frame = false;
  while (offset + 4 <= bytes.length) {
    if (bytes[offset] !== 0xff) return null;
    const marker = bytes[offset + 1]!;
    if (marker === 0xff) {
      offset++;
      continue;
    }
    const length = (bytes[offset + 2]! << 8) | bytes[offset + 3]!;
    if (length < 2 || offset + 2 + length > bytes.length) return null;
    const segment = bytes.subarray(offset, offset + 2 + length);
    // Start of frame (baseline, extended, progressive): the image's size.
    if (marker === 0xc0 || marker === 0xc1 || marker === 0xc2) {
      if (length < 8) return null;
      const height = (segment[5]! << 8) | segment[6]!;
      const width = (segment[7]! << 8) | segment[8]!;
      if (width === 0 || height === 0) return null;
      if (width > MAX_REFERENCE_IMAGE_SIDE || height > MAX_REFERENCE_IMAGE_SIDE) return 'too_large';
      frame = true;
    }
    const metadata = (marker >= 0xe1 && marker <= 0xef) || marker === 0xfe;
    if (!metadata) kept.push(segment);
    offset += 2 + length;
    // Start of scan: the entropy-coded data (and any further scans) run to the end of the image.
    if (marker === 0xda) {
      if (!frame) return null;
      kept.push(bytes.subarray(offset));
      const out = new Uint8Array(kept.reduce((n, part) => n + part.length, 0));
      let at = 0;
      for (const part of kept) (out.set(part, at), (at += part.length));
      return out;
    }
  }
  return null;
}

/** Whether to keep the image a passed check's page sent, and in what form. */
export function checkReferenceImage(plan: Pick<PlanFacts, 'referenceImage'>, integration: Pick<IntegrationRecord, 'referenceImageDays'>, base64: string | undefined): ReferenceImageCheck {
  if (base64 === undefined) return { kept: false, reason: 'not_sent' };
  if (!plan.referenceImage) return { kept: false, reason: 'not_requested' };
  if (!integration.referenceImageDays) return { kept: false, reason: 'opted_out' }; // opted out since the plan was issued
  let bytes: Uint8Array;
  try {
    bytes = fromBase64(base64);
  } catch {
    return { kept: false, reason: 'not_base64' };
  }
  const clean = sanitiseJpeg(bytes);
  if (clean === 'too_large') return { kept: false, reason: 'too_large' };
  if (!clean) return { kept: false, reason: 'not_jpeg' };
  return { kept: true, bytes: clean };
}
