/**
 * The responsive actor without a browser: the same script as `actor.ts` (neutral footage, then
 * after a human-like delay the labelled segment for each prompt), but its frames come from traces
 * recorded from the footage, and they go through the element's own `CheckRunner`. The result is
 * the trace the element would have sent, for unit tests of scoring on real data.
 */
import { CURRENT_THRESHOLDS, type ChallengeId, type Thresholds, type Trace, type TraceFrame } from '@liveproof/protocol';
import { CheckRunner, type ChallengeUpdate } from '../../packages/element/src/runner.ts';
import { mirrorFrame } from './analysis.ts';

/** A stretch of a recorded trace (clip seconds), optionally mirrored left-right. */
export interface TraceSegment {
  frames: readonly TraceFrame[];
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
  /** Time the attempt start takes on the network, in ms. */
  roundTripMs?: number;
  /** Ignore prompts (a replay that does not respond). */
  unresponsive?: boolean;
  /** How long the last frame of an action is held before going back to neutral (default 300 ms). */
  holdMs?: number;
}

export interface OfflineRun {
  trace: Trace;
  outcome: ChallengeUpdate['outcome'];
  /** Page-clock times of the first prompt and the end of the run. */
  firstPromptAt: number;
  endedAt: number;
}

/** Plays a segment: the recorded frame showing at `elapsedMs` into it, or undefined past its end. */
function frameAt(segment: TraceSegment, elapsedMs: number): TraceFrame | undefined {
  const clipMs = segment.start * 1000 + elapsedMs;
  if (clipMs > segment.end * 1000) return undefined;
  let found: TraceFrame | undefined;
  for (const frame of segment.frames) {
    if (frame.t > clipMs) break;
    found = frame;
  }
  if (!found) return undefined;
  return segment.mirror ? mirrorFrame(found) : found;
}

export function runOffline(challenges: readonly ChallengeId[], script: OfflineScript, thresholds: Thresholds = CURRENT_THRESHOLDS, stepTimeoutMs = 8000): OfflineRun {
  const frameMs = script.frameMs ?? 1000 / 30;
  const runner = new CheckRunner(thresholds);
  let playing: { segment: TraceSegment; since: number; loop: boolean } = { segment: script.neutral, since: 0, loop: true };
  let answerAt: { at: number; challenge: ChallengeId } | undefined;
  let promptCount = 0;
  let firstPromptAt = 0;
  let readyAt: number | undefined;

  const onPrompt = (update: ChallengeUpdate, now: number) => {
    if (!update.prompted) return;
    firstPromptAt ||= now;
    const delay = script.delaysMs[promptCount++ % script.delaysMs.length]!;
    if (!script.unresponsive && script.actions[update.challenge]) answerAt = { at: now + delay, challenge: update.challenge };
  };

  for (let now = 0; now < 120_000; now += frameMs) {
    if (answerAt && now >= answerAt.at) {
      playing = { segment: script.actions[answerAt.challenge]!, since: now, loop: false };
      answerAt = undefined;
    }
    let frame = frameAt(playing.segment, now - playing.since);
    if (!frame && !playing.loop) {
      // Hold the action's last frame a moment, as a person holds a pose.
      const heldFor = now - playing.since - (playing.segment.end - playing.segment.start) * 1000;
      if (heldFor < (script.holdMs ?? 300)) frame = frameAt(playing.segment, (playing.segment.end - playing.segment.start) * 1000);
    }
    if (!frame) {
      playing = { segment: script.neutral, since: now, loop: true };
      frame = frameAt(playing.segment, 0)!;
    }
    const shown = { ...frame, t: Math.round(now * 10) / 10 };
    if (runner.phase === 'positioning' || runner.phase === 'ready') {
      if (readyAt === undefined && runner.position(shown).phase === 'ready') readyAt = now;
      if (readyAt !== undefined && now >= readyAt + (script.roundTripMs ?? 40)) onPrompt(runner.begin({ challenges, stepTimeoutMs }, now, now), now);
      continue;
    }
    // Analysing a frame takes time: the page clock after it is a little later.
    const update = runner.challenge(shown, now + 20);
    if (!update) break;
    onPrompt(update, now + 20);
    if (update.outcome) return { trace: runner.trace(), outcome: update.outcome, firstPromptAt, endedAt: now + 20 };
  }
  throw new Error('offline run did not finish in two minutes of simulated time');
}
