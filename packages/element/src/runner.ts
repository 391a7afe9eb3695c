/**
 * The challenge runner: a state machine fed one trace frame at a time. It holds the candidate in
 * positioning until a steady neutral view gives a baseline, then prompts each challenge of the
 * plan, recognises it with the same `evaluateStep` the server uses, and records the trace. No DOM:
 * the element drives it, and tests drive it with recorded frames.
 */
import {
  computeBaseline,
  evaluateLight,
  evaluateStep,
  flashDuration,
  TRACE_VERSION,
  type Baseline,
  type ChallengeId,
  type LightColour,
  type LightSpec,
  type StepEvaluation,
  type Thresholds,
  type Trace,
  type TraceFrame,
  type TraceStep,
} from '@liveproof/protocol';
import { assessPosition, type PositionHint } from './positioning.ts';

export type RunnerPhase = 'positioning' | 'ready' | 'challenge' | 'finished';

/** Positioning frames kept in the trace are at most this old when the challenges begin (the schema allows 60 s). */
const MAX_BASELINE_AGE_MS = 50_000;

export interface RunnerPlan {
  challenges: readonly ChallengeId[];
  stepTimeoutMs: number;
  light?: LightSpec;
}

export interface PositioningUpdate {
  phase: 'positioning' | 'ready';
  hint: PositionHint;
  /** 0..1: how much of the required steady hold is done. */
  hold: number;
}

export interface ChallengeUpdate {
  phase: 'challenge' | 'finished';
  index: number;
  challenge: ChallengeId;
  evaluation: StepEvaluation;
  /** True on the frame where a new prompt became current. */
  prompted: boolean;
  /** Set when the run is over: every step passed, or one failed or timed out. */
  outcome?: 'completed' | 'failed' | 'timeout';
}

export class CheckRunner {
  readonly #th: Thresholds;
  #phase: RunnerPhase = 'positioning';
  #frames: TraceFrame[] = [];
  #holdStart: number | undefined;
  #origin = 0;
  #plan: RunnerPlan | undefined;
  #baseline: Baseline | undefined;
  #steps: TraceStep[] = [];
  #index = 0;

  constructor(thresholds: Thresholds) {
    this.#th = thresholds;
  }

  get phase(): RunnerPhase {
    return this.#phase;
  }

  get baseline(): Baseline | undefined {
    return this.#baseline;
  }

