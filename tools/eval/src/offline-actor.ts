/**
 * The responsive actor without a browser: the same script as `actor.ts` (neutral footage, then
 * after a human-like delay the labelled segment for each prompt), but its frames come from traces
 * recorded from the footage, and they go through the element's own `CheckRunner`. The result is
 * the trace the element would have sent, for unit tests of scoring on real data.
 */
import { CURRENT_THRESHOLDS, LIGHT_RGB, round, type ChallengeId, type LightColour, type Thresholds, type Trace, type TraceFrame } from '@liveproof/protocol';
import { CheckRunner, type ChallengeUpdate, type RunnerPlan } from '../../../packages/element/src/runner.ts';
import { REFLECTION, type ActorSegment } from './actor.ts';
import { COOPERATIVE_ACTOR, resolveScript } from './actor-script.ts';
import { loadTrace, mirrorFrame, type Manifest, type MediaFolder, type ScriptSpec } from '@liveproof/test-media';
import type { FrameSource } from './crops.ts';

/** A stretch of a recorded trace (clip seconds), optionally mirrored left-right. */
export interface TraceSegment {
  frames: readonly TraceFrame[];
  /** The clip the frames were recorded from (path under the shared media directory), for crops of them. */
  file?: string;
  start: number;
  end: number;
  mirror?: boolean;
}

export interface OfflineScript {
  neutral: TraceSegment;
  actions: Partial<Record<ChallengeId, TraceSegment>>;
  /** Reaction delay per prompt, in ms (cycled). */
  delaysMs: readonly number[];
  /** Camera frame interval in ms (default 33.3). */
  frameMs?: number;
  /**
   * Frames reach the page a little unevenly (capture, decoding, scheduling): each frame's time
   * varies by up to this many ms around its slot (default 4; deterministic).
   */
  timingJitterMs?: number;
  /** Seed of that timing variation (default fixed). */
  seed?: number;
  /** Time the attempt start takes on the network, in ms. */
  roundTripMs?: number;
  /** Ignore prompts (a replay that does not respond). */
  unresponsive?: boolean;
  /** How long the last frame of an action is held before going back to neutral (default 300 ms). */
  holdMs?: number;
  /** Reflect the screen-light colours on the face (default: when responsive). */
  reflect?: boolean;
}

/** The face's colour with the screen's `colour` reflected on it, as the browser actor draws it. */
export function reflected(frame: TraceFrame, colour: LightColour | undefined, strength = REFLECTION): TraceFrame {
  if (!colour || !frame.rgb) return frame;
  const light = LIGHT_RGB[colour];
  return { ...frame, rgb: frame.rgb.map((v, i) => round(v * (1 - strength) + light[i]! * strength, 1)) as [number, number, number] };
}

export interface OfflineRun {
  trace: Trace;
  /** Which clip frame each trace frame shows (by trace time), for high-assurance crops (`crops.ts`). */
  sources: Map<number, FrameSource>;
  outcome: ChallengeUpdate['outcome'];
  /** Page-clock times of the first prompt and the end of the run. */
  firstPromptAt: number;
  endedAt: number;
}

/** Plays a segment: the recorded frame showing at `elapsedMs` into it (and its index), or undefined past its end. */
function frameAt(segment: TraceSegment, elapsedMs: number): { frame: TraceFrame; index: number } | undefined {
  const clipMs = segment.start * 1000 + elapsedMs;
  if (clipMs > segment.end * 1000) return undefined;
  let index = -1;
  for (let i = 0; i < segment.frames.length; i++) {
    if (segment.frames[i]!.t > clipMs) break;
    index = i;
  }
  if (index < 0) return undefined;
  const found = segment.frames[index]!;
  return { frame: segment.mirror ? mirrorFrame(found) : found, index };
}

