import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CURRENT_THRESHOLDS, resultPayloadSchema, score, traceSchema, type ChallengeId, type LightColour, type TraceFrame } from '@liveproof/protocol';
import { CheckRunner } from './runner.ts';

/** A frame of one steady, well-placed face; `yaw` turns it. */
function face(t: number, yaw = 0): TraceFrame {
  const wobble = Math.sin(t / 97) * 0.3;
  return { t, n: 1, box: [0.33, 0.25, 0.34, 0.45], pose: [yaw + wobble, 1 + wobble, 0], bs: [0.05, 0.05, 0.1, 0.1, 0.01, 0.01, 0.02, 0.1], luma: 120 };
}

function positioned(runner: CheckRunner, until: number, from = 0): number {
  let t = from;
  for (; t < until && runner.phase !== 'ready'; t += 33) runner.position(face(t));
  return t;
}

describe('CheckRunner', () => {
  it('holds positioning until the face has been steady long enough for a baseline', () => {
    const runner = new CheckRunner(CURRENT_THRESHOLDS);
    expect(runner.position({ t: 0, n: 0, luma: 120 })).toMatchObject({ phase: 'positioning', hint: 'no_face' });
    expect(runner.position({ ...face(33), box: [0.45, 0.4, 0.08, 0.1] })).toMatchObject({ hint: 'move_closer' });
    expect(runner.position({ ...face(66), luma: 20 })).toMatchObject({ hint: 'too_dark' });
    expect(runner.position({ ...face(99), n: 2 })).toMatchObject({ hint: 'multiple_faces' });
    const readyAt = positioned(runner, 5000, 132);
    expect(runner.phase).toBe('ready');
    expect(readyAt).toBeGreaterThanOrEqual(132 + CURRENT_THRESHOLDS.positioning.holdMs);
  });

  it('does not count an action completed after the step deadline, exactly as the server scores it', () => {
    const runner = new CheckRunner(CURRENT_THRESHOLDS);
    const origin = positioned(runner, 5000);
    const timeout = 2000;
    runner.begin({ challenges: ['turn_left', 'blink'], stepTimeoutMs: timeout }, origin, origin);
    let outcome;
    // The turn starts 1950 ms after the prompt and reaches its target only after the deadline.
    for (let t = origin + 33; !outcome && t < origin + 4000; t += 33) {
      const elapsed = t - origin;
      const yaw = elapsed < 1950 ? 0 : Math.min(25, (elapsed - 1950) * 0.2);
      outcome = runner.challenge(face(t, yaw), t + 5)?.outcome;
    }
    expect(outcome).toBe('timeout');
    const trace = runner.trace();
    const verdict = score({ challenges: ['turn_left', 'blink'], stepTimeoutMs: timeout, thresholds: CURRENT_THRESHOLDS.version }, trace);
    expect(verdict.passed).toBe(false);
    expect(verdict.steps.map((s) => s.reason)).toEqual(['not_performed', 'not_performed']);
  });

  it('moves to the next prompt as soon as an action is recognised, and records both on the attempt clock', () => {
    const runner = new CheckRunner(CURRENT_THRESHOLDS);
    const origin = positioned(runner, 5000);
    const first = runner.begin({ challenges: ['turn_left', 'turn_right'], stepTimeoutMs: 6000 }, origin, origin + 2);
    expect(first).toMatchObject({ prompted: true, challenge: 'turn_left', index: 0 });
    let next;
    for (let t = origin + 33; !next && t < origin + 3000; t += 33) {
      const elapsed = t - origin;
      const update = runner.challenge(face(t, elapsed < 500 ? 0 : Math.min(25, (elapsed - 500) * 0.1)), t + 5);
      if (update?.prompted) next = update;
    }
    expect(next).toMatchObject({ challenge: 'turn_right', index: 1 });
    const trace = runner.trace();
    expect(trace.steps[0]!.promptedAt).toBe(2);
    expect(trace.steps[1]!.promptedAt).toBeGreaterThan(trace.steps[0]!.endedAt - 1);
    expect(trace.frames.some((f) => f.t < 0)).toBe(true); // the baseline frames precede the attempt
  });
});

