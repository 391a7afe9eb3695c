/**
 * Turning a FaceLandmarker result into one trace frame: face count, the primary face's box, head
 * pose from its transformation matrix, and the blendshapes the scoring uses. Pure, so it is tested
 * without a browser.
 */
import type { Classifications, FaceLandmarkerResult, Matrix, NormalizedLandmark } from '@mediapipe/tasks-vision';
import { FACE_BOX_LIMITS, TRACE_BLENDSHAPES, round, type FaceBox, type HeadPose, type TraceFrame } from '@liveproof/protocol';

/** Most faces a frame reports (the schema's bound; the engine looks for two). */
const MAX_FACES = 10;

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));
/** A finite number in [min, max], or undefined when the detector gave something that is not a number. */
const bounded = (value: number, min: number, max: number) => (Number.isFinite(value) ? clamp(value, min, max) : undefined);

const DEG = 180 / Math.PI;

function boxOf(landmarks: readonly NormalizedLandmark[]): FaceBox | undefined {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const p of landmarks) {
    if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) continue;
    if (p.x < minX) minX = p.x;
    if (p.x > maxX) maxX = p.x;
    if (p.y < minY) minY = p.y;
    if (p.y > maxY) maxY = p.y;
  }
  if (!Number.isFinite(minX) || !Number.isFinite(minY)) return undefined;
  return [minX, minY, maxX - minX, maxY - minY];
}

/**
 * The box as the trace carries it: a face can fill the frame and overflow it (a candidate leaning
 * in) or sit partly outside it, so the box may leave [0, 1]; it is kept within the bounds the
 * schema accepts (`FACE_BOX_LIMITS`), far beyond any real face.
 */
function traceBox([x, y, w, h]: FaceBox): FaceBox {
  const { min, max, maxSize } = FACE_BOX_LIMITS;
  return [round(clamp(x, min, max), 4), round(clamp(y, min, max), 4), round(clamp(w, 0, maxSize), 4), round(clamp(h, 0, maxSize), 4)];
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
  return TRACE_BLENDSHAPES.map((name) => round(bounded(byName.get(name) ?? 0, 0, 1) ?? 0, 3));
}

/**
 * One trace frame from a FaceLandmarker result. `t` is the frame time on the attempt clock. Every
 * value is one the trace schema accepts, whatever the detector returned (property-tested in
 * `features.test.ts`): the element never signs evidence the server's own schema would refuse.
 */
export function frameFromResult(result: FaceLandmarkerResult, t: number, luma: number): TraceFrame {
  const faces = result.faceLandmarks.filter((landmarks) => boxOf(landmarks) !== undefined);
  const frame: TraceFrame = { t: round(t, 1), n: Math.min(faces.length, MAX_FACES), luma: round(bounded(luma, 0, 255) ?? 0, 1) };
  if (faces.length === 0) return { ...frame, n: 0 };

  let primary = 0;
  let largest = -1;
  faces.forEach((landmarks, i) => {
    const [, , w, h] = boxOf(landmarks)!;
    if (w * h > largest) {
      largest = w * h;
      primary = i;
    }
  });
  const index = result.faceLandmarks.indexOf(faces[primary]!);
  frame.box = traceBox(boxOf(faces[primary]!)!);
  const matrix = result.facialTransformationMatrixes[index];
  const pose = matrix ? poseFromMatrix(matrix) : undefined;
  if (pose && pose.every(Number.isFinite)) frame.pose = pose.map((v) => round(v, 2)) as HeadPose;
  const bs = blendshapesOf(result.faceBlendshapes[index]);
  if (bs) frame.bs = bs;
  return frame;
}