export function runOffline(plan: RunnerPlan, script: OfflineScript, thresholds: Thresholds = CURRENT_THRESHOLDS): OfflineRun {
  const reflect = script.reflect ?? !script.unresponsive;
  let showing: LightColour | undefined;
  // The screen-light colours follow the display's frames (60 a second), as in the element.
  let nextTick = 0;
  const frameMs = script.frameMs ?? 1000 / 30;
  const runner = new CheckRunner(thresholds);
  let playing: { segment: TraceSegment; since: number; loop: boolean } = { segment: script.neutral, since: 0, loop: true };
  let answerAt: { at: number; challenge: ChallengeId } | undefined;
  let promptCount = 0;
  let firstPromptAt = 0;
  let readyAt: number | undefined;
  let origin = 0;
  const pageSources = new Map<number, FrameSource>();

  const onPrompt = (update: ChallengeUpdate, now: number) => {
    if (!update.prompted) return;
    firstPromptAt ||= now;
    const delay = script.delaysMs[promptCount++ % script.delaysMs.length]!;
    // The light challenge asks to keep still: a person settles back to neutral.
    if (!script.unresponsive && (script.actions[update.challenge] || update.challenge === 'light')) answerAt = { at: now + delay, challenge: update.challenge };
  };

  const jitter = script.timingJitterMs ?? 4;
  let seed = script.seed ?? 0x2545f491;
  const wobble = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return ((seed >>> 8) / 0x1000000 - 0.5) * 2 * jitter;
  };
  for (let slot = 0; slot < 120_000; slot += frameMs) {
    const now = slot + wobble();
    if (answerAt && now >= answerAt.at) {
      const action = script.actions[answerAt.challenge];
      playing = action ? { segment: action, since: now, loop: false } : { segment: script.neutral, since: now, loop: true };
      answerAt = undefined;
    }
    let played = frameAt(playing.segment, now - playing.since);
    if (!played && !playing.loop) {
      // Hold the action's last frame a moment, as a person holds a pose.
      const heldFor = now - playing.since - (playing.segment.end - playing.segment.start) * 1000;
      if (heldFor < (script.holdMs ?? 300)) played = frameAt(playing.segment, (playing.segment.end - playing.segment.start) * 1000);
    }
    if (!played) {
      playing = { segment: script.neutral, since: now, loop: true };
      played = frameAt(playing.segment, 0);
    }
    // A replay that starts before its clip's first frame shows nothing yet (an empty frame).
    const frame = played?.frame as TraceFrame;
    // A camera frame shows the screen as it was when the frame was taken: the colour set before it.
    for (; nextTick <= now; nextTick += 1000 / 60) showing = runner.tickLight(nextTick);
    const shown = { ...(reflect ? reflected(frame, showing) : frame), t: Math.round(now * 10) / 10 };
    if (playing.segment.file && played) {
      pageSources.set(shown.t, { file: playing.segment.file, index: played.index, mirror: playing.segment.mirror === true, ...(reflect && showing ? { colour: showing } : {}) });
    }
    if (runner.phase === 'positioning' || runner.phase === 'ready') {
      if (readyAt === undefined && runner.position(shown).phase === 'ready') readyAt = now;
      if (readyAt !== undefined && now >= readyAt + (script.roundTripMs ?? 40)) {
        origin = now;
        onPrompt(runner.begin(plan, now, now), now);
      }
      continue;
    }
    // Analysing a frame takes time: the page clock after it is a little later.
    const update = runner.challenge(shown, now + 20);
    if (!update) break;
    onPrompt(update, now + 20);
    if (update.outcome) {
      // Trace times as the runner wrote them: page time less the origin, to a tenth of a millisecond.
      const sources = new Map<number, FrameSource>();
      for (const [t, source] of pageSources) sources.set(Math.round((t - origin) * 10) / 10, source);
      return { trace: runner.trace(), sources, outcome: update.outcome, firstPromptAt, endedAt: now + 20 };
    }
  }
  throw new Error('offline run did not finish in two minutes of simulated time');
}

const traceCache = new Map<string, Promise<readonly TraceFrame[]>>();

/** The frames recorded from a clip of the shared footage (cached). */
export function recordedFrames(file: string): Promise<readonly TraceFrame[]> {
  let frames = traceCache.get(file);
  if (!frames) {
    const [folder, name] = file.replace(/\.[a-z0-9]+$/i, '').split('/') as [MediaFolder, string];
    frames = loadTrace(folder, name).then((trace) => trace.frames);
    traceCache.set(file, frames);
  }
  return frames;
}

/** The offline actor's script for a manifest script (by default the cooperative actor). */
export async function offlineScript(manifest: Manifest, delaysMs: number[], spec: ScriptSpec = COOPERATIVE_ACTOR): Promise<OfflineScript> {
  const resolved = resolveScript(manifest, spec);
  const segment = async (s: ActorSegment): Promise<TraceSegment> => ({ frames: await recordedFrames(s.file), file: s.file, start: s.start, end: s.end, ...(s.mirror ? { mirror: true } : {}) });
  const actions: OfflineScript['actions'] = {};
  for (const [challenge, s] of Object.entries(resolved.actions) as [ChallengeId, ActorSegment][]) actions[challenge] = await segment(s);
  return { neutral: await segment(resolved.neutral), actions, delaysMs };
}
