/**
 * A session's life through the API, with a frozen clock: what counts toward the attempt limit,
 * when `session.*` events are written (once, on a real transition, after `attempt.completed`),
 * the sweep for abandoned and expired sessions, stops that cost no attempt, and results taken on
 * the attempt key's word after the client token expired.
 */
import { describe, expect, it } from 'vitest';
import { CompactSign } from 'jose';
import type { StartAttemptResponse } from '@liveproof/protocol';
import { FREE_STOPS } from './domain/session-rules.ts';
import { recordAbandonedFacts, sweepSessions } from './domain/maintenance.ts';
import { createIpIntel } from './network/ip-lists.ts';
import { createHarness, neutralTrace, type Harness, type Page } from './testing/harness.ts';

const auth = (h: Harness) => ({ authorization: `Bearer ${h.apiKey}` });

/** A webhook endpoint that collects what the outbox holds (no delivery needed to see the order). */
async function withEndpoint(h: Harness) {
  const created = await h.api('POST', '/v1/webhooks', { url: 'https://hooks.example.com/x' }, auth(h));
  expect(created.status, JSON.stringify(created.json)).toBe(201);
  // Oldest first; a message that waits for another comes right after it.
  return async () =>
    (await h.store.listWebhookMessages(h.integrationId))
      .sort((a, b) => a.createdAt - b.createdAt || Number(a.afterId !== null) - Number(b.afterId !== null))
      .map((m) => `${m.type}${m.afterId ? ' (after)' : ''}`);
}

async function fail(h: Harness, page: Page, start: StartAttemptResponse) {
  h.clock.advance(7_000);
  return page.submit(start.attemptId, await page.sign(page.payload(start, neutralTrace(start.plan.challenges))));
}

async function recheck(h: Harness, sessionId: string, page: Page) {
  const viewer = (await h.api('POST', `/v1/sessions/${sessionId}/viewer-tokens`, { recheck: true }, auth(h))).json.viewerToken as string;
  const asked = await h.api('POST', `/v1/sessions/${sessionId}/rechecks`, undefined, { authorization: `Bearer ${viewer}` });
  return (await page.start(sessionId, undefined, { recheckId: asked.json.recheckId })).json;
}

const resolvesTo = { lookup: async () => [{ address: '93.184.215.14', family: 4 }] };

