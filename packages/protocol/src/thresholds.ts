/**
 * Every number the scoring uses, in one versioned place. A plan names the version it was issued
 * with, and the server scores a result with exactly that version, so changing a threshold means
 * adding a version here, never editing one in place.
 */
export interface Thresholds {
  version: string;
  positioning: {
    /** Face box width as a share of the frame width. */
    minFaceWidth: number;
    maxFaceWidth: number;
    /** Largest distance of the face centre from the frame centre, as a share of the frame. */
    maxCentreOffset: number;
    /** Mean frame luminance (0..255). */
    minLuma: number;
    maxLuma: number;
    /** How long the candidate must hold a good position before the baseline is taken. */
    holdMs: number;
    /** How much positioning the baseline is taken from. */
    baselineMs: number;
    minBaselineFrames: number;
  };
  /** Rise over the candidate's neutral baseline that counts as doing the action. */
  blink: { rise: number; minLevel: number; reopenShare: number; maxClosedMs: number };
  smile: { rise: number };
  openMouth: { rise: number };
  /** Degrees of head rotation away from the baseline pose. */
  turn: { degrees: number };
  lookUp: { degrees: number };
  /** How long a held action must stay past its target. */
  holdMs: number;
  /** A response starts where the signal first passes this share of its target. */
  onsetShare: number;
  /** Humans need at least this long to respond to a prompt they have just seen. */
  minReactionMs: number;
  /** A conflicting action counts when it passes this multiple of its own target. */
  conflictFactor: number;
  /** Passive checks over the challenge part of the trace. */
  minFaceCoverage: number;
  maxMultiFaceMs: number;
  minFrameRate: number;
  maxFrameGapMs: number;
  /** Slack allowed between the trace's own duration and the time the server saw pass. */
  clockToleranceMs: number;
  clockToleranceShare: number;
}

export const THRESHOLDS_V1: Thresholds = {
  version: '2026-11.1',
  positioning: {
    minFaceWidth: 0.16,
    maxFaceWidth: 0.8,
    maxCentreOffset: 0.22,
    minLuma: 45,
    maxLuma: 235,
    holdMs: 600,
    baselineMs: 1000,
    minBaselineFrames: 4,
  },
  blink: { rise: 0.25, minLevel: 0.4, reopenShare: 0.5, maxClosedMs: 700 },
  smile: { rise: 0.3 },
  openMouth: { rise: 0.25 },
  turn: { degrees: 12 },
  lookUp: { degrees: 8 },
  holdMs: 120,
  onsetShare: 0.3,
  minReactionMs: 150,
  conflictFactor: 1.5,
  minFaceCoverage: 0.8,
  maxMultiFaceMs: 500,
  minFrameRate: 8,
  maxFrameGapMs: 1500,
  clockToleranceMs: 1500,
  clockToleranceShare: 0.05,
};

export const THRESHOLDS: Readonly<Record<string, Thresholds>> = {
  [THRESHOLDS_V1.version]: THRESHOLDS_V1,
};

/** The version new plans are issued with. */
export const CURRENT_THRESHOLDS = THRESHOLDS_V1;

export function thresholdsFor(version: string): Thresholds | undefined {
  return THRESHOLDS[version];
}
