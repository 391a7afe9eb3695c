/**
 * The API through `app.request()` with a frozen clock: the whole session → attempt → result flow,
 * and every kind of bad input, each answered with its stable code and left on record.
 */
import { describe, expect, it } from 'vitest';
import { SignJWT, generateKeyPair, decodeJwt, decodeProtectedHeader } from 'jose';
import { verifyLivenessToken } from '@liveproof/verify';
import type { SessionView, StartAttemptResponse } from '@liveproof/protocol';
import { createIpIntel } from './network/ip-lists.ts';
import { createIntegration } from './domain/integrations.ts';
import { createHarness, neutralTrace, type Harness } from './testing/harness.ts';

async function startedAttempt(h: Harness, sessionExtra: Record<string, unknown> = {}) {
  const session = await h.createSession(sessionExtra);
  const page = await h.page(session.clientToken);
  const start = await page.start(session.id);
  expect(start.status).toBe(201);
  return { session, page, start: start.json };
}

async function sessionWithAttempts(h: Harness, id: string): Promise<SessionView> {
  const { json } = await h.api('GET', `/v1/sessions/${id}`, undefined, { authorization: `Bearer ${h.apiKey}` });
  return json as unknown as SessionView;
}

describe('hiring-system endpoints', () => {
  it('creates a session with a client token scoped to it', async () => {
    const h = await createHarness();
    const session = await h.createSession({ attemptLimit: 2 });
    expect(session).toMatchObject({ candidateRef: 'cand-1', interviewRef: 'int-1', audience: 'ats-test', status: 'open', attemptLimit: 2, attemptsUsed: 0 });
    const claims = decodeJwt(session.clientToken);
    expect(claims.sub).toBe(session.id);
    expect(decodeProtectedHeader(session.clientToken).typ).toBe('liveproof-client+jwt');
    expect(claims.exp! - claims.iat!).toBe(15 * 60);
  });

  it('runs a check outside any interview (an employee on the company laptop): no interview anywhere, nothing missing', async () => {
    const h = await createHarness();
    const created = await h.api('POST', '/v1/sessions', { candidateRef: 'employee-7', audience: 'ats-test' }, { authorization: `Bearer ${h.apiKey}` });
    expect([created.status, created.json.interviewRef]).toEqual([201, null]);
    const session = created.json as unknown as { id: string; clientToken: string };
    const page = await h.page(session.clientToken);
    const start = (await page.start(session.id)).json;
    h.clock.advance(7000);
    const { json } = await page.submit(start.attemptId, await page.sign(page.payload(start, neutralTrace(start.plan.challenges))));
    // A still trace fails; a pass outside any interview runs in real Chromium (apps/server/test/device.test.ts).
    expect(json.result).toBe('fail');
    expect(decodeJwt(json.token)).not.toHaveProperty('interview_ref');
    const jwks = (await h.api('GET', '/.well-known/jwks.json')).json as unknown as { keys: [] };
    const options = { issuer: 'https://liveproof.test', audience: 'ats-test', jwks, now: new Date(h.clock.now()), acceptFailed: true };
    const verified = await verifyLivenessToken(json.token, options);
    expect([verified.candidateRef, verified.interviewRef]).toEqual(['employee-7', null]);
    // A hiring system that expects an interview is told this token is for none.
    await expect(verifyLivenessToken(json.token, { ...options, interviewRef: 'int-1' })).rejects.toMatchObject({ code: 'token_claim_mismatch' });
    const view = await h.api('GET', `/v1/sessions/${session.id}`, undefined, { authorization: `Bearer ${h.apiKey}` });
    expect(view.json).toMatchObject({ interviewRef: null });
  });

  it('refuses missing and wrong API keys', async () => {
    const h = await createHarness();
    const body = { candidateRef: 'c', interviewRef: 'i', audience: 'a' };
    expect((await h.api('POST', '/v1/sessions', body)).json.error?.code).toBe('unauthorized');
    const wrong = await h.api('POST', '/v1/sessions', body, { authorization: 'Bearer lp_not-a-key' });
    expect(wrong.status).toBe(401);
    expect(wrong.json.error?.code).toBe('unauthorized');
  });

  it('answers malformed, incomplete and oversized bodies with invalid_request and body_too_large', async () => {
    const h = await createHarness({ maxBodyBytes: 2000 });
    const auth = { authorization: `Bearer ${h.apiKey}` };
    const malformed = await h.api('POST', '/v1/sessions', '{"candidateRef": ', auth);
    expect([malformed.status, malformed.json.error?.code]).toEqual([400, 'invalid_request']);
    const incomplete = await h.api('POST', '/v1/sessions', { candidateRef: 'c' }, auth);
    expect([incomplete.status, incomplete.json.error?.code]).toEqual([400, 'invalid_request']);
    const issues = (incomplete.json.error?.details as { issues: { path: string }[] }).issues.map((i) => i.path);
    expect(issues).toEqual(['audience']);
    const unknownField = await h.api('POST', '/v1/sessions', { candidateRef: 'c', interviewRef: 'i', audience: 'a', admin: true }, auth);
    expect(unknownField.json.error?.code).toBe('invalid_request');
    const oversized = await h.api('POST', '/v1/sessions', { candidateRef: 'c'.repeat(5000), interviewRef: 'i', audience: 'a' }, auth);
    expect([oversized.status, oversized.json.error?.code]).toEqual([413, 'body_too_large']);
  });

  it('reports unknown sessions, and other integrations’ sessions, as session_not_found', async () => {
    const h = await createHarness();
    const auth = { authorization: `Bearer ${h.apiKey}` };
    const unknown = await h.api('GET', '/v1/sessions/ses_nope', undefined, auth);
    expect([unknown.status, unknown.json.error?.code]).toEqual([404, 'session_not_found']);
    const session = await h.createSession();
    const other = await createIntegration(h.store, { name: 'Other ATS', audiences: ['other-ats'] });
    const foreign = await h.api('GET', `/v1/sessions/${session.id}`, undefined, { authorization: `Bearer ${other.apiKey}` });
    expect(foreign.json.error?.code).toBe('session_not_found');
  });

  it('refuses an audience the integration is not registered for, so it cannot mint tokens for another verifier', async () => {
    const h = await createHarness();
    const { status, json } = await h.api(
      'POST',
      '/v1/sessions',
      { candidateRef: 'c', interviewRef: 'i', audience: 'someone-elses-ats' },
      { authorization: `Bearer ${h.apiKey}` },
    );
    expect([status, json.error?.code]).toEqual([403, 'audience_not_allowed']);
    expect(json.error?.details).toEqual({ allowed: ['ats-test'] });
  });

  it('answers unknown paths with not_found', async () => {
    const h = await createHarness();
    const { status, json } = await h.api('GET', '/v1/nothing-here');
    expect([status, json.error?.code]).toEqual([404, 'not_found']);
  });
});

