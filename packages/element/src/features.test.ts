import { describe, expect, it } from 'vitest';
import type { FaceLandmarkerResult, Matrix, NormalizedLandmark } from '@mediapipe/tasks-vision';
import { BS, TRACE_BLENDSHAPES } from '@liveproof/protocol';
import { frameFromResult, poseFromMatrix } from './features.ts';

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
