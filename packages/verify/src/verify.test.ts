/**
 * verifyLivenessToken against real ES256 tokens and a real JWKS server: what it accepts, and the
 * RFC 8725 (JWT BCP) attack suite it must refuse, each refusal checked by its error code.
 */
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT, base64url, errors, exportJWK, exportSPKI, generateKeyPair, importJWK, CompactSign, type CryptoKey } from 'jose';
import { CLIENT_TOKEN_TYPE, LiveproofError, type ErrorCode, type LivenessTokenClaims } from '@liveproof/protocol';
import { AUDIENCE, NOW, NOW_SECONDS, createTestIssuer, forgeToken, serveJwks, type JwksServer, type TestIssuer } from './test-issuer.ts';
import { decodeLivenessToken, verifyLivenessToken, type LivenessClaims, type VerifyOptions } from './index.ts';

let lp: TestIssuer;
let options: VerifyOptions;

beforeAll(async () => {
  lp = await createTestIssuer();
  options = { issuer: lp.issuer, audience: AUDIENCE, jwks: lp.jwks, now: NOW };
});

/** The LiveproofError `promise` rejects with; fails the test if it resolves or rejects otherwise. */
async function rejection(promise: Promise<unknown>): Promise<LiveproofError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(LiveproofError);
  return error as LiveproofError;
}

async function expectCode(promise: Promise<unknown>, code: ErrorCode): Promise<LiveproofError> {
  const error = await rejection(promise);
  expect(error.code, error.message).toBe(code);
  return error;
}

const without = (claims: LivenessTokenClaims, name: string): Record<string, unknown> =>
  Object.fromEntries(Object.entries(claims).filter(([key]) => key !== name));

describe('accepted tokens', () => {
  it('accepts a passing token and returns its typed claims and convenience fields', async () => {
    const issued = lp.claims({ signals: ['virtual_camera_label'] });
    const verified = await verifyLivenessToken(await lp.sign(issued), options);
    const expected: LivenessClaims = { ...issued, kind: 'check' }; // the protocol's claims type fits the verifier's
    expect(verified.claims).toEqual(expected);
    expect(verified).toMatchObject({
      keyId: 'key-1',
      result: 'pass',
      passed: true,
      kind: 'check',
      candidateRef: 'candidate-8841',
      interviewRef: 'interview-2207',
      attemptId: 'att_01JXPASS',
      sessionId: 'ses_01JXSESSION',
      challenges: issued.challenges,
      reasons: [],
      signals: ['virtual_camera_label'],
      thresholdsVersion: 'v1',
    });
    expect(verified.issuedAt.toISOString()).toBe('2025-06-02T09:30:00.000Z');
    expect(verified.expiresAt.toISOString()).toBe('2025-06-02T09:45:00.000Z');
  });

  it("returns what the server saw of the face in a high-assurance token, and refuses a malformed faces claim", async () => {
    const faces = { policy: 'required' as const, frames: 8, checks: ['present', 'pose', 'one_person'] as const, failed: [], continuity: { similarity: 0.31, changed: true } };
    const verified = await verifyLivenessToken(await lp.sign(lp.claims({ kind: 'recheck', faces: { ...faces, checks: [...faces.checks] } })), { ...options, acceptRechecks: true });
    expect(verified.faces).toEqual({ ...faces, checks: [...faces.checks] });
    expect((await verifyLivenessToken(await lp.sign(), options)).faces).toBeNull();
    const broken = await lp.sign({ ...lp.claims(), faces: { policy: 'sometimes', frames: 8, checks: [], failed: [] } } as unknown as LivenessTokenClaims);
    await expectCode(verifyLivenessToken(broken, options), 'token_invalid');
  });

  it('accepts the audience among several the caller answers to', async () => {
    const verified = await verifyLivenessToken(await lp.sign(), { ...options, audience: ['https://other.example', AUDIENCE] });
    expect(verified.passed).toBe(true);
  });

  it('keeps challenge ids and reasons a newer issuer may add', async () => {
    const token = await lp.sign(lp.claims({ challenges: [{ id: 'screen_light' as 'blink', passed: true }] }));
    const verified = await verifyLivenessToken(token, options);
    expect(verified.challenges).toEqual([{ id: 'screen_light', passed: true }]);
  });

  it('accepts a token just past its expiry within the clock tolerance', async () => {
    const now = new Date((NOW_SECONDS + 903) * 1000);
    expect((await verifyLivenessToken(await lp.sign(), { ...options, now })).passed).toBe(true);
  });
});

