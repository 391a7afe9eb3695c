/**
 * Turns whatever jose (or a key lookup) throws into a `LiveproofError` with a stable code, keeping
 * the original as `cause`. Anything not recognised fails closed as `token_invalid`.
 */
import { errors } from 'jose';
import { LiveproofError, type ErrorCode } from '@liveproof/protocol';

function fail(code: ErrorCode, message: string, cause: unknown, details?: Record<string, unknown>): LiveproofError {
  return new LiveproofError(code, message, details === undefined ? { cause } : { cause, details });
}

function claimFailure(error: errors.JWTClaimValidationFailed): LiveproofError {
  const details = { claim: error.claim, reason: error.reason };
  const mismatch = error.reason !== 'missing' && error.reason !== 'invalid';
  if (error.claim === 'aud' && mismatch) return fail('token_audience_mismatch', 'The token is meant for another audience.', error, details);
  if (error.claim === 'iss' && mismatch) return fail('token_issuer_mismatch', 'The token was issued by another issuer.', error, details);
  if (error.claim === 'typ') return fail('token_invalid', 'The token is not a Liveproof liveness token (wrong "typ").', error, details);
  if (error.claim === 'nbf' || error.claim === 'iat') {
    return fail('token_invalid', 'The token is not valid yet: it claims to be issued in the future.', error, details);
  }
  return fail('token_invalid', `The token's "${error.claim}" claim is missing or invalid.`, error, details);
}

/** Maps an error thrown while verifying a token to the error callers branch on. */
export function toLiveproofError(error: unknown): LiveproofError {
  if (error instanceof LiveproofError) return error;
  if (error instanceof errors.JWTExpired) {
    const tooOld = error.claim === 'iat';
    return fail('token_expired', tooOld ? 'The token is older than the accepted maximum age.' : 'The token has expired.', error, {
      claim: error.claim,
    });
  }
  if (error instanceof errors.JWTClaimValidationFailed) return claimFailure(error);
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) {
    return fail('token_algorithm_not_allowed', 'The token is not signed with ES256, the only algorithm Liveproof accepts.', error);
  }
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
    return fail('token_key_not_found', "The issuer's key set has no key for this token.", error);
  }
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid || error instanceof errors.JWKInvalid) {
    return fail('jwks_unavailable', "The issuer's key set could not be used.", error);
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return fail('token_invalid', 'The token signature is not valid.', error);
  return fail('token_invalid', 'The token is malformed.', error);
}

/**
 * Whether an error thrown by a key lookup is about the token (no key for its `kid`, an algorithm)
 * rather than about reaching the keys (network, timeout, a broken key set).
 */
export function isTokenKeyError(error: unknown): boolean {
  return (
    error instanceof LiveproofError ||
    error instanceof errors.JWKSNoMatchingKey ||
    error instanceof errors.JWKSMultipleMatchingKeys ||
    error instanceof errors.JOSEAlgNotAllowed ||
    error instanceof errors.JOSENotSupported
  );
}
