/**
 * The session event stream: viewer tokens, server-sent events through the real app, and the
 * PostgreSQL bus that carries events between server instances.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import type { SessionEvent } from '@liveproof/protocol';
import { readServerSentEvents } from '@liveproof/eval';
import { createPostgresEventBus } from './adapters/postgres/event-bus.ts';
import type { BusEvent, EventBus } from './event-bus.ts';
import { createHarness, neutralTrace, type Harness } from './testing/harness.ts';

const DATABASE_URL = process.env.LIVEPROOF_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

let h: Harness;
let auth: Record<string, string>;

beforeEach(async () => {
  h = await createHarness();
  auth = { authorization: `Bearer ${h.apiKey}` };
});

async function viewerToken(sessionId: string, body?: unknown): Promise<{ viewerToken: string; expiresAt: string }> {
  const { status, json } = await h.api('POST', `/v1/sessions/${sessionId}/viewer-tokens`, body, auth);
  expect(status).toBe(201);
  return json as unknown as { viewerToken: string; expiresAt: string };
}

describe('the session event stream', () => {
  it('shows a viewer the session, then each attempt as it starts, each prompt as it is shown, and the outcome', async () => {
    const session = await h.createSession({ candidateRef: 'cand-live' });
    const { viewerToken: token, expiresAt } = await viewerToken(session.id);
    expect(Date.parse(expiresAt) - h.clock.now()).toBe(4 * 3600 * 1000);
    const response = await h.app.request(`/v1/sessions/${session.id}/events`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
    const stream = readServerSentEvents(response);
    const snapshot = await stream.next();
    expect(snapshot).toMatchObject({ event: 'snapshot', data: { id: session.id, status: 'open', attempts: [], openRechecks: [] } });
    // A viewer needs the status, not the hiring system's references.
    expect(JSON.stringify(snapshot.data)).not.toContain('cand-live');

    const page = await h.page(session.clientToken);
    const start = (await page.start(session.id)).json;
    expect(await stream.next()).toEqual({
      event: 'attempt.started',
      data: { type: 'attempt.started', sessionId: session.id, attemptId: start.attemptId, sequence: 1, kind: 'check', challenges: start.plan.challenges, at: expect.any(String) },
    });
    const progress = await h.api('POST', `/v1/attempts/${start.attemptId}/progress`, { index: 1, challenge: start.plan.challenges[1] }, { authorization: `Bearer ${session.clientToken}` });
    expect(progress.status).toBe(204);
    expect(await stream.next()).toMatchObject({ event: 'attempt.prompt', data: { attemptId: start.attemptId, index: 1, challenge: start.plan.challenges[1] } });

    h.clock.advance(7_000);
    await page.submit(start.attemptId, await page.sign(page.payload(start, neutralTrace(start.plan.challenges))));
    const completed = (await stream.next()) as { event: string; data: SessionEvent & { type: 'attempt.completed' } };
    expect(completed.event).toBe('attempt.completed');
    expect(completed.data).toMatchObject({ attemptId: start.attemptId, result: 'fail', assurance: 'high' });
    expect(completed.data.reasons).toContain('not_performed');
    await stream.cancel();
  });

  it("accepts the session's client token and a token in the query (for EventSource)", async () => {
    const session = await h.createSession();
    const byQuery = await h.app.request(`/v1/sessions/${session.id}/events?access_token=${encodeURIComponent(session.clientToken)}`);
    const stream = readServerSentEvents(byQuery);
    expect((await stream.next()).event).toBe('snapshot');
    await stream.cancel();
  });

  it('refuses anyone without a token for that session', async () => {
    const session = await h.createSession();
    const other = await h.createSession();
    const { viewerToken: otherToken } = await viewerToken(other.id);
    const attempt = async (headers: Record<string, string>, query = '') => {
      const response = await h.app.request(`/v1/sessions/${session.id}/events${query}`, { headers });
      return [response.status, ((await response.json()) as { error: { code: string } }).error.code];
    };
    expect(await attempt({})).toEqual([401, 'unauthorized']);
    expect(await attempt(auth)).toEqual([401, 'unauthorized']); // an API key is for servers, not for browsers
    expect(await attempt({ authorization: `Bearer ${otherToken}` })).toEqual([404, 'session_not_found']);
    expect(await attempt({}, '?access_token=not-a-token')).toEqual([401, 'unauthorized']);
    h.clock.advance(5 * 3600 * 1000);
    const { viewerToken: fresh } = await viewerToken(session.id, { ttlSeconds: 60 });
    h.clock.advance(120_000);
    expect(await attempt({ authorization: `Bearer ${fresh}` })).toEqual([401, 'unauthorized']);
  });

  it('refuses progress for a step that is not in the plan, or from another session', async () => {
    const session = await h.createSession();
    const page = await h.page(session.clientToken);
    const start = (await page.start(session.id)).json;
    const client = { authorization: `Bearer ${session.clientToken}` };
    const wrong = start.plan.challenges[0] === 'blink' ? 'smile' : 'blink';
    expect((await h.api('POST', `/v1/attempts/${start.attemptId}/progress`, { index: 0, challenge: wrong }, client)).json.error?.code).toBe('plan_mismatch');
    expect((await h.api('POST', `/v1/attempts/${start.attemptId}/progress`, { index: 99, challenge: 'blink' }, client)).json.error?.code).toBe('invalid_request');
    const other = await h.createSession();
    expect((await h.api('POST', `/v1/attempts/${start.attemptId}/progress`, { index: 0, challenge: start.plan.challenges[0] }, { authorization: `Bearer ${other.clientToken}` })).json.error?.code).toBe(
      'attempt_not_found',
    );
  });
});

describe('witnessed re-checks', () => {
  it('lets an interviewer ask for one, the candidate answer it with a short attempt, once, outside the attempt limit', async () => {
    const session = await h.createSession({ attemptLimit: 1 });
    const page = await h.page(session.clientToken);
    // The one allowed attempt fails: the session is failed, and a re-check may still be asked for.
    const first = (await page.start(session.id)).json;
    h.clock.advance(7_000);
    await page.submit(first.attemptId, await page.sign(page.payload(first, neutralTrace(first.plan.challenges))));

    const { viewerToken: token } = await viewerToken(session.id, { recheck: true });
    const candidateStream = readServerSentEvents(await h.app.request(`/v1/sessions/${session.id}/events?access_token=${encodeURIComponent(session.clientToken)}`));
    // The snapshot carries the latest result's token, for a badge that connects mid-interview.
    const snapshot = await candidateStream.next();
    expect(snapshot).toMatchObject({ event: 'snapshot', data: { status: 'failed', latestToken: expect.stringMatching(/^eyJ/) } });
    const introspected = await h.api('POST', '/v1/tokens/introspect', { token: (snapshot.data as { latestToken: string }).latestToken }, auth);
    expect(introspected.json).toMatchObject({ active: true, jti: first.attemptId, result: 'fail' });
    const asked = await h.api('POST', `/v1/sessions/${session.id}/rechecks`, undefined, { authorization: `Bearer ${token}` });
    expect(asked.status).toBe(201);
    const recheckId = asked.json.recheckId as string;
    expect(await candidateStream.next()).toMatchObject({ event: 'recheck.requested', data: { recheckId, sessionId: session.id } });

    const answer = await page.start(session.id, undefined, { recheckId });
    expect(answer.status).toBe(201);
    // Two movements and, as in the check, the screen light.
    expect(answer.json.plan.challenges).toHaveLength(3);
    expect(answer.json.plan.challenges.filter((c) => c === 'light')).toHaveLength(1);
    expect(answer.json.plan.light?.colours.length).toBeGreaterThan(0);
    expect(await candidateStream.next()).toMatchObject({ event: 'attempt.started', data: { attemptId: answer.json.attemptId, kind: 'recheck', sequence: 2 } });
    // Answered once only.
    expect((await page.start(session.id, undefined, { recheckId })).json.error?.code).toBe('recheck_not_found');
    const record = (await h.api('GET', `/v1/sessions/${session.id}`, undefined, auth)).json as { status: string; attemptsUsed: number; attempts: { kind: string }[] };
    expect(record).toMatchObject({ status: 'failed', attemptsUsed: 1 });
    expect(record.attempts.map((a) => a.kind)).toEqual(['check', 'recheck']);
    // A re-check's result says so, in the answer and in its token: it is never taken for a check.
    h.clock.advance(7_000);
    const result = await page.submit(answer.json.attemptId, await page.sign(page.payload(answer.json, neutralTrace(answer.json.plan.challenges))));
    expect(result.json.kind).toBe('recheck');
    expect(decodeJwt(result.json.token)).toMatchObject({ kind: 'recheck', sid: session.id });
    expect((await h.api('POST', '/v1/tokens/introspect', { token: result.json.token }, auth)).json).toMatchObject({ active: true, kind: 'recheck' });
    await candidateStream.cancel();
  });

  it('needs a viewer token with the re-check right, and a request not yet expired', async () => {
    const session = await h.createSession();
    const { viewerToken: watchOnly } = await viewerToken(session.id);
    const ask = (token: string) => h.api('POST', `/v1/sessions/${session.id}/rechecks`, undefined, { authorization: `Bearer ${token}` });
    expect((await ask(watchOnly)).json.error?.code).toBe('forbidden');
    expect((await ask(session.clientToken)).json.error?.code).toBe('forbidden');
    const { viewerToken: allowed } = await viewerToken(session.id, { recheck: true });
    const recheckId = (await ask(allowed)).json.recheckId as string;
    h.clock.advance(2 * 60_000 + 1);
    const page = await h.page(session.clientToken);
    expect((await page.start(session.id, undefined, { recheckId })).json.error?.code).toBe('recheck_not_found');
    const other = await h.createSession();
    const { viewerToken: otherAllowed } = await viewerToken(other.id, { recheck: true });
    const fresh = (await h.api('POST', `/v1/sessions/${other.id}/rechecks`, undefined, { authorization: `Bearer ${otherAllowed}` })).json.recheckId as string;
    expect((await page.start(session.id, undefined, { recheckId: fresh })).json.error?.code).toBe('recheck_not_found');
  });
});

describe('the PostgreSQL event bus', () => {
  const buses: EventBus[] = [];
  afterEach(async () => {
    for (const bus of buses.splice(0)) await bus.close();
  });

  it("carries one instance's events to another instance's subscribers, and keeps deployments apart", async () => {
    const schema = `bus_${Date.now()}`;
    const [a, b, elsewhere] = await Promise.all([
      createPostgresEventBus({ url: DATABASE_URL, schema }),
      createPostgresEventBus({ url: DATABASE_URL, schema }),
      createPostgresEventBus({ url: DATABASE_URL, schema: `${schema}_other` }),
    ]);
    buses.push(a, b, elsewhere);
    const seen: BusEvent[] = [];
    const strays: BusEvent[] = [];
    b.subscribe('ses_1', (event) => seen.push(event));
    b.subscribe('ses_2', (event) => strays.push(event));
    elsewhere.subscribe('ses_1', (event) => strays.push(event));
    const event: SessionEvent = { type: 'attempt.prompt', sessionId: 'ses_1', attemptId: 'att_1', index: 0, challenge: 'smile', at: new Date().toISOString() };
    await a.publish(event);
    await expect.poll(() => seen, { timeout: 3_000 }).toEqual([event]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(strays).toEqual([]);
  });
});