describe('abuse', () => {
  it('limits requests per address before it looks at credentials', async () => {
    const h = await createHarness({ rateLimit: { windowMs: 60_000, page: 2, viewer: 2, hiring: 2, admin: 2 } });
    const guess = () => h.api('POST', '/v1/sessions', { candidateRef: 'c', interviewRef: 'i', audience: 'ats-test' }, { authorization: 'Bearer lp_guess' });
    expect((await guess()).status).toBe(401);
    expect((await guess()).status).toBe(401);
    const third = await guess();
    expect([third.status, third.json.error?.code]).toEqual([429, 'rate_limited']);
    // The client is told when to come back.
    const retry = await h.app.request('/v1/sessions', { method: 'POST', headers: { authorization: 'Bearer lp_guess' } });
    expect(Number(retry.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('behind a proxy, records the address the proxy saw, not one the client made up', async () => {
    const h = await createHarness({ trustProxy: true });
    const session = await h.createSession();
    const page = await h.page(session.clientToken);
    await h.api('POST', `/v1/sessions/${session.id}/attempts`, { publicKey: page.publicJwk }, {
      authorization: `Bearer ${session.clientToken}`,
      'x-forwarded-for': '10.9.8.7, 198.51.100.23',
    });
    const attempts = await h.store.listAttempts(session.id);
    expect(attempts[0]!.ip).toBe('198.51.100.23');
  });

  it('counts refusals nobody can be held to, and audits those of a valid credential against their session', async () => {
    const h = await createHarness();
    for (let i = 0; i < 50; i++) {
      expect((await h.api('GET', `/v1/sessions/ses_probe${i}`)).json.error?.code).toBe('unauthorized');
      expect((await h.api('POST', `/v1/attempts/att_someone${i}/result`, { result: 'a.b.c' })).json.error?.code).toBe('attempt_not_found');
    }
    // Not a row each: one count per window, group and code.
    expect(await h.store.listEvents({})).toEqual([]);
    await h.deps.refusals.flush();
    const counts = await h.store.listRefusalCounts(0);
    expect(counts.map((c) => [c.route, c.code, c.count])).toEqual(expect.arrayContaining([
      ['hiring', 'unauthorized', 50],
      ['page', 'attempt_not_found', 50],
    ]));
    // With the hiring system's own key, a refusal about one of its sessions is on record.
    const session = await h.createSession();
    await h.api('POST', `/v1/sessions/${session.id}/viewer-tokens`, { ttlSeconds: 1 }, { authorization: `Bearer ${h.apiKey}` });
    const events = await h.store.listEvents({ sessionId: session.id });
    expect(events.at(-1)).toMatchObject({ type: 'request_refused', code: 'invalid_request', ip: '203.0.113.7', integrationId: h.integrationId });
  });

  it('refuses control characters in ids and text instead of failing on them', async () => {
    const h = await createHarness();
    const auth = { authorization: `Bearer ${h.apiKey}` };
    const nul = await h.api('POST', '/v1/sessions', { candidateRef: 'a\u0000b', interviewRef: 'i', audience: 'ats-test' }, auth);
    expect([nul.status, nul.json.error?.code]).toEqual([400, 'invalid_request']);
    const path = await h.api('GET', '/v1/sessions/ses_%00x', undefined, auth);
    expect([path.status, path.json.error?.code]).toEqual([400, 'invalid_request']);
  });
});

describe('client tokens', () => {
  it('refuses missing, tampered, expired and wrongly typed tokens', async () => {
    const h = await createHarness();
    const session = await h.createSession();
    const page = await h.page(session.clientToken);
    const body = { publicKey: page.publicJwk };
    const path = `/v1/sessions/${session.id}/attempts`;

    expect((await h.api('POST', path, body)).json.error?.code).toBe('unauthorized');

    const [header, payload, signature] = session.clientToken.split('.');
    const forged = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    forged.sub = 'ses_other';
    const tampered = `${header}.${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${signature}`;
    expect((await h.api('POST', path, body, { authorization: `Bearer ${tampered}` })).json.error?.code).toBe('unauthorized');

    // Signed by a key that is not the server's, with the server's kid.
    const attacker = await generateKeyPair('ES256');
    const { kid } = decodeProtectedHeader(session.clientToken);
    const impostor = await new SignJWT({ sub: session.id, aud: 'liveproof:client', iss: 'https://liveproof.test' })
      .setProtectedHeader({ alg: 'ES256', kid: kid!, typ: 'liveproof-client+jwt' })
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(attacker.privateKey);
    expect((await h.api('POST', path, body, { authorization: `Bearer ${impostor}` })).json.error?.code).toBe('unauthorized');

    h.clock.advance(16 * 60 * 1000);
    const expired = await h.api('POST', path, body, { authorization: `Bearer ${session.clientToken}` });
    expect([expired.status, expired.json.error?.code, expired.json.error?.details]).toEqual([401, 'unauthorized', { reason: 'expired' }]);
  });

  it('does not accept a verification token as a client token', async () => {
    const h = await createHarness();
    const { session, page, start } = await startedAttempt(h);
    h.clock.advance(7000);
    const result = await page.submit(start.attemptId, await page.sign(page.payload(start, neutralTrace(start.plan.challenges))));
    expect(result.status).toBe(200);
    const reuse = await h.api('POST', `/v1/sessions/${session.id}/attempts`, { publicKey: page.publicJwk }, { authorization: `Bearer ${result.json.token}` });
    expect(reuse.json.error?.code).toBe('unauthorized');
  });

  it('cannot reach another session with its own token', async () => {
    const h = await createHarness();
    const mine = await h.createSession();
    const theirs = await h.createSession();
    const page = await h.page(mine.clientToken);
    const { status, json } = await page.start(theirs.id);
    expect([status, json.error?.code]).toEqual([404, 'session_not_found']);
  });

  it('mints a fresh client token for the page', async () => {
    const h = await createHarness();
    const session = await h.createSession();
    h.clock.advance(20 * 60 * 1000);
    const { status, json } = await h.api('POST', `/v1/sessions/${session.id}/client-tokens`, undefined, { authorization: `Bearer ${h.apiKey}` });
    expect(status).toBe(201);
    const page = await h.page(json.clientToken as string);
    expect((await page.start(session.id)).status).toBe(201);
  });
});

describe('starting attempts', () => {
  it('returns a signed plan of distinct challenges from the catalogue', async () => {
    const h = await createHarness();
    const { start, session } = await startedAttempt(h);
    expect(start.plan.challenges).toHaveLength(3);
    expect(new Set(start.plan.challenges).size).toBe(3);
    expect(start.attemptsRemaining).toBe(2);
    const header = decodeProtectedHeader(start.planToken);
    const claims = decodeJwt(start.planToken);
    expect(header.typ).toBe('liveproof-plan+jwt');
    expect(claims).toMatchObject({ sub: start.attemptId, sid: session.id, nonce: start.plan.nonce, challenges: start.plan.challenges });
  });

  it('draws different plans across attempts', async () => {
    const h = await createHarness({ defaultAttemptLimit: 10 });
    const session = await h.createSession({ attemptLimit: 10 });
    const page = await h.page(session.clientToken);
    const plans = new Set<string>();
    for (let i = 0; i < 10; i++) plans.add((await page.start(session.id)).json.plan.challenges.join(','));
    expect(plans.size).toBeGreaterThan(5);
  });

  it('draws one profile turn, on a random side, into every plan of an integration that asks for it, under its thresholds version', async () => {
    const h = await createHarness({ defaultAttemptLimit: 10 }, { integration: { profileTurn: 'on' } });
    const session = await h.createSession({ attemptLimit: 10 });
    const page = await h.page(session.clientToken);
    const sides = new Set<string>();
    for (let i = 0; i < 10; i++) {
      const start = (await page.start(session.id)).json as unknown as StartAttemptResponse;
      const profile = start.plan.challenges.filter((c) => c === 'profile_left' || c === 'profile_right');
      expect(profile, start.plan.challenges.join(',')).toHaveLength(1);
      sides.add(profile[0]!);
      expect(decodeJwt(start.planToken)).toMatchObject({ thresholds: '2026-12.1', challenges: start.plan.challenges });
    }
    expect(sides).toEqual(new Set(['profile_left', 'profile_right']));
    // Off by default: the ordinary catalogue only.
    const plain = await createHarness();
    const { start } = await startedAttempt(plain);
    expect(start.plan.challenges.some((c) => c.startsWith('profile_'))).toBe(false);
  });

  it('refuses invalid keys, expired sessions and attempts past the limit', async () => {
    const h = await createHarness();
    const session = await h.createSession({ attemptLimit: 2, expiresInSeconds: 600 });
    const auth = { authorization: `Bearer ${session.clientToken}` };
    const path = `/v1/sessions/${session.id}/attempts`;
    const notAKey = await h.api('POST', path, { publicKey: { kty: 'RSA', n: 'x', e: 'AQAB' } }, auth);
    expect(notAKey.json.error?.code).toBe('invalid_request');
    const offCurve = await h.api('POST', path, { publicKey: { kty: 'EC', crv: 'P-256', x: 'A'.repeat(43), y: 'B'.repeat(43) } }, auth);
    expect([offCurve.status, offCurve.json.error?.code]).toEqual([400, 'invalid_public_key']);

    const page = await h.page(session.clientToken);
    expect((await page.start(session.id)).status).toBe(201);
    expect((await page.start(session.id)).status).toBe(201);
    const third = await page.start(session.id);
    expect([third.status, third.json.error?.code]).toEqual([409, 'attempt_limit_reached']);

    const later = await h.createSession({ expiresInSeconds: 300 });
    h.clock.advance(301_000);
    const expired = await (await h.page(later.clientToken)).start(later.id);
    expect(expired.json.error?.code).toBe('session_expired');
  });
});

describe('results', () => {
  it('scores a well-formed result on the server, records it, and issues a verifiable token', async () => {
    const h = await createHarness();
    const { session, page, start } = await startedAttempt(h);
    h.clock.advance(7000);
    const { status, json } = await page.submit(start.attemptId, await page.sign(page.payload(start, neutralTrace(start.plan.challenges))));
    expect(status).toBe(200);
    expect(json.result).toBe('fail');
    expect(json.reasons).toContain('not_performed');
    expect(json.attemptsRemaining).toBe(2);

    const jwks = (await h.api('GET', '/.well-known/jwks.json')).json as unknown as { keys: [] };
    const verified = await verifyLivenessToken(json.token, {
      issuer: 'https://liveproof.test',
      audience: 'ats-test',
      jwks,
      acceptFailed: true,
      now: new Date(h.clock.now()),
    });
    expect(verified).toMatchObject({ passed: false, candidateRef: 'cand-1', interviewRef: 'int-1', attemptId: start.attemptId, sessionId: session.id });
    await expect(verifyLivenessToken(json.token, { issuer: 'https://liveproof.test', audience: 'ats-test', jwks, now: new Date(h.clock.now()) })).rejects.toMatchObject({
      code: 'liveness_failed',
    });

    const view = await sessionWithAttempts(h, session.id);
    expect(view.attempts).toHaveLength(1);
    expect(view.attempts![0]).toMatchObject({ status: 'failed', ip: '203.0.113.7', userAgent: 'harness/1', challenges: start.plan.challenges });
    expect(view.attempts![0]!.reasons).toContain('not_performed');
    expect(view.attempts![0]!.timings).toMatchObject({ serverElapsedMs: 7000 });
  });

  it('refuses a result signed by another key, and keeps the attempt open for the real one', async () => {
    const h = await createHarness();
    const { session, page, start } = await startedAttempt(h);
    const stranger = await generateKeyPair('ES256');
    h.clock.advance(7000);
    const payload = page.payload(start, neutralTrace(start.plan.challenges));
    const forged = await page.submit(start.attemptId, await page.sign(payload, stranger.privateKey));
    expect([forged.status, forged.json.error?.code]).toEqual([401, 'invalid_signature']);
    const garbage = await page.submit(start.attemptId, 'not.a.jws');
    expect(garbage.json.error?.code).toBe('invalid_signature');
    expect((await page.submit(start.attemptId, await page.sign(payload))).status).toBe(200);
    await h.deps.refusals.flush();
    expect((await h.store.listRefusalCounts(0)).find((c) => c.code === 'invalid_signature')?.count).toBe(2);
    expect((await sessionWithAttempts(h, session.id)).attempts![0]!.status).toBe('failed');
  });

  it('accepts one result per attempt: a replay or a second result is result_already_submitted', async () => {
    const h = await createHarness();
    const { page, start } = await startedAttempt(h);
    h.clock.advance(7000);
    const jws = await page.sign(page.payload(start, neutralTrace(start.plan.challenges)));
    expect((await page.submit(start.attemptId, jws)).status).toBe(200);
    const replay = await page.submit(start.attemptId, jws);
    expect([replay.status, replay.json.error?.code]).toEqual([409, 'result_already_submitted']);
    const second = await page.submit(start.attemptId, await page.sign(page.payload(start, neutralTrace(start.plan.challenges, 5000))));
    expect(second.json.error?.code).toBe('result_already_submitted');
    const attempt = await h.store.getAttempt(start.attemptId);
    expect(attempt!.timings!.traceSpanMs).toBeGreaterThan(5900);
  });

  it('scores copies of one result arriving together once, and answers them all the same', async () => {
    const h = await createHarness();
    const { page, start } = await startedAttempt(h);
    h.clock.advance(7000);
    const jws = await page.sign(page.payload(start, neutralTrace(start.plan.challenges)));
    const answers = await Promise.all(Array.from({ length: 5 }, () => page.submit(start.attemptId, jws)));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(new Set(answers.map((r) => r.json.token)).size).toBe(1);
    expect((await h.store.listEvents({ attemptId: start.attemptId })).filter((e) => e.type === 'attempt_completed')).toHaveLength(1);
  });

  it('lets exactly one of two different racing results through', async () => {
    const h = await createHarness();
    const { page, start } = await startedAttempt(h);
    h.clock.advance(7000);
    const one = await page.sign(page.payload(start, neutralTrace(start.plan.challenges)));
    const two = await page.sign(page.payload(start, neutralTrace(start.plan.challenges, 5000)));
    const statuses = (await Promise.all([page.submit(start.attemptId, one), page.submit(start.attemptId, two)])).map((r) => r.status).sort();
    expect(statuses).toEqual([200, 409]);
  });

  it('fails an attempt whose result is bound to another plan, nonce or attempt', async () => {
    const h = await createHarness({ defaultAttemptLimit: 5 });
    const { session, page, start } = await startedAttempt(h, { attemptLimit: 5 });
    const other = (await page.start(session.id)).json;
    h.clock.advance(7000);
    const base = page.payload(start, neutralTrace(start.plan.challenges));
    const cases = [
      { ...base, planToken: other.planToken },
      { ...base, nonce: 'AAAAAAAAAAAAAAAAAAAAAAAA' },
    ];
    const tampered = await page.submit(start.attemptId, await page.sign(cases[0]));
    expect([tampered.status, tampered.json.error?.code]).toEqual([422, 'plan_mismatch']);
    const attempt = await h.store.getAttempt(start.attemptId);
    expect([attempt!.status, attempt!.reasons]).toEqual(['failed', ['steps_mismatch']]);

    const wrongNonce = await page.submit(other.attemptId, await page.sign({ ...page.payload(other, neutralTrace(other.plan.challenges)), nonce: cases[1]!.nonce }));
    expect(wrongNonce.json.error?.code).toBe('plan_mismatch');
  });

  it('fails a trace that claims more time than the server saw pass (clock_mismatch)', async () => {
    const h = await createHarness();
    const { page, start } = await startedAttempt(h);
    h.clock.advance(3000); // the trace below spans 6 s
    const { status, json } = await page.submit(start.attemptId, await page.sign(page.payload(start, neutralTrace(start.plan.challenges))));
    expect([status, json.error?.code]).toEqual([422, 'clock_mismatch']);
    expect(json.error?.details).toMatchObject({ serverElapsedMs: 3000 });
    const attempt = await h.store.getAttempt(start.attemptId);
    expect([attempt!.status, attempt!.reasons]).toEqual(['failed', ['clock_mismatch']]);
  });

  it('fails a result that arrives after the plan expired (attempt_expired)', async () => {
    const h = await createHarness();
    const { page, start } = await startedAttempt(h);
    h.clock.set(Date.parse(start.plan.expiresAt) + 1);
    const { status, json } = await page.submit(start.attemptId, await page.sign(page.payload(start, neutralTrace(start.plan.challenges))));
    expect([status, json.error?.code]).toEqual([410, 'attempt_expired']);
    expect((await h.store.getAttempt(start.attemptId))!.reasons).toEqual(['attempt_expired']);
  });

  it('fails a correctly signed result that is not a valid trace (invalid_result)', async () => {
    const h = await createHarness();
    const { page, start } = await startedAttempt(h);
    h.clock.advance(7000);
    const payload = page.payload(start, neutralTrace(start.plan.challenges));
    const bad = { ...payload, trace: { ...payload.trace, frames: [{ t: 'soon', n: 1 }] } };
    const { status, json } = await page.submit(start.attemptId, await page.sign(bad));
    expect([status, json.error?.code]).toEqual([422, 'invalid_result']);
    const attempt = (await h.store.getAttempt(start.attemptId))!;
    expect(attempt.status).toBe('failed');
    // The schema's complaint is kept (bounded), so the next such case can be diagnosed.
    expect(attempt.diagnostics).toMatchObject({ rejection: { code: 'invalid_result', details: { issues: [{ path: 'trace.frames.0.t' }, expect.anything()] } } });
  });

  it('refuses results for unknown attempts, and results larger than their plan allows, before any work', async () => {
    const h = await createHarness();
    const { session, page, start } = await startedAttempt(h);
    const unknown = await page.submit('att_unknown', 'a.b.c');
    expect([unknown.status, unknown.json.error?.code]).toEqual([404, 'attempt_not_found']);
    const { maxResultBytesFor } = await import('./domain/evidence.ts');
    const { planFacts } = await import('./domain/plan.ts');
    const limit = maxResultBytesFor(planFacts((await h.store.getAttempt(start.attemptId))!));
    const huge = await page.submit(start.attemptId, 'x'.repeat(limit + 1));
    expect([huge.status, huge.json.error?.code]).toEqual([413, 'body_too_large']);
    expect((await h.store.getAttempt(start.attemptId))!.status).toBe('started');
    const beyondAny = await page.submit(start.attemptId, 'x'.repeat(3_000_000));
    expect([beyondAny.status, beyondAny.json.error?.code]).toEqual([413, 'body_too_large']);
    expect((await h.store.listEvents({ sessionId: session.id })).map((e) => e.type)).toContain('attempt_started');
  });

  it('lets the page read an outcome back after a lost response', async () => {
    const h = await createHarness();
    const { session, page, start } = await startedAttempt(h);
    const auth = { authorization: `Bearer ${session.clientToken}` };
    expect((await h.api('GET', `/v1/attempts/${start.attemptId}`, undefined, auth)).json.error?.code).toBe('attempt_not_found');
    h.clock.advance(7000);
    await page.submit(start.attemptId, await page.sign(page.payload(start, neutralTrace(start.plan.challenges))));
    const { status, json } = await h.api('GET', `/v1/attempts/${start.attemptId}`, undefined, auth);
    expect([status, json.result, json.attemptId]).toEqual([200, 'fail', start.attemptId]);
  });

  it('fails the session once every attempt is used', async () => {
    const h = await createHarness();
    const session = await h.createSession({ attemptLimit: 1 });
    const page = await h.page(session.clientToken);
    const start = (await page.start(session.id)).json;
    h.clock.advance(7000);
    const { json } = await page.submit(start.attemptId, await page.sign(page.payload(start, neutralTrace(start.plan.challenges))));
    expect([json.sessionStatus, json.attemptsRemaining]).toEqual(['failed', 0]);
    expect((await sessionWithAttempts(h, session.id)).status).toBe('failed');
  });
});

describe('plans, signals and policies', () => {
  it('draws two movements and the screen light by default, and four movements for a candidate who opts out', async () => {
    const h = await createHarness({ defaultAttemptLimit: 10 });
    const session = await h.createSession({ attemptLimit: 10 });
    const page = await h.page(session.clientToken);
    const withLight = (await page.start(session.id)).json;
    expect(withLight.plan.challenges).toHaveLength(3);
    expect(withLight.plan.challenges.filter((c) => c === 'light')).toHaveLength(1);
    expect(withLight.plan.light!.colours).toHaveLength(4);
    for (let i = 1; i < 4; i++) expect(withLight.plan.light!.colours[i]).not.toBe(withLight.plan.light!.colours[i - 1]);
    expect(decodeJwt(withLight.planToken).light).toEqual(withLight.plan.light);

    const optOut = await h.api('POST', `/v1/sessions/${session.id}/attempts`, { publicKey: page.publicJwk, lightOptOut: true }, { authorization: `Bearer ${session.clientToken}` });
    const plan = (optOut.json as unknown as { plan: { challenges: string[]; light?: unknown } }).plan;
    expect(plan.challenges).toHaveLength(4);
    expect(plan.challenges).not.toContain('light');
    expect(plan.light).toBeUndefined();
  });

  it('flags a virtual camera, an injected stream and a light opt-out, and lowers the assurance in the token', async () => {
    const h = await createHarness();
    const session = await h.createSession();
    const page = await h.page(session.clientToken);
    const start = (await h.api('POST', `/v1/sessions/${session.id}/attempts`, { publicKey: page.publicJwk, lightOptOut: true }, { authorization: `Bearer ${session.clientToken}` })).json as unknown as StartAttemptResponse;
    h.clock.advance(7000);
    const payload = { ...page.payload(start, neutralTrace(start.plan.challenges)), device: { cameraLabel: 'OBS Virtual Camera', width: 640, height: 480, deviceId: false } };
    const { json } = await page.submit(start.attemptId, await page.sign(payload));
    expect(json.signals).toEqual(expect.arrayContaining(['virtual_camera', 'injected_stream', 'light_opt_out']));
    expect(json.assurance).toBe('reduced');
    expect(decodeJwt(json.token)).toMatchObject({ assurance: 'reduced', signals: json.signals });
  });

  it('refuses to start a light opt-out when the integration requires the screen light', async () => {
    const h = await createHarness();
    const strict = await createIntegration(h.store, { name: 'Light ATS', audiences: ['light-ats'], lightOptOutPolicy: 'reject' });
    const created = await h.api('POST', '/v1/sessions', { candidateRef: 'c', interviewRef: 'i', audience: 'light-ats' }, { authorization: `Bearer ${strict.apiKey}` });
    const session = created.json as unknown as { id: string; clientToken: string };
    const page = await h.page(session.clientToken);
    const refused = await h.api('POST', `/v1/sessions/${session.id}/attempts`, { publicKey: page.publicJwk, lightOptOut: true }, { authorization: `Bearer ${session.clientToken}` });
    expect([refused.status, refused.json.error?.code]).toEqual([403, 'light_required']);
    expect((await page.start(session.id)).json.plan.challenges).toContain('light');
  });

  it("fails a check from a virtual camera when the integration's policy is reject", async () => {
    const h = await createHarness();
    const strict = await createIntegration(h.store, { name: 'Strict ATS', audiences: ['strict-ats'], virtualCameraPolicy: 'reject' });
    const created = await h.api('POST', '/v1/sessions', { candidateRef: 'c', interviewRef: 'i', audience: 'strict-ats' }, { authorization: `Bearer ${strict.apiKey}` });
    const session = created.json as unknown as { id: string; clientToken: string };
    const page = await h.page(session.clientToken);
    const start = (await page.start(session.id)).json;
    h.clock.advance(7000);
    const payload = { ...page.payload(start, neutralTrace(start.plan.challenges)), device: { cameraLabel: 'ManyCam Virtual Webcam', width: 640, height: 480 } };
    const { json } = await page.submit(start.attemptId, await page.sign(payload));
    expect(json.result).toBe('fail');
    expect(json.reasons).toContain('virtual_camera');
  });

  it("applies the integration's policy to each network signal, and the token carries the observed facts", async () => {
    const ipIntel = createIpIntel({ vpn: '', datacenter: '8.8.8.0/24', relay: '' }, { date: '2026-12-01', source: 'test lists' });
    const h = await createHarness({}, { peerAddress: '8.8.8.8', app: { ipIntel } });
    const strict = await createIntegration(h.store, {
      name: 'Network ATS',
      audiences: ['network-ats'],
      signalPolicies: { datacenter_ip: 'reject', timezone_mismatch: 'record' },
    });
    await expect(createIntegration(h.store, { name: 'x', audiences: ['x-ats'], signalPolicies: { no_such_signal: 'flag' } })).rejects.toMatchObject({ code: 'invalid_request' });
    const created = await h.api('POST', '/v1/sessions', { candidateRef: 'c', interviewRef: 'i', audience: 'network-ats' }, { authorization: `Bearer ${strict.apiKey}` });
    const session = created.json as unknown as { id: string; clientToken: string };
    const page = await h.page(session.clientToken);
    const start = (await page.start(session.id)).json;
    h.clock.advance(7000);
    const payload = { ...page.payload(start, neutralTrace(start.plan.challenges)), device: { cameraLabel: 'FaceTime HD Camera', width: 640, height: 480, timeZone: 'Asia/Seoul' } };
    const { json } = await page.submit(start.attemptId, await page.sign(payload));
    expect(json.result).toBe('fail');
    expect(json.reasons).toContain('risk_policy');
    expect(json.signals).toContain('datacenter_ip');
    expect(json.signals).not.toContain('timezone_mismatch');
    const claims = decodeJwt(json.token) as Record<string, any>;
    expect(claims.risk).toEqual({
      observed: {
        http: { family: 4, scope: 'public', country: 'US', lists: ['datacenter'] },
        lists: { date: '2026-12-01', source: 'test lists' },
        udp: null,
        timeZone: { zone: 'Asia/Seoul', zoneCountries: ['KR'], addressCountry: 'US', agrees: false },
      },
      reported: { timeZone: 'Asia/Seoul', camera: 'no_usb_id' },
      recorded: ['timezone_mismatch'],
    });
    // Changed by the admin API: merged, and a removed setting falls back to flag.
    const admin = await h.api('PATCH', `/v1/admin/integrations/${strict.integration.id}`, { signalPolicies: { datacenter_ip: null, vpn_ip: 'reject' } }, { authorization: `Bearer ${h.adminKey}` });
    expect([admin.status, (admin.json.integration as { signalPolicies?: unknown } | undefined)?.signalPolicies]).toEqual([200, { timezone_mismatch: 'record', vpn_ip: 'reject' }]);
  });
});

describe("the candidate's claims", () => {
  it('compares the claimed country, time zone and phone with what was observed, and keeps the raw number with the session only', async () => {
    const h = await createHarness({}, { peerAddress: '8.8.8.8' });
    const claims = { country: 'US', city: 'Des Moines', timeZone: 'America/Chicago', phone: '001 515 555 0134' };
    const bad = await h.api('POST', '/v1/sessions', { candidateRef: 'c', audience: 'ats-test', claims: { country: 'XX' } }, { authorization: `Bearer ${h.apiKey}` });
    expect([bad.status, (bad.json.error as { code: string }).code]).toEqual([400, 'invalid_request']);
    const zone = await h.api('POST', '/v1/sessions', { candidateRef: 'c', audience: 'ats-test', claims: { timeZone: 'Mars/Olympus' } }, { authorization: `Bearer ${h.apiKey}` });
    expect([zone.status, (zone.json.error as { code: string }).code]).toEqual([400, 'invalid_request']);

    const created = await h.api('POST', '/v1/sessions', { candidateRef: 'c', audience: 'ats-test', claims }, { authorization: `Bearer ${h.apiKey}` });
    const session = created.json as unknown as { id: string; clientToken: string; claims: unknown };
    expect(session.claims).toEqual(claims);
    const page = await h.page(session.clientToken);
    const start = (await page.start(session.id)).json;
    h.clock.advance(7000);
    const payload = { ...page.payload(start, neutralTrace(start.plan.challenges)), device: { cameraLabel: 'FaceTime HD Camera', width: 640, height: 480, timeZone: 'Asia/Shanghai' } };
    const { json } = await page.submit(start.attemptId, await page.sign(payload));
    expect(json.reasons).not.toContain('risk_policy');
    expect(json.signals).toEqual(expect.arrayContaining(['claimed_location_mismatch', 'phone_anomaly']));
    const token = decodeJwt(json.token) as Record<string, any>;
    expect(token.risk.claimed).toEqual({
      location: { country: 'US', city: 'Des Moines', timeZone: 'America/Chicago', addressCountry: 'US', browserZone: 'Asia/Shanghai', mismatches: ['browser_zone', 'claimed_zone'] },
      phone: { country: 'US', callingCode: '1', valid: true, type: 'fixed_line_or_mobile', anomalies: ['foreign_dialling_prefix'] },
    });
    expect(JSON.stringify(token)).not.toContain('555 0134');
    const read = await h.api('GET', `/v1/sessions/${session.id}`, undefined, { authorization: `Bearer ${h.apiKey}` });
    expect((read.json as { claims: unknown }).claims).toEqual(claims);
  });

  it('raises nothing when the claims agree with what was observed', async () => {
    const h = await createHarness({}, { peerAddress: '8.8.8.8' });
    const created = await h.api('POST', '/v1/sessions', { candidateRef: 'c', audience: 'ats-test', claims: { country: 'US', timeZone: 'America/New_York', phone: '(212) 555-0134' } }, { authorization: `Bearer ${h.apiKey}` });
    const session = created.json as unknown as { id: string; clientToken: string };
    const page = await h.page(session.clientToken);
    const start = (await page.start(session.id)).json;
    h.clock.advance(7000);
    const payload = { ...page.payload(start, neutralTrace(start.plan.challenges)), device: { cameraLabel: 'FaceTime HD Camera', width: 640, height: 480, timeZone: 'America/Detroit' } };
    const { json } = await page.submit(start.attemptId, await page.sign(payload));
    expect(json.signals).not.toContain('claimed_location_mismatch');
    expect(json.signals).not.toContain('phone_anomaly');
    expect((decodeJwt(json.token) as Record<string, any>).risk.claimed.location.mismatches).toEqual([]);
  });
});

describe('links between candidates', () => {
  const fingerprint = 'd'.repeat(43);
  async function check(h: Harness, candidateRef: string, device: Record<string, unknown> = {}, network: Record<string, unknown> = {}) {
    const session = await h.createSession({ candidateRef });
    const page = await h.page(session.clientToken);
    const start = (await page.start(session.id)).json;
    h.clock.advance(7000);
    const payload = { ...page.payload(start, neutralTrace(start.plan.challenges)), device: { cameraLabel: 'HD Webcam (0c45:6366)', width: 640, height: 480, fingerprint, ...device }, network };
    const { json } = await page.submit(start.attemptId, await page.sign(payload));
    return { session, json, risk: (decodeJwt(json.token) as Record<string, any>).risk };
  }

  it('links a second candidate seen from the same public address and device, pointing to the first session, and never rejects for it', async () => {
    const h = await createHarness({}, { peerAddress: '8.8.8.8' });
    const first = await check(h, 'cand-a', {}, { localSet: 'l'.repeat(43) });
    expect(first.json.signals).not.toContain('shared_network');
    expect(first.risk.links).toBeUndefined();
    // The same candidate again is not a link.
    expect((await check(h, 'cand-a')).json.signals).not.toContain('shared_device');
    const second = await check(h, 'cand-b', {}, { localSet: 'l'.repeat(43) });
    expect(second.json.signals).toEqual(expect.arrayContaining(['shared_network', 'shared_device']));
    expect(second.json.reasons).not.toContain('risk_policy');
    expect(second.risk.links).toEqual(
      expect.arrayContaining([
        { signal: 'shared_network', by: 'address', sessions: expect.arrayContaining([first.session.id]), candidates: 1 },
        { signal: 'shared_device', by: 'device', sessions: expect.arrayContaining([first.session.id]), candidates: 1 },
        { signal: 'shared_device', by: 'local_set', sessions: [first.session.id], candidates: 1 },
      ]),
    );
    // The attempt's record keeps neither of the page's digests (links keep keyed hashes of them).
    const rows = JSON.stringify(await h.store.listAttempts(second.session.id));
    expect(rows).not.toContain(fingerprint);
    expect(rows).not.toContain('l'.repeat(43));
    const refused = await h.api('PATCH', `/v1/admin/integrations/${h.integrationId}`, { signalPolicies: { shared_network: 'reject' } }, { authorization: `Bearer ${h.adminKey}` });
    expect([refused.status, (refused.json.error as { code: string }).code]).toEqual([400, 'invalid_request']);
    const offOther = await h.api('PATCH', `/v1/admin/integrations/${h.integrationId}`, { signalPolicies: { vpn_ip: 'off' } }, { authorization: `Bearer ${h.adminKey}` });
    expect(offOther.status).toBe(400);
  });

  it('keeps no link keys for a signal the integration turned off, and links nothing from private or loopback addresses', async () => {
    const h = await createHarness({}, { peerAddress: '8.8.8.8', integration: { signalPolicies: { shared_device: 'off' } } });
    await check(h, 'cand-a');
    const second = await check(h, 'cand-b');
    expect(second.json.signals).toContain('shared_network');
    expect(second.json.signals).not.toContain('shared_device');
    const local = await createHarness({}, { peerAddress: '192.168.1.20' });
    await check(local, 'cand-a', { fingerprint: 'e'.repeat(43) });
    expect((await check(local, 'cand-b', { fingerprint: 'f'.repeat(43) })).json.signals).not.toContain('shared_network');
  });
});

describe('the review queue', () => {
  async function flaggedCheck(h: Harness, candidateRef: string, device: Record<string, unknown> = { webdriver: true }) {
    const session = await h.createSession({ candidateRef });
    const page = await h.page(session.clientToken);
    const start = (await page.start(session.id)).json;
    h.clock.advance(7000);
    const payload = { ...page.payload(start, neutralTrace(start.plan.challenges)), device: { cameraLabel: 'Integrated Camera', width: 640, height: 480, ...device } };
    await page.submit(start.attemptId, await page.sign(payload));
    return { session, page, start };
  }

  it('opens a case for a session with a flagged signal, which a reviewer reads, decides and the hiring system sees', async () => {
    const h = await createHarness();
    const admin = { authorization: `Bearer ${h.adminKey}` };
    const hiring = { authorization: `Bearer ${h.apiKey}` };
    const clean = await h.createSession({ candidateRef: 'cand-clean' });
    const cleanPage = await h.page(clean.clientToken);
    const cleanStart = (await cleanPage.start(clean.id)).json;
    h.clock.advance(7000);
    await cleanPage.submit(cleanStart.attemptId, await cleanPage.sign(cleanPage.payload(cleanStart, neutralTrace(cleanStart.plan.challenges))));
    const { session } = await flaggedCheck(h, 'cand-flagged');

    const open = (await h.api('GET', '/v1/admin/cases?status=open', undefined, admin)).json as { cases: Record<string, any>[] };
    expect(open.cases).toHaveLength(1);
    // Both came from the harness's one address: the second is linked to the first.
    expect(open.cases[0]).toMatchObject({ sessionId: session.id, candidateRef: 'cand-flagged', status: 'open', signals: ['automation', 'shared_network'], decision: null });
    const id = open.cases[0]!.id as string;
    const detail = (await h.api('GET', `/v1/admin/cases/${id}`, undefined, admin)).json as Record<string, any>;
    expect(detail.session.attempts).toHaveLength(1);
    expect(detail.session.attempts[0].signals).toContain('automation');
    expect(detail).toMatchObject({ linked: [{ sessionId: clean.id, candidateRef: 'cand-clean', by: ['address'], caseId: null }], referenceImages: [] });

    const bad = await h.api('POST', `/v1/admin/cases/${id}/decision`, { decision: 'maybe' }, admin);
    expect([bad.status, (bad.json.error as { code: string }).code]).toEqual([400, 'invalid_request']);
    expect((await h.api('POST', '/v1/admin/cases/cas_nosuchcase000000000000/decision', { decision: 'cleared' }, admin)).json.error).toMatchObject({ code: 'case_not_found' });
    const decided = await h.api('POST', `/v1/admin/cases/${id}/decision`, { decision: 'fraud', note: 'Same face as another candidate.' }, admin);
    expect(decided.json.case).toMatchObject({ status: 'decided', decision: 'fraud', note: 'Same face as another candidate.', decidedBy: expect.stringMatching(/^admin adm_/) });
    expect((await h.api('GET', '/v1/admin/cases?status=open', undefined, admin)).json.cases).toEqual([]);
    const events = await h.store.listEvents({});
    expect(events.find((e) => e.type === 'case_decided')).toMatchObject({ sessionId: session.id, detail: { caseId: id, decision: 'fraud' } });

    // The hiring system lists and reads its own cases; another integration's key finds none.
    const listed = (await h.api('GET', '/v1/cases', undefined, hiring)).json as { cases: Record<string, any>[] };
    expect(listed.cases.map((c) => [c.id, c.decision])).toEqual([[id, 'fraud']]);
    expect((await h.api('GET', `/v1/cases/${id}`, undefined, hiring)).json).toMatchObject({ id, decision: 'fraud', session: { id: session.id } });
    const other = await createIntegration(h.store, { name: 'Other', audiences: ['other-ats'] });
    expect((await h.api('GET', `/v1/cases/${id}`, undefined, { authorization: `Bearer ${other.apiKey}` })).json.error).toMatchObject({ code: 'case_not_found' });
    expect(((await h.api('GET', '/v1/cases', undefined, { authorization: `Bearer ${other.apiKey}` })).json as { cases: unknown[] }).cases).toEqual([]);
  });

  it('opens a decided case again when a later attempt of the session is flagged, keeping the last decision', async () => {
    const h = await createHarness();
    const admin = { authorization: `Bearer ${h.adminKey}` };
    const { session } = await flaggedCheck(h, 'cand-again');
    const [first] = (await h.store.listCases({ limit: 10 }));
    await h.api('POST', `/v1/admin/cases/${first!.id}/decision`, { decision: 'cleared' }, admin);
    const page = await h.page((await h.api('POST', `/v1/sessions/${session.id}/client-tokens`, undefined, { authorization: `Bearer ${h.apiKey}` })).json.clientToken as string);
    const start = (await page.start(session.id)).json;
    h.clock.advance(7000);
    await page.submit(start.attemptId, await page.sign({ ...page.payload(start, neutralTrace(start.plan.challenges)), device: { cameraLabel: 'OBS Virtual Camera', width: 640, height: 480 } }));
    expect(await h.store.getCase(first!.id)).toMatchObject({ status: 'open', decision: 'cleared', signals: ['automation', 'virtual_camera'] });
  });
});

describe('round trips the server times', () => {
  it("seals its own timing into echoes, takes a trusted proxy's TCP round trip beside it, and raises proxy_timing", async () => {
    const h = await createHarness({ trustProxy: true, tcpRttHeader: 'x-tcp-rtt' });
    const { page, start } = await startedAttempt(h);
    const rtt = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
      h.api('POST', `/v1/attempts/${start.attemptId}/rtt`, body, { 'x-forwarded-for': '203.0.113.7', ...headers });
    let echo = (await rtt({}, { 'x-tcp-rtt': '2400' })).json.echo as string;
    h.clock.advance(180);
    echo = (await rtt({ echo }, { 'x-tcp-rtt': '2100' })).json.echo as string;
    // A pause, then a restart: the pause is not a sample.
    h.clock.advance(5000);
    echo = (await rtt({ echo, restart: true })).json.echo as string;
    h.clock.advance(140);
    echo = (await rtt({ echo }, { 'x-tcp-rtt': 'junk' })).json.echo as string;
    h.clock.advance(165);
    echo = (await rtt({ echo })).json.echo as string;
    // An echo the server did not send, one brought from another network (a helper machine timing
    // for the page), an unknown attempt: refused with stable codes.
    const forged = await rtt({ echo: `${echo.split('.')[0]}.AAAA` });
    expect([forged.status, (forged.json.error as { code: string }).code]).toEqual([400, 'invalid_request']);
    expect((await rtt({ echo }, { 'x-forwarded-for': '198.51.100.20' })).json.error).toMatchObject({ code: 'invalid_request' });
    expect((await h.api('POST', '/v1/attempts/att_nosuchattempt0000000000/rtt', {})).json.error).toMatchObject({ code: 'attempt_not_found' });

    h.clock.advance(2000);
    const payload = { ...page.payload(start, neutralTrace(start.plan.challenges)), network: { rtt: echo, udpRttMs: 3.04 } };
    const { json } = await page.submit(start.attemptId, await page.sign(payload));
    expect(json.signals).toContain('proxy_timing');
    const claims = decodeJwt(json.token) as Record<string, any>;
    expect(claims.risk.observed.rtt).toEqual({ httpMs: 140, samples: 3, tcpMs: 2.1 });
    expect(claims.risk.reported).toMatchObject({ udpRttMs: 3 });
    // After the result, the attempt takes no more round trips.
    expect((await rtt({ echo })).json.error).toMatchObject({ code: 'result_already_submitted' });
  });

  it('ignores a TCP round-trip header unless the deployment trusts its proxy, and an echo of another attempt', async () => {
    const h = await createHarness({ tcpRttHeader: 'x-tcp-rtt' });
    const first = await startedAttempt(h);
    const other = await startedAttempt(h);
    const post = (attempt: typeof first, body: Record<string, unknown>) =>
      h.api('POST', `/v1/attempts/${attempt.start.attemptId}/rtt`, body, { authorization: `Bearer ${attempt.session.clientToken}`, 'x-tcp-rtt': '1000' });
    let echo = (await post(first, {})).json.echo as string;
    h.clock.advance(30);
    echo = (await post(first, { echo })).json.echo as string;
    expect((await post(other, { echo })).json.error).toMatchObject({ code: 'invalid_request' });
    h.clock.advance(7000);
    const { json } = await first.page.submit(first.start.attemptId, await first.page.sign({ ...first.page.payload(first.start, neutralTrace(first.start.plan.challenges)), network: { rtt: echo } }));
    expect((decodeJwt(json.token) as Record<string, any>).risk.observed.rtt).toEqual({ httpMs: 30, samples: 1 });
    expect(json.signals).not.toContain('proxy_timing');
  });
});

describe('signing keys', () => {
  it('publishes a new key a day before it signs, and keeps the old one published until its tokens expire', async () => {
    const h = await createHarness();
    const { page, start } = await startedAttempt(h);
    h.clock.advance(7000);
    const { json } = await page.submit(start.attemptId, await page.sign(page.payload(start, neutralTrace(start.plan.challenges))));
    const oldKid = decodeProtectedHeader(json.token).kid;
    const newKid = await h.deps.keys.rotate();
    expect(newKid).not.toBe(oldKid);
    const kids = async () => ((await h.api('GET', '/.well-known/jwks.json')).json as unknown as { keys: { kid: string }[] }).keys.map((k) => k.kid);
    // Published at once, but not signing yet: verifiers that cache the JWKS have it before any token does.
    expect(await kids()).toEqual(expect.arrayContaining([oldKid, newKid]));
    expect(decodeProtectedHeader((await h.createSession()).clientToken).kid).toBe(oldKid);
    h.clock.advance(24 * 3600 * 1000 + 1);
    expect(decodeProtectedHeader((await h.createSession()).clientToken).kid).toBe(newKid);
    const jwks = (await h.api('GET', '/.well-known/jwks.json')).json as unknown as { keys: [] };
    const verified = await verifyLivenessToken(json.token, { issuer: 'https://liveproof.test', audience: 'ats-test', jwks, acceptFailed: true, now: new Date(h.clock.now() - 24 * 3600 * 1000) });
    expect(verified.keyId).toBe(oldKid);
    // The old key leaves the JWKS once every token it could have signed has expired (7 days).
    h.clock.advance(7 * 24 * 3600 * 1000 + 1);
    expect(await kids()).toEqual([newKid]);
  });

  it('keeps private keys sealed in the store: a copy of the database alone signs nothing', async () => {
    const h = await createHarness();
    const [key] = await h.store.listSigningKeys();
    expect(key!.privateSealed).toMatch(/^lps1\./);
    expect(JSON.stringify(key)).not.toMatch(/"d"/);
  });
});