describe('failed results', () => {
  const failed = () =>
    lp.claims({
      jti: 'att_01JXFAIL',
      result: 'fail',
      challenges: [
        { id: 'blink', passed: true },
        { id: 'smile', passed: false },
      ],
      reasons: ['not_performed'],
    });

  it('rejects a validly signed failed result by default', async () => {
    const error = await expectCode(verifyLivenessToken(await lp.sign(failed()), options), 'liveness_failed');
    expect(error.details).toEqual({ attemptId: 'att_01JXFAIL', reasons: ['not_performed'] });
  });

  it('returns it with acceptFailed', async () => {
    const verified = await verifyLivenessToken(await lp.sign(failed()), { ...options, acceptFailed: true });
    expect(verified).toMatchObject({ result: 'fail', passed: false, reasons: ['not_performed'] });
    expect(verified.challenges[1]).toEqual({ id: 'smile', passed: false });
  });
});

describe('re-checks', () => {
  const recheck = (overrides: Partial<LivenessTokenClaims> = {}) =>
    lp.sign(lp.claims({ jti: 'att_01JXRECHECK', kind: 'recheck', challenges: [{ id: 'turn_left', passed: true }], ...overrides }));

  it("refuses a witnessed re-check's token by default", async () => {
    const error = await expectCode(verifyLivenessToken(await recheck(), options), 'token_kind_not_accepted');
    expect(error.details).toEqual({ claim: 'kind', kind: 'recheck' });
  });

  it('refuses it for its kind even when it failed, so a re-check never reads as a failed check', async () => {
    const token = await recheck({ result: 'fail', reasons: ['not_performed'] });
    await expectCode(verifyLivenessToken(token, { ...options, acceptFailed: true }), 'token_kind_not_accepted');
  });

  it('returns it with acceptRechecks, marked as a re-check', async () => {
    const verified = await verifyLivenessToken(await recheck(), { ...options, acceptRechecks: true });
    expect(verified).toMatchObject({ kind: 'recheck', passed: true, attemptId: 'att_01JXRECHECK' });
    expect(verified.claims.kind).toBe('recheck');
  });

  it('still accepts a full check with acceptRechecks', async () => {
    const verified = await verifyLivenessToken(await lp.sign(), { ...options, acceptRechecks: true });
    expect(verified.kind).toBe('check');
  });

  it('reads a token without kind, issued before the claim existed, as a full check', async () => {
    const verified = await verifyLivenessToken(await lp.sign(without(lp.claims(), 'kind')), options);
    expect(verified).toMatchObject({ kind: 'check', passed: true });
    expect(verified.claims.kind).toBe('check');
  });
});

