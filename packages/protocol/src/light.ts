/**
 * The screen-light challenge: the element flashes a server-chosen sequence of colours, and the
 * light reflected from the candidate's face must follow it, colour by colour, in time. A replay, an
 * animated portrait or a prepared stream cannot know the sequence in advance.
 */
import type { StepEvaluation } from './detect.ts';
import { median } from './detect.ts';
import type { Thresholds } from './thresholds.ts';
import { LIGHT_COLOURS, type LightColour, type TraceFrame, type TraceStep } from './trace.ts';

/** No colour stays up for less: at most three flashes a second (WCAG 2.3.1). */
export const MIN_FLASH_MS = 334;

/** How long each colour stays up: the plan's time, but never below the photosensitivity limit. */
export function flashDuration(spec: LightSpec): number {
  return Math.max(MIN_FLASH_MS, spec.flashMs);
}

/** What the plan asks the element to flash. */
export interface LightSpec {
  colours: LightColour[];
  flashMs: number;
}

type Chroma = [number, number, number];

/** The face's own colour is read over this much of the lead-in, just before the first flash. */
const LEAD_IN_WINDOW_MS = 300;

/** Each channel's share of the total: colour without brightness. */
function chroma(rgb: readonly [number, number, number]): Chroma | undefined {
  const sum = rgb[0] + rgb[1] + rgb[2];
  return sum > 1 ? [rgb[0] / sum, rgb[1] / sum, rgb[2] / sum] : undefined;
}

/** The face's chromaticity over [from, to): the mean, or the median to shrug off a stray frame. */
function meanChroma(frames: readonly TraceFrame[], from: number, to: number, useMedian = false): Chroma | undefined {
  const values: Chroma[] = [];
  for (const frame of frames) {
    if (frame.n !== 1 || !frame.rgb || frame.t < from || frame.t >= to) continue;
    const value = chroma(frame.rgb);
    if (value) values.push(value);
  }
  if (values.length === 0) return undefined;
  const pick = (i: 0 | 1 | 2) => (useMedian ? median(values.map((v) => v[i])) : values.reduce((sum, v) => sum + v[i], 0) / values.length);
  return [pick(0), pick(1), pick(2)];
}

/** The flashes shown must be the plan's colours, in order, each up for about its planned time. */
function flashesMatch(step: TraceStep, spec: LightSpec): boolean | 'incomplete' {
  const flashes = step.flashes ?? [];
  const flashMs = flashDuration(spec);
  if (flashes.length > spec.colours.length) return false;
  for (let i = 0; i < flashes.length; i++) {
    const flash = flashes[i]!;
    if (flash.colour !== spec.colours[i] || flash.at < step.promptedAt) return false;
    const next = flashes[i + 1];
    if (next && (next.at - flash.at < flashMs * 0.8 || next.at - flash.at > flashMs * 2)) return false;
  }
  return flashes.length < spec.colours.length ? 'incomplete' : true;
}

/**
 * Evaluates a light step over the frames up to `until`. Pending until every flash has been up for
 * its whole time; then passed when the face followed enough of them.
 */
export function evaluateLight(step: TraceStep, spec: LightSpec | undefined, frames: readonly TraceFrame[], until: number, th: Thresholds): StepEvaluation {
  const evaluation: StepEvaluation = { challenge: 'light', outcome: 'pending', progress: 0 };
  const settings = th.light;
  if (!settings || !spec) return { ...evaluation, outcome: 'failed', reason: 'not_performed' };
  const match = flashesMatch(step, spec);
  if (match === false) return { ...evaluation, outcome: 'failed', reason: 'flashes_mismatch' };
  const flashes = step.flashes ?? [];
  evaluation.progress = flashes.length / spec.colours.length;
  const last = flashes[flashes.length - 1];
  const flashMs = flashDuration(spec);
  if (match === 'incomplete' || !last || until < last.at + flashMs) return evaluation;

  // Each colour is compared with what the face looked like just before it (the end of the lead-in,
  // then the previous colour), so slow drifts in light or camera settings cancel out.
  const first = flashes[0]!.at + settings.latencyMs;
  let previous = meanChroma(frames, first - LEAD_IN_WINDOW_MS, first, true);
  let followed = 0;
  for (const [i, flash] of flashes.entries()) {
    const end = flashes[i + 1]?.at ?? flash.at + flashMs;
    // Only frames the element had seen by `until`, so that it and the server judge the same frames.
    const seen = meanChroma(frames, flash.at + settings.latencyMs, Math.min(until, end + settings.latencyMs / 2) + 0.001);
    if (previous && seen) {
      const shift = seen.map((v, c) => v - previous![c]!) as Chroma;
      const channel = LIGHT_COLOURS.indexOf(flash.colour);
      const strongest = shift.indexOf(Math.max(...shift));
      if (strongest === channel && shift[channel]! >= settings.minShift) followed++;
    }
    previous = seen;
  }
  const completedAt = last.at + flashMs;
  const agreement = followed / flashes.length;
  if (agreement >= settings.minAgreement) return { ...evaluation, outcome: 'passed', progress: 1, completedAt };
  return { ...evaluation, outcome: 'failed', progress: 1, completedAt, reason: 'light_not_followed' };
}

/** A random sequence of colours with no colour twice in a row. */
export function lightSequence(count: number, pick: (bound: number) => number): LightColour[] {
  const colours: LightColour[] = [];
  while (colours.length < count) {
    const options = LIGHT_COLOURS.filter((c) => c !== colours[colours.length - 1]);
    colours.push(options[pick(options.length)]!);
  }
  return colours;
}