describe('the attempt limit and session events', () => {
  it('counts checks only: a failed re-check neither uses an attempt nor fails the session', async () => {
    const h = await createHarness({}, { app: resolvesTo });
    const messages = await withEndpoint(h);
    const session = await h.createSession({ attemptLimit: 3 });
    const page = await h.page(session.clientToken);
    await fail(h, page, (await page.start(session.id)).json); // check 1 fails
    const second = await recheck(h, session.id, page);
    expect((await fail(h, page, second)).json).toMatchObject({ kind: 'recheck', attemptsRemaining: 2, sessionStatus: 'open' });
    const third = await fail(h, page, (await page.start(session.id)).json); // check 2 fails
    expect(third.json).toMatchObject({ attemptsRemaining: 1, sessionStatus: 'open' });
    expect(await messages()).toEqual(['attempt.completed', 'attempt.completed', 'attempt.completed']);
    const last = await fail(h, page, (await page.start(session.id)).json); // check 3 fails: now it is over
    expect(last.json).toMatchObject({ attemptsRemaining: 0, sessionStatus: 'failed' });
    expect(await messages()).toEqual(['attempt.completed', 'attempt.completed', 'attempt.completed', 'attempt.completed', 'session.failed (after)']);
  });

  it('sends session.passed once; a re-check after it, pass or fail, sends no session event', async () => {
    const h = await createHarness({}, { app: resolvesTo });
    const messages = await withEndpoint(h);
    const session = await h.createSession({ attemptLimit: 2 });
    const page = await h.page(session.clientToken);
    const start = (await page.start(session.id)).json;
    // A settled pass, written the way a result is (the real trace scoring is tested elsewhere).
    h.clock.advance(7_000);
    await h.store.completeAttempt(
      start.attemptId,
      { status: 'passed', completedAt: h.clock.now(), reasons: [], steps: [], signals: [], trace: null, timings: null, risk: null, resultIp: null, resultUserAgent: null, diagnostics: null, faces: null },
      (await import('./domain/settlement.ts')).settlementRule(await h.store.listWebhookEndpoints(h.integrationId), h.clock.now(), h.deps.random),
    );
    expect(await messages()).toEqual(['attempt.completed', 'session.passed (after)']);
    await fail(h, page, await recheck(h, session.id, page));
    expect(await messages()).toEqual(['attempt.completed', 'session.passed (after)', 'attempt.completed']);
    expect((await h.api('GET', `/v1/sessions/${session.id}`, undefined, auth(h))).json).toMatchObject({ status: 'passed', attemptsUsed: 1 });
  });

  it('fails a session whose last check was abandoned, by the sweep, once', async () => {
    const h = await createHarness({}, { app: resolvesTo });
    const messages = await withEndpoint(h);
    const session = await h.createSession({ attemptLimit: 2 });
    const page = await h.page(session.clientToken);
    await fail(h, page, (await page.start(session.id)).json);
    const abandoned = (await page.start(session.id)).json;
    expect(await sweepSessions(h.deps)).toBe(0);
    h.clock.set(Date.parse(abandoned.plan.expiresAt) + 1);
    expect((await h.api('GET', `/v1/sessions/${session.id}`, undefined, auth(h))).json).toMatchObject({ status: 'failed' });
    expect(await sweepSessions(h.deps)).toBe(1);
    expect(await sweepSessions(h.deps)).toBe(0);
    const all = await h.store.listWebhookMessages(h.integrationId);
    expect(await messages()).toEqual(['attempt.completed', 'session.failed']);
    expect(JSON.parse(all.find((m) => m.type === 'session.failed')!.body).data).toMatchObject({ status: 'failed', cause: 'abandoned', attemptId: abandoned.attemptId, attemptsUsed: 2 });
  });

  it('expires a session nobody finished, by the sweep, with session.expired once', async () => {
    const h = await createHarness({}, { app: resolvesTo });
    const messages = await withEndpoint(h);
    const session = await h.createSession({ expiresInSeconds: 600 });
    h.clock.advance(601_000);
    expect(await sweepSessions(h.deps)).toBe(1);
    expect(await sweepSessions(h.deps)).toBe(0);
    expect(await messages()).toEqual(['session.expired']);
    expect((await h.api('GET', `/v1/sessions/${session.id}`, undefined, auth(h))).json).toMatchObject({ status: 'expired' });
  });
});

describe('stopping the flashing colours', () => {
  async function stop(h: Harness, page: Page, start: StartAttemptResponse) {
    const jws = await new CompactSign(new TextEncoder().encode(JSON.stringify({ v: 1, attemptId: start.attemptId, nonce: start.plan.nonce, stop: 'flashing', sentAt: 0 })))
      .setProtectedHeader({ alg: 'ES256' })
      .sign(page.privateKey);
    return h.api('POST', `/v1/attempts/${start.attemptId}/stop`, { result: jws });
  }

  it(`does not use up an attempt, ${FREE_STOPS} times per session; after that a stop counts`, async () => {
    const h = await createHarness({}, { app: resolvesTo });
    const messages = await withEndpoint(h);
    const session = await h.createSession({ attemptLimit: 1 });
    const page = await h.page(session.clientToken);
    for (let i = 0; i < FREE_STOPS; i++) {
      const stopped = await stop(h, page, (await page.start(session.id)).json);
      expect([stopped.status, stopped.json.reasons, stopped.json.attemptsRemaining, stopped.json.sessionStatus]).toEqual([200, ['stopped_flashing'], 1, 'open']);
    }
    const view = (await h.api('GET', `/v1/sessions/${session.id}`, undefined, auth(h))).json as { attemptsUsed: number; attempts: { status: string }[] };
    expect(view.attemptsUsed).toBe(0);
    expect(view.attempts.map((a) => a.status)).toEqual(Array(FREE_STOPS).fill('stopped'));
    // One more stop is one of the session's attempts.
    expect((await stop(h, page, (await page.start(session.id)).json)).json).toMatchObject({ attemptsRemaining: 0, sessionStatus: 'failed' });
    expect((await messages()).at(-1)).toBe('session.failed (after)');
  });

  it('refuses a stop not signed by the attempt key, and keeps the attempt open', async () => {
    const h = await createHarness();
    const session = await h.createSession();
    const page = await h.page(session.clientToken);
    const start = (await page.start(session.id)).json;
    const stranger = await h.page(session.clientToken);
    expect((await stop(h, stranger, start)).json.error?.code).toBe('invalid_signature');
    expect((await h.store.getAttempt(start.attemptId))!.status).toBe('started');
  });
});

