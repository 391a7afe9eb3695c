/**
 * The plan, in one place: the server's random draw of an attempt's challenges, the claims its
 * signed plan token carries, and the facts read back from a stored plan token when the result
 * arrives. Nothing else knows the claim layout.
 */
import { decodeJwt, type JWTPayload } from 'jose';
import {
  CURRENT_THRESHOLDS,
  LiveproofError,
  MOTION_CHALLENGE_IDS,
  PROFILE_CHALLENGE_IDS,
  lightSequence,
  thresholdsFor,
  type AttemptKind,
  type ChallengeId,
  type HighAssurancePolicy,
  type LightSpec,
  type Plan,
  type Thresholds,
} from '@liveproof/protocol';
import { cryptoRandom, randomInt, type RandomSource } from '../random.ts';

/** Movements in a witnessed re-check (plus the screen light, when the check has it). */
export const RECHECK_MOVEMENTS = 2;

function shuffle<T>(items: T[], random: RandomSource): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = randomInt(i + 1, random);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/**
 * `count` distinct movement challenges in random order (Fisher-Yates over the catalogue, less what
 * the integration leaves out). With `profile`, one of them is a profile turn, on a random side.
 */
export function drawChallenges(count: number, random: RandomSource = cryptoRandom, excluded: readonly ChallengeId[] = [], profile = false): ChallengeId[] {
  const catalogue = MOTION_CHALLENGE_IDS.filter((id) => !excluded.includes(id));
  if (!profile || count < 1) return shuffle(catalogue, random).slice(0, Math.min(count, catalogue.length));
  const side = PROFILE_CHALLENGE_IDS[randomInt(PROFILE_CHALLENGE_IDS.length, random)]!;
  return shuffle([...shuffle(catalogue, random).slice(0, Math.min(count - 1, catalogue.length)), side], random);
}

export interface DrawOptions {
  light: boolean;
  lightOptOut: boolean;
  /** Movements the integration's plans never draw. */
  excluded?: readonly ChallengeId[];
  /** The integration asks for a profile turn in every plan (check and re-check). */
  profileTurn?: boolean;
}

export interface DrawnPlan {
  challenges: ChallengeId[];
  light?: LightSpec;
}

/**
 * A plan of `count` challenges. With the screen-light challenge, one of them is the light (at a
 * random place, with a random colour sequence); a candidate who opts out of flashing lights gets
 * one more movement challenge instead, so the plan is not weaker for it.
 */
export function drawPlan(count: number, options: DrawOptions, random: RandomSource = cryptoRandom): DrawnPlan {
  const settings = CURRENT_THRESHOLDS.light;
  const excluded = options.excluded ?? [];
  const profile = options.profileTurn === true;
  if (!options.light || !settings) return { challenges: drawChallenges(count, random, excluded, profile) };
  if (options.lightOptOut) return { challenges: drawChallenges(count + 1, random, excluded, profile) };
  const challenges = shuffle([...drawChallenges(count - 1, random, excluded, profile), 'light' as ChallengeId], random);
  const colours = lightSequence(settings.flashes, (bound) => randomInt(bound, random));
  return { challenges, light: { colours, flashMs: settings.flashMs } };
}

/**
 * A check's plan, or a re-check's: two movements and, like the check, the screen light unless the
 * candidate opted out (the integration's light policy applies to both).
 */
export function drawAttemptPlan(kind: AttemptKind, challengeCount: number, options: DrawOptions, random: RandomSource): DrawnPlan {
  if (kind === 'check') return drawPlan(challengeCount, options, random);
  if (!options.light || options.lightOptOut) return { challenges: drawChallenges(RECHECK_MOVEMENTS, random, options.excluded, options.profileTurn === true) };
  return drawPlan(RECHECK_MOVEMENTS + 1, options, random);
}

