import { describe, expect, it } from 'vitest';
import { evaluateStep, type Baseline } from './detect.ts';
import { CURRENT_THRESHOLDS, THRESHOLDS_V2 } from './thresholds.ts';
import type { TraceFrame } from './trace.ts';

const base: Baseline = { yaw: 0, pitch: 0, blink: 0.05, smile: 0.05, jaw: 0.05, frames: 20 };

/** A face frame at `t` with head yaw `yaw` (positive: the candidate's own left). */
function face(t: number, yaw: number): TraceFrame {
  return { t, n: 1, box: [0.3, 0.25, 0.35, 0.45], pose: [yaw, 0, 0], bs: [0.05, 0.05, 0.1, 0.1, 0.05, 0.05, 0.05, 0.1], luma: 120 };
}

/** Yaw over time, sampled every 33 ms from -300 ms (before the prompt at 0) to `until`. */
function frames(yawAt: (t: number) => number, until: number): TraceFrame[] {
  const out: TraceFrame[] = [];
  for (let t = -300; t <= until; t += 33) out.push(face(t, yawAt(t)));
  return out;
}

describe('evaluateStep: a movement in another direction first', () => {
  it('fails a step when a fresh strong turn the other way comes before the requested one', () => {
    // Prompt: turn left. The face turns right at 0.5 s and back, then left at 2 s.
    const yaw = (t: number) => (t > 500 && t < 1100 ? -25 : t > 2000 ? 25 : 0);
    const result = evaluateStep('turn_left', frames(yaw, 3000), base, 0, 3000, CURRENT_THRESHOLDS);
    expect(result).toMatchObject({ outcome: 'failed', reason: 'wrong_action', conflict: 'turn_right' });
  });

  it('forgives a turn still under way from the previous step, but not a fresh one after it', () => {
    // At the prompt the face is still turned right from the step before; it comes back, turns right
    // again on its own at 1.2 s, then left.
    const yaw = (t: number) => (t < 400 ? -25 : t < 1200 ? 0 : t < 1800 ? -25 : t > 2300 ? 25 : 0);
    const result = evaluateStep('turn_left', frames(yaw, 3000), base, 0, 3000, CURRENT_THRESHOLDS);
    expect(result).toMatchObject({ outcome: 'failed', reason: 'wrong_action', conflict: 'turn_right' });
    // Without the second right turn it is a clean pass.
    const clean = (t: number) => (t < 400 ? -25 : t > 2300 ? 25 : 0);
    expect(evaluateStep('turn_left', frames(clean, 3000), base, 0, 3000, CURRENT_THRESHOLDS).outcome).toBe('passed');
  });
});

describe('evaluateStep: the requested movement already under way at the prompt', () => {
  /** A face whose jaw opening follows `jawAt(t)`. */
  const jawFrames = (jawAt: (t: number) => number, until: number) => {
    const out: TraceFrame[] = [];
    for (let t = -300; t <= until; t += 33) out.push({ ...face(t, 0), bs: [0.05, 0.05, 0.1, 0.1, 0.05, 0.05, jawAt(t), 0.1] });
    return out;
  };

  it('does not count a mouth already opening at the prompt, and counts a fresh opening after it', () => {
    // A grin that opened the mouth carries on rising past the prompt, closes, then the mouth opens again.
    const jaw = (t: number) => (t < 300 ? 0.2 + Math.max(0, t + 300) / 1500 : t < 900 ? 0.05 : t < 1300 ? 0.05 + (t - 900) / 800 : 0.55);
    const result = evaluateStep('open_mouth', jawFrames(jaw, 2500), base, 0, 2500, CURRENT_THRESHOLDS);
    expect(result.outcome).toBe('passed');
    expect(result.reactionMs).toBeGreaterThan(850);
  });

  it('does not pass on a movement that only began before the prompt', () => {
    const jaw = (t: number) => (t < 600 ? 0.2 + Math.max(0, t + 300) / 1500 : 0.05);
    expect(evaluateStep('open_mouth', jawFrames(jaw, 2500), base, 0, 2500, CURRENT_THRESHOLDS).outcome).toBe('pending');
  });
});

