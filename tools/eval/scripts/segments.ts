/**
 * Helps label the live clips and checks the labels against the project's own detector.
 *
 *   node --import tsx tools/eval/scripts/segments.ts candidates [clip ...]
 *     Prints, per clip, the stretches where each action passes its target relative to a provisional
 *     baseline (the clip's medians), and still neutral stretches. Candidates only: confirm each one
 *     by looking at frames of the footage before labelling it.
 *
 *   node --import tsx tools/eval/scripts/segments.ts measure [--write] [clip ...]
 *     For every labelled segment: the peak relative to the clip's neutral baseline (medians over its
 *     neutral segments) and what `evaluateStep()` makes of it with the prompt at the segment's start.
 *     `--write` stores baselines and peaks in manifest.json, and each clip's fps, frame count,
 *     duration and size from its trace.
 */
import { writeFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { parseArgs } from 'node:util';
import { CURRENT_THRESHOLDS, THRESHOLDS_V1, evaluateStep, isFaceFrame, isProfileChallenge, type Baseline, type ChallengeId, type TraceFrame } from '@liveproof/protocol';
import {
  MANIFEST_PATH,
  baselineOf,
  faceFramesIn,
  findEpisodes,
  loadManifest,
  loadTrace,
  mirrorFrame,
  peakIn,
  signalsOf,
  type ManifestClip,
  type MediaFolder,
  type RecordedTrace,
} from '../src/index.ts';

const ACTIONS: readonly ChallengeId[] = ['blink', 'smile', 'open_mouth', 'turn_left', 'turn_right', 'look_up'];
const r1 = (v: number) => Math.round(v * 10) / 10;
const r2 = (v: number) => Math.round(v * 100) / 100;
const r3 = (v: number) => Math.round(v * 1000) / 1000;

const { values: flags, positionals } = parseArgs({ allowPositionals: true, options: { write: { type: 'boolean', default: false } } });
const [command = 'measure', ...wanted] = positionals;

const nameOf = (file: string) => basename(file, extname(file));
const picked = (clip: ManifestClip) => wanted.length === 0 || wanted.includes(nameOf(clip.file)) || wanted.includes(clip.file);
const traceOf = (clip: ManifestClip) => loadTrace(clip.file.split('/')[0] as MediaFolder, clip.file);
/** Trace time (s) of a time in the clip (s): they differ when the video starts after the timeline. */
const toTrace = (trace: RecordedTrace, seconds: number) => seconds - (trace.startOffset ?? 0);
const fmtBase = (b: Baseline) => `yaw ${r1(b.yaw)} pitch ${r1(b.pitch)} blink ${r2(b.blink)} smile ${r2(b.smile)} jaw ${r2(b.jaw)}`;

/** Still, neutral stretches of at least `minSeconds` relative to a provisional baseline. */
function neutralStretches(frames: readonly TraceFrame[], base: Baseline, minSeconds = 0.8): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let start: number | undefined;
  let last = 0;
  for (const frame of frames) {
    const t = frame.t / 1000;
    const s = isFaceFrame(frame) ? signalsOf(frame) : undefined;
    const calm = s && Math.abs(s.yaw - base.yaw) < 4 && Math.abs(s.pitch - base.pitch) < 4 && s.blink - base.blink < 0.12 && s.smile - base.smile < 0.12 && s.jaw - base.jaw < 0.1;
    if (calm) {
      start ??= t;
      last = t;
    } else {
      if (start !== undefined && last - start >= minSeconds) out.push([start, last]);
      start = undefined;
    }
  }
  if (start !== undefined && last - start >= minSeconds) out.push([start, last]);
  return out;
}

async function candidates(): Promise<void> {
  const manifest = await loadManifest();
  for (const clip of manifest.clips.filter((c) => c.kind === 'bona_fide' && picked(c))) {
    const trace = await traceOf(clip);
    const faces = trace.frames.filter(isFaceFrame);
    if (faces.length === 0) {
      console.log(`${clip.file}: no face`);
      continue;
    }
    const base = baselineOf(faces);
    const offset = trace.startOffset ?? 0;
    console.log(`${clip.file}: provisional baseline (clip medians) ${fmtBase(base)}`);
    const neutral = neutralStretches(trace.frames, base).map(([a, b]) => `${r2(a + offset)}-${r2(b + offset)}`);
    console.log(`  neutral: ${neutral.join(', ') || '-'}`);
    for (const action of ACTIONS) {
      const episodes = findEpisodes(trace.frames, action, base).map(
        (e) => `${r2(e.start + offset)}-${r2(e.end + offset)} peak ${action.startsWith('turn') || action === 'look_up' ? r1(e.rise) : r2(e.rise)} @${r2(e.peakAt + offset)}`,
      );
      if (episodes.length > 0) console.log(`  ${action}: ${episodes.join('; ')}`);
    }
  }
}

