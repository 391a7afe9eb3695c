import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FaceLandmarkerResult, Matrix, NormalizedLandmark } from '@mediapipe/tasks-vision';
import { BS, CURRENT_THRESHOLDS, TRACE_BLENDSHAPES, traceFrameSchema } from '@liveproof/protocol';
import { frameFromResult, poseFromMatrix } from './features.ts';
import { assessPosition } from './positioning.ts';

const DEG = Math.PI / 180;

/** A column-major 4x4 transform whose rotation is yaw (about y), then pitch (about x). */
function transform(yawDeg: number, pitchDeg: number): Matrix {
  const [cy, sy, cp, sp] = [Math.cos(yawDeg * DEG), Math.sin(yawDeg * DEG), Math.cos(pitchDeg * DEG), Math.sin(pitchDeg * DEG)];
  // R = Ry(yaw) * Rx(-pitch): the face's forward axis ends up at (sy*cp, sp, cy*cp).
  const r = [
    [cy, -sy * sp, sy * cp],
    [0, cp, sp],
    [-sy, -cy * sp, cy * cp],
  ];
  const data = new Array<number>(16).fill(0);
  for (let row = 0; row < 3; row++) for (let col = 0; col < 3; col++) data[col * 4 + row] = r[row]![col]!;
  data[14] = -40;
  data[15] = 1;
  return { rows: 4, columns: 4, data };
}

function face(x: number, y: number, size: number): NormalizedLandmark[] {
  return [
    { x, y, z: 0, visibility: 1 },
    { x: x + size, y: y + size * 1.3, z: 0, visibility: 1 },
  ];
}

describe('poseFromMatrix', () => {
  it('reads yaw and pitch with the trace conventions (nose to image right and up are positive)', () => {
    const [yaw, pitch, roll] = poseFromMatrix(transform(25, 0));
    expect(yaw).toBeCloseTo(25, 5);
    expect(pitch).toBeCloseTo(0, 5);
    expect(roll).toBeCloseTo(0, 5);
    expect(poseFromMatrix(transform(-30, 0))[0]).toBeCloseTo(-30, 5);
    expect(poseFromMatrix(transform(0, 12))[1]).toBeCloseTo(12, 5);
    expect(poseFromMatrix(transform(10, -8))).toEqual([expect.closeTo(10, 5), expect.closeTo(-8, 5), expect.any(Number)]);
  });
});

describe('frameFromResult', () => {
  it('keeps the largest face as primary, with its pose and blendshapes in trace order', () => {
    const scores = (smile: number) =>
      ({
        headIndex: 0,
        headName: '',
        categories: [
          { categoryName: '_neutral', score: 0.5, index: 0, displayName: '' },
          { categoryName: 'mouthSmileLeft', score: smile, index: 44, displayName: '' },
          { categoryName: 'mouthSmileRight', score: smile, index: 45, displayName: '' },
          { categoryName: 'eyeBlinkLeft', score: 0.12345, index: 9, displayName: '' },
        ],
      }) as FaceLandmarkerResult['faceBlendshapes'][number];
    const result: FaceLandmarkerResult = {
      faceLandmarks: [face(0.1, 0.1, 0.1), face(0.3, 0.2, 0.4)],
      faceBlendshapes: [scores(0.1), scores(0.9)],
      facialTransformationMatrixes: [transform(-40, 0), transform(15, 5)],
    };
    const frame = frameFromResult(result, 1234.567, 99.44);
    expect(frame).toMatchObject({ t: 1234.6, n: 2, luma: 99.4 });
    expect(frame.box).toEqual([0.3, 0.2, 0.4, 0.52]);
    expect(frame.pose![0]).toBeCloseTo(15, 1);
    expect(frame.bs).toHaveLength(TRACE_BLENDSHAPES.length);
    expect(frame.bs![BS.mouthSmileLeft]).toBe(0.9);
    expect(frame.bs![BS.eyeBlinkLeft]).toBe(0.123);
    expect(frame.bs![BS.jawOpen]).toBe(0);
  });

  it('records a frame without a face as just a count', () => {
    const frame = frameFromResult({ faceLandmarks: [], faceBlendshapes: [], facialTransformationMatrixes: [] }, 10, 50);
    expect(frame).toEqual({ t: 10, n: 0, luma: 50 });
  });
});

describe('what the recorder emits, against the schema the server checks it with', () => {
  // Any number MediaPipe could hand back, and some it should not: out of frame, huge, not finite.
  const anyNumber = fc.oneof(fc.double({ noNaN: false }), fc.double({ min: -3, max: 4 }), fc.constantFrom(0, 1, -0.2, 1.7, Number.NaN, Infinity, -Infinity));
  const landmark = fc.record({ x: anyNumber, y: anyNumber, z: fc.double({ min: -1, max: 1 }), visibility: fc.constant(1) });
  const faceLandmarks = fc.array(landmark, { minLength: 0, maxLength: 30 });
  const matrix = fc.array(anyNumber, { minLength: 16, maxLength: 16 }).map((data): Matrix => ({ rows: 4, columns: 4, data }));
  const blendshapes = fc.array(fc.record({ categoryName: fc.constantFrom(...TRACE_BLENDSHAPES, 'cheekPuff'), score: anyNumber }), { maxLength: 12 });

  it('never makes a frame the trace schema refuses: faces larger than the frame, partly outside it, none, or garbage', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(faceLandmarks, matrix, blendshapes), { maxLength: 12 }), fc.double({ min: -60_000, max: 600_000, noNaN: true }), anyNumber, (faces, t, luma) => {
        const result = {
          faceLandmarks: faces.map(([f]) => f),
          facialTransformationMatrixes: faces.map(([, m]) => m),
          faceBlendshapes: faces.map(([, , b], headIndex) => ({ categories: b.map((c, index) => ({ ...c, index, displayName: c.categoryName })), headIndex, headName: '' })),
        } as unknown as FaceLandmarkerResult;
        const frame = frameFromResult(result, t, luma);
        const parsed = traceFrameSchema.safeParse(frame);
        expect(parsed.success, JSON.stringify({ frame, issues: parsed.error?.issues })).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('keeps a face that fills and overflows the frame, so positioning can ask the candidate to move back', () => {
    const close = frameFromResult({ faceLandmarks: [face(-0.15, -0.2, 1.3)], facialTransformationMatrixes: [transform(0, 0)], faceBlendshapes: [] } as unknown as FaceLandmarkerResult, 0, 120);
    expect(close.box![2]).toBeGreaterThan(1);
    expect(traceFrameSchema.safeParse(close).success).toBe(true);
    expect(assessPosition(close, CURRENT_THRESHOLDS)).toBe('move_back');
    const tall = { ...close, box: [0.2, -0.05, 0.6, 1.02] as [number, number, number, number] };
    expect(assessPosition(tall, CURRENT_THRESHOLDS)).toBe('move_back');
    const offToOneSide = { ...close, box: [-0.12, 0.2, 0.5, 0.6] as [number, number, number, number] };
    expect(assessPosition(offToOneSide, CURRENT_THRESHOLDS)).toBe('centre');
  });
});
