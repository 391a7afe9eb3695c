/**
 * Test fixture, not part of the package API: a stand-in Liveproof issuer with a real ES256 key
 * pair that signs real tokens, and a real local HTTP server for its JWKS.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, base64url, exportJWK, generateKeyPair, type CryptoKey, type JSONWebKeySet, type JWK, type JWTHeaderParameters } from 'jose';
import { LIVENESS_TOKEN_TYPE, SIGNING_ALG, type LivenessTokenClaims } from '@liveproof/protocol';

export const NOW = new Date('2025-06-02T09:30:00Z');
export const NOW_SECONDS = Math.floor(NOW.getTime() / 1000);
export const AUDIENCE = 'https://ats.example.com';

export interface TestIssuer {
  issuer: string;
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
  jwks: JSONWebKeySet;
  /** The claims of a passing full check's token issued at NOW, with `overrides` applied. */
  claims(overrides?: Partial<LivenessTokenClaims>): LivenessTokenClaims;
  /** Signs `payload` as a liveness token; `header` and `key` override the defaults. */
  sign(payload?: object, header?: Partial<JWTHeaderParameters>, key?: CryptoKey | Uint8Array): Promise<string>;
}

export async function createTestIssuer(issuer = 'https://liveproof.example.com', kid = 'key-1'): Promise<TestIssuer> {
  const { privateKey, publicKey } = await generateKeyPair(SIGNING_ALG, { extractable: true });
  const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: SIGNING_ALG, use: 'sig' };
  const claims = (overrides: Partial<LivenessTokenClaims> = {}): LivenessTokenClaims => ({
    iss: issuer,
    aud: AUDIENCE,
    sub: 'candidate-8841',
    jti: 'att_01JXPASS',
    iat: NOW_SECONDS,
    exp: NOW_SECONDS + 900,
    sid: 'ses_01JXSESSION',
    interview_ref: 'interview-2207',
    result: 'pass',
    kind: 'check',
    challenges: [
      { id: 'blink', passed: true },
      { id: 'turn_left', passed: true },
    ],
    reasons: [],
    signals: [],
    assurance: 'high',
    thresholds_version: 'v1',
    ...overrides,
  });
  return {
    issuer,
    kid,
    privateKey,
    publicJwk,
    jwks: { keys: [publicJwk] },
    claims,
    sign: (payload = claims(), header = {}, key = privateKey) =>
      new SignJWT({ ...payload }).setProtectedHeader({ alg: SIGNING_ALG, typ: LIVENESS_TOKEN_TYPE, kid, ...header }).sign(key),
  };
}

/** A token with arbitrary header and payload JSON and the given signature segment, as an attacker would write it. */
export function forgeToken(header: Record<string, unknown>, payload: unknown, signature = ''): string {
  const part = (value: unknown) => base64url.encode(typeof value === 'string' ? value : JSON.stringify(value));
  return `${part(header)}.${part(payload)}.${signature}`;
}

export interface JwksServer {
  /** The server's origin, e.g. `http://127.0.0.1:40123`. */
  origin: string;
  /** The JWKS URL, `<origin>/.well-known/jwks.json`. */
  url: string;
  /** How many requests the server has answered. */
  requests(): number;
  close(): Promise<void>;
}

export interface ServeJwksOptions {
  /** Replaces the default behaviour (answering the JWKS at `/.well-known/jwks.json`). */
  handler?: (req: IncomingMessage, res: ServerResponse) => void;
  /** The loopback host to listen on and name in the URLs: `127.0.0.1` (default), `localhost` or `::1`. */
  host?: string;
}

/** Serves `jwks` at `/.well-known/jwks.json` on a free local port. */
export async function serveJwks(jwks: JSONWebKeySet, { handler, host = '127.0.0.1' }: ServeJwksOptions = {}): Promise<JwksServer> {
  let count = 0;
  const server = createServer((req, res) => {
    count += 1;
    if (handler !== undefined) return handler(req, res);
    if (req.url !== '/.well-known/jwks.json') return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/jwk-set+json' }).end(JSON.stringify(jwks));
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    origin,
    url: `${origin}/.well-known/jwks.json`,
    requests: () => count,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