/** The plan as signed, with its times as epoch milliseconds. */
export interface PlanFacts {
  attemptId: string;
  sessionId: string;
  nonce: string;
  kind: AttemptKind;
  challenges: ChallengeId[];
  stepTimeoutMs: number;
  thresholds: Thresholds;
  light: LightSpec | undefined;
  /** The candidate opted out of flashing lights. */
  lightOptOut: boolean;
  /** The integration had opted in to a reference image when the plan was issued. */
  referenceImage: boolean;
  /** The integration's high-assurance policy when the plan was issued (`off`: no crops asked for). */
  highAssurance: HighAssurancePolicy;
  /** The UDP probe's username fragment, when the server offered one. */
  iceUfrag: string | undefined;
  issuedAt: number;
  expiresAt: number;
}

const seconds = (ms: number) => Math.floor(ms / 1000);

/** The plan token's claims (without `iss` and `aud`, which the token module adds). */
export function planClaims(plan: PlanFacts): JWTPayload {
  return {
    sub: plan.attemptId,
    sid: plan.sessionId,
    nonce: plan.nonce,
    kind: plan.kind,
    challenges: plan.challenges,
    step_timeout_ms: plan.stepTimeoutMs,
    thresholds: plan.thresholds.version,
    ...(plan.light ? { light: plan.light } : {}),
    ...(plan.lightOptOut ? { light_opt_out: true } : {}),
    ...(plan.referenceImage ? { reference_image: true } : {}),
    ...(plan.highAssurance !== 'off' ? { high_assurance: plan.highAssurance } : {}),
    ...(plan.iceUfrag ? { ice_ufrag: plan.iceUfrag } : {}),
    iat: seconds(plan.issuedAt),
    exp: seconds(plan.expiresAt),
  };
}

/** The plan as the element reads it; `ice` adds the probe's password and where the responder is. */
export function planView(plan: PlanFacts, ice?: Plan['ice']): Plan {
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    attemptId: plan.attemptId,
    sessionId: plan.sessionId,
    nonce: plan.nonce,
    challenges: plan.challenges,
    stepTimeoutMs: plan.stepTimeoutMs,
    thresholds: plan.thresholds.version,
    ...(plan.light ? { light: plan.light } : {}),
    ...(plan.referenceImage ? { referenceImage: true } : {}),
    ...(plan.highAssurance !== 'off' ? { highAssurance: plan.highAssurance } : {}),
    ...(ice ? { ice } : {}),
    issuedAt: iso(plan.issuedAt),
    expiresAt: iso(plan.expiresAt),
  };
}

/**
 * Facts an attempt was issued with, read back from its stored plan token. The store keeps the
 * token the server signed itself, so decoding it here needs no verification.
 */
export function planFacts(attempt: { id: string; planToken: string; kind: AttemptKind; createdAt: number; expiresAt: number }): PlanFacts {
  const claims = decodeJwt(attempt.planToken) as JWTPayload & {
    sid?: string;
    nonce?: string;
    challenges?: ChallengeId[];
    thresholds?: string;
    step_timeout_ms?: number;
    light?: LightSpec;
    light_opt_out?: boolean;
    reference_image?: boolean;
    high_assurance?: HighAssurancePolicy;
    ice_ufrag?: string;
  };
  const thresholds = claims.thresholds ? thresholdsFor(claims.thresholds) : undefined;
  if (!thresholds || typeof claims.step_timeout_ms !== 'number') {
    throw new LiveproofError('internal_error', `The stored plan of attempt ${attempt.id} names unknown thresholds.`);
  }
  return {
    attemptId: attempt.id,
    sessionId: claims.sid ?? '',
    nonce: claims.nonce ?? '',
    kind: attempt.kind,
    challenges: claims.challenges ?? [],
    stepTimeoutMs: claims.step_timeout_ms,
    thresholds,
    light: claims.light,
    lightOptOut: claims.light_opt_out === true,
    referenceImage: claims.reference_image === true,
    highAssurance: claims.high_assurance === 'on' || claims.high_assurance === 'required' ? claims.high_assurance : 'off',
    iceUfrag: typeof claims.ice_ufrag === 'string' ? claims.ice_ufrag : undefined,
    issuedAt: attempt.createdAt,
    expiresAt: attempt.expiresAt,
  };
}
