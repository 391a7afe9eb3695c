/** The hiring system's view of the record: listing and filtering, attempt detail, introspection and revocation. */
import { beforeEach, describe, expect, it } from 'vitest';
import { createIntegration } from './domain/integrations.ts';
import { createHarness, neutralTrace, type ApiJson, type Harness } from './testing/harness.ts';

let h: Harness;
let auth: Record<string, string>;

beforeEach(async () => {
  h = await createHarness();
  auth = { authorization: `Bearer ${h.apiKey}` };
});

/** A session whose attempts all fail (a still, neutral face): returns each attempt's id and token. */
async function failedAttempts(candidateRef: string, count: number, interviewRef = 'int-1') {
  const session = await h.createSession({ candidateRef, interviewRef });
  const page = await h.page(session.clientToken);
  const attempts: { id: string; token: string }[] = [];
  for (let i = 0; i < count; i++) {
    const start = (await page.start(session.id)).json;
    h.clock.advance(7_000);
    const result = (await page.submit(start.attemptId, await page.sign(page.payload(start, neutralTrace(start.plan.challenges))))).json;
    attempts.push({ id: start.attemptId, token: result.token });
  }
  return { sessionId: session.id, attempts };
}

const get = async (path: string, headers = auth) => (await h.api('GET', path, undefined, headers)).json;

describe('listing sessions and attempts', () => {
  it('filters sessions by candidate, interview and date, and pages through them', async () => {
    const a = await failedAttempts('cand-a', 1, 'itv-1');
    h.clock.advance(60_000);
    const b = await failedAttempts('cand-b', 0, 'itv-2');
    h.clock.advance(60_000);
    const c = await failedAttempts('cand-a', 0, 'itv-3');
    const ids = (json: ApiJson) => (json.sessions as { id: string }[]).map((s) => s.id);
    expect(ids(await get('/v1/sessions'))).toEqual([c.sessionId, b.sessionId, a.sessionId]);
    expect(ids(await get('/v1/sessions?candidateRef=cand-a'))).toEqual([c.sessionId, a.sessionId]);
    expect(ids(await get('/v1/sessions?interviewRef=itv-2'))).toEqual([b.sessionId]);
    const first = await get('/v1/sessions?limit=2');
    expect(ids(first)).toEqual([c.sessionId, b.sessionId]);
    const second = await get(`/v1/sessions?limit=2&cursor=${first.next as string}`);
    expect([ids(second), second.next]).toEqual([[a.sessionId], null]);
    const from = new Date(h.clock.now() - 90_000).toISOString();
    expect(ids(await get(`/v1/sessions?from=${encodeURIComponent(from)}`))).toEqual([c.sessionId, b.sessionId]);
    expect((await get('/v1/sessions'))['sessions']).toEqual(expect.arrayContaining([expect.objectContaining({ id: a.sessionId, status: 'open', attemptsUsed: 1 })]));
    expect((await get('/v1/sessions?cursor=bm9wZQ')).error?.code).toBe('invalid_request');
    expect((await get('/v1/sessions?from=yesterday')).error?.code).toBe('invalid_request');
  });

  it('filters attempts by result and reason across sessions, and shows one in full', async () => {
    const a = await failedAttempts('cand-a', 2);
    const b = await failedAttempts('cand-b', 1);
    const session = await h.createSession({ candidateRef: 'cand-c' });
    const started = (await (await h.page(session.clientToken)).start(session.id)).json;
    const ids = (json: ApiJson) => (json.attempts as { id: string }[]).map((x) => x.id).sort();
    expect(ids(await get('/v1/attempts?result=failed'))).toEqual([...a.attempts, ...b.attempts].map((x) => x.id).sort());
    expect(ids(await get('/v1/attempts?result=started'))).toEqual([started.attemptId]);
    expect(ids(await get('/v1/attempts?candidateRef=cand-b'))).toEqual([b.attempts[0]!.id]);
    expect(ids(await get('/v1/attempts?reason=not_performed'))).toHaveLength(3);
    expect(ids(await get('/v1/attempts?reason=multiple_faces'))).toEqual([]);
    expect(ids(await get(`/v1/attempts?sessionId=${a.sessionId}`))).toEqual(a.attempts.map((x) => x.id).sort());

    const detail = await get(`/v1/sessions/${a.sessionId}/attempts/${a.attempts[0]!.id}`);
    expect(detail).toMatchObject({ id: a.attempts[0]!.id, sessionId: a.sessionId, candidateRef: 'cand-a', status: 'failed', assurance: 'high' });
    expect(detail.reasons).toContain('not_performed');
    expect(detail).not.toHaveProperty('trace');
    const withTrace = await get(`/v1/sessions/${a.sessionId}/attempts/${a.attempts[0]!.id}?trace=1`);
    expect((withTrace.trace as { frames: unknown[] }).frames.length).toBeGreaterThan(100);
    expect((await get(`/v1/sessions/${b.sessionId}/attempts/${a.attempts[0]!.id}`)).error?.code).toBe('attempt_not_found');
  });

  it('shows another integration none of it', async () => {
    const a = await failedAttempts('cand-a', 1);
    const { apiKey } = await createIntegration(h.store, { name: 'Other ATS', audiences: ['other'] }, { now: h.clock.now() });
    const stranger = { authorization: `Bearer ${apiKey}` };
    expect(await get('/v1/sessions', stranger)).toEqual({ sessions: [], next: null });
    expect(await get('/v1/attempts', stranger)).toEqual({ attempts: [], next: null });
    expect((await get(`/v1/sessions/${a.sessionId}/attempts/${a.attempts[0]!.id}`, stranger)).error?.code).toBe('attempt_not_found');
    expect((await h.api('POST', `/v1/attempts/${a.attempts[0]!.id}/revoke`, undefined, stranger)).json.error?.code).toBe('attempt_not_found');
    expect((await h.api('POST', '/v1/tokens/introspect', { token: a.attempts[0]!.token }, stranger)).json).toEqual({ active: false });
  });

  it('needs an API key', async () => {
    for (const path of ['/v1/sessions', '/v1/attempts']) expect((await h.api('GET', path)).json.error?.code).toBe('unauthorized');
    expect((await h.api('POST', '/v1/tokens/introspect', { token: 'x' })).json.error?.code).toBe('unauthorized');
  });
});

