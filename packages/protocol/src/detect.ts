/**
 * Recognising each challenge in a stream of trace frames, relative to the candidate's own neutral
 * baseline. The element calls these on every frame for live feedback; `score()` calls them once
 * over the whole trace for the verdict. Same code, same numbers.
 */
import { CHALLENGES, isProfileChallenge, type ChallengeId } from './challenges.ts';
import type { ReasonCode } from './reasons.ts';
import type { Thresholds } from './thresholds.ts';
import { BS, type TraceFrame } from './trace.ts';

/** The candidate's neutral face, as medians over the positioning frames. */
export interface Baseline {
  yaw: number;
  pitch: number;
  blink: number;
  smile: number;
  jaw: number;
  frames: number;
}

/** A frame with exactly one face and all its measurements. */
export type FaceFrame = TraceFrame & Required<Pick<TraceFrame, 'box' | 'pose' | 'bs'>>;

export function isFaceFrame(frame: TraceFrame): frame is FaceFrame {
  return frame.n === 1 && frame.box !== undefined && frame.pose !== undefined && frame.bs !== undefined;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const blinkOf = (f: FaceFrame) => (f.bs[BS.eyeBlinkLeft]! + f.bs[BS.eyeBlinkRight]!) / 2;
const smileOf = (f: FaceFrame) => (f.bs[BS.mouthSmileLeft]! + f.bs[BS.mouthSmileRight]!) / 2;
const jawOf = (f: FaceFrame) => f.bs[BS.jawOpen]!;

/** Baseline from the face frames in the `baselineMs` before `before` (the first prompt). */
export function computeBaseline(frames: readonly TraceFrame[], before: number, th: Thresholds): Baseline | undefined {
  const from = before - th.positioning.baselineMs;
  const window = frames.filter((f): f is FaceFrame => f.t >= from && f.t < before && isFaceFrame(f));
  if (window.length < th.positioning.minBaselineFrames) return undefined;
  return {
    yaw: median(window.map((f) => f.pose[0])),
    pitch: median(window.map((f) => f.pose[1])),
    blink: median(window.map(blinkOf)),
    smile: median(window.map(smileOf)),
    jaw: median(window.map(jawOf)),
    frames: window.length,
  };
}

/**
 * How far a frame is into an action, as a share of that action's target (1 = target reached).
 * Negative when the face moves the other way.
 */
export function actionLevel(challenge: ChallengeId, frame: FaceFrame, base: Baseline, th: Thresholds): number {
  switch (challenge) {
    case 'blink':
      return (blinkOf(frame) - base.blink) / th.blink.rise;
    case 'smile':
      return (smileOf(frame) - base.smile) / th.smile.rise;
    case 'open_mouth':
      return (jawOf(frame) - base.jaw) / th.openMouth.rise;
    case 'turn_left':
      return (frame.pose[0] - base.yaw) / th.turn.degrees;
    case 'turn_right':
      return (base.yaw - frame.pose[0]) / th.turn.degrees;
    case 'look_up':
      return (frame.pose[1] - base.pitch) / th.lookUp.degrees;
    // Thresholds before 2026-12.1 know no profile turn: nothing reaches it.
    case 'profile_left':
      return th.profile ? (frame.pose[0] - base.yaw) / th.profile.degrees : 0;
    case 'profile_right':
      return th.profile ? (base.yaw - frame.pose[0]) / th.profile.degrees : 0;
    case 'light':
      return 0; // not a movement: see light.ts
  }
}

export type StepOutcome = 'pending' | 'passed' | 'failed';

export interface StepEvaluation {
  challenge: ChallengeId;
  outcome: StepOutcome;
  /** 0..1, how close the candidate is to the target right now (for live feedback). */
  progress: number;
  /** When the action was recognised as done. */
  completedAt?: number;
  /** When the response began, and how long after the prompt. */
  onsetAt?: number;
  reactionMs?: number;
  /** For a blink: how long the eyes were closed. */
  closedMs?: number;
  reason?: ReasonCode;
  /** The action done instead, for `wrong_action`. */
  conflict?: ChallengeId;
}

interface Run {
  start: number;
  end: number;
}

/**
 * The first stretch of consecutive frames at or above `level` lasting `holdMs`. With `leftoverAt0`,
 * a stretch already under way at index 0 (the frame before the prompt) is a leftover of what came
 * before, not a response: it is skipped until the signal has fallen back below `release`, so that
 * noise around the level cannot pass for a new action.
 */
function firstHeldRun(
  levels: readonly number[],
  frames: readonly FaceFrame[],
  level: number,
  holdMs: number,
  leftoverAt0: boolean,
  release: number,
  from = 0,
): Run | undefined {
  let start = -1;
  let leftover = leftoverAt0 && from === 0 && levels[0]! >= level;
  for (let i = from; i < levels.length; i++) {
    if (leftover && levels[i]! < release) leftover = false;
    if (levels[i]! < level || leftover) {
      start = -1;
      continue;
    }
    if (start < 0) start = i;
    if (frames[i]!.t - frames[start]!.t >= holdMs) return { start, end: i };
  }
  return undefined;
}

/**
 * Where the response that crossed its target at frame `crossing` began: walking back while the
 * signal keeps falling, until it is back at rest (below the onset level) or at a local minimum.
 */
function onsetIndex(levels: readonly number[], crossing: number, onsetLevel: number): number {
  let i = crossing;
  while (i > 0 && levels[i - 1]! > onsetLevel && levels[i - 1]! <= levels[i]! + RISE_TOLERANCE) i--;
  return i;
}

/**
 * The first held run at or above `level` that is a fresh movement: one that began after the prompt.
 * A run still there from before the prompt, or still rising from a movement that began before it,
 * is a leftover of the previous step: skipped, and looked for again once the signal has come back
 * near rest. `release` is where a leftover already past `level` at the prompt counts as over.
 */
function firstFreshRun(levels: readonly number[], frames: readonly FaceFrame[], level: number, release: number, th: Thresholds, holdMs = th.holdMs): Run | undefined {
  let from = 0;
  for (;;) {
    const run = firstHeldRun(levels, frames, level, holdMs, true, release, from);
    if (!run || onsetIndex(levels, run.start, th.onsetShare) > 0) return run;
    from = run.end + 1;
    while (from < levels.length && levels[from]! >= th.onsetShare) from++;
  }
}

/** Level noise tolerated while walking back along a rising signal. */
const RISE_TOLERANCE = 0.05;

/**
 * Evaluate one step over the frames from its prompt up to `until` (exclusive of later prompts).
 * `pending` means not done yet; `passed` and `failed` are final for that step.
 */
export function evaluateStep(
  challenge: ChallengeId,
  frames: readonly TraceFrame[],
  base: Baseline,
  promptedAt: number,
  until: number,
  th: Thresholds,
): StepEvaluation {
  // One frame before the prompt tells whether the action was already under way.
  const window: FaceFrame[] = [];
  let before: FaceFrame | undefined;
  for (const frame of frames) {
    if (!isFaceFrame(frame)) continue;
    if (frame.t <= promptedAt) before = frame;
    else if (frame.t <= until) window.push(frame);
  }
  const evaluation: StepEvaluation = { challenge, outcome: 'pending', progress: 0 };
  if (window.length === 0) return evaluation;

  const framesWithBefore = before ? [before, ...window] : window;
  const levels = framesWithBefore.map((f) => actionLevel(challenge, f, base, th));
  const offset = before ? 1 : 0;
  evaluation.progress = Math.max(0, Math.min(1, levels[levels.length - 1]!));

  const hasBefore = offset === 1;
  const found =
    CHALLENGES[challenge].kind === 'event' ? findBlink(levels, framesWithBefore, base, th, hasBefore) : findHeld(levels, framesWithBefore, th, hasBefore, holdMsFor(challenge, th));
  const conflict = findConflict(challenge, framesWithBefore, base, th, found?.completedIndex ?? framesWithBefore.length - 1);

  if (conflict && (!found || conflict.index <= found.completedIndex)) {
    return { ...evaluation, outcome: 'failed', reason: 'wrong_action', conflict: conflict.challenge, completedAt: framesWithBefore[conflict.index]!.t };
  }
  if (!found) {
    // Nothing has begun by the deadline: whatever comes later is not an answer to this prompt.
    if (th.maxReactionMs !== undefined && hasBefore && !responseBegun(levels, framesWithBefore, promptedAt + th.maxReactionMs, th)) {
      if (framesWithBefore[framesWithBefore.length - 1]!.t > promptedAt + th.maxReactionMs) return { ...evaluation, outcome: 'failed', reason: 'response_too_late' };
    }
    return evaluation;
  }

  const onset = framesWithBefore[found.onsetIndex]!;
  const completed = framesWithBefore[found.completedIndex]!;
  const result: StepEvaluation = {
    ...evaluation,
    progress: 1,
    completedAt: completed.t,
    onsetAt: onset.t,
    reactionMs: onset.t - promptedAt,
  };
  if (found.closedMs !== undefined) result.closedMs = found.closedMs;
  if (found.onsetIndex < offset) return { ...result, outcome: 'failed', reason: 'action_already_present' };
  if (result.reactionMs! < th.minReactionMs) return { ...result, outcome: 'failed', reason: 'reaction_too_fast' };
  if (th.maxReactionMs !== undefined && result.reactionMs! > th.maxReactionMs) return { ...result, outcome: 'failed', reason: 'response_too_late' };
  if (found.implausible) return { ...result, outcome: 'failed', reason: 'implausible_blink' };
  return { ...result, outcome: 'passed' };
}

interface Found {
  onsetIndex: number;
  completedIndex: number;
  closedMs?: number;
  implausible?: boolean;
}

/** How long `challenge` must stay past its target: the profile turn has its own hold. */
export function holdMsFor(challenge: ChallengeId, th: Thresholds): number {
  return isProfileChallenge(challenge) && th.profile ? th.profile.holdMs : th.holdMs;
}

function findHeld(levels: readonly number[], frames: readonly FaceFrame[], th: Thresholds, hasBefore: boolean, holdMs: number): Found | undefined {
  // Without a frame from before the prompt, nothing can be told apart as a leftover.
  const run = hasBefore ? firstFreshRun(levels, frames, 1, th.onsetShare, th, holdMs) : firstHeldRun(levels, frames, 1, holdMs, false, th.onsetShare);
  if (!run) return undefined;
  return { onsetIndex: onsetIndex(levels, run.start, th.onsetShare), completedIndex: run.end };
}

/**
 * A blink: the eyes close past the target, then reopen. It is done when they reopen; a closure
 * longer than a blink (eyes held shut) does not count as one. A blink already under way at the
 * prompt is skipped: only one that starts after it answers the prompt. From thresholds 2026-11.2 a
 * blink must also have a blink's shape: closed for a moment, and passing through at least one
 * half-open frame (eyelids move; they do not jump between open and shut).
 */
function findBlink(levels: readonly number[], frames: readonly FaceFrame[], base: Baseline, th: Thresholds, hasBefore: boolean): Found | undefined {
  const closeLevel = Math.max(1, (th.blink.minLevel - base.blink) / th.blink.rise);
  const reopenLevel = th.blink.reopenShare;
  for (let i = 0; i < levels.length; i++) {
    if (levels[i]! < closeLevel) continue;
    const onset = onsetIndex(levels, i, th.onsetShare);
    let reopen = i + 1;
    while (reopen < levels.length && levels[reopen]! >= reopenLevel) reopen++;
    if (hasBefore && onset === 0) {
      i = reopen; // began before the prompt
      continue;
    }
    if (reopen >= levels.length) return undefined; // still closed: not done yet
    const closedMs = frames[reopen]!.t - frames[onset]!.t;
    const shape = th.plausibility;
    // Below ~20 frames a second a real blink can fall between frames, half-open frames and all.
    const dense = (frames[reopen]!.t - frames[onset]!.t) / Math.max(1, reopen - onset) <= DENSE_FRAME_MS;
    const implausible =
      closedMs > th.blink.maxClosedMs || (shape !== undefined && dense && (closedMs < shape.minBlinkClosedMs || !hasHalfOpenFrame(levels, onset, reopen)));
    return { onsetIndex: onset, completedIndex: reopen, closedMs, implausible };
  }
  return undefined;
}

/** Frames closer than this show a blink's shape. */
const DENSE_FRAME_MS = 50;

/** Whether, between onset and reopening, some frame shows the eyes between 20% and 80% shut. */
function hasHalfOpenFrame(levels: readonly number[], onset: number, reopen: number): boolean {
  let peak = 0;
  for (let i = onset; i <= reopen; i++) peak = Math.max(peak, levels[i]!);
  for (let i = onset; i <= reopen; i++) {
    const level = levels[i]!;
    if (level > 0.2 * peak && level < 0.8 * peak) return true;
  }
  return false;
}

/**
 * Whether, by `deadline`, the signal has left rest after the prompt: a response (or a leftover still
 * fading) is under way, so the step stays open until its own timeout.
 */
function responseBegun(levels: readonly number[], frames: readonly FaceFrame[], deadline: number, th: Thresholds): boolean {
  for (let i = 0; i < levels.length && frames[i]!.t <= deadline; i++) if (levels[i]! >= th.onsetShare) return true;
  return false;
}

/** A conflicting action that starts (was not present at the prompt) and is held strongly. */
function findConflict(
  challenge: ChallengeId,
  frames: readonly FaceFrame[],
  base: Baseline,
  th: Thresholds,
  upTo: number,
): { challenge: ChallengeId; index: number } | undefined {
  let earliest: { challenge: ChallengeId; index: number } | undefined;
  const maxYaw = th.lookUpConflictMaxYaw;
  for (const other of th.conflicts?.[challenge] ?? CHALLENGES[challenge].conflicts) {
    // A head turned far tilts its measured pitch: looking up counts only near the camera.
    const counted = (f: FaceFrame) => other !== 'look_up' || maxYaw === undefined || Math.abs(f.pose[0] - base.yaw) < maxYaw;
    const levels = frames.slice(0, upTo + 1).map((f) => (counted(f) ? actionLevel(other, f, base, th) : 0));
    const run = firstFreshRun(levels, frames, th.conflictFactor, 1, th);
    if (run && (!earliest || run.end < earliest.index)) earliest = { challenge: other, index: run.end };
  }
  return earliest;
}