describe('the session, candidate and interview the caller expects', () => {
  const expected = { sessionId: 'ses_01JXSESSION', candidateRef: 'candidate-8841', interviewRef: 'interview-2207' };

  it('accepts a token for the expected session, candidate and interview', async () => {
    const verified = await verifyLivenessToken(await lp.sign(), { ...options, ...expected });
    expect(verified).toMatchObject({ passed: true, ...expected });
  });

  it.each<[keyof typeof expected, keyof LivenessTokenClaims, string]>([
    ['sessionId', 'sid', 'ses_01JXOTHER'],
    ['candidateRef', 'sub', 'candidate-1234'],
    ['interviewRef', 'interview_ref', 'interview-9999'],
  ])('refuses a token whose %s differs (%s)', async (option, claim, value) => {
    const token = await lp.sign(lp.claims({ [claim]: value }));
    const error = await expectCode(verifyLivenessToken(token, { ...options, ...expected }), 'token_claim_mismatch');
    expect(error.details).toEqual({ claim });
    // The same token passes for a caller that expects what it says.
    expect((await verifyLivenessToken(token, { ...options, ...expected, [option]: value })).passed).toBe(true);
  });

  it("refuses another candidate's failed result as a mismatch, not as this candidate's failure", async () => {
    const token = await lp.sign(lp.claims({ sub: 'candidate-1234', result: 'fail', reasons: ['not_performed'] }));
    const error = await expectCode(verifyLivenessToken(token, { ...options, candidateRef: 'candidate-8841' }), 'token_claim_mismatch');
    expect(error.details).toEqual({ claim: 'sub' });
  });
});

describe('audience, issuer and time', () => {
  it('rejects a token for another audience', async () => {
    const token = await lp.sign(lp.claims({ aud: 'https://other-ats.example' }));
    const error = await expectCode(verifyLivenessToken(token, options), 'token_audience_mismatch');
    expect(error.cause).toBeInstanceOf(errors.JWTClaimValidationFailed);
  });

  it('rejects a token from another issuer, even one signed with the same key', async () => {
    const token = await lp.sign(lp.claims({ iss: 'https://evil.example' }));
    await expectCode(verifyLivenessToken(token, options), 'token_issuer_mismatch');
  });

  it('rejects an expired token', async () => {
    const now = new Date((NOW_SECONDS + 906) * 1000);
    const error = await expectCode(verifyLivenessToken(await lp.sign(), { ...options, now }), 'token_expired');
    expect(error.cause).toBeInstanceOf(errors.JWTExpired);
  });

  it('rejects a token at its expiry with no clock tolerance', async () => {
    const now = new Date((NOW_SECONDS + 900) * 1000);
    await expectCode(verifyLivenessToken(await lp.sign(), { ...options, now, clockToleranceSeconds: 0 }), 'token_expired');
  });

  it('rejects a token older than maxAgeSeconds', async () => {
    const token = await lp.sign(lp.claims({ iat: NOW_SECONDS - 600, exp: NOW_SECONDS + 3600 }));
    await expectCode(verifyLivenessToken(token, { ...options, maxAgeSeconds: 300 }), 'token_expired');
    expect((await verifyLivenessToken(token, { ...options, maxAgeSeconds: 900 })).passed).toBe(true);
  });

  it('rejects a token issued in the future, with or without maxAgeSeconds', async () => {
    const token = await lp.sign(lp.claims({ iat: NOW_SECONDS + 3600, exp: NOW_SECONDS + 7200 }));
    for (const maxAgeSeconds of [undefined, 900]) {
      const error = await expectCode(verifyLivenessToken(token, { ...options, maxAgeSeconds }), 'token_invalid');
      expect(error.details).toMatchObject({ claim: 'iat' });
    }
  });

  it('tolerates an issuer clock a few seconds ahead', async () => {
    const token = await lp.sign(lp.claims({ iat: NOW_SECONDS + 3 }));
    expect((await verifyLivenessToken(token, options)).passed).toBe(true);
  });

  it('rejects a token that is not valid before a future nbf', async () => {
    const token = await lp.sign({ ...lp.claims(), nbf: NOW_SECONDS + 600 });
    const error = await expectCode(verifyLivenessToken(token, options), 'token_invalid');
    expect(error.details).toMatchObject({ claim: 'nbf' });
  });
});