/** The clip's facts, from its trace. */
function fillFacts(clip: ManifestClip, trace: RecordedTrace): void {
  if (trace.recordedWith.still) {
    delete clip.fps;
    delete clip.frames;
    delete clip.duration;
  } else {
    clip.fps = trace.fps;
    clip.frames = trace.frameCount;
    clip.duration = r3((trace.startOffset ?? 0) + trace.frameCount / trace.fps);
  }
  clip.width = trace.width;
  clip.height = trace.height;
}

/** A clip entry with its keys in the documented order. */
function ordered(clip: ManifestClip): ManifestClip {
  const { file, kind, fps, frames, duration, width, height, mirrorable, trace, notes, baseline, segments } = clip;
  return JSON.parse(JSON.stringify({ file, kind, fps, frames, duration, width, height, mirrorable, trace, notes, baseline, segments })) as ManifestClip;
}

async function measure(): Promise<void> {
  const manifest = await loadManifest();
  for (const clip of manifest.clips.filter(picked)) {
    const trace = await traceOf(clip);
    if (flags.write) fillFacts(clip, trace);
    if (clip.segments.length === 0) continue;
    const neutral = clip.segments.filter((s) => s.action === 'neutral').map((s) => [toTrace(trace, s.start), toTrace(trace, s.end)] as const);
    const neutralFrames = faceFramesIn(trace.frames, neutral);
    const base = neutralFrames.length > 0 ? baselineOf(neutralFrames) : baselineOf(trace.frames.filter(isFaceFrame));
    console.log(`${clip.file}: baseline ${neutralFrames.length > 0 ? `(${neutralFrames.length} neutral frames)` : '(clip medians: no neutral segment)'} ${fmtBase(base)}`);
    if (flags.write) clip.baseline = { yaw: r2(base.yaw), pitch: r2(base.pitch), blink: r3(base.blink), smile: r3(base.smile), jaw: r3(base.jaw) };
    const mirrored = trace.frames.map(mirrorFrame);
    for (const segment of clip.segments) {
      if (segment.action === 'neutral') continue;
      const action = segment.action;
      const start = toTrace(trace, segment.start);
      const end = toTrace(trace, segment.end);
      // A mirrored segment is the opposite turn performed in the footage, seen in a mirror.
      const frames = segment.mirrored ? mirrored : trace.frames;
      const mirroredBase = segment.mirrored ? { ...base, yaw: -base.yaw } : base;
      const peak = peakIn(frames, action, mirroredBase, start, end);
      // The profile turn exists from thresholds 2026-12.1 on; the other labels keep the first version's targets.
      const step = evaluateStep(action, frames, mirroredBase, start * 1000, end * 1000, isProfileChallenge(action) ? CURRENT_THRESHOLDS : THRESHOLDS_V1);
      const angle = action.startsWith('turn') || action === 'look_up';
      const detail = [
        step.outcome,
        step.reason,
        step.conflict && `conflict ${step.conflict}`,
        step.reactionMs !== undefined && `reaction ${Math.round(step.reactionMs)} ms`,
        step.closedMs !== undefined && `closed ${Math.round(step.closedMs)} ms`,
      ].filter(Boolean).join(', ');
      const peakText = peak ? `peak ${angle ? r1(peak.rise) : r2(peak.rise)} over baseline (value ${angle ? r1(peak.value) : r2(peak.value)}) @${r2(peak.peakAt + (trace.startOffset ?? 0))}s` : 'no face';
      console.log(`  ${segment.action}${segment.mirrored ? ' (mirrored)' : ''} ${segment.start}-${segment.end}s [${segment.checked}]: ${peakText}; evaluateStep: ${detail}`);
      if (flags.write && peak) segment.peak = { at: r2(peak.peakAt + (trace.startOffset ?? 0)), rise: angle ? r1(peak.rise) : r3(peak.rise), value: angle ? r1(peak.value) : r3(peak.value) };
    }
  }
  if (flags.write) await writeFile(MANIFEST_PATH, `${JSON.stringify({ ...manifest, clips: manifest.clips.map(ordered) }, null, 2)}\n`);
}

if (command === 'candidates') await candidates();
else if (command === 'measure') await measure();
else throw new Error(`unknown command ${command}: use "candidates" or "measure"`);
