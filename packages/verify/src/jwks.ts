/**
 * Where the issuer's public keys come from: a JWKS URL (`https:`, or `http:` on this machine only;
 * fetched by jose, cached per URL for the life of the process, refetched on an unknown `kid` after a
 * cooldown, which is how key rotation reaches a verifier), a JWKS object, or a key lookup function
 * of the caller's own.
 */
import { createLocalJWKSet, createRemoteJWKSet, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import { LiveproofError } from '@liveproof/protocol';
import { isTokenKeyError } from './errors.ts';

/** A JWKS URL, a JWKS object, or a key lookup function. */
export type JwksSource = URL | string | JSONWebKeySet | JWTVerifyGetKey;

const remoteSets = new Map<string, JWTVerifyGetKey>();

/** The hosts a JWKS may be fetched from over plain `http:`: this machine, for development and tests. */
const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Whether keys fetched from `url` can be trusted: an `https:` URL, or an `http:` one on a loopback
 * host. Anyone on the path of a plain `http:` fetch could hand over their own keys and sign any token.
 */
export function isTrustedJwksUrl(url: URL): boolean {
  return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
}

function remote(url: URL): JWTVerifyGetKey {
  let set = remoteSets.get(url.href);
  if (set === undefined) {
    set = createRemoteJWKSet(url);
    remoteSets.set(url.href, set);
  }
  return set;
}

function parseUrl(value: string): URL {
  try {
    const url = new URL(value);
    if (isTrustedJwksUrl(url)) return url;
  } catch {
    // reported below
  }
  const expected = 'an https URL (plain http only on localhost, 127.0.0.1 or [::1]), a JWKS object or a key lookup function';
  throw new TypeError(`jwks must be ${expected}; got ${JSON.stringify(value)}`);
}

function local(jwks: JSONWebKeySet): JWTVerifyGetKey {
  try {
    return createLocalJWKSet(jwks);
  } catch (cause) {
    throw new LiveproofError('jwks_unavailable', 'The JWKS given is not a valid JSON Web Key Set.', { cause });
  }
}

function lookup(source: JwksSource): JWTVerifyGetKey {
  if (typeof source === 'function') return source;
  if (source instanceof URL) return remote(parseUrl(source.href));
  if (typeof source === 'string') return remote(parseUrl(source));
  return local(source);
}

/**
 * The key lookup for `source`. Failures to obtain keys (network, HTTP status, timeout, a malformed
 * key set) become `jwks_unavailable`; failures about the token's own header pass through.
 */
export function keyLookup(source: JwksSource): JWTVerifyGetKey {
  const getKey = lookup(source);
  return async (header, token) => {
    try {
      return await getKey(header, token);
    } catch (cause) {
      if (isTokenKeyError(cause)) throw cause;
      throw new LiveproofError('jwks_unavailable', "The issuer's key set could not be fetched or read.", { cause });
    }
  };
}
