/**
 * The evidence trace: what the element measured, frame by frame, while the candidate took the check.
 * Times are milliseconds on the element's monotonic clock, 0 at the moment the attempt started
 * (positioning frames kept for the baseline come before 0). No image data is ever part of a trace.
 */
import type { ChallengeId } from './challenges.ts';
import type { RendererClass } from './device-classes.ts';

export const TRACE_VERSION = 1;

/** The blendshapes a trace keeps, in the order of `TraceFrame.bs`. */
export const TRACE_BLENDSHAPES = [
  'eyeBlinkLeft',
  'eyeBlinkRight',
  'eyeSquintLeft',
  'eyeSquintRight',
  'mouthSmileLeft',
  'mouthSmileRight',
  'jawOpen',
  'browInnerUp',
] as const;
export type TraceBlendshape = (typeof TRACE_BLENDSHAPES)[number];

/** Face box in normalised image coordinates (0..1) of the unmirrored camera frame: x, y, width, height. */
export type FaceBox = [x: number, y: number, w: number, h: number];

/**
 * Head pose in degrees, from the facial transformation matrix.
 * yaw > 0: the nose points to the right of the unmirrored image, i.e. the candidate turns to their own left.
 * pitch > 0: the candidate looks up. roll > 0: the head tilts toward the candidate's right shoulder.
 */
export type HeadPose = [yaw: number, pitch: number, roll: number];

export interface TraceFrame {
  /** Milliseconds since the attempt started (negative for the positioning frames kept as baseline). */
  t: number;
  /** Number of faces found in the frame. */
  n: number;
  /** The primary (largest) face: box, pose and blendshapes, present when n > 0. */
  box?: FaceBox;
  pose?: HeadPose;
  /** Blendshape scores (0..1) in the order of TRACE_BLENDSHAPES. */
  bs?: number[];
  /** Mean luminance of the frame, 0..255. */
  luma: number;
  /** Mean colour (R, G, B, 0..255) inside the primary face's box, for the screen-light challenge. */
  rgb?: [r: number, g: number, b: number];
}

/** Colours the screen-light challenge flashes. */
export const LIGHT_COLOURS = ['red', 'green', 'blue'] as const;
export type LightColour = (typeof LIGHT_COLOURS)[number];

/** How each colour is shown on screen. */
export const LIGHT_RGB: Readonly<Record<LightColour, [number, number, number]>> = {
  red: [255, 0, 0],
  green: [0, 255, 0],
  blue: [0, 0, 255],
};

export interface TraceFlash {
  colour: LightColour;
  /** When the colour went up on screen. */
  at: number;
}

export interface TraceStep {
  challenge: ChallengeId;
  /** When the prompt was shown. */
  promptedAt: number;
  /** When the element moved on: the action was recognised, or the step timed out. */
  endedAt: number;
  /** The screen-light challenge: each colour as it was shown. */
  flashes?: TraceFlash[];
}

export interface DeviceInfo {
  cameraLabel: string;
  width: number;
  height: number;
  frameRate?: number;
  userAgent?: string;
  /** Whether the camera stream was handed to the element (interview mode) rather than opened by it. */
  providedStream?: boolean;
  /**
   * Whether the video track names a capture device. Camera tracks do; streams made in the page
   * (canvas, WebRTC, a script's own MediaStream) do not.
   */
  deviceId?: boolean;
  /** Whether the track reports a device group, as camera tracks do. */
  groupId?: boolean;
  /** Whether the track was captured from a canvas in the page. */
  canvasTrack?: boolean;
  webdriver?: boolean;
  timeZone?: string;
  /** The WebGL renderer's class (never the renderer's own name). */
  renderer?: RendererClass;
  /** The page's frame cadence (requestAnimationFrame), per second. */
  frameHz?: number;
  /**
   * A digest (SHA-256, base64url) of the device's traits as the page reads them (user agent,
   * languages, screen, cores, memory, time zone, WebGL renderer name, camera label), never the
   * traits themselves: the server keeps only a keyed hash of it, to link candidates on one device.
   */
  fingerprint?: string;
}

export interface Trace {
  v: typeof TRACE_VERSION;
  frames: TraceFrame[];
  steps: TraceStep[];
}

/** Index of a blendshape in `TraceFrame.bs`. */
export const BS: Readonly<Record<TraceBlendshape, number>> = Object.fromEntries(
  TRACE_BLENDSHAPES.map((name, index) => [name, index]),
) as Record<TraceBlendshape, number>;

/**
 * Where a face box may lie, in frame units. A face can fill the frame and overflow it (a candidate
 * leaning in) or sit partly outside it; the recorder clamps to these bounds, the schema accepts
 * exactly them, and positioning asks the candidate to move back or to the centre.
 */
export const FACE_BOX_LIMITS = { min: -1, max: 2, maxSize: 3 } as const;

/** Whether `value` is well-formed UTF-16 (every surrogate paired). */
export function isWellFormedText(value: string): boolean {
  return !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(value);
}

/** Round to a fixed number of decimals, to keep traces compact and deterministic. */
export function round(value: number, decimals: number): number {
  const scale = 10 ** decimals;
  return Math.round(value * scale) / scale;
}
