/**
 * Scoring on real footage, without a browser: traces recorded from the shared clips, played by the
 * offline actor through the element's own CheckRunner, then scored by `score()` as the server does.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { CHALLENGE_IDS, CURRENT_THRESHOLDS, score, type ChallengeId, type Trace } from '@liveproof/protocol';
import { COOPERATIVE_ACTOR, resolveScript } from './actor-script.ts';
import { loadManifest, loadTrace, type Manifest, type MediaFolder } from './manifest.ts';
import { runOffline, type OfflineScript, type TraceSegment } from './offline-actor.ts';

const STEP_TIMEOUT_MS = 6000;
const plan = (challenges: readonly ChallengeId[]) => ({ challenges, stepTimeoutMs: STEP_TIMEOUT_MS, thresholds: CURRENT_THRESHOLDS.version });

/** Every ordered plan of three distinct challenges: 120 of them. */
const ALL_PLANS: ChallengeId[][] = CHALLENGE_IDS.flatMap((a) =>
  CHALLENGE_IDS.flatMap((b) => CHALLENGE_IDS.filter((c) => a !== b && b !== c && a !== c).map((c) => [a, b, c])),
);

let manifest: Manifest;
const frameCache = new Map<string, TraceSegment['frames']>();

async function framesOf(file: string): Promise<TraceSegment['frames']> {
  let frames = frameCache.get(file);
  if (!frames) {
    const [folder, name] = file.replace(/\.[a-z0-9]+$/i, '').split('/') as [MediaFolder, string];
    frames = (await loadTrace(folder, name)).frames;
    frameCache.set(file, frames);
  }
  return frames;
}

async function cooperativeScript(delaysMs: number[]): Promise<OfflineScript> {
  const resolved = resolveScript(manifest, COOPERATIVE_ACTOR);
  const toTrace = async (s: (typeof resolved)['neutral']): Promise<TraceSegment> => ({ frames: await framesOf(s.file), start: s.start, end: s.end, ...(s.mirror ? { mirror: true } : {}) });
  const actions: OfflineScript['actions'] = {};
  for (const [challenge, segment] of Object.entries(resolved.actions)) actions[challenge as ChallengeId] = await toTrace(segment);
  return { neutral: await toTrace(resolved.neutral), actions, delaysMs };
}

async function replayScript(file: string): Promise<OfflineScript> {
  const frames = await framesOf(file);
  return { neutral: { frames, start: 0, end: frames[frames.length - 1]!.t / 1000 }, actions: {}, delaysMs: [500], unresponsive: true };
}

beforeAll(async () => {
  manifest = await loadManifest();
});

