/**
 * Evidence for the fuzz tests: traces the schema accepts but no camera would make (no frames, time
 * running backwards, every frame at one instant, steps that end before they start, flashes out of
 * order, values at every bound), well-formed payloads bent in one field, and the actions a page,
 * a stranger or a race can take on one attempt, so that scoring, plan binding, the clock check and
 * single use are fuzzed, not only the validators.
 */
import fc from 'fast-check';
import { CHALLENGE_IDS, FACE_BOX_LIMITS, LIGHT_COLOURS, TRACE_BLENDSHAPES, type ResultPayload, type Trace, type TraceFrame } from '@liveproof/protocol';
import { hostileJson, nastyNumber } from './arbitraries.ts';

const bounded = (min: number, max: number) =>
  fc.oneof({ weight: 4, arbitrary: fc.double({ min, max, noNaN: true, noDefaultInfinity: true }) }, { weight: 1, arbitrary: fc.constantFrom(min, max, 0, (min + max) / 2) });

const frame = (tMax: number): fc.Arbitrary<TraceFrame> =>
  fc.record(
    {
      t: bounded(-60_000, tMax),
      n: fc.integer({ min: 0, max: 10 }),
      box: fc.tuple(bounded(FACE_BOX_LIMITS.min, FACE_BOX_LIMITS.max), bounded(FACE_BOX_LIMITS.min, FACE_BOX_LIMITS.max), bounded(0, FACE_BOX_LIMITS.maxSize), bounded(0, FACE_BOX_LIMITS.maxSize)),
      pose: fc.tuple(bounded(-180, 180), bounded(-180, 180), bounded(-180, 180)),
      bs: fc.array(bounded(0, 1), { minLength: TRACE_BLENDSHAPES.length, maxLength: TRACE_BLENDSHAPES.length }),
      luma: bounded(0, 255),
      rgb: fc.tuple(bounded(0, 255), bounded(0, 255), bounded(0, 255)),
    },
    { requiredKeys: ['t', 'n', 'luma'] },
  );

/** Frames in order (as a camera gives them), shuffled, or all at one instant. */
const frames = (tMax: number) =>
  fc.tuple(fc.array(frame(tMax), { maxLength: 120 }), fc.constantFrom('sorted', 'as drawn', 'one instant', 'reversed')).map(([list, order]) => {
    if (order === 'sorted') return [...list].sort((a, b) => a.t - b.t);
    if (order === 'reversed') return [...list].sort((a, b) => b.t - a.t);
    if (order === 'one instant') return list.map((f) => ({ ...f, t: list[0]?.t ?? 0 }));
    return list;
  });

const step = fc.record(
  {
    challenge: fc.constantFrom(...CHALLENGE_IDS),
    promptedAt: fc.oneof(bounded(-10_000, 60_000), fc.constantFrom(1e308, -1e308, 5e-324)),
    endedAt: fc.oneof(bounded(-10_000, 60_000), fc.constantFrom(1e308, -1e308)),
    flashes: fc.array(fc.record({ colour: fc.constantFrom(...LIGHT_COLOURS), at: bounded(-10_000, 60_000) }), { maxLength: 16 }),
  },
  { requiredKeys: ['challenge', 'promptedAt', 'endedAt'] },
);

/** A trace the schema accepts, whose span stays within what the server's clock allows now. */
export const oddTrace = (tMax = 1400): fc.Arbitrary<Trace> => fc.record({ v: fc.constant(1 as const), frames: frames(tMax), steps: fc.array(step, { maxLength: 8 }) });

/** A payload bent in one field: replaced by something hostile, dropped, or out of range. */
export function bentPayload(payload: ResultPayload): fc.Arbitrary<unknown> {
  const fields = ['v', 'attemptId', 'nonce', 'planToken', 'trace', 'device', 'sentAt', 'referenceImage', 'extra'] as const;
  return fc.tuple(fc.constantFrom(...fields), fc.constantFrom('replace', 'drop', 'number'), hostileJson, nastyNumber).map(([field, how, hostile, number]) => {
    const copy: Record<string, unknown> = { ...payload };
    if (how === 'drop') delete copy[field];
    else copy[field] = how === 'number' ? number : field === 'referenceImage' ? { type: 'image/jpeg', data: JSON.stringify(hostile) ?? '' } : hostile;
    return copy;
  });
}

export type Action =
  | { do: 'result'; trace: 'still' | 'odd' | 'long'; odd?: Trace }
  | { do: 'bent result' }
  | { do: 'same result twice at once' }
  | { do: 'two results at once' }
  | { do: 'stranger result' }
  | { do: 'result of another attempt' }
  | { do: 'stop' }
  | { do: 'bent stop'; stop: unknown }
  | { do: 'raw'; jws: string }
  | { do: 'progress'; index: number; challenge: string }
  | { do: 'start' }
  | { do: 'three starts at once' }
  | { do: 'revoke' }
  | { do: 'introspect' }
  | { do: 'wait'; ms: number };

const JWS_JUNK = ['', 'a', 'a.b', 'a.b.c', 'a.b.c.d', '..', 'eyJhbGciOiJub25lIn0.e30.', 'eyJhbGciOiJFUzI1NiJ9..', `eyJhbGciOiJFUzI1NiJ9.${'A'.repeat(5000)}.AAAA`, '\u0000', '\ud800', 'x'.repeat(100_000)];

export const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('still', 'long').map((trace) => ({ do: 'result' as const, trace })) },
  { weight: 4, arbitrary: oddTrace().map((odd) => ({ do: 'result' as const, trace: 'odd' as const, odd })) },
  { weight: 3, arbitrary: fc.constant({ do: 'bent result' as const }) },
  { weight: 1, arbitrary: fc.constant({ do: 'same result twice at once' as const }) },
  { weight: 1, arbitrary: fc.constant({ do: 'two results at once' as const }) },
  { weight: 1, arbitrary: fc.constant({ do: 'stranger result' as const }) },
  { weight: 1, arbitrary: fc.constant({ do: 'result of another attempt' as const }) },
  { weight: 1, arbitrary: fc.constant({ do: 'stop' as const }) },
  { weight: 1, arbitrary: hostileJson.map((stop) => ({ do: 'bent stop' as const, stop })) },
  { weight: 1, arbitrary: fc.oneof(fc.constantFrom(...JWS_JUNK), fc.string()).map((jws) => ({ do: 'raw' as const, jws })) },
  { weight: 1, arbitrary: fc.record({ index: fc.integer({ min: -1, max: 8 }), challenge: fc.constantFrom(...CHALLENGE_IDS, 'nope') }).map((p) => ({ do: 'progress' as const, ...p })) },
  { weight: 2, arbitrary: fc.constant({ do: 'start' as const }) },
  { weight: 1, arbitrary: fc.constant({ do: 'three starts at once' as const }) },
  { weight: 1, arbitrary: fc.constant({ do: 'revoke' as const }) },
  { weight: 1, arbitrary: fc.constant({ do: 'introspect' as const }) },
  { weight: 1, arbitrary: fc.constantFrom(2_000, 7_000, 50_000).map((ms) => ({ do: 'wait' as const, ms })) },
);
