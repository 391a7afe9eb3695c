/** What the server measured in one face crop: plain values, so they cross worker threads as they are. */
export type Rgb = [r: number, g: number, b: number];

export interface FaceMeasure {
  /** Faces found in the crop. */
  faces: number;
  /** The largest face's overall score (detector and mesh), 0..1. */
  score?: number;
  /** Its box in crop units (0..1): x, y, width, height. */
  box?: [number, number, number, number];
  /** Head pose in degrees, in the trace's convention: yaw > 0 nose toward the image's right, pitch > 0 up. */
  pose?: [yaw: number, pitch: number, roll: number];
  /** Mouth opening over mouth width (about 0 closed, 0.3 and more open wide). */
  mouth?: number;
  /** Mean eye opening over eye width (about 0.3 open, under 0.15 closed). */
  eyes?: number;
  /** Mean colour in the middle of the face box, and in the crop outside the box (null when no face). */
  colour: { face: Rgb | null; rest: Rgb };
  /** The face embedding, when it was asked for. Biometric: kept only as long as the continuity checks need it. */
  embedding?: number[];
}