describe('evidence that reached the page reaches the record', () => {
  it('takes a signed result after the client token expired, until the attempt itself expires', async () => {
    const h = await createHarness();
    const session = await h.createSession();
    const page = await h.page(session.clientToken);
    // The check starts a few seconds before the client token runs out.
    h.clock.advance(15 * 60_000 - 5_000);
    const start = (await page.start(session.id)).json;
    h.clock.advance(15_000);
    // The page's token is expired now: page routes refuse it...
    expect((await page.start(session.id)).json.error).toMatchObject({ code: 'unauthorized', details: { reason: 'expired' } });
    // ...but the result is the attempt key's to vouch for.
    const result = await page.submit(start.attemptId, await page.sign(page.payload(start, neutralTrace(start.plan.challenges))));
    expect([result.status, result.json.attemptId]).toEqual([200, start.attemptId]);
    expect((await h.store.getAttempt(start.attemptId))!.status).toBe('failed');
  });

  it('records a result that arrives after its attempt expired, as expired', async () => {
    const h = await createHarness();
    const session = await h.createSession();
    const page = await h.page(session.clientToken);
    const start = (await page.start(session.id)).json;
    h.clock.set(Date.parse(start.plan.expiresAt) + 1);
    const late = await page.submit(start.attemptId, await page.sign(page.payload(start, neutralTrace(start.plan.challenges))));
    expect(late.json.error?.code).toBe('attempt_expired');
    expect((await h.store.getAttempt(start.attemptId))!.reasons).toEqual(['attempt_expired']);
  });
});

describe('attempts that never send a result', () => {
  it("get the network facts the server saw of them once they expire, and keep them (claims compared too)", async () => {
    const ipIntel = createIpIntel({ vpn: '8.8.8.0/24', datacenter: '', relay: '' }, { date: '2026-12-01', source: 'test lists' });
    const h = await createHarness({}, { peerAddress: '8.8.8.8', app: { ipIntel } });
    const session = await h.createSession({ claims: { country: 'DE' } });
    const page = await h.page(session.clientToken);
    const start = (await page.start(session.id, { cameraLabel: 'Integrated Camera', width: 640, height: 480, timeZone: 'Asia/Seoul' })).json;
    expect(await recordAbandonedFacts(h.deps)).toBe(0);
    h.clock.advance(Date.parse(start.plan.expiresAt) - h.clock.now() + 1);
    expect(await recordAbandonedFacts(h.deps)).toBe(1);
    expect(await recordAbandonedFacts(h.deps)).toBe(0);
    const [attempt] = await h.store.listAttempts(session.id);
    expect(attempt).toMatchObject({ status: 'started', completedAt: null });
    expect(attempt!.risk).toMatchObject({
      observed: { http: { country: 'US', lists: ['vpn'] }, lists: { date: '2026-12-01' }, timeZone: { zone: 'Asia/Seoul', agrees: false } },
      reported: { timeZone: 'Asia/Seoul', camera: 'no_usb_id' },
      claimed: { location: { country: 'DE', addressCountry: 'US', mismatches: ['address_country', 'browser_zone'] } },
    });
    // The hiring system sees them on the abandoned attempt.
    const read = await h.api('GET', `/v1/sessions/${session.id}`, undefined, { authorization: `Bearer ${h.apiKey}` });
    expect((read.json as { attempts: { status: string; risk: unknown }[] }).attempts[0]).toMatchObject({ status: 'abandoned', risk: { observed: { http: { lists: ['vpn'] } } } });
  });
});
