/**
 * Checks on the whole trace that physiology and cameras impose: a live face jitters a little from
 * frame to frame, and camera frames arrive at slightly uneven intervals. A still image, a rendered
 * curve or a script stamping frames every 33.3 ms breaks them. A careful forger who adds noise and
 * copies real timing does not: these checks stop naive forgeries, not careful ones.
 */
import { isFaceFrame, median } from './detect.ts';
import type { ReasonCode } from './reasons.ts';
import type { Thresholds } from './thresholds.ts';
import type { TraceFrame } from './trace.ts';

/** Median absolute second difference of yaw and pitch over consecutive face frames (degrees). */
export function jitterDeg(frames: readonly TraceFrame[]): number {
  const faces = frames.filter(isFaceFrame);
  const yaw: number[] = [];
  const pitch: number[] = [];
  for (let i = 2; i < faces.length; i++) {
    const [a, b, c] = [faces[i - 2]!.pose, faces[i - 1]!.pose, faces[i]!.pose];
    yaw.push(Math.abs(c[0] - 2 * b[0] + a[0]));
    pitch.push(Math.abs(c[1] - 2 * b[1] + a[1]));
  }
  return yaw.length === 0 ? 0 : Math.max(median(yaw), median(pitch));
}

/** Standard deviation of the intervals between frames (ms). */
export function intervalStdMs(frames: readonly TraceFrame[]): number {
  const intervals: number[] = [];
  for (let i = 1; i < frames.length; i++) intervals.push(frames[i]!.t - frames[i - 1]!.t);
  if (intervals.length < 2) return 0;
  const mean = intervals.reduce((a, b) => a + b, 0) / intervals.length;
  return Math.sqrt(intervals.reduce((sum, v) => sum + (v - mean) ** 2, 0) / intervals.length);
}

export function plausibilityReasons(frames: readonly TraceFrame[], th: Thresholds): ReasonCode[] {
  const limits = th.plausibility;
  if (!limits) return [];
  const reasons: ReasonCode[] = [];
  if (jitterDeg(frames) < limits.minJitterDeg) reasons.push('no_micro_motion');
  if (intervalStdMs(frames) < limits.minIntervalStdMs) reasons.push('synthetic_timing');
  return reasons;
}
