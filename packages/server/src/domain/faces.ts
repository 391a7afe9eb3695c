/**
 * High assurance, the server's own look: the crops the element sent at the moments the server drew
 * (`frame-requests.ts`), measured by a face model on the server (`FaceMeasurer`, a worker pool in
 * the runnable server) and held against the trace the element committed to.
 *
 * What each check stops, and what it does not:
 * - `present`: a face in every crop. Stops a result whose crops are blank, cropped wrong or not a face.
 * - `pose`: the head pose in each crop agrees with the trace's at that frame. The two models measure
 *   differently (Human's yaw is about 0.74 of MediaPipe's, pitch 0.63, roll 0.88, on the shared
 *   clips: `pnpm bench:faces`), so the trace's angle is scaled before the comparison. Stops crops
 *   from other footage than the trace's (another person, or the same person at other moments),
 *   above all at the movement peaks, where the trace turns and the crops must too.
 * - `expression`: where the trace is clearly open-mouthed or closed-mouthed, eyes clearly closed or
 *   open, the crop agrees. Smiles are not checked (Human's mesh has no reliable smile measure).
 * - `light`: the crops during two of the flashes are tinted toward the flashed colour against a
 *   crop from just before the first flash. Stops crops cut from ordinary footage; it does not stop a forger who tints its
 *   crops on cue, which needs only the plan's colours and timing (the commitment already carries them).
 * - `one_person`: every near-frontal crop matches a baseline crop (face embeddings). Stops crops
 *   gathered from several people, as a spliced trace from several recordings would need.
 *
 * None of them stops a forger who has continuous video of one face performing the plan (a real-time
 * face swap or a replay through a virtual camera, rendered to the plan): the crops are then as
 * consistent as a live face's. That is the face-swap challenges' and the reviewers' job.
 */
import { createHash } from 'node:crypto';
import {
  BS,
  canonicalJson,
  frameForMoment,
  LIGHT_COLOURS,
  MAX_FRAME_BYTES,
  traceDigestInput,
  type FaceCheckName,
  type FaceCheckSummary,
  type FrameMoment,
  type ReasonCode,
  type ResultFrame,
  type Trace,
  type TraceFrame,
} from '@liveproof/protocol';
import { createFaceAnalyser, faceSimilarity, type FaceMeasure } from '@liveproof/faces';
import { fromBase64 } from '../encoding.ts';
import type { FrameRequestRecord } from '../store.ts';
import { sanitiseJpeg } from './reference-images.ts';

/** Measures one crop: the runnable server runs it in worker threads; tests in process. */
export interface FaceMeasurer {
  measure(jpeg: Uint8Array, options: { embed: boolean }): Promise<FaceMeasure>;
}

/**
 * The face model on the event loop, loaded on first use (a second or two, then about 50 ms a crop,
 * 190 ms with the embedding): the library's default, for tests and small deployments.
 */
export function inlineFaceMeasurer(): FaceMeasurer {
  let analyser: ReturnType<typeof createFaceAnalyser> | undefined;
  return {
    measure(jpeg, options) {
      analyser ??= createFaceAnalyser().catch((error: unknown) => {
        analyser = undefined;
        throw error;
      });
      return analyser.then((a) => a.measure(jpeg, options));
    },
  };
}

/**
 * The tolerances, from `pnpm bench:faces` on 537 crops of 19 bona fide clips (crop every 10th frame):
 * yaw residuals after scaling p95 2.2°, max 6.5°; pitch p95 6.4°, max 9.4°; roll p95 3.3°, max 8.4°.
 * Each tolerance sits above the largest residual seen. Mouth: crops where the trace's jawOpen is at
 * least 0.5 measured 0.166 and more in 95 of 100; eyes: blink at least 0.5 measured 0.24 at the median.
 * Similarity: crops of one clip 0.40 and more in 99 of 100, of other clips under 0.45 in 99 of 100.
 */
