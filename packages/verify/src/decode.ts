/**
 * `decodeLivenessToken`: reads a token WITHOUT verifying it, for display and debugging only.
 * Anyone can write any claims into an unsigned or forged token; never decide on what this returns.
 */
import { decodeJwt, decodeProtectedHeader, type JWTPayload, type ProtectedHeaderParameters } from 'jose';
import { LiveproofError } from '@liveproof/protocol';
import { MAX_TOKEN_LENGTH } from './claims.ts';

/** What a token says about itself. Nothing here is checked: not the signature, issuer, audience or expiry. */
export interface UnverifiedLivenessToken {
  verified: false;
  header: ProtectedHeaderParameters;
  /** The claims as written, untyped beyond the registered ones: an unverified token can hold anything. */
  payload: JWTPayload;
}

/**
 * Decodes a token's header and payload without checking its signature or any claim.
 * UNSAFE for decisions: use `verifyLivenessToken` for anything that matters. Throws `token_invalid`
 * only when the token cannot be decoded at all.
 */
export function decodeLivenessToken(token: string): UnverifiedLivenessToken {
  if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) {
    throw new LiveproofError('token_invalid', 'The token is missing or too long.');
  }
  try {
    return { verified: false, header: decodeProtectedHeader(token), payload: decodeJwt(token) };
  } catch (cause) {
    throw new LiveproofError('token_invalid', 'The token is malformed.', { cause });
  }
}
