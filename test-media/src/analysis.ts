/**
 * Reading recorded traces the way the scoring does: per-frame action signals, a neutral baseline,
 * the episodes where an action passes its target, and horizontal mirroring (which turns a left
 * turn into a right one).
 */
import { BS, THRESHOLDS_V1, isFaceFrame, median, type Baseline, type ChallengeId, type FaceFrame, type Thresholds, type TraceFrame } from '@liveproof/protocol';

/** The action signals of one face frame: degrees for yaw and pitch, scores (0..1) for the rest. */
export interface Signals {
  yaw: number;
  pitch: number;
  blink: number;
  smile: number;
  jaw: number;
}

export function signalsOf(frame: FaceFrame): Signals {
  return {
    yaw: frame.pose[0],
    pitch: frame.pose[1],
    blink: (frame.bs[BS.eyeBlinkLeft]! + frame.bs[BS.eyeBlinkRight]!) / 2,
    smile: (frame.bs[BS.mouthSmileLeft]! + frame.bs[BS.mouthSmileRight]!) / 2,
    jaw: frame.bs[BS.jawOpen]!,
  };
}

/** Frames with one face whose time (ms) falls within one of `ranges` (seconds, inclusive). */
export function faceFramesIn(frames: readonly TraceFrame[], ranges: ReadonlyArray<readonly [number, number]>): FaceFrame[] {
  return frames.filter((f): f is FaceFrame => isFaceFrame(f) && ranges.some(([from, to]) => f.t >= from * 1000 - 1e-6 && f.t <= to * 1000 + 1e-6));
}

/** Medians of the signals over `frames`, in the protocol's `Baseline` shape. */
export function baselineOf(frames: readonly FaceFrame[]): Baseline {
  const signals = frames.map(signalsOf);
  const of = (key: keyof Signals) => median(signals.map((s) => s[key]));
  return { yaw: of('yaw'), pitch: of('pitch'), blink: of('blink'), smile: of('smile'), jaw: of('jaw'), frames: frames.length };
}

/** How far a frame goes in an action's direction, relative to the baseline (degrees or score). */
export function riseOf(action: ChallengeId, s: Signals, base: Baseline): number {
  switch (action) {
    case 'blink':
      return s.blink - base.blink;
    case 'smile':
      return s.smile - base.smile;
    case 'open_mouth':
      return s.jaw - base.jaw;
    case 'turn_left':
    case 'profile_left':
      return s.yaw - base.yaw;
    case 'turn_right':
    case 'profile_right':
      return base.yaw - s.yaw;
    case 'look_up':
      return s.pitch - base.pitch;
    case 'light':
      return 0; // not a movement
  }
}

/** The rise an action needs under the given thresholds. */
export function targetOf(action: ChallengeId, th: Thresholds = THRESHOLDS_V1): number {
  switch (action) {
    case 'blink':
      return th.blink.rise;
    case 'smile':
      return th.smile.rise;
    case 'open_mouth':
      return th.openMouth.rise;
    case 'turn_left':
    case 'turn_right':
      return th.turn.degrees;
    case 'profile_left':
    case 'profile_right':
      return th.profile?.degrees ?? Number.POSITIVE_INFINITY;
    case 'look_up':
      return th.lookUp.degrees;
    case 'light':
      return 1;
  }
}

export interface Episode {
  action: ChallengeId;
  /** Seconds: first and last frame past half the target, and the frame of the peak. */
  start: number;
  end: number;
  peakAt: number;
  /** Largest rise over the baseline, and the signal's value there. */
  rise: number;
  value: number;
}

const valueOf = (action: ChallengeId, s: Signals) =>
  action === 'blink' ? s.blink : action === 'smile' ? s.smile : action === 'open_mouth' ? s.jaw : action === 'look_up' ? s.pitch : s.yaw;

/**
 * Stretches where an action passes its target: bounded by the frames past half the target, kept
 * when the peak reaches the full target. A gap without a face ends a stretch.
 */
export function findEpisodes(frames: readonly TraceFrame[], action: ChallengeId, base: Baseline, th: Thresholds = THRESHOLDS_V1): Episode[] {
  const target = targetOf(action, th);
  const episodes: Episode[] = [];
  let current: Episode | undefined;
  for (const frame of frames) {
    const face = isFaceFrame(frame) ? frame : undefined;
    const s = face ? signalsOf(face) : undefined;
    const rise = s ? riseOf(action, s, base) : -Infinity;
    if (s && rise >= target / 2) {
      const t = frame.t / 1000;
      if (!current) current = { action, start: t, end: t, peakAt: t, rise, value: valueOf(action, s) };
      current.end = t;
      if (rise > current.rise) Object.assign(current, { peakAt: t, rise, value: valueOf(action, s) });
    } else if (current) {
      if (current.rise >= target) episodes.push(current);
      current = undefined;
    }
  }
  if (current && current.rise >= target) episodes.push(current);
  return episodes;
}

/** The peak of an action's signal within [start, end] seconds. */
export function peakIn(frames: readonly TraceFrame[], action: ChallengeId, base: Baseline, start: number, end: number): Omit<Episode, 'start' | 'end'> | undefined {
  let best: Omit<Episode, 'start' | 'end'> | undefined;
  for (const face of faceFramesIn(frames, [[start, end]])) {
    const s = signalsOf(face);
    const rise = riseOf(action, s, base);
    if (!best || rise > best.rise) best = { action, peakAt: face.t / 1000, rise, value: valueOf(action, s) };
  }
  return best;
}

const SWAPPED_BLENDSHAPES = [
  ['eyeBlinkLeft', 'eyeBlinkRight'],
  ['eyeSquintLeft', 'eyeSquintRight'],
  ['mouthSmileLeft', 'mouthSmileRight'],
] as const;

/**
 * The frame the engine would see in the horizontally mirrored footage: yaw and roll change sign,
 * the box moves across, and left and right blendshapes swap.
 */
export function mirrorFrame(frame: TraceFrame): TraceFrame {
  const mirrored: TraceFrame = { ...frame };
  if (frame.box) {
    const [x, y, w, h] = frame.box;
    mirrored.box = [Math.round((1 - x - w) * 1e4) / 1e4, y, w, h];
  }
  if (frame.pose) mirrored.pose = [-frame.pose[0], frame.pose[1], -frame.pose[2]];
  if (frame.bs) {
    const bs = [...frame.bs];
    for (const [a, b] of SWAPPED_BLENDSHAPES) [bs[BS[a]], bs[BS[b]]] = [frame.bs[BS[b]]!, frame.bs[BS[a]]!];
    mirrored.bs = bs;
  }
  return mirrored;
}