export const FACE_RULES = {
  version: '2026-12.1',
  yaw: { scale: 0.74, toleranceDeg: 10 },
  pitch: { scale: 0.63, toleranceDeg: 12 },
  roll: { scale: 0.88, toleranceDeg: 10 },
  /** Trace jawOpen at least this: the crop's mouth opening must reach `mouthOpenMin`. */
  jawOpen: 0.5,
  mouthOpenMin: 0.12,
  /** Trace jawOpen at most this: the crop's mouth must not be wide open. */
  jawClosed: 0.08,
  mouthClosedMax: 0.32,
  /** Trace blink (both eyes) at least this: the crop's eyes must be nearly closed. */
  blinkClosed: 0.7,
  eyesClosedMax: 0.3,
  /** Only near-frontal crops are compared for identity (embeddings degrade when the head is turned). */
  frontalDeg: 18,
  samePerson: 0.4,
  /**
   * A re-check against the session's passed check: the mean similarity of every pair of their
   * frontal crops below this raises `face_changed` (sets of three crops, bench:faces).
   */
  sameFace: 0.4,
  /**
   * The cross-candidate match (opted in): a check whose frontal crops match another candidate's
   * kept set at this mean similarity or more raises `shared_face`. Stricter than `sameFace`: one
   * check is compared with many strangers, so a false match per pair multiplies (bench:faces: no
   * set of another clip reached 0.45; docs/high-assurance.md).
   */
  otherCandidate: 0.5,
  /**
   * Each flash crop: the face's chromaticity moves most toward the flashed colour, by at least this
   * much, against the lead-in crop (the page's own threshold for a flash, `Thresholds.light.minShift`).
   */
  lightShiftMin: 0.006,
} as const;

export interface FrameCheckInput {
  policy: 'on' | 'required';
  request: FrameRequestRecord | null;
  trace: Trace;
  frames: readonly ResultFrame[] | undefined;
}

export interface FrameCheckResult {
  reasons: ReasonCode[];
  /** `no_frames` when the policy is `on` and none came. */
  signals: string[];
  summary: FaceCheckSummary;
  /** What a reviewer sees per crop (no image, no embedding). */
  details: FrameDetail[];
  /** The sanitised crops, in moment order, for the integration that keeps them. */
  crops: { t: number; kind: FrameMoment['kind']; bytes: Uint8Array }[];
  /** Embeddings of the frontal crops: for the session's continuity checks, never stored in tokens. */
  embeddings: number[][];
  /** Why the crops do not answer the request (`frames_mismatch`), for the attempt's record. */
  mismatch?: string;
}

export interface FrameDetail {
  t: number;
  kind: FrameMoment['kind'];
  faces: number;
  pose?: [number, number, number];
  expected?: [number, number, number];
  mouth?: number;
  eyes?: number;
  lightShift?: number;
  similarity?: number;
  failed: FaceCheckName[];
}

/** SHA-256 of the trace as sent, base64url: what the commitment named. */
export function traceDigest(trace: Trace): string {
  return createHash('sha256').update(traceDigestInput(trace)).digest('base64url');
}

const summary = (policy: 'on' | 'required', frames: number, checks: FaceCheckName[], failed: FaceCheckName[]): FaceCheckSummary => ({ policy, frames, checks, failed });

function mismatch(input: FrameCheckInput, frames: number, why: string): FrameCheckResult {
  return {
    reasons: ['frames_mismatch'],
    signals: [],
    summary: summary(input.policy, frames, [], []),
    details: [],
    crops: [],
    embeddings: [],
    mismatch: why,
  };
}

