/**
 * Forged evidence: traces a scripted client makes up without any camera, answering the plan it was
 * given. From naive to careful:
 *
 * - `naive`: perfect curves. A rock-steady head, each action a clean ramp exactly 400 ms after its
 *   prompt, blinks that jump shut and open, frames stamped every 33.3 ms, no face colour at all.
 * - `noisy`: the naive trace with what a forger adds next: noise on every measurement, uneven frame
 *   times, eyelids that pass through half-open, and the screen-light colours painted onto the
 *   face's colour on cue.
 * - `spliced`: the careful forger. Real traces recorded from real footage, cut and spliced to answer
 *   the plan with human delays and reflections, exactly as the offline actor does. With a copy of
 *   our scoring code this is what an attacker builds; it is expected to pass, and the evaluation
 *   says so.
 */
import { BS, CURRENT_THRESHOLDS, LIGHT_RGB, TRACE_BLENDSHAPES, round, type ChallengeId, type LightSpec, type Trace, type TraceFrame } from '@liveproof/protocol';
import type { RunnerPlan } from '../../../packages/element/src/runner.ts';
import { runOffline, type OfflineRun, type OfflineScript } from './offline-actor.ts';

export const FORGERY_LEVELS = ['naive', 'noisy', 'spliced'] as const;
export type ForgeryLevel = (typeof FORGERY_LEVELS)[number];

export interface ForgeryPlan {
  challenges: readonly ChallengeId[];
  stepTimeoutMs: number;
  light?: LightSpec;
}

/** A small deterministic random source, so that a forgery can be reproduced from its seed. */
function prng(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x1_0000_0000;
  };
}

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(random() || 1e-9)) * Math.cos(2 * Math.PI * random());
}

const NEUTRAL_BS = TRACE_BLENDSHAPES.map(() => 0.05);
const SKIN: [number, number, number] = [176, 128, 108];

/** How far into an action (0..1) the face is, `ms` after it began: a smooth rise, a hold, a fall. */
function envelope(ms: number, rise: number, hold: number): number {
  if (ms < 0) return 0;
  if (ms < rise) return 0.5 - 0.5 * Math.cos((Math.PI * ms) / rise);
  if (ms < rise + hold) return 1;
  if (ms < 2 * rise + hold) return 0.5 + 0.5 * Math.cos((Math.PI * (ms - rise - hold)) / rise);
  return 0;
}

function applyAction(frame: Required<Pick<TraceFrame, 'pose' | 'bs'>>, challenge: ChallengeId, amount: number, smoothBlink: boolean): void {
  switch (challenge) {
    case 'blink': {
      const closed = smoothBlink ? amount : amount > 0 ? 1 : 0;
      frame.bs[BS.eyeBlinkLeft] = 0.05 + 0.85 * closed;
      frame.bs[BS.eyeBlinkRight] = 0.05 + 0.85 * closed;
      break;
    }
    case 'smile':
      frame.bs[BS.mouthSmileLeft] = 0.05 + 0.8 * amount;
      frame.bs[BS.mouthSmileRight] = 0.05 + 0.8 * amount;
      break;
    case 'open_mouth':
      frame.bs[BS.jawOpen] = 0.05 + 0.7 * amount;
      break;
    case 'turn_left':
      frame.pose[0] = 25 * amount;
      break;
    case 'turn_right':
      frame.pose[0] = -25 * amount;
      break;
    case 'look_up':
      frame.pose[1] = 15 * amount;
      break;
    case 'light':
      break;
  }
}

/**
 * A made-up trace for `plan`, spanning about `spanMs` from the attempt's start. The forger times
 * the prompts itself: 1.2 s apart for movements, the light's own length for the light.
 */
export function forgeSynthetic(plan: ForgeryPlan, level: 'naive' | 'noisy', seed = 1): Trace {
  const random = prng(seed);
  const noisy = level === 'noisy';
  const light = CURRENT_THRESHOLDS.light;
  const steps: Trace['steps'] = [];
  let cursor = 200;
  for (const challenge of plan.challenges) {
    if (challenge === 'light' && plan.light && light) {
      const flashes = plan.light.colours.map((colour, i) => ({ colour, at: cursor + light.leadInMs + i * plan.light!.flashMs }));
      const end = cursor + light.leadInMs + plan.light.colours.length * plan.light.flashMs;
      steps.push({ challenge, promptedAt: cursor, endedAt: end, flashes });
      cursor = end + 20;
    } else {
      steps.push({ challenge, promptedAt: cursor, endedAt: cursor + 900 });
      cursor += 920;
    }
  }
  const frames: TraceFrame[] = [];
  const end = steps[steps.length - 1]!.endedAt;
  for (let slot = -1000; slot <= end; slot += 1000 / 30) {
    const t = noisy ? slot + (random() - 0.5) * 8 : slot;
    const frame = { t: round(t, 1), n: 1, box: [0.34, 0.26, 0.32, 0.44] as [number, number, number, number], pose: [0, 0, 0] as [number, number, number], bs: [...NEUTRAL_BS], luma: 128 } satisfies TraceFrame;
    for (const step of steps) {
      if (step.challenge === 'light') continue;
      applyAction(frame, step.challenge, envelope(t - step.promptedAt - 400, step.challenge === 'blink' ? 90 : 250, step.challenge === 'blink' ? 40 : 300), noisy);
    }
    const out: TraceFrame = frame;
    if (noisy) {
      out.pose = frame.pose.map((v) => round(v + gaussian(random) * 0.35, 2)) as [number, number, number];
      out.bs = frame.bs.map((v) => round(Math.min(1, Math.max(0, v + gaussian(random) * 0.015)), 3));
      out.box = frame.box.map((v) => round(v + gaussian(random) * 0.002, 4)) as [number, number, number, number];
      out.luma = round(128 + gaussian(random) * 0.8, 1);
      // Paint the flashed colour onto the face, a frame after it goes up.
      const flash = steps.flatMap((s) => s.flashes ?? []).filter((f) => f.at + 60 <= t && t < f.at + 60 + plan.light!.flashMs).pop();
      const skin = SKIN.map((v) => v + gaussian(random) * 0.7);
      out.rgb = (flash ? skin.map((v, i) => v * 0.92 + LIGHT_RGB[flash.colour][i]! * 0.08) : skin).map((v) => round(v, 1)) as [number, number, number];
    }
    frames.push(out);
  }
  return { v: 1, frames: frames.sort((a, b) => a.t - b.t), steps };
}

/** The careful forgery: real recorded footage spliced to answer the plan (the offline actor). */
export function forgeSpliced(plan: ForgeryPlan, script: OfflineScript): Trace {
  return spliceRun(plan, script).trace;
}

/** The splice with the clip frame behind each trace frame, for forgers that also send crops. */
export function spliceRun(plan: ForgeryPlan, script: OfflineScript): OfflineRun {
  const runnerPlan: RunnerPlan = { challenges: plan.challenges, stepTimeoutMs: plan.stepTimeoutMs, ...(plan.light ? { light: plan.light } : {}) };
  return runOffline(runnerPlan, script);
}