describe('token introspection and revocation', () => {
  const introspect = async (token: string, form = false) =>
    form
      ? (await h.api('POST', '/v1/tokens/introspect', `token=${encodeURIComponent(token)}`, { ...auth, 'content-type': 'application/x-www-form-urlencoded' })).json
      : (await h.api('POST', '/v1/tokens/introspect', { token }, auth)).json;

  it('says a fresh token is active, with its claims, in JSON or form encoding', async () => {
    const { sessionId, attempts } = await failedAttempts('cand-a', 1);
    const json = await introspect(attempts[0]!.token);
    expect(json).toMatchObject({ active: true, token_type: 'liveproof+jwt', jti: attempts[0]!.id, sub: 'cand-a', sid: sessionId, aud: 'ats-test', result: 'fail' });
    expect(await introspect(attempts[0]!.token, true)).toEqual(json);
  });

  it('says inactive once revoked, once expired, and for anything that is not one of our tokens', async () => {
    const { attempts } = await failedAttempts('cand-a', 2);
    const [one, two] = attempts as [{ id: string; token: string }, { id: string; token: string }];
    const revoked = await h.api('POST', `/v1/attempts/${one.id}/revoke`, undefined, auth);
    expect(revoked.status).toBe(200);
    expect(revoked.json.revokedAt).toBe(new Date(h.clock.now()).toISOString());
    expect(await introspect(one.token)).toEqual({ active: false });
    expect((await introspect(two.token)).active).toBe(true);

    const [header, payload, signature] = two.token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...claims, result: 'pass' })).toString('base64url')}.${signature}`;
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'liveproof+jwt' })).toString('base64url')}.${payload}.`;
    for (const token of [forged, unsigned, 'not.a.token', 'x']) expect(await introspect(token)).toEqual({ active: false });

    h.clock.advance(61 * 60_000); // past the default one-hour token lifetime
    expect(await introspect(two.token)).toEqual({ active: false });
    const events = await h.store.listEvents({ attemptId: one.id });
    expect(events.map((e) => e.type)).toContain('attempt_revoked');
  });

  it('needs the token, form-encoded or in JSON', async () => {
    expect((await h.api('POST', '/v1/tokens/introspect', {}, auth)).json.error?.code).toBe('invalid_request');
    expect((await h.api('POST', '/v1/tokens/introspect', 'token=abc', { ...auth, 'content-type': 'text/plain' })).json.error?.code).toBe('unsupported_media_type');
  });

  it('cannot revoke an attempt that has no result yet', async () => {
    const session = await h.createSession();
    const started = (await (await h.page(session.clientToken)).start(session.id)).json;
    const { status, json } = await h.api('POST', `/v1/attempts/${started.attemptId}/revoke`, undefined, auth);
    expect([status, json.error?.code]).toEqual([404, 'attempt_not_found']);
  });
});

describe('the API description', () => {
  it('serves an OpenAPI 3.1 document generated from the route schemas, and a reference page', async () => {
    const response = await h.app.request('/v1/openapi.json');
    expect(response.status).toBe(200);
    const doc = (await response.json()) as { openapi: string; paths: Record<string, Record<string, { security?: unknown; requestBody?: { content: Record<string, { schema: { required?: string[] } }> } }>>; components: { securitySchemes: Record<string, unknown> } };
    expect(doc.openapi).toBe('3.1.0');
    for (const [path, method] of [
      ['/v1/sessions', 'post'],
      ['/v1/sessions', 'get'],
      ['/v1/sessions/{id}', 'get'],
      ['/v1/sessions/{id}/attempts', 'post'],
      ['/v1/attempts/{id}/result', 'post'],
      ['/v1/attempts', 'get'],
      ['/v1/sessions/{id}/attempts/{attemptId}', 'get'],
      ['/v1/tokens/introspect', 'post'],
      ['/v1/attempts/{id}/revoke', 'post'],
      ['/v1/webhooks', 'post'],
      ['/v1/webhooks/{id}/messages', 'get'],
      ['/v1/sessions/{id}/viewer-tokens', 'post'],
      ['/v1/sessions/{id}/events', 'get'],
      ['/v1/sessions/{id}/rechecks', 'post'],
      ['/v1/attempts/{id}/progress', 'post'],
    ] as const) {
      expect(doc.paths[path]?.[method], `${method} ${path}`).toBeDefined();
    }
    // The body schema is the one the server validates with.
    expect(doc.paths['/v1/sessions']!.post!.requestBody!.content['application/json']!.schema.required).toEqual(['candidateRef', 'audience']);
    expect(doc.paths['/v1/sessions']!.post!.security).toEqual([{ apiKey: [] }]);
    // A result is authorised by the attempt key's signature, not by the client token.
    expect(doc.paths['/v1/attempts/{id}/result']!.post!.security).toEqual([{ attemptKey: [] }]);
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['adminKey', 'apiKey', 'attemptKey', 'clientToken', 'viewerToken']);

    const page = await h.app.request('/v1/docs');
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const html = await page.text();
    expect(html).toContain('<code>POST /v1/tokens/introspect</code>');
    expect(html).toContain('webhook_url_not_allowed');
    expect(html).not.toMatch(/<script/);
  });
});