/** The crops against the moments and the committed trace: everything short of measuring faces. */
function matchCrops(input: FrameCheckInput): { crops: FrameCheckResult['crops']; traceFrames: TraceFrame[] } | string {
  const { request, trace, frames = [] } = input;
  if (!request) return 'no frames were requested for this attempt';
  const { commitment } = request;
  if (traceDigest(trace) !== commitment.traceDigest) return 'the trace is not the one committed to';
  // The moments were drawn from the commitment's steps and span: they must be the trace's own.
  const first = trace.frames[0]?.t ?? 0;
  const last = trace.frames[trace.frames.length - 1]?.t ?? 0;
  if (canonicalJson(commitment.steps) !== canonicalJson(trace.steps) || commitment.span[0] !== first || commitment.span[1] !== last || commitment.frameCount !== trace.frames.length) {
    return "the commitment's steps or span are not the trace's";
  }
  if (frames.length !== request.moments.length) return `${request.moments.length} crops were asked for, ${frames.length} sent`;
  const crops: FrameCheckResult['crops'] = [];
  const traceFrames: TraceFrame[] = [];
  for (const [i, moment] of request.moments.entries()) {
    const frame = frames[i]!;
    const traced = frameForMoment(trace.frames, moment.t);
    if (!traced || traced.t !== frame.t) return `crop ${i} is not of the face frame nearest its moment (${traced?.t ?? 'none'} ms)`;
    let bytes: Uint8Array;
    try {
      bytes = fromBase64(frame.data);
    } catch {
      return `crop ${i} is not base64`;
    }
    const clean = bytes.length <= MAX_FRAME_BYTES ? sanitiseJpeg(bytes) : 'too_large';
    if (clean === null) return `crop ${i} is not a JPEG`;
    if (clean === 'too_large') return `crop ${i} is too large`;
    crops.push({ t: frame.t, kind: moment.kind, bytes: clean });
    traceFrames.push(traced);
  }
  return { crops, traceFrames };
}

const isFrontal = (pose: readonly number[] | undefined) => pose !== undefined && Math.abs(pose[0]!) <= FACE_RULES.frontalDeg && Math.abs(pose[1]!) <= FACE_RULES.frontalDeg;

/** A colour's chromaticity (each channel's share of the sum), as the page's light check reads it. */
function chromaticity(rgb: readonly number[] | null | undefined): number[] | undefined {
  if (!rgb) return undefined;
  const sum = rgb[0]! + rgb[1]! + rgb[2]!;
  return sum > 1 ? rgb.map((v) => v / sum) : undefined;
}

