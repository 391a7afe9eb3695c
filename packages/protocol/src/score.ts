/**
 * `score(plan, trace)`: the verdict on a liveness check, pure and deterministic. The element runs it
 * for feedback; the server runs it on the raw trace for the verdict that counts, and never takes a
 * verdict from the client.
 */
import type { ChallengeId } from './challenges.ts';
import { computeBaseline, evaluateStep, isFaceFrame, median, type Baseline, type StepEvaluation } from './detect.ts';
import { evaluateLight, type LightSpec } from './light.ts';
import { plausibilityReasons } from './plausibility.ts';
import type { ReasonCode } from './reasons.ts';
import { thresholdsFor, type Thresholds } from './thresholds.ts';
import type { Trace, TraceFrame } from './trace.ts';

/** The parts of a plan that scoring needs. */
export interface ScoringPlan {
  challenges: readonly ChallengeId[];
  stepTimeoutMs: number;
  thresholds: string;
  /** The colours to flash, when the plan has the screen-light challenge. */
  light?: LightSpec;
}

export interface StepVerdict {
  challenge: ChallengeId;
  passed: boolean;
  reason?: ReasonCode;
  reactionMs?: number;
  /** Milliseconds from the prompt to the moment the action was recognised. */
  durationMs?: number;
  conflict?: ChallengeId;
}

/** Measurements over the challenge part of the trace, for reviewers and for risk. */
export interface TraceStats {
  frames: number;
  durationMs: number;
  frameRate: number;
  faceCoverage: number;
  longestMultiFaceMs: number;
  longestGapMs: number;
  medianFaceWidth: number;
  medianLuma: number;
}

export interface Verdict {
  passed: boolean;
  reasons: ReasonCode[];
  steps: StepVerdict[];
  stats?: TraceStats;
  baseline?: Baseline;
  thresholds: string;
}

function fail(plan: ScoringPlan, reasons: ReasonCode[]): Verdict {
  return { passed: false, reasons, steps: [], thresholds: plan.thresholds };
}

/** Timestamps must be finite and strictly increasing, and steps must follow one another. */
function isWellFormed(trace: Trace): boolean {
  for (let i = 0; i < trace.frames.length; i++) {
    const t = trace.frames[i]!.t;
    if (!Number.isFinite(t) || (i > 0 && t <= trace.frames[i - 1]!.t)) return false;
  }
  for (let i = 0; i < trace.steps.length; i++) {
    const step = trace.steps[i]!;
    if (!(step.promptedAt >= 0) || !(step.endedAt >= step.promptedAt)) return false;
    if (i > 0 && step.promptedAt < trace.steps[i - 1]!.promptedAt) return false;
  }
  return true;
}

/** The steps must follow the plan in order; a run that stopped early has only the first ones. */
function stepsMatch(plan: ScoringPlan, trace: Trace): boolean {
  return trace.steps.length >= 1 && trace.steps.length <= plan.challenges.length && trace.steps.every((s, i) => s.challenge === plan.challenges[i]);
}

/** Longest stretch, in ms, of consecutive frames satisfying `test`. */
function longestRun(frames: readonly TraceFrame[], test: (f: TraceFrame) => boolean): number {
  let longest = 0;
  let start: number | undefined;
  for (let i = 0; i < frames.length; i++) {
    const frame = frames[i]!;
    if (test(frame)) {
      start ??= frame.t;
      const end = frames[i + 1]?.t ?? frame.t;
      longest = Math.max(longest, end - start);
    } else {
      start = undefined;
    }
  }
  return longest;
}

