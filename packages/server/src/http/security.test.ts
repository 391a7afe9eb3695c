/**
 * What a hiring platform's security engineer checks first, through the real app: headers on every
 * response, CORS limited to the integrations' embedding origins, a request's origin held to its
 * session's integration, event streams that close and are capped, revocable viewer tokens, and
 * text that one store would refuse refused by both, as `invalid_request`.
 */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresStore } from '../adapters/postgres/store.ts';
import { createIntegration } from '../domain/integrations.ts';
import { createHarness, type Harness } from '../testing/harness.ts';
import { readServerSentEvents } from '@liveproof/eval';

const auth = (h: Harness) => ({ authorization: `Bearer ${h.apiKey}` });

describe('headers on every response', () => {
  it('sends nosniff, no-referrer and a CSP everywhere, a strict page CSP on the server pages, and HSTS when the public URL is https', async () => {
    const h = await createHarness();
    for (const path of ['/v1/health', '/v1/nothing', '/.well-known/jwks.json', '/v1/docs']) {
      const response = await h.app.request(path);
      expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(response.headers.get('referrer-policy'), path).toBe('no-referrer');
      expect(response.headers.get('strict-transport-security'), path).toMatch(/max-age=\d+/);
    }
    expect((await h.app.request('/v1/health')).headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
    const page = (await h.app.request('/v1/docs')).headers.get('content-security-policy')!;
    expect(page).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(page).toContain("object-src 'none'");
    expect(page).toContain("frame-ancestors 'self'");
    expect(page).not.toContain('unsafe-inline');
    const http = await createHarness({ issuer: 'http://localhost:8787' });
    expect((await http.app.request('/v1/health')).headers.get('strict-transport-security')).toBeNull();
  });
});

describe('CORS and origins', () => {
  it("answers a preflight for an integration's embedding origin, and for no other", async () => {
    const h = await createHarness();
    const preflight = (origin: string) =>
      h.app.request('/v1/sessions/ses_x/attempts', { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' } });
    expect((await preflight('https://careers.example.com')).headers.get('access-control-allow-origin')).toBe('https://careers.example.com');
    expect((await preflight('https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
    // The hiring system's routes are for servers, not pages: no CORS at all.
    const hiring = await h.app.request('/v1/sessions', { method: 'OPTIONS', headers: { origin: 'https://careers.example.com', 'access-control-request-method': 'POST' } });
    expect(hiring.headers.get('access-control-allow-origin')).toBeNull();
  });

  it("refuses a page request from an origin the session's integration does not list, even one another integration lists", async () => {
    const h = await createHarness();
    await createIntegration(h.store, { name: 'Other', audiences: ['other'], origins: ['https://other.example'] }, { now: h.clock.now() });
    h.deps.origins.invalidate();
    const session = await h.createSession();
    const page = await h.page(session.clientToken);
    const start = (origin: string) =>
      h.api('POST', `/v1/sessions/${session.id}/attempts`, { publicKey: page.publicJwk }, { authorization: `Bearer ${session.clientToken}`, origin });
    const foreign = await start('https://other.example');
    expect([foreign.status, foreign.json.error?.code]).toEqual([403, 'origin_not_allowed']);
    expect((await start('https://careers.example.com')).status).toBe(201);
    // The server's own pages may always call it.
    expect((await start('https://liveproof.test')).status).toBe(201);
  });
});

describe('event streams', () => {
  it('close when their token expires, and say so', async () => {
    // A keep-alive (and deadline check) every 100 ms rather than 15 s, so the test need not wait.
    const h = await createHarness({ streams: { perToken: 3, perAddress: 20, perProcess: 2000, keepAliveMs: 100 } });
    const session = await h.createSession();
    const { viewerToken } = (await h.api('POST', `/v1/sessions/${session.id}/viewer-tokens`, { ttlSeconds: 60 }, auth(h))).json as { viewerToken: string };
    const stream = readServerSentEvents(await h.app.request(`/v1/sessions/${session.id}/events?access_token=${viewerToken}`));
    expect((await stream.next()).event).toBe('snapshot');
    h.clock.advance(61_000);
    // The stream checks its deadline at least every keep-alive; the frozen clock is past it now.
    expect(await stream.next()).toEqual({ event: 'closed', data: { reason: 'expired' } });
  });

  it('close at once when their viewer token is revoked, which then opens no more', async () => {
    const h = await createHarness();
    const session = await h.createSession();
    const viewer = (await h.api('POST', `/v1/sessions/${session.id}/viewer-tokens`, undefined, auth(h))).json as { viewerToken: string; id: string };
    const stream = readServerSentEvents(await h.app.request(`/v1/sessions/${session.id}/events?access_token=${viewer.viewerToken}`));
    expect((await stream.next()).event).toBe('snapshot');
    expect((await h.api('POST', `/v1/sessions/${session.id}/viewer-tokens/${viewer.id}/revoke`, undefined, auth(h))).status).toBe(204);
    expect(await stream.next()).toEqual({ event: 'closed', data: { reason: 'revoked' } });
    const again = await h.app.request(`/v1/sessions/${session.id}/events?access_token=${viewer.viewerToken}`);
    expect([again.status, ((await again.json()) as { error: { details: unknown } }).error.details]).toEqual([401, { reason: 'revoked' }]);
  });

  it('are capped per token', async () => {
    const h = await createHarness({ streams: { perToken: 2, perAddress: 10, perProcess: 100, keepAliveMs: 15_000 } });
    const session = await h.createSession();
    const open = () => h.app.request(`/v1/sessions/${session.id}/events?access_token=${session.clientToken}`);
    const first = await open();
    const second = await open();
    const third = await open();
    expect([first.status, second.status, third.status]).toEqual([200, 200, 429]);
    expect(((await third.json()) as { error: { code: string } }).error.code).toBe('too_many_streams');
    await first.body!.cancel();
    await expect.poll(async () => (await open()).status).toBe(200);
    await second.body!.cancel();
  });
});

describe('text one store would refuse', () => {
  const DATABASE_URL = process.env.LIVEPROOF_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const schema = `liveproof_text_${randomBytes(4).toString('hex')}`;
  afterAll(async () => {
    const admin = postgres(DATABASE_URL, { onnotice: () => {} });
    await admin`DROP SCHEMA IF EXISTS ${admin(schema)} CASCADE`;
    await admin.end();
  });

  it('is invalid_request on SQLite and on PostgreSQL alike: lone surrogates, NUL, in bodies and paths', async () => {
    for (const store of [undefined, createPostgresStore({ url: DATABASE_URL, schema })]) {
      const h = await createHarness({}, store ? { store } : {});
      const session = await h.createSession();
      const page = await h.page(session.clientToken);
      const bad = ['\ud800', 'a\udc00b', 'x\u0000y'];
      for (const label of bad) {
        const start = await h.api('POST', `/v1/sessions/${session.id}/attempts`, { publicKey: page.publicJwk, device: { cameraLabel: label, width: 1, height: 1 } }, { authorization: `Bearer ${session.clientToken}` });
        expect([start.status, start.json.error?.code], JSON.stringify(label)).toEqual([400, 'invalid_request']);
        const created = await h.api('POST', '/v1/sessions', { candidateRef: label, interviewRef: 'i', audience: 'ats-test' }, auth(h));
        expect([created.status, created.json.error?.code]).toEqual([400, 'invalid_request']);
      }
      for (const path of ['/v1/attempts/a%00b/reference-image', '/v1/sessions/ses_%ED%A0%80', '/v1/sessions/ses_%00']) {
        const response = await h.app.request(path, { headers: auth(h) });
        expect(response.status, path).toBeLessThan(500);
      }
      await h.close();
      await h.store.close();
    }
  });
});
