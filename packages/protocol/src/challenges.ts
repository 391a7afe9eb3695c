/**
 * The challenge catalogue: what the server may ask a candidate to do, and how the element words it.
 * Directions are the candidate's own: "turn left" means toward the candidate's left shoulder.
 */
export const ChallengeId = {
  Blink: 'blink',
  Smile: 'smile',
  OpenMouth: 'open_mouth',
  TurnLeft: 'turn_left',
  TurnRight: 'turn_right',
  LookUp: 'look_up',
  Light: 'light',
  ProfileLeft: 'profile_left',
  ProfileRight: 'profile_right',
} as const;
export type ChallengeId = (typeof ChallengeId)[keyof typeof ChallengeId];

/**
 * How a challenge is recognised: a brief event (a blink), a pose or expression that is held, or the
 * face's reflection following a sequence of colours flashed on the screen (`light`).
 */
export type ChallengeKind = 'event' | 'held' | 'light';

export interface ChallengeSpec {
  id: ChallengeId;
  kind: ChallengeKind;
  /** The instruction shown and announced to the candidate. */
  prompt: string;
  /** A short label for lists, badges and logs. */
  label: string;
  /**
   * Actions that, started and done strongly before this one is complete, mean the candidate is not
   * following the prompt. Only large head movements count: people talk, smile and blink while
   * they follow instructions, so expressions never conflict with head movements. Thresholds from
   * 2026-11.3 carry their own, stricter table (see `Thresholds.conflicts`).
   */
  conflicts: readonly ChallengeId[];
}

export const CHALLENGES: Readonly<Record<ChallengeId, ChallengeSpec>> = {
  blink: { id: 'blink', kind: 'event', prompt: 'Blink', label: 'blink', conflicts: [] },
  smile: {
    id: 'smile',
    kind: 'held',
    prompt: 'Smile',
    label: 'smile',
    conflicts: ['turn_left', 'turn_right', 'look_up'],
  },
  open_mouth: {
    id: 'open_mouth',
    kind: 'held',
    prompt: 'Open your mouth',
    label: 'open mouth',
    conflicts: ['turn_left', 'turn_right', 'look_up'],
  },
  turn_left: {
    id: 'turn_left',
    kind: 'held',
    prompt: 'Turn your head to your left',
    label: 'turn left',
    conflicts: ['turn_right'],
  },
  turn_right: {
    id: 'turn_right',
    kind: 'held',
    prompt: 'Turn your head to your right',
    label: 'turn right',
    conflicts: ['turn_left'],
  },
  look_up: {
    id: 'look_up',
    kind: 'held',
    prompt: 'Look up',
    label: 'look up',
    conflicts: ['turn_left', 'turn_right'],
  },
  light: {
    id: 'light',
    kind: 'light',
    prompt: 'Keep still and look at the screen',
    label: 'screen light',
    conflicts: [],
  },
  // The profile turn: far enough that the screen leaves the candidate's view, so the prompt says
  // what to do until the tone, and the tone says it is done (see the element's step cue).
  profile_left: {
    id: 'profile_left',
    kind: 'held',
    prompt: 'Turn toward your left shoulder and hold for the tone',
    label: 'profile left',
    conflicts: ['turn_right'],
  },
  profile_right: {
    id: 'profile_right',
    kind: 'held',
    prompt: 'Turn toward your right shoulder and hold for the tone',
    label: 'profile right',
    conflicts: ['turn_left'],
  },
};

export const CHALLENGE_IDS: readonly ChallengeId[] = Object.keys(CHALLENGES) as ChallengeId[];

/**
 * The profile turns: the head turned well past the ordinary turns and held, because real-time face
 * swaps degrade at large angles. Drawn only for integrations that ask for them (one per plan, on a
 * random side), and scored from thresholds 2026-12.1.
 */
export const PROFILE_CHALLENGE_IDS: readonly ChallengeId[] = ['profile_left', 'profile_right'];

export const isProfileChallenge = (id: ChallengeId): boolean => PROFILE_CHALLENGE_IDS.includes(id);

/** The challenges the candidate performs with their face, drawn for every plan. */
export const MOTION_CHALLENGE_IDS: readonly ChallengeId[] = CHALLENGE_IDS.filter((id) => CHALLENGES[id].kind !== 'light' && !isProfileChallenge(id));

export function isChallengeId(value: string): value is ChallengeId {
  return Object.hasOwn(CHALLENGES, value);
}
