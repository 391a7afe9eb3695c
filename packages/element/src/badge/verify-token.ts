/**
 * What the interviewer's badge concludes from a verification token: `@liveproof/verify`'s own
 * rules (ES256 only, `typ` `liveproof+jwt`, issuer, audience, lifetime, the claims' shape), run in
 * the browser against the issuer's JWKS, with each of its stable error codes mapped to a state to
 * show rather than an exception. Failed checks and re-checks are shown, not refused.
 */
import { createRemoteJWKSet, decodeJwt } from 'jose';
import { isLiveproofError, verifyLivenessToken, type ErrorCode } from '@liveproof/verify';
import type { LivenessTokenClaims } from '@liveproof/protocol';
import type { WhyCode } from '../i18n/badge-en.ts';

export type BadgeVerdict =
  | { status: 'verified' | 'failed'; claims: LivenessTokenClaims }
  | { status: 'expired'; claims: LivenessTokenClaims }
  | { status: 'invalid'; why: WhyCode };

export interface BadgeTrust {
  jwksUrl: string;
  issuer: string;
  audience: string;
  /** For tests: the time to check against. */
  now?: Date;
}

/** The verifier's codes the badge explains one by one (in the catalogue's `badge.why`); others are `not_liveproof`. */
const EXPLAINED: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['token_audience_mismatch', 'token_issuer_mismatch', 'token_algorithm_not_allowed', 'token_key_not_found', 'jwks_unavailable']);

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
    if (!isLiveproofError(error)) return { status: 'invalid', why: 'not_liveproof' };
    // The verifier checks the signature before the lifetime: an expired token was signed by the issuer.
    if (error.code === 'token_expired') return { status: 'expired', claims: decodeJwt(token) as unknown as LivenessTokenClaims };
    if (error.code === 'token_invalid' && /signature/i.test(error.message)) return { status: 'invalid', why: 'bad_signature' };
    return { status: 'invalid', why: EXPLAINED.has(error.code) ? (error.code as WhyCode) : 'not_liveproof' };
  }
}