describe('evaluateStep: footage that does not follow the prompts (thresholds 2026-11.3)', () => {
  it('a response that begins more than 2.5 s after its prompt does not answer it', () => {
    const late = (t: number) => (t > 2700 ? 25 : 0);
    expect(evaluateStep('turn_left', frames(late, 4000), base, 0, 4000, CURRENT_THRESHOLDS)).toMatchObject({ outcome: 'failed', reason: 'response_too_late' });
    // The same turn 2 s after the prompt is a slow but real answer.
    const slow = (t: number) => (t > 2000 ? 25 : 0);
    expect(evaluateStep('turn_left', frames(slow, 4000), base, 0, 4000, CURRENT_THRESHOLDS).outcome).toBe('passed');
    // Thresholds 2026-11.2 had no such limit.
    expect(evaluateStep('turn_left', frames(late, 4000), base, 0, 4000, THRESHOLDS_V2).outcome).toBe('passed');
  });

  it('a step where nothing has begun by then fails at once, rather than at its timeout', () => {
    const still = () => 0;
    expect(evaluateStep('turn_left', frames(still, 2400), base, 0, 2400, CURRENT_THRESHOLDS).outcome).toBe('pending');
    expect(evaluateStep('turn_left', frames(still, 2600), base, 0, 2600, CURRENT_THRESHOLDS)).toMatchObject({ outcome: 'failed', reason: 'response_too_late' });
  });

  it('a head movement made with the mouth wide open is not following the prompt', () => {
    // Talking footage: the mouth opens wide at 0.4 s, then the head turns left at 0.9 s.
    const out = frames((t) => (t > 900 ? 25 : 0), 2000).map((f) => (f.t > 400 && f.t < 800 ? { ...f, bs: [0.05, 0.05, 0.1, 0.1, 0.05, 0.05, 0.4, 0.1] } : f));
    expect(evaluateStep('turn_left', out, base, 0, 2000, CURRENT_THRESHOLDS)).toMatchObject({ outcome: 'failed', reason: 'wrong_action', conflict: 'open_mouth' });
    expect(evaluateStep('turn_left', out, base, 0, 2000, THRESHOLDS_V2).outcome).toBe('passed');
  });
});

describe('evaluateStep: the profile turn (thresholds 2026-12.1)', () => {
  /** A frame with a pose and a smile level. */
  const posed = (t: number, yaw: number, pitch: number, smile = 0.05): TraceFrame => ({ ...face(t, yaw), pose: [yaw, pitch, 0], bs: [0.05, 0.05, 0.1, 0.1, smile, smile, 0.05, 0.1] });

  it('passes a turn past 28° held 600 ms, and not one held 400 ms or one of 25°', () => {
    const turn = (degrees: number, holdMs: number) => (t: number) => (t > 500 && t < 500 + holdMs ? degrees : 0);
    const run = (yaw: (t: number) => number) => evaluateStep('profile_left', frames(yaw, 3000), base, 0, 3000, CURRENT_THRESHOLDS);
    expect(run(turn(32, 700))).toMatchObject({ outcome: 'passed', reactionMs: expect.any(Number) });
    expect(run(turn(32, 400)).outcome).toBe('pending');
    expect(run(turn(25, 1500)).outcome).toBe('pending');
    // The other side does not count, and a turn the wrong way past an ordinary turn fails it.
    expect(evaluateStep('profile_right', frames(turn(32, 700), 3000), base, 0, 3000, CURRENT_THRESHOLDS)).toMatchObject({ outcome: 'failed', conflict: 'turn_left' });
  });

  it('does not read a head still tilted from a profile turn as looking up in the next step', () => {
    // Prompt: smile. The head is still turned 31° from the profile turn, its pitch wavering around
    // the look-up target (8°) as measured in a real check (the one-person actor in Chromium), then
    // it comes back and the candidate smiles.
    const pitches = [8.1, 7.7, 7.9, 8.2, 8.5, 8.2, 8.3, 7.7, 8.8, 8.8, 10.4, 11.3, 11.3, 11.3, 11.3];
    const out: TraceFrame[] = [];
    for (let i = 0, t = -165; t <= 2500; i++, t += 33) {
      const pitch = pitches[i];
      out.push(posed(t, pitch === undefined ? 0 : 31, pitch ?? 1, t > 1100 ? 0.6 : 0.05));
    }
    expect(evaluateStep('smile', out, base, 0, 2500, CURRENT_THRESHOLDS).outcome).toBe('passed');
    // The same frames facing the camera: looking up then does count against the smile.
    const facing = out.map((f) => ({ ...f, pose: [0, f.pose![1], 0] as [number, number, number] }));
    expect(evaluateStep('smile', facing, base, 0, 2500, CURRENT_THRESHOLDS)).toMatchObject({ outcome: 'failed', conflict: 'look_up' });
  });
});
