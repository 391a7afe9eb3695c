/**
 * What the interviewer's badge concludes from a verification token: `@liveproof/verify`'s own
 * rules (ES256 only, `typ` `liveproof+jwt`, issuer, audience, lifetime, the claims' shape), run in
 * the browser against the issuer's JWKS, with each of its stable error codes mapped to a state to
 * show rather than an exception. Failed checks and re-checks are shown, not refused.
 */
import { createRemoteJWKSet, decodeJwt } from 'jose';
import { isLiveproofError, verifyLivenessToken, type ErrorCode } from '@liveproof/verify';
import type { LivenessTokenClaims } from '@liveproof/protocol';

export type BadgeVerdict =
  | { status: 'verified' | 'failed'; claims: LivenessTokenClaims }
  | { status: 'expired'; claims: LivenessTokenClaims }
  | { status: 'invalid'; why: string };

export interface BadgeTrust {
  jwksUrl: string;
  issuer: string;
  audience: string;
  /** For tests: the time to check against. */
  now?: Date;
}

/** Why a token is not shown as verified, in the interviewer's words, per the verifier's code. */
const WHY: Partial<Record<ErrorCode, string>> = {
  token_audience_mismatch: "The token's audience is not the expected one.",
  token_issuer_mismatch: "The token's issuer is not the expected one.",
  token_algorithm_not_allowed: 'The token uses an algorithm Liveproof never signs with.',
  token_key_not_found: 'The token was not signed by a key the issuer publishes.',
  jwks_unavailable: 'The issuer’s keys could not be fetched.',
};

const jwksCache = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

function keySet(url: string) {
  let set = jwksCache.get(url);
  if (!set) jwksCache.set(url, (set = createRemoteJWKSet(new URL(url, location.href))));
  return set;
}

export async function verifyForBadge(token: string, trust: BadgeTrust): Promise<BadgeVerdict> {
  try {
    const verified = await verifyLivenessToken(token, {
      issuer: trust.issuer,
      audience: trust.audience,
      jwks: keySet(trust.jwksUrl),
      acceptFailed: true,
      acceptRechecks: true,
      ...(trust.now ? { now: trust.now } : {}),
    });
    const claims = verified.claims as unknown as LivenessTokenClaims;
    return { status: verified.passed ? 'verified' : 'failed', claims };
  } catch (error) {
    if (!isLiveproofError(error)) return { status: 'invalid', why: 'This is not a Liveproof verification token.' };
    // The verifier checks the signature before the lifetime: an expired token was signed by the issuer.
    if (error.code === 'token_expired') return { status: 'expired', claims: decodeJwt(token) as unknown as LivenessTokenClaims };
    if (error.code === 'token_invalid' && /signature/i.test(error.message)) return { status: 'invalid', why: 'The signature does not match the issuer’s keys.' };
    return { status: 'invalid', why: WHY[error.code] ?? 'This is not a Liveproof verification token.' };
  }
}