  /**
   * A positioning frame, with `t` on the page's own clock (performance.now()). Keeps only what the
   * baseline can use, so a long positioning does not grow the trace.
   */
  position(frame: TraceFrame): PositioningUpdate {
    this.#frames.push(frame);
    const keepFrom = frame.t - this.#th.positioning.baselineMs - 1000;
    while (this.#frames.length > 0 && this.#frames[0]!.t < keepFrom) this.#frames.shift();
    const hint = assessPosition(frame, this.#th);
    if (hint !== 'hold_still') {
      this.#holdStart = undefined;
      if (this.#phase === 'ready') this.#phase = 'positioning';
      return { phase: 'positioning', hint, hold: 0 };
    }
    this.#holdStart ??= frame.t;
    const held = frame.t - this.#holdStart;
    const baselineReady = computeBaseline(this.#frames, frame.t + 0.001, this.#th) !== undefined;
    if (held >= this.#th.positioning.holdMs && baselineReady) this.#phase = 'ready';
    return { phase: this.#phase === 'ready' ? 'ready' : 'positioning', hint, hold: Math.min(1, held / this.#th.positioning.holdMs) };
  }

  /**
   * Starts the challenges. `origin` (page clock) becomes 0 on the trace clock; `now` is the page
   * clock when the first prompt is shown. Positioning frames keep their place as negative times.
   */
  begin(plan: RunnerPlan, origin: number, now: number): ChallengeUpdate {
    this.#plan = plan;
    this.#origin = origin;
    // Positioning frames older than the trace format allows (a start request that hung for a
    // minute) are of no use to the baseline anyway.
    this.#frames = this.#frames.map((f) => ({ ...f, t: Math.round((f.t - origin) * 10) / 10 })).filter((f) => f.t >= -MAX_BASELINE_AGE_MS);
    const promptedAt = this.#rel(now);
    this.#baseline = computeBaseline(this.#frames, promptedAt, this.#th);
    this.#phase = 'challenge';
    this.#index = 0;
    this.#steps = [{ challenge: plan.challenges[0]!, promptedAt, endedAt: promptedAt }];
    return this.#update({ challenge: plan.challenges[0]!, outcome: 'pending', progress: 0 }, true);
  }

  /** A challenge frame, `t` on the page clock; `now` is the page clock after it was analysed. */
  challenge(frame: TraceFrame, now: number): ChallengeUpdate | undefined {
    if (this.#phase !== 'challenge' || !this.#plan) return undefined;
    const frameRel = this.#rel(frame.t);
    this.#frames.push({ ...frame, t: frameRel });
    const step = this.#steps[this.#index]!;
    const nowRel = this.#rel(now);
    // The server sees the frames up to the step's deadline and nothing later than the last frame;
    // the live evaluation looks at exactly the same.
    const until = Math.min(frameRel, step.promptedAt + this.#plan.stepTimeoutMs);
    const evaluation =
      step.challenge === 'light'
        ? evaluateLight(step, this.#plan.light, this.#frames, until, this.#th)
        : this.#baseline
          ? evaluateStep(step.challenge, this.#frames, this.#baseline, step.promptedAt, until, this.#th)
          : ({ challenge: step.challenge, outcome: 'failed', progress: 0, reason: 'not_performed' } satisfies StepEvaluation);

    if (evaluation.outcome === 'passed') {
      step.endedAt = evaluation.completedAt ?? nowRel;
      if (this.#index === this.#plan.challenges.length - 1) return this.#finish(evaluation, 'completed');
      this.#index++;
      const next = this.#plan.challenges[this.#index]!;
      this.#steps.push({ challenge: next, promptedAt: nowRel, endedAt: nowRel });
      return this.#update({ ...evaluation }, true, next);
    }
    if (evaluation.outcome === 'failed') {
      step.endedAt = nowRel;
      return this.#finish(evaluation, 'failed');
    }
    if (nowRel - step.promptedAt > this.#plan.stepTimeoutMs) {
      step.endedAt = nowRel;
      return this.#finish(evaluation, 'timeout');
    }
    return this.#update(evaluation, false);
  }

  /**
   * The colour the screen must show at `now` (page clock) in the screen-light challenge, or none.
   * Called on every animation frame, not camera frame: after a quiet lead-in (the face's own
   * colour), each colour of the plan goes up `flashMs` after the previous one actually did, and
   * is recorded then. A page that stalls shows the next colour late rather than skipping one, and
   * never faster than three flashes a second.
   */
  tickLight(now: number): LightColour | undefined {
    const step = this.#phase === 'challenge' ? this.#steps[this.#index] : undefined;
    const spec = this.#plan?.light;
    const settings = this.#th.light;
    if (step?.challenge !== 'light' || !spec || !settings) return undefined;
    const flashMs = flashDuration(spec);
    const nowRel = this.#rel(now);
    const flashes = (step.flashes ??= []);
    const last = flashes[flashes.length - 1];
    const due = last ? last.at + flashMs : step.promptedAt + settings.leadInMs;
    if (nowRel >= due && flashes.length < spec.colours.length) {
      flashes.push({ colour: spec.colours[flashes.length]!, at: nowRel });
      return flashes[flashes.length - 1]!.colour;
    }
    return last && nowRel < last.at + flashMs ? last.colour : undefined;
  }

  /** The evidence recorded so far (the whole of it once finished). */
  trace(): Trace {
    return {
      v: TRACE_VERSION,
      frames: this.#frames.map((f) => ({ ...f })),
      steps: this.#steps.map((s) => ({ ...s, ...(s.flashes ? { flashes: s.flashes.map((f) => ({ ...f })) } : {}) })),
    };
  }

  #rel(pageTime: number): number {
    return Math.round((pageTime - this.#origin) * 10) / 10;
  }

  #finish(evaluation: StepEvaluation, outcome: 'completed' | 'failed' | 'timeout'): ChallengeUpdate {
    this.#phase = 'finished';
    return { ...this.#update(evaluation, false), phase: 'finished', outcome };
  }

  #update(evaluation: StepEvaluation, prompted: boolean, challenge?: ChallengeId): ChallengeUpdate {
    const current = challenge ?? this.#steps[this.#index]!.challenge;
    return {
      phase: this.#phase === 'finished' ? 'finished' : 'challenge',
      index: this.#index,
      challenge: current,
      evaluation: challenge ? { challenge, outcome: 'pending', progress: 0 } : evaluation,
      prompted,
    };
  }
}