describe('algorithm attacks', () => {
  it.each(['none', 'None', 'NONE'])('rejects an unsigned token with alg %s', async (alg) => {
    const token = forgeToken({ alg, typ: 'liveproof+jwt', kid: 'key-1' }, lp.claims());
    await expectCode(verifyLivenessToken(token, options), 'token_algorithm_not_allowed');
  });

  it('rejects an HS256 token keyed with the public JWK (key confusion)', async () => {
    const secret = new TextEncoder().encode(JSON.stringify(lp.publicJwk));
    const token = await lp.sign(lp.claims(), { alg: 'HS256' }, secret);
    await expectCode(verifyLivenessToken(token, options), 'token_algorithm_not_allowed');
  });

  it('rejects an HS256 token keyed with the public key PEM (key confusion)', async () => {
    const publicKey = (await importJWK(lp.publicJwk, 'ES256')) as CryptoKey;
    const secret = new TextEncoder().encode(await exportSPKI(publicKey));
    const token = await lp.sign(lp.claims(), { alg: 'HS256' }, secret);
    await expectCode(verifyLivenessToken(token, options), 'token_algorithm_not_allowed');
  });

  it('rejects an HS256 token even when the key set publishes a symmetric key', async () => {
    const secret = crypto.getRandomValues(new Uint8Array(32));
    const oct = { ...(await exportJWK(secret)), kid: 'key-1' };
    const token = await lp.sign(lp.claims(), { alg: 'HS256' }, secret);
    await expectCode(verifyLivenessToken(token, { ...options, jwks: { keys: [oct] } }), 'token_algorithm_not_allowed');
  });

  it('rejects a token signed with another EC algorithm', async () => {
    const other = await generateKeyPair('ES384');
    const token = await lp.sign(lp.claims(), { alg: 'ES384' }, other.privateKey);
    await expectCode(verifyLivenessToken(token, options), 'token_algorithm_not_allowed');
  });
});

describe('key attacks', () => {
  it('rejects a token signed by another EC key under the same kid', async () => {
    const attacker = await generateKeyPair('ES256');
    const token = await lp.sign(lp.claims(), {}, attacker.privateKey);
    const error = await expectCode(verifyLivenessToken(token, options), 'token_invalid');
    expect(error.cause).toBeInstanceOf(errors.JWSSignatureVerificationFailed);
  });

  it('ignores a key embedded in the header (jwk)', async () => {
    const attacker = await generateKeyPair('ES256');
    const jwk = await exportJWK(attacker.publicKey);
    const token = await lp.sign(lp.claims(), { jwk }, attacker.privateKey);
    const error = await expectCode(verifyLivenessToken(token, options), 'token_invalid');
    expect(error.cause).toBeInstanceOf(errors.JWSSignatureVerificationFailed);
  });

  it('never fetches a key set named in the header (jku)', async () => {
    const attacker = await generateKeyPair('ES256');
    const attackerJwks = await serveJwks({ keys: [{ ...(await exportJWK(attacker.publicKey)), kid: 'key-1' }] });
    try {
      const token = await lp.sign(lp.claims(), { jku: attackerJwks.url }, attacker.privateKey);
      const error = await expectCode(verifyLivenessToken(token, options), 'token_invalid');
      expect(error.cause).toBeInstanceOf(errors.JWSSignatureVerificationFailed);
      expect(attackerJwks.requests()).toBe(0);
    } finally {
      await attackerJwks.close();
    }
  });

  it('rejects an unknown kid', async () => {
    const token = await lp.sign(lp.claims(), { kid: 'key-unknown' });
    const error = await expectCode(verifyLivenessToken(token, options), 'token_key_not_found');
    expect(error.cause).toBeInstanceOf(errors.JWKSNoMatchingKey);
  });

  it('rejects a token with critical header extensions', async () => {
    const token = await new SignJWT({ ...lp.claims() })
      .setProtectedHeader({ alg: 'ES256', typ: 'liveproof+jwt', kid: 'key-1', crit: ['x-liveproof'], 'x-liveproof': 1 })
      .sign(lp.privateKey, { crit: { 'x-liveproof': true } });
    const error = await expectCode(verifyLivenessToken(token, options), 'token_invalid');
    expect(error.details).toEqual({ header: 'crit' });
  });
});