export function traceStats(frames: readonly TraceFrame[]): TraceStats {
  const durationMs = frames.length > 1 ? frames[frames.length - 1]!.t - frames[0]!.t : 0;
  let longestGapMs = 0;
  for (let i = 1; i < frames.length; i++) longestGapMs = Math.max(longestGapMs, frames[i]!.t - frames[i - 1]!.t);
  const faces = frames.filter(isFaceFrame);
  return {
    frames: frames.length,
    durationMs,
    frameRate: durationMs > 0 ? ((frames.length - 1) * 1000) / durationMs : 0,
    faceCoverage: frames.length > 0 ? faces.length / frames.length : 0,
    longestMultiFaceMs: longestRun(frames, (f) => f.n > 1),
    longestGapMs,
    medianFaceWidth: faces.length > 0 ? median(faces.map((f) => f.box[2])) : 0,
    medianLuma: frames.length > 0 ? median(frames.map((f) => f.luma)) : 0,
  };
}

function passiveReasons(stats: TraceStats, th: Thresholds): ReasonCode[] {
  const reasons: ReasonCode[] = [];
  if (stats.faceCoverage < th.minFaceCoverage) reasons.push('face_not_visible');
  if (stats.longestMultiFaceMs > th.maxMultiFaceMs) reasons.push('multiple_faces');
  if (stats.medianFaceWidth > 0 && stats.medianFaceWidth < th.positioning.minFaceWidth * 0.75) reasons.push('face_too_small');
  if (stats.medianLuma < th.positioning.minLuma * 0.75) reasons.push('too_dark');
  if (stats.frameRate < th.minFrameRate) reasons.push('low_frame_rate');
  if (stats.longestGapMs > th.maxFrameGapMs) reasons.push('frame_gap');
  return reasons;
}

function stepVerdict(evaluation: StepEvaluation, promptedAt: number): StepVerdict {
  const verdict: StepVerdict = { challenge: evaluation.challenge, passed: evaluation.outcome === 'passed' };
  if (evaluation.outcome !== 'passed') verdict.reason = evaluation.reason ?? 'not_performed';
  if (evaluation.reactionMs !== undefined) verdict.reactionMs = Math.round(evaluation.reactionMs);
  if (evaluation.completedAt !== undefined) verdict.durationMs = Math.round(evaluation.completedAt - promptedAt);
  if (evaluation.conflict !== undefined) verdict.conflict = evaluation.conflict;
  return verdict;
}

export function score(plan: ScoringPlan, trace: Trace): Verdict {
  const th = thresholdsFor(plan.thresholds);
  if (!th) return fail(plan, ['unknown_thresholds']);
  if (!isWellFormed(trace)) return fail(plan, ['trace_invalid']);
  if (!stepsMatch(plan, trace)) return fail(plan, ['steps_mismatch']);

  const firstPrompt = trace.steps[0]?.promptedAt ?? 0;
  const baseline = computeBaseline(trace.frames, firstPrompt, th);
  const checkFrames = trace.frames.filter((f) => f.t >= firstPrompt);
  const stats = traceStats(checkFrames);
  const lastT = trace.frames[trace.frames.length - 1]?.t ?? 0;
  if (!baseline) return { ...fail(plan, ['no_baseline', ...passiveReasons(stats, th)]), stats };

  const steps = trace.steps.map((step, i) => {
    const next = trace.steps[i + 1]?.promptedAt ?? lastT;
    const until = Math.min(next, step.promptedAt + plan.stepTimeoutMs);
    const evaluation =
      step.challenge === 'light'
        ? evaluateLight(step, plan.light, trace.frames, until, th)
        : evaluateStep(step.challenge, trace.frames, baseline, step.promptedAt, until, th);
    return stepVerdict(evaluation, step.promptedAt);
  });

  // Steps the element never reached (it stops at the first failure) were not performed.
  for (const challenge of plan.challenges.slice(trace.steps.length)) steps.push({ challenge, passed: false, reason: 'not_performed' });

  const reasons = new Set<ReasonCode>();
  for (const step of steps) if (step.reason) reasons.add(step.reason);
  for (const reason of passiveReasons(stats, th)) reasons.add(reason);
  for (const reason of plausibilityReasons(trace.frames, th)) reasons.add(reason);
  return { passed: reasons.size === 0, reasons: [...reasons], steps, stats, baseline, thresholds: th.version };
}
