/**
 * What the cooperative actor plays, by reference to labelled segments of the manifest, so the
 * browser actor and the offline actor play exactly the same footage. No single clip in the shared
 * footage shows every action, so the actor borrows: maxine-webcam-turns (neutral, turns, profile
 * turns, look-up), liveportrait-d9 (blink) and liveportrait-d18 (smile, open mouth).
 */
import type { ChallengeId } from '@liveproof/protocol';
import type { ActorSegment } from './actor.ts';
import type { Manifest, ScriptSpec, SegmentRef } from '@liveproof/test-media';

const MAXINE = 'live/maxine-webcam-turns.mp4';

export const COOPERATIVE_ACTOR: ScriptSpec = {
  neutral: { file: MAXINE, action: 'neutral' },
  actions: {
    blink: { file: 'live/liveportrait-d9.mp4', action: 'blink' },
    smile: { file: 'live/liveportrait-d18.mp4', action: 'smile' },
    open_mouth: { file: 'live/liveportrait-d18.mp4', action: 'open_mouth' },
    turn_left: { file: MAXINE, action: 'turn_left' },
    turn_right: { file: MAXINE, action: 'turn_right', mirrored: true },
    look_up: { file: MAXINE, action: 'look_up' },
    profile_left: { file: MAXINE, action: 'profile_left', mirrored: true },
    profile_right: { file: MAXINE, action: 'profile_right' },
  },
};

/**
 * One person for every action, as a real candidate is: maxine-webcam-turns only. It has no usable
 * blink (0.33 at most) and its open mouth comes with a look-up (a conflict), so it suits plans
 * without either: high-assurance checks, whose crops must all show the same face, run it under an
 * integration that leaves both out (`excludedChallenges`).
 */
export const ONE_PERSON_ACTOR: ScriptSpec = {
  neutral: { file: MAXINE, action: 'neutral' },
  actions: {
    smile: { file: MAXINE, action: 'smile' },
    turn_left: { file: MAXINE, action: 'turn_left' },
    turn_right: { file: MAXINE, action: 'turn_right', mirrored: true },
    look_up: { file: MAXINE, action: 'look_up' },
    profile_left: { file: MAXINE, action: 'profile_left', mirrored: true },
    profile_right: { file: MAXINE, action: 'profile_right' },
  },
};

/** The segment a reference names, as file, start, end and whether to mirror the footage. */
export function resolveSegment(manifest: Manifest, ref: SegmentRef): ActorSegment {
  const clip = manifest.clips.find((c) => c.file === ref.file);
  if (!clip) throw new Error(`no clip ${ref.file} in the manifest`);
  const matching = clip.segments.filter((s) => s.action === ref.action && Boolean(s.mirrored) === Boolean(ref.mirrored));
  const segment = matching[ref.index ?? 0];
  if (!segment) throw new Error(`no ${ref.mirrored ? 'mirrored ' : ''}${ref.action} segment #${ref.index ?? 0} in ${ref.file}`);
  return { file: clip.file, start: segment.start, end: segment.end, ...(segment.mirrored ? { mirror: true } : {}) };
}

export function resolveScript(manifest: Manifest, spec: ScriptSpec): { neutral: ActorSegment; actions: Partial<Record<ChallengeId, ActorSegment>> } {
  const actions: Partial<Record<ChallengeId, ActorSegment>> = {};
  for (const [challenge, ref] of Object.entries(spec.actions) as [ChallengeId, SegmentRef][]) actions[challenge] = resolveSegment(manifest, ref);
  return { neutral: resolveSegment(manifest, spec.neutral), actions };
}