/** Runs every check on the crops of a scored result. */
export async function checkFrames(measurer: FaceMeasurer, input: FrameCheckInput): Promise<FrameCheckResult> {
  const sent = input.frames?.length ?? 0;
  if (sent === 0) {
    const required = input.policy === 'required';
    return { reasons: required ? ['frames_required'] : [], signals: required ? [] : ['no_frames'], summary: summary(input.policy, 0, [], []), details: [], crops: [], embeddings: [] };
  }
  const matched = matchCrops(input);
  if (typeof matched === 'string') return mismatch(input, sent, matched);
  const { crops, traceFrames } = matched;

  // Identity only on near-frontal crops (by the trace's pose, known before measuring).
  const embed = traceFrames.map((f) => isFrontal(f.pose));
  const measures = await Promise.all(crops.map((crop, i) => measurer.measure(crop.bytes, { embed: embed[i]! })));

  const details: FrameDetail[] = crops.map((crop, i) => ({ t: crop.t, kind: crop.kind, faces: measures[i]!.faces, failed: [] }));
  const fail = (i: number, check: FaceCheckName) => details[i]!.failed.includes(check) || details[i]!.failed.push(check);
  const checks = new Set<FaceCheckName>(['present', 'pose', 'expression']);

  measures.forEach((m, i) => {
    const traced = traceFrames[i]!;
    const detail = details[i]!;
    if (m.faces < 1 || !m.pose) return fail(i, 'present');
    detail.pose = m.pose;
    if (traced.pose) {
      const [yaw, pitch, roll] = traced.pose;
      const expected: [number, number, number] = [yaw * FACE_RULES.yaw.scale, pitch * FACE_RULES.pitch.scale, roll * FACE_RULES.roll.scale];
      detail.expected = expected.map((v) => Math.round(v * 10) / 10) as [number, number, number];
      const tolerances = [FACE_RULES.yaw.toleranceDeg, FACE_RULES.pitch.toleranceDeg, FACE_RULES.roll.toleranceDeg];
      if (m.pose.some((v, k) => Math.abs(v - expected[k]!) > tolerances[k]!)) fail(i, 'pose');
    }
    if (traced.bs && m.mouth !== undefined && m.eyes !== undefined) {
      detail.mouth = m.mouth;
      detail.eyes = m.eyes;
      const jaw = traced.bs[BS.jawOpen]!;
      const blink = (traced.bs[BS.eyeBlinkLeft]! + traced.bs[BS.eyeBlinkRight]!) / 2;
      if (jaw >= FACE_RULES.jawOpen && m.mouth < FACE_RULES.mouthOpenMin) fail(i, 'expression');
      if (jaw <= FACE_RULES.jawClosed && m.mouth > FACE_RULES.mouthClosedMax) fail(i, 'expression');
      if (blink >= FACE_RULES.blinkClosed && m.eyes > FACE_RULES.eyesClosedMax) fail(i, 'expression');
    }
  });

  // Light: each flash crop's face colour against the lead-in crop's (the same still head, no
  // flash), as the page compares each flash with the moment before it.
  const leadIn = crops.findIndex((c) => c.kind === 'lead_in');
  const reference = leadIn >= 0 ? chromaticity(measures[leadIn]!.colour.face) : undefined;
  const flashes = crops.map((c, i) => ({ c, i })).filter(({ c }) => c.kind === 'flash');
  if (reference && flashes.length > 0) {
    checks.add('light');
    for (const { c, i } of flashes) {
      const seen = chromaticity(measures[i]!.colour.face);
      const colour = colourAt(input.trace, c.t);
      if (!seen || !colour) {
        fail(i, 'light');
        continue;
      }
      const shift = seen.map((v, k) => v - reference[k]!);
      const channel = LIGHT_COLOURS.indexOf(colour);
      details[i]!.lightShift = Math.round(shift[channel]! * 10_000) / 10_000;
      if (shift.indexOf(Math.max(...shift)) !== channel || shift[channel]! < FACE_RULES.lightShiftMin) fail(i, 'light');
    }
  }

  // One person: every frontal crop like at least one baseline crop (the baselines like each other).
  const embedded = measures.map((m, i) => ({ i, e: m.embedding })).filter((x): x is { i: number; e: number[] } => Array.isArray(x.e) && x.e.length > 0);
  const references = embedded.filter(({ i }) => crops[i]!.kind === 'baseline');
  if (references.length > 0 && embedded.length > 1) {
    checks.add('one_person');
    for (const { i, e } of embedded) {
      const others = references.filter((r) => r.i !== i);
      if (others.length === 0) continue;
      const best = Math.max(...others.map((r) => faceSimilarity(e, r.e)));
      details[i]!.similarity = best;
      if (best < FACE_RULES.samePerson) fail(i, 'one_person');
    }
  }

  const failed = [...new Set(details.flatMap((d) => d.failed))];
  const reasons: ReasonCode[] = [];
  if (failed.includes('present')) reasons.push('frames_no_face');
  if (failed.includes('pose') || failed.includes('expression')) reasons.push('frames_disagree');
  if (failed.includes('light')) reasons.push('frames_light');
  if (failed.includes('one_person')) reasons.push('frames_not_one_person');
  return {
    reasons,
    signals: [],
    summary: summary(input.policy, crops.length, [...checks], failed),
    details,
    crops,
    embeddings: embedded.map(({ e }) => e),
  };
}

/** The mean similarity of every pair of embeddings, one from each set (null when either is empty). */
export function meanSimilarity(reference: readonly number[][], embeddings: readonly number[][]): number | null {
  if (reference.length === 0 || embeddings.length === 0) return null;
  let sum = 0;
  for (const a of reference) for (const b of embeddings) sum += faceSimilarity(a, b);
  return Math.round((sum / (reference.length * embeddings.length)) * 1000) / 1000;
}

/** A re-check's face against the session's passed check: `face_changed` below `FACE_RULES.sameFace`. */
export function compareWithCheck(reference: readonly number[][] | null, embeddings: readonly number[][]): { similarity: number; changed: boolean } | null {
  const similarity = reference ? meanSimilarity(reference, embeddings) : null;
  return similarity === null ? null : { similarity, changed: similarity < FACE_RULES.sameFace };
}

/** The colour on screen at trace time `t`, from the light step's recorded flashes. */
function colourAt(trace: Trace, t: number) {
  for (const step of trace.steps) {
    const flashes = step.flashes ?? [];
    for (let k = flashes.length - 1; k >= 0; k--) if (flashes[k]!.at <= t) return t - flashes[k]!.at < 1500 ? flashes[k]!.colour : undefined;
  }
  return undefined;
}
