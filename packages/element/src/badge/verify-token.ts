/**
 * What the interviewer's badge concludes from a verification token, checked in the browser with
 * jose against the issuer's JWKS: the same rules as `@liveproof/verify` (ES256 only, `typ`
 * `liveproof+jwt`, issuer, audience, lifetime), but every outcome is a state to show rather than
 * an exception.
 */
import { createRemoteJWKSet, decodeJwt, errors, jwtVerify, type JWTPayload } from 'jose';
import { LIVENESS_TOKEN_TYPE, SIGNING_ALG, type LivenessTokenClaims } from '@liveproof/protocol';

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

const jwksCache = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

function keySet(url: string) {
  let set = jwksCache.get(url);
  if (!set) jwksCache.set(url, (set = createRemoteJWKSet(new URL(url, location.href))));
  return set;
}

export async function verifyForBadge(token: string, trust: BadgeTrust): Promise<BadgeVerdict> {
  try {
    const { payload } = await jwtVerify(token, keySet(trust.jwksUrl), {
      algorithms: [SIGNING_ALG],
      typ: LIVENESS_TOKEN_TYPE,
      issuer: trust.issuer,
      audience: trust.audience,
      clockTolerance: 5,
      ...(trust.now ? { currentDate: trust.now } : {}),
    });
    const claims = payload as JWTPayload & LivenessTokenClaims;
    return { status: claims.result === 'pass' ? 'verified' : 'failed', claims };
  } catch (error) {
    // jose checks the signature before the lifetime, so an expired token here was signed by the issuer.
    if (error instanceof errors.JWTExpired) return { status: 'expired', claims: decodeJwt(token) as JWTPayload & LivenessTokenClaims };
    if (error instanceof errors.JWTClaimValidationFailed) return { status: 'invalid', why: `The token's ${error.claim} is not the expected one.` };
    if (error instanceof errors.JWSSignatureVerificationFailed) return { status: 'invalid', why: 'The signature does not match the issuer’s keys.' };
    if (error instanceof errors.JWKSNoMatchingKey) return { status: 'invalid', why: 'The token was not signed by a key the issuer publishes.' };
    if (error instanceof errors.JOSEAlgNotAllowed) return { status: 'invalid', why: 'The token uses an algorithm Liveproof never signs with.' };
    if (error instanceof errors.JWKSTimeout || error instanceof TypeError) return { status: 'invalid', why: 'The issuer’s keys could not be fetched.' };
    return { status: 'invalid', why: 'This is not a Liveproof verification token.' };
  }
}
