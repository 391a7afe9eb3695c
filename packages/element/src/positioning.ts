/** Guiding the candidate into a usable position before any challenge: one face, near, centred, lit. */
import type { Thresholds, TraceFrame } from '@liveproof/protocol';
import { en } from './i18n/en.ts';

export const PositionHint = {
  NoFace: 'no_face',
  MultipleFaces: 'multiple_faces',
  MoveCloser: 'move_closer',
  MoveBack: 'move_back',
  Centre: 'centre',
  TooDark: 'too_dark',
  TooBright: 'too_bright',
  FaceCamera: 'face_camera',
  HoldStill: 'hold_still',
} as const;
export type PositionHint = (typeof PositionHint)[keyof typeof PositionHint];

/** The hints in English (the element shows them in the page's language: `i18n/`). */
export const POSITION_HINT_TEXT: Readonly<Record<PositionHint, string>> = en.hints;

/** The largest head rotation, in degrees, that still counts as facing the camera. */
const MAX_POSITIONING_ANGLE = 20;
/** A face taller than this share of the frame is too close: its chin or forehead leaves the view when it moves. */
const MAX_FACE_HEIGHT = 0.9;

/** The first problem with this frame, or `hold_still` when it is usable. */
export function assessPosition(frame: TraceFrame, th: Thresholds): PositionHint {
  const p = th.positioning;
  if (frame.n === 0 || !frame.box) return 'no_face';
  if (frame.n > 1) return 'multiple_faces';
  const [x, y, w, h] = frame.box;
  if (w < p.minFaceWidth) return 'move_closer';
  // Too close: wider or taller than the frame allows, or overflowing it on both sides.
  if (w > p.maxFaceWidth || h > MAX_FACE_HEIGHT || (x < 0 && x + w > 1) || (y < 0 && y + h > 1)) return 'move_back';
  if (Math.abs(x + w / 2 - 0.5) > p.maxCentreOffset || Math.abs(y + h / 2 - 0.5) > p.maxCentreOffset) return 'centre';
  // Partly out of view on one side.
  if (x < 0 || y < 0 || x + w > 1 || y + h > 1) return 'centre';
  if (frame.luma < p.minLuma) return 'too_dark';
  if (frame.luma > p.maxLuma) return 'too_bright';
  if (frame.pose && (Math.abs(frame.pose[0]) > MAX_POSITIONING_ANGLE || Math.abs(frame.pose[1]) > MAX_POSITIONING_ANGLE)) return 'face_camera';
  return 'hold_still';
}

/**
 * Which hints to say aloud: a hint once it has held for `steadyMs`, and only when it differs from
 * the last one said. The hint is re-assessed on every frame, and a screen reader that read each
 * flicker between "move closer" and "hold still" would say nothing useful.
 */
export function spokenHints(steadyMs = 800): (hint: PositionHint, t: number) => PositionHint | undefined {
  let current: PositionHint | undefined;
  let since = 0;
  let said: PositionHint | undefined;
  return (hint, t) => {
    if (hint !== current) [current, since] = [hint, t];
    if (t - since < steadyMs || said === current) return undefined;
    return (said = current);
  };
}