describe('CheckRunner: the screen-light challenge', () => {
  it('puts each colour up a flash after the previous one really went up, and never skips one after a stall', () => {
    const runner = new CheckRunner(CURRENT_THRESHOLDS);
    const origin = positioned(runner, 5000);
    const light = { colours: ['red', 'green', 'blue', 'green'] as const, flashMs: 450 };
    runner.begin({ challenges: ['light'], stepTimeoutMs: 6000, light: { ...light, colours: [...light.colours] } }, origin, origin);
    const lead = CURRENT_THRESHOLDS.light!.leadInMs;
    const seen: (string | undefined)[] = [];
    // Display frames at 60 Hz, with the page frozen for 600 ms during the second colour.
    for (let t = 0; t < 4000; t += 1000 / 60) {
      if (t > lead + 600 && t < lead + 1200) continue;
      seen.push(runner.tickLight(origin + t));
    }
    const flashes = runner.trace().steps[0]!.flashes!;
    expect(flashes.map((f) => f.colour)).toEqual(light.colours);
    expect(flashes[0]!.at).toBeGreaterThanOrEqual(lead);
    const gaps = flashes.slice(1).map((f, i) => f.at - flashes[i]!.at);
    expect(gaps[0]).toBeGreaterThanOrEqual(450);
    expect(gaps[1]).toBeGreaterThan(600); // shown late after the stall, not skipped
    expect(gaps[2]).toBeLessThan(470);
    expect(seen.filter((c) => c !== undefined).length).toBeGreaterThan(0);
    expect(seen[seen.length - 1]).toBeUndefined(); // the screen is back to normal afterwards
  });

  it('never flashes faster than three times a second, whatever the plan says', () => {
    const runner = new CheckRunner(CURRENT_THRESHOLDS);
    const origin = positioned(runner, 5000);
    runner.begin({ challenges: ['light'], stepTimeoutMs: 6000, light: { colours: ['red', 'green', 'blue', 'red'], flashMs: 100 } }, origin, origin);
    for (let t = 0; t < 3000; t += 1000 / 60) runner.tickLight(origin + t);
    const flashes = runner.trace().steps[0]!.flashes!;
    for (let i = 1; i < flashes.length; i++) expect(flashes[i]!.at - flashes[i - 1]!.at).toBeGreaterThanOrEqual(334);
  });
});

describe('the trace the runner records, against the schema the server checks it with', () => {
  const frame = fc.record(
    {
      n: fc.integer({ min: 0, max: 10 }),
      box: fc.tuple(fc.double({ min: -1, max: 2, noNaN: true }), fc.double({ min: -1, max: 2, noNaN: true }), fc.double({ min: 0, max: 3, noNaN: true }), fc.double({ min: 0, max: 3, noNaN: true })),
      pose: fc.tuple(fc.double({ min: -180, max: 180, noNaN: true }), fc.double({ min: -180, max: 180, noNaN: true }), fc.double({ min: -180, max: 180, noNaN: true })),
      bs: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 8, maxLength: 8 }),
      luma: fc.double({ min: 0, max: 255, noNaN: true }),
    },
    { requiredKeys: ['n', 'luma'] },
  );
  // Gaps between frames: a camera's 33 ms, a stall, and once in a while a very long one (a start
  // request that hung, a tab in the background).
  const gap = fc.oneof({ weight: 20, arbitrary: fc.integer({ min: 1, max: 60 }) }, { weight: 2, arbitrary: fc.integer({ min: 60, max: 3000 }) }, { weight: 1, arbitrary: fc.integer({ min: 3000, max: 90_000 }) });
  const plan = fc.record({
    challenges: fc.shuffledSubarray(['blink', 'smile', 'open_mouth', 'turn_left', 'turn_right', 'look_up', 'light'] as ChallengeId[], { minLength: 1, maxLength: 5 }),
    stepTimeoutMs: fc.integer({ min: 500, max: 8000 }),
    colours: fc.array(fc.constantFrom('red', 'green', 'blue'), { minLength: 1, maxLength: 8 }),
  });

  it('is always a trace the schema accepts: very short, cut off early, timed out, no face, late start', () => {
    // `startDelay`: how long the start request took between positioning and the first prompt.
    const startDelay = fc.oneof(fc.integer({ min: 20, max: 2_000 }), fc.integer({ min: 2_000, max: 120_000 }));
    fc.assert(
      fc.property(plan, fc.array(fc.tuple(frame, gap), { maxLength: 120 }), startDelay, fc.array(fc.tuple(frame, gap), { maxLength: 400 }), fc.integer({ min: 0, max: 400 }), (p, positioning, delay, challenge, cut) => {
        const runner = new CheckRunner(CURRENT_THRESHOLDS);
        let t = 1_000;
        for (const [f, dt] of positioning) runner.position({ ...f, t: (t += dt) } as TraceFrame);
        const origin = (t += delay);
        const light = p.challenges.includes('light') ? { colours: p.colours as LightColour[], flashMs: 350 } : undefined;
        runner.begin({ challenges: p.challenges, stepTimeoutMs: p.stepTimeoutMs, ...(light ? { light } : {}) }, origin, origin + 5);
        for (const [f, dt] of challenge.slice(0, cut)) {
          t += dt;
          runner.tickLight(t);
          if (runner.challenge({ ...f, t } as TraceFrame, t + 3)?.outcome) break;
        }
        const trace = runner.trace();
        const parsed = traceSchema.safeParse(trace);
        expect(parsed.success, JSON.stringify(parsed.error?.issues.slice(0, 3))).toBe(true);
        const payload = { v: 1, attemptId: 'att_1', nonce: 'n', planToken: 'p', trace, device: { cameraLabel: 'Integrated Camera', width: 640, height: 480 }, sentAt: Date.now() };
        expect(resultPayloadSchema.safeParse(payload).success).toBe(true);
      }),
      { numRuns: 400 },
    );
  });
});