describe('tampering and token type', () => {
  it('rejects a failed result rewritten to pass (payload tampered, signature kept)', async () => {
    const [header, , signature] = (await lp.sign(lp.claims({ result: 'fail', reasons: ['not_performed'] }))).split('.');
    const forged = forgeToken(JSON.parse(atob(header ?? '')) as Record<string, unknown>, lp.claims(), signature);
    const error = await expectCode(verifyLivenessToken(forged, options), 'token_invalid');
    expect(error.cause).toBeInstanceOf(errors.JWSSignatureVerificationFailed);
  });

  it("rejects Liveproof's own session client token (typ liveproof-client+jwt)", async () => {
    const token = await lp.sign(lp.claims(), { typ: CLIENT_TOKEN_TYPE });
    const error = await expectCode(verifyLivenessToken(token, options), 'token_invalid');
    expect(error.details).toMatchObject({ claim: 'typ' });
  });

  it.each([['JWT'], ['at+jwt'], [undefined]])('rejects typ %s', async (typ) => {
    const token = await lp.sign(lp.claims(), { typ });
    const error = await expectCode(verifyLivenessToken(token, options), 'token_invalid');
    expect(error.details).toMatchObject({ claim: 'typ' });
  });
});

describe('claims shape', () => {
  it.each([
    'iss',
    'aud',
    'sub',
    'jti',
    'iat',
    'exp',
    'sid',
    'result',
    'challenges',
    'reasons',
    'signals',
    'thresholds_version',
  ])('rejects a token without %s', async (claim) => {
    const token = await lp.sign(without(lp.claims(), claim));
    const error = await expectCode(verifyLivenessToken(token, options), 'token_invalid');
    expect(error.details).toMatchObject({ claim });
  });

  it('accepts a token without interview_ref (a check outside any interview), and refuses an empty one', async () => {
    const verified = await verifyLivenessToken(await lp.sign(without(lp.claims(), 'interview_ref')), options);
    expect(verified.interviewRef).toBeNull();
    const error = await expectCode(verifyLivenessToken(await lp.sign({ ...lp.claims(), interview_ref: '' }), options), 'token_invalid');
    expect(error.details).toMatchObject({ claim: 'interview_ref' });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['result neither pass nor fail', { result: 'maybe' }, 'result'],
    ['result as a boolean', { result: true }, 'result'],
    ['challenges not a list', { challenges: 'blink' }, 'challenges'],
    ['a challenge without passed', { challenges: [{ id: 'blink' }] }, 'challenges'],
    ['a challenge with a numeric id', { challenges: [{ id: 1, passed: true }] }, 'challenges'],
    ['reasons holding a number', { reasons: [3] }, 'reasons'],
    ['signals as an object', { signals: { vpn: true } }, 'signals'],
    ['an empty sub', { sub: '' }, 'sub'],
    ['a numeric sub', { sub: 8841 }, 'sub'],
    ['aud as a list', { aud: [AUDIENCE] }, 'aud'],
    ['iat as a string', { iat: String(NOW_SECONDS) }, 'iat'],
    ['exp before iat', { exp: NOW_SECONDS - 1, iat: NOW_SECONDS }, 'exp'],
    ['kind neither check nor recheck', { kind: 'interview' }, 'kind'],
    ['kind as null', { kind: null }, 'kind'],
    ['kind in another case', { kind: 'Recheck' }, 'kind'],
  ])('rejects %s', async (_label, change, claim) => {
    const token = await lp.sign({ ...lp.claims(), ...change });
    const error = await expectCode(verifyLivenessToken(token, { ...options, acceptFailed: true }), 'token_invalid');
    expect(error.details).toMatchObject({ claim });
  });
});