describe('a cooperative candidate (real footage answering each prompt)', () => {
  it('passes every one of the 120 possible plans, with reaction delays between 300 and 900 ms', async () => {
    const failures: string[] = [];
    const durations: number[] = [];
    for (const [i, challenges] of ALL_PLANS.entries()) {
      const delays = [300 + ((i * 137) % 600), 300 + ((i * 251) % 600), 300 + ((i * 71) % 600)];
      const run = runOffline(challenges, await cooperativeScript(delays), CURRENT_THRESHOLDS, STEP_TIMEOUT_MS);
      const verdict = score(plan(challenges), run.trace);
      // The element's live verdict and the server's must agree.
      expect(run.outcome === 'completed').toBe(verdict.passed);
      if (verdict.passed) durations.push(run.endedAt - run.firstPromptAt);
      else failures.push(`${challenges.join(',')}: ${verdict.reasons.join(',')}`);
    }
    expect(failures).toEqual([]);
    durations.sort((a, b) => a - b);
    expect(durations[durations.length >> 1]).toBeLessThan(6000);
  });

  it('measures each reaction from the prompt, and every one is humanly possible', async () => {
    const run = runOffline(['turn_left', 'smile', 'blink'], await cooperativeScript([400, 700, 850]), CURRENT_THRESHOLDS, STEP_TIMEOUT_MS);
    const verdict = score(plan(['turn_left', 'smile', 'blink']), run.trace);
    expect(verdict.passed).toBe(true);
    for (const [i, step] of verdict.steps.entries()) {
      expect(step.reactionMs).toBeGreaterThanOrEqual([400, 700, 850][i]!);
      expect(step.reactionMs).toBeLessThan(2000);
    }
  });

  it('fails when the response starts sooner after the prompt than a person can react', async () => {
    const script = await cooperativeScript([0]);
    // Start each segment exactly where its action begins, with no delay: an instant response.
    for (const segment of Object.values(script.actions)) segment.start += 0.15;
    const failed = ['turn_left', 'open_mouth', 'turn_right'] as const;
    const verdict = score(plan(failed), runOffline(failed, script, CURRENT_THRESHOLDS, STEP_TIMEOUT_MS).trace);
    expect(verdict.passed).toBe(false);
    expect(verdict.reasons).toContain('reaction_too_fast');
  });

  it('fails when someone else steps into view', async () => {
    const run = runOffline(['blink', 'smile', 'turn_left'], await cooperativeScript([500]), CURRENT_THRESHOLDS, STEP_TIMEOUT_MS);
    const firstPrompt = run.trace.steps[0]!.promptedAt;
    const crowded: Trace = { ...run.trace, frames: run.trace.frames.map((f) => (f.t > firstPrompt + 300 && f.t < firstPrompt + 1200 ? { ...f, n: 2 } : f)) };
    expect(score(plan(['blink', 'smile', 'turn_left']), crowded).reasons).toContain('multiple_faces');
  });

  it('is deterministic: the same trace always gets the same verdict', async () => {
    const run = runOffline(['look_up', 'blink', 'turn_right'], await cooperativeScript([650]), CURRENT_THRESHOLDS, STEP_TIMEOUT_MS);
    const first = score(plan(['look_up', 'blink', 'turn_right']), run.trace);
    const again = score(plan(['look_up', 'blink', 'turn_right']), structuredClone(run.trace));
    expect(again).toEqual(first);
  });
});

describe('presentations that do not respond to prompts', () => {
  it('a still photo fails every plan it reaches: nothing is performed', async () => {
    const photos = manifest.clips.filter((c) => c.kind === 'photo');
    let reachedChallenges = 0;
    for (const photo of photos) {
      const script = await replayScript(photo.file);
      for (const challenges of ALL_PLANS.filter((_, i) => i % 12 === 0)) {
        let run;
        try {
          run = runOffline(challenges, script, CURRENT_THRESHOLDS, STEP_TIMEOUT_MS);
        } catch {
          break; // no usable face in this photo: the check never gets past positioning
        }
        reachedChallenges++;
        const verdict = score(plan(challenges), run.trace);
        expect(verdict.passed).toBe(false);
        expect(verdict.reasons).toContain('not_performed');
      }
    }
    expect(reachedChallenges).toBeGreaterThan(50);
  });

  it('a looped replay of a real clip without head turns fails every plan that asks for one', async () => {
    const script = await replayScript('live/liveportrait-d0.mp4');
    const withTurn = ALL_PLANS.filter((p) => p.includes('turn_left') || p.includes('turn_right'));
    for (const challenges of withTurn) {
      const verdict = score(plan(challenges), runOffline(challenges, script, CURRENT_THRESHOLDS, STEP_TIMEOUT_MS).trace);
      expect(verdict.passed, challenges.join(',')).toBe(false);
    }
  });

  it('two people in view never get past positioning', async () => {
    for (const clip of manifest.clips.filter((c) => c.kind === 'multi_face')) {
      const script = await replayScript(clip.file);
      expect(() => runOffline(['blink', 'smile', 'turn_left'], script, CURRENT_THRESHOLDS, STEP_TIMEOUT_MS)).toThrow(/did not finish/);
    }
  });
});
