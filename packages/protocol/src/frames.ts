/**
 * High assurance: the few face crops the server asks for and measures itself. The rules both sides
 * follow live here: how a crop is cut from the camera frame, and which moments of a trace the
 * server asks for once the element has committed to that trace.
 *
 * The order of events: the element runs the check and keeps a small crop of every processed frame
 * on the page. When it has finished, it signs a commitment (the trace's SHA-256, its steps and its
 * span) and sends it. Only then does the server draw the moments, with its own random numbers, and
 * store them with the attempt. The element answers in the signed result with the crop nearest each
 * moment (`frameForMoment`). A forger therefore learns which frames are wanted only after its trace is fixed: to
 * answer, it needs a face image consistent with the trace at any moment of it.
 */
import type { FaceBox, Trace, TraceFrame, TraceStep } from './trace.ts';

/**
 * An integration's high-assurance policy. `off`: no image leaves the browser (the default). `on`:
 * the element sends the crops the server asks for, and a result without them is flagged
 * (`no_frames`) but scored as before. `required`: a result without them fails (`frames_required`).
 */
export type HighAssurancePolicy = 'off' | 'on' | 'required';
export const HIGH_ASSURANCE_POLICIES: readonly HighAssurancePolicy[] = ['off', 'on', 'required'];

/** Each crop is a square this many pixels a side, JPEG. */
export const FRAME_SIDE = 192;
/** JPEG quality the element encodes with (0..1): about 6 KB a crop. */
export const FRAME_QUALITY = 0.8;
/** Largest crop the server accepts, in bytes of JPEG. */
export const MAX_FRAME_BYTES = 48 * 1024;
/** Most moments the server asks for in one attempt. */
export const MAX_FRAME_MOMENTS = 12;

/**
 * The square to cut from a camera frame of `width` x `height` pixels around the face box: centred on
 * the box, 1.6 times its larger side, kept inside the frame where it fits.
 */
export function cropSquare(box: FaceBox, width: number, height: number): { x: number; y: number; side: number } {
  const [bx, by, bw, bh] = box;
  const side = Math.min(width, height, Math.max(bw * width, bh * height) * 1.6);
  const cx = (bx + bw / 2) * width;
  const cy = (by + bh / 2) * height;
  const x = Math.min(Math.max(0, cx - side / 2), width - side);
  const y = Math.min(Math.max(0, cy - side / 2), height - side);
  return { x: Math.round(x), y: Math.round(y), side: Math.round(side) };
}

/** What the element signs before the server draws the moments. */
export interface FrameCommitment {
  /** SHA-256 (base64url) of the trace in canonical JSON (`traceDigestInput`). */
  traceDigest: string;
  /** The trace's steps, as the result will carry them. */
  steps: TraceStep[];
  /** The first and last frame times of the trace. */
  span: [first: number, last: number];
  /** How many frames the trace has. */
  frameCount: number;
}

/**
 * What is hashed for `traceDigest`: the trace as JSON with every object's keys in sorted order, so
 * the element (its own objects) and the server (the parsed result) write the same bytes.
 */
export function traceDigestInput(trace: Trace): string {
  return canonicalJson(trace);
}

/** JSON with every object's keys in sorted order (undefined members left out). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Why the server asked for a moment: shown to reviewers, and used to choose what to compare. */
export type FrameMomentKind = 'baseline' | 'action' | 'lead_in' | 'flash' | 'random';

export interface FrameMoment {
  t: number;
  kind: FrameMomentKind;
  /** The step the moment belongs to (its index in the trace's steps), for `action`, `lead_in` and `flash`. */
  step?: number;
}

/**
 * Draws the moments for a committed trace: two in the neutral baseline before the first prompt;
 * one just before each movement step ended (the action was recognised there, so the pose or
 * expression is at its strongest); in the screen-light step one before its first flash (the face's
 * own colour, with the head as still as during the flashes) and two flashes, each 200-400 ms after
 * its colour went up (the camera has caught the reflection by then); one anywhere. `random`
 * returns a uniform number in [0, 1) and must be a CSPRNG on the server.
 */
export function drawFrameMoments(commitment: FrameCommitment, random: () => number): FrameMoment[] {
  const { steps, span } = commitment;
  const [first, last] = span;
  const firstPrompt = steps[0]?.promptedAt ?? last;
  const between = (from: number, to: number) => Math.round(from + random() * Math.max(0, to - from));
  const moments: FrameMoment[] = [];
  if (firstPrompt - first > 200) {
    const middle = (first + firstPrompt) / 2;
    moments.push({ t: between(first, middle), kind: 'baseline' }, { t: between(middle, firstPrompt - 100), kind: 'baseline' });
  }
  steps.forEach((step, index) => {
    if (step.challenge === 'light') {
      const flashes = [...(step.flashes ?? [])];
      if (flashes[0] && flashes[0].at - step.promptedAt > 260) moments.push({ t: between(step.promptedAt + 200, flashes[0].at - 30), kind: 'lead_in', step: index });
      for (let n = 0; n < 2 && flashes.length > 0; n++) {
        const [flash] = flashes.splice(Math.floor(random() * flashes.length), 1);
        moments.push({ t: Math.round(flash!.at + 200 + random() * 200), kind: 'flash', step: index });
      }
    } else {
      moments.push({ t: between(Math.max(step.promptedAt, step.endedAt - 250), step.endedAt), kind: 'action', step: index });
    }
  });
  moments.push({ t: between(first, last), kind: 'random' });
  return moments.slice(0, MAX_FRAME_MOMENTS);
}

/**
 * The frame whose crop answers a moment: the trace's face frame (one face, a box) nearest it, the
 * earlier of two equally near. Both sides compute it, so the page has no choice of frame, and a
 * moment in a gap of the camera's frames is answered by the frame next to the gap.
 */
export function frameForMoment(frames: readonly TraceFrame[], t: number): TraceFrame | undefined {
  let best: TraceFrame | undefined;
  for (const frame of frames) {
    if (frame.n !== 1 || !frame.box) continue;
    if (!best || Math.abs(frame.t - t) < Math.abs(best.t - t)) best = frame;
  }
  return best;
}

/** `POST /v1/attempts/{id}/frames`: the commitment, signed (compact JWS) by the attempt key. */
export interface FrameRequestPayload {
  v: 1;
  attemptId: string;
  nonce: string;
  commitment: FrameCommitment;
}

/** The moments the server drew; asking again with the same commitment returns the same ones. */
export interface FrameRequestResponse {
  moments: FrameMoment[];
}

/** One crop in the signed result: the trace time of the frame it was cut from, and the JPEG (base64). */
export interface ResultFrame {
  t: number;
  data: string;
}

/** What the server checks on the crops (`frames.ts` on the server says how, with its tolerances). */
export type FaceCheckName = 'present' | 'pose' | 'expression' | 'light' | 'one_person';

/**
 * The server's own look at the face, as the token, the attempt's record and reviewers see it. No
 * image and no embedding: those never leave the server's memory unless the integration keeps the
 * crops as evidence.
 */
export interface FaceCheckSummary {
  /** The integration's policy when the plan was issued. */
  policy: 'on' | 'required';
  /** Crops the server measured (0: none were sent). */
  frames: number;
  /** The checks that ran on them, and those that failed. */
  checks: FaceCheckName[];
  failed: FaceCheckName[];
  /**
   * A re-check: its face against the session's passed check (the mean similarity of their frontal
   * crops' embeddings), and whether it changed (`face_changed`). Absent when either had none.
   */
  continuity?: { similarity: number; changed: boolean };
}
