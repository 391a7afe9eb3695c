/**
 * Turning a FaceLandmarker result into one trace frame: face count, the primary face's box, head
 * pose from its transformation matrix, and the blendshapes the scoring uses. Pure, so it is tested
 * without a browser.
 */
import type { Classifications, FaceLandmarkerResult, Matrix, NormalizedLandmark } from '@mediapipe/tasks-vision';
import { TRACE_BLENDSHAPES, round, type FaceBox, type HeadPose, type TraceFrame } from '@liveproof/protocol';

const DEG = 180 / Math.PI;

function boxOf(landmarks: readonly NormalizedLandmark[]): FaceBox {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const p of landmarks) {
    if (p.x < minX) minX = p.x;
    if (p.x > maxX) maxX = p.x;
    if (p.y < minY) minY = p.y;
    if (p.y > maxY) maxY = p.y;
  }
  return [minX, minY, maxX - minX, maxY - minY];
}

/**
 * Yaw, pitch and roll in degrees from a 4x4 column-major transformation matrix (MediaPipe's
 * metric space: x right, y up, z toward the camera; the canonical face looks along +z).
 */
export function poseFromMatrix(matrix: Matrix): HeadPose {
  const m = matrix.data;
  // Third column: where the face's forward axis points; second column: its up axis.
  const fx = m[8]!;
  const fy = m[9]!;
  const fz = m[10]!;
  const ux = m[4]!;
  const uy = m[5]!;
  const yaw = Math.atan2(fx, fz) * DEG;
  const pitch = Math.atan2(fy, Math.hypot(fx, fz)) * DEG;
  const roll = Math.atan2(-ux, uy) * DEG;
  return [yaw, pitch, roll];
}

function blendshapesOf(classifications: Classifications | undefined): number[] | undefined {
  if (!classifications) return undefined;
  const byName = new Map(classifications.categories.map((c) => [c.categoryName, c.score]));
  return TRACE_BLENDSHAPES.map((name) => round(byName.get(name) ?? 0, 3));
}

/** One trace frame from a FaceLandmarker result. `t` is the frame time on the attempt clock. */
export function frameFromResult(result: FaceLandmarkerResult, t: number, luma: number): TraceFrame {
  const faces = result.faceLandmarks;
  const frame: TraceFrame = { t: round(t, 1), n: faces.length, luma: round(luma, 1) };
  if (faces.length === 0) return frame;

  let primary = 0;
  let largest = -1;
  faces.forEach((landmarks, i) => {
    const [, , w, h] = boxOf(landmarks);
    if (w * h > largest) {
      largest = w * h;
      primary = i;
    }
  });
  frame.box = boxOf(faces[primary]!).map((v) => round(v, 4)) as FaceBox;
  const matrix = result.facialTransformationMatrixes[primary];
  if (matrix) frame.pose = poseFromMatrix(matrix).map((v) => round(v, 2)) as HeadPose;
  const bs = blendshapesOf(result.faceBlendshapes[primary]);
  if (bs) frame.bs = bs;
  return frame;
}
