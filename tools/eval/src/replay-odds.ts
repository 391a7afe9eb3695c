/**
 * The odds that footage which ignores the prompts passes by chance. A looped replay of a real clip
 * shows its actions at its own times; when those happen to fall just after the prompts asking for
 * them, it passes. The browser evaluation can run only some dozens of replays; here every live
 * clip is played, from several starting points, through the element's own `CheckRunner` against
 * many plans, and scored as the server scores it: thousands of replays in seconds.
 */
import { CURRENT_THRESHOLDS, MOTION_CHALLENGE_IDS, PROFILE_CHALLENGE_IDS, lightSequence, score, type ChallengeId, type LightSpec, type Thresholds, type TraceFrame } from '@liveproof/protocol';
import type { RunnerPlan } from '../../../packages/element/src/runner.ts';
import type { Manifest } from '@liveproof/test-media';
import { recordedFrames, runOffline, type OfflineScript } from './offline-actor.ts';
import { seeded } from './presentations.ts';

export interface ReplayOddsOptions {
  manifest: Manifest;
  thresholds?: Thresholds;
  /** With the screen-light challenge (light and two movements) or without (four movements, as after an opt-out). */
  light: boolean;
  /** Plans per clip and starting point. */
  plans: number;
  /** Starting points per clip, spread over its length. */
  offsets: number;
  /** One of the movements is a profile turn, on a random side (an integration's `profileTurn: on`). */
  profileTurn?: boolean;
  seed?: number;
}

export interface ReplayOdds {
  presentations: number;
  accepted: number;
  /** Per clip that reached the challenges at all. */
  clips: { file: string; presentations: number; accepted: number }[];
  /** Per challenge: how often a replay that reached it got through it. */
  steps: Record<string, { reached: number; passed: number }>;
}

const STEP_TIMEOUT_MS = 6000;

/** The clip looped from `offsetMs` on, as the fake camera would show it started there. */
function startingAt(frames: readonly TraceFrame[], offsetMs: number): TraceFrame[] {
  const length = frames[frames.length - 1]!.t + 1000 / 30;
  return [
    ...frames.filter((f) => f.t >= offsetMs).map((f) => ({ ...f, t: f.t - offsetMs })),
    ...frames.filter((f) => f.t < offsetMs).map((f) => ({ ...f, t: f.t + length - offsetMs })),
  ];
}

/** A plan as the server draws one: random movements (one a profile turn), and the light at a random place. */
function drawPlan(random: () => number, light: boolean, th: Thresholds, profileTurn: boolean): RunnerPlan {
  const pick = (bound: number) => Math.floor(random() * bound);
  const movements = MOTION_CHALLENGE_IDS.map((id) => ({ id, key: random() }))
    .sort((a, b) => a.key - b.key)
    .map((x) => x.id);
  if (profileTurn) movements.splice(pick(light ? 2 : 4), 0, PROFILE_CHALLENGE_IDS[pick(PROFILE_CHALLENGE_IDS.length)]!);
  if (!light || !th.light) return { challenges: movements.slice(0, 4), stepTimeoutMs: STEP_TIMEOUT_MS };
  const challenges: ChallengeId[] = movements.slice(0, 2);
  challenges.splice(pick(3), 0, 'light');
  const spec: LightSpec = { colours: lightSequence(th.light.flashes, pick), flashMs: th.light.flashMs };
  return { challenges, stepTimeoutMs: STEP_TIMEOUT_MS, light: spec };
}

export async function replayOdds(options: ReplayOddsOptions): Promise<ReplayOdds> {
  const th = options.thresholds ?? CURRENT_THRESHOLDS;
  const random = seeded(options.seed ?? 1);
  const result: ReplayOdds = { presentations: 0, accepted: 0, clips: [], steps: {} };
  for (const clip of options.manifest.clips.filter((c) => c.kind === 'bona_fide')) {
    const frames = await recordedFrames(clip.file);
    const length = frames[frames.length - 1]!.t;
    const tally = { file: clip.file, presentations: 0, accepted: 0 };
    for (let k = 0; k < options.offsets; k++) {
      const looped = startingAt(frames, (length * k) / options.offsets);
      const script: OfflineScript = {
        neutral: { frames: looped, start: 0, end: looped[looped.length - 1]!.t / 1000 },
        actions: {},
        delaysMs: [0],
        unresponsive: true,
        seed: k + 1,
      };
      for (let p = 0; p < options.plans; p++) {
        const plan = drawPlan(random, options.light, th, options.profileTurn === true);
        let run;
        try {
          run = runOffline(plan, script, th);
        } catch {
          break; // the clip never holds a usable position: it does not reach the challenges
        }
        const verdict = score({ ...plan, thresholds: th.version }, run.trace);
        tally.presentations++;
        if (verdict.passed) tally.accepted++;
        for (const step of verdict.steps) {
          if (step.reason === 'not_performed' && step.reactionMs === undefined && !run.trace.steps.some((s) => s.challenge === step.challenge)) continue;
          const entry = (result.steps[step.challenge] ??= { reached: 0, passed: 0 });
          entry.reached++;
          if (step.passed) entry.passed++;
        }
      }
    }
    if (tally.presentations === 0) continue;
    result.clips.push(tally);
    result.presentations += tally.presentations;
    result.accepted += tally.accepted;
  }
  return result;
}