describe('malformed tokens', () => {
  it.each([
    ['empty', ''],
    ['one segment', 'abc'],
    ['two segments', 'abc.def'],
    ['empty segments', '..'],
    ['four segments', 'a.b.c.d'],
    ['not base64url', '!!!.@@@.###'],
    ['header not JSON', `${base64url.encode('nope')}.e30.sig`],
    ['longer than any real token', `${'a'.repeat(20_000)}.b.c`],
  ])('rejects %s', async (_label, token) => {
    await expectCode(verifyLivenessToken(token, options), 'token_invalid');
  });

  it('rejects a validly signed payload that is not JSON', async () => {
    const token = await new CompactSign(new TextEncoder().encode('not json'))
      .setProtectedHeader({ alg: 'ES256', typ: 'liveproof+jwt', kid: 'key-1' })
      .sign(lp.privateKey);
    await expectCode(verifyLivenessToken(token, options), 'token_invalid');
  });

  it('rejects a token that is not a string', async () => {
    await expectCode(verifyLivenessToken(undefined as unknown as string, options), 'token_invalid');
  });
});

describe('remote JWKS over HTTP', () => {
  let server: JwksServer;
  beforeAll(async () => {
    server = await serveJwks(lp.jwks);
  });
  afterAll(() => server.close());

  it('verifies against a JWKS URL and caches the key set per URL', async () => {
    const before = server.requests();
    const token = await lp.sign();
    expect((await verifyLivenessToken(token, { ...options, jwks: server.url })).passed).toBe(true);
    expect((await verifyLivenessToken(token, { ...options, jwks: new URL(server.url) })).passed).toBe(true);
    expect(server.requests() - before).toBe(1);
  });

  it('reports an unknown kid as token_key_not_found', async () => {
    const token = await lp.sign(lp.claims(), { kid: 'key-2' });
    await expectCode(verifyLivenessToken(token, { ...options, jwks: server.url }), 'token_key_not_found');
  });

  it('reports a JWKS server that is down as jwks_unavailable, retryable', async () => {
    const down = await serveJwks(lp.jwks);
    await down.close();
    const error = await expectCode(verifyLivenessToken(await lp.sign(), { ...options, jwks: down.url }), 'jwks_unavailable');
    expect(error.retryable).toBe(true);
  });

  it('reports a JWKS server error as jwks_unavailable', async () => {
    const failing = await serveJwks(lp.jwks, { handler: (_req, res) => void res.writeHead(503).end('busy') });
    try {
      await expectCode(verifyLivenessToken(await lp.sign(), { ...options, jwks: failing.url }), 'jwks_unavailable');
      expect(failing.requests()).toBe(1);
    } finally {
      await failing.close();
    }
  });

  it('reports a JWKS that is not JSON as jwks_unavailable', async () => {
    const handler = (_req: unknown, res: ServerResponse) => void res.writeHead(200, { 'content-type': 'application/json' }).end('<html>');
    const broken = await serveJwks(lp.jwks, { handler });
    try {
      await expectCode(verifyLivenessToken(await lp.sign(), { ...options, jwks: broken.url }), 'jwks_unavailable');
    } finally {
      await broken.close();
    }
  });

  it('verifies against a JWKS served over plain http on localhost', async () => {
    const local = await serveJwks(lp.jwks, { host: 'localhost' });
    try {
      expect(local.url).toMatch(/^http:\/\/localhost:\d+\//);
      expect((await verifyLivenessToken(await lp.sign(), { ...options, jwks: local.url })).passed).toBe(true);
      expect(local.requests()).toBe(1);
    } finally {
      await local.close();
    }
  });

  it.each(['http://localhost:8787/jwks.json', 'http://127.0.0.1/jwks.json', 'http://[::1]:8787/jwks.json', 'http://LOCALHOST/jwks'])(
    'takes the loopback http URL %s as a JWKS source',
    async (jwks) => {
      // Refused on its header before any fetch: what matters is that the URL was not a TypeError.
      const token = forgeToken({ alg: 'none', typ: 'liveproof+jwt' }, lp.claims());
      await expectCode(verifyLivenessToken(token, { ...options, jwks }), 'token_algorithm_not_allowed');
    },
  );

  it('does not fetch keys for a token refused on its header', async () => {
    const watched = await serveJwks(lp.jwks);
    try {
      const token = forgeToken({ alg: 'none', typ: 'liveproof+jwt' }, lp.claims());
      await expectCode(verifyLivenessToken(token, { ...options, jwks: watched.url }), 'token_algorithm_not_allowed');
      expect(watched.requests()).toBe(0);
    } finally {
      await watched.close();
    }
  });
});

describe('key lookup functions and options', () => {
  it('maps a key lookup timeout to jwks_unavailable', async () => {
    const jwks = () => Promise.reject(new errors.JWKSTimeout());
    const error = await expectCode(verifyLivenessToken(await lp.sign(), { ...options, jwks }), 'jwks_unavailable');
    expect(error.cause).toBeInstanceOf(errors.JWKSTimeout);
  });

  it('maps a failing fetch in a key lookup to jwks_unavailable', async () => {
    const jwks = () => Promise.reject(new TypeError('fetch failed'));
    await expectCode(verifyLivenessToken(await lp.sign(), { ...options, jwks }), 'jwks_unavailable');
  });

  it('uses the key a lookup function returns', async () => {
    const jwks = () => importJWK(lp.publicJwk, 'ES256');
    expect((await verifyLivenessToken(await lp.sign(), { ...options, jwks })).passed).toBe(true);
  });

  it('reports a JWKS object that is not a key set as jwks_unavailable', async () => {
    const jwks = { keys: 'none' } as unknown as VerifyOptions['jwks'];
    await expectCode(verifyLivenessToken(await lp.sign(), { ...options, jwks }), 'jwks_unavailable');
  });

  it.each<[string, Partial<VerifyOptions>]>([
    ['an empty issuer', { issuer: '' }],
    ['an empty audience list', { audience: [] }],
    ['a negative clock tolerance', { clockToleranceSeconds: -1 }],
    ['a zero maxAgeSeconds', { maxAgeSeconds: 0 }],
    ['an invalid date', { now: new Date(Number.NaN) }],
    ['a JWKS URL that is not http(s)', { jwks: 'file:///etc/jwks.json' }],
    ['a plain http JWKS URL on another host', { jwks: 'http://liveproof.example.com/.well-known/jwks.json' }],
    ['a plain http JWKS URL object on another host', { jwks: new URL('http://liveproof.example.com/.well-known/jwks.json') }],
    ['a plain http JWKS URL on a private address', { jwks: 'http://10.0.0.5/.well-known/jwks.json' }],
    ['a plain http JWKS URL on a host named like localhost', { jwks: 'http://localhost.evil.example/.well-known/jwks.json' }],
    ['a plain http JWKS URL with localhost as its user name', { jwks: 'http://localhost@evil.example/.well-known/jwks.json' }],
    ['an empty candidateRef', { candidateRef: '' }],
    ['a sessionId that is not a string', { sessionId: 42 as unknown as string }],
    ['no jwks', { jwks: undefined as unknown as VerifyOptions['jwks'] }],
  ])('throws a TypeError for %s', async (_label, change) => {
    await expect(verifyLivenessToken(await lp.sign(), { ...options, ...change })).rejects.toBeInstanceOf(TypeError);
  });
});

describe('decodeLivenessToken', () => {
  it('decodes without verifying, and says so', async () => {
    const decoded = decodeLivenessToken(await lp.sign());
    expect(decoded).toMatchObject({ verified: false, header: { alg: 'ES256', typ: 'liveproof+jwt', kid: 'key-1' } });
    expect(decoded.payload['sub']).toBe('candidate-8841');
  });

  it('decodes even a forged token: its output is not evidence of anything', () => {
    const decoded = decodeLivenessToken(forgeToken({ alg: 'none' }, lp.claims({ sub: 'impostor' })));
    expect(decoded.payload['sub']).toBe('impostor');
  });

  it('throws token_invalid on a token it cannot decode', () => {
    expect(() => decodeLivenessToken('not-a-token')).toThrowError(expect.objectContaining({ code: 'token_invalid' }));
  });
});
