/**
 * Sending a signed result until the server acknowledges it, with a frozen clock: the waits are
 * recorded rather than slept, and `fetch` answers from a script, so every branch is deterministic.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiClient, retryAfterMs, retryDelayMs } from './api.ts';
import type { PendingResult } from './pending-result.ts';

const T0 = Date.UTC(2026, 11, 2, 9, 0);
const pending: PendingResult = { sessionId: 'ses_1', attemptId: 'att_1', purpose: 'result', jws: 'a.b.c', expiresAt: T0 + 60_000 };
const RESPONSE = { attemptId: 'att_1', kind: 'check', result: 'pass', token: 't', reasons: [], steps: [], signals: [], assurance: 'high', tokenExpiresAt: '', attemptsRemaining: 0, sessionStatus: 'passed' };

type Answer = Response | Error;

/** `fetch` answering each request with the next scripted answer; records what was asked. */
function script(answers: Answer[]) {
  const asked: string[] = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    asked.push(`${init.method} ${new URL(url).pathname}`);
    const next = answers.shift();
    if (!next) throw new Error('no more scripted answers');
    if (next instanceof Error) throw next;
    return next;
  });
  return asked;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
const refused = (status: number, code: string, headers: Record<string, string> = {}) => json(status, { error: { code, message: code } }, headers);

function frozen() {
  let now = T0;
  const waits: number[] = [];
  return {
    waits,
    now: () => now,
    sleep: async (ms: number) => {
      waits.push(ms);
      now += ms;
    },
  };
}

afterEach(() => vi.unstubAllGlobals());

describe('sending a signed result', () => {
  it('tries again after a network loss, a rate limit (as long as Retry-After says) and a server error, then succeeds', async () => {
    const asked = script([new TypeError('Failed to fetch'), refused(429, 'rate_limited', { 'retry-after': '7' }), refused(503, 'internal_error'), json(502, {}), json(200, RESPONSE)]);
    const clock = frozen();
    const retries: string[] = [];
    const response = await new ApiClient('https://liveproof.test', 'ct').submitWithRetry(pending, { ...clock, onRetry: (error) => retries.push(error.code) });
    expect(response).toMatchObject({ result: 'pass' });
    expect(clock.waits).toEqual([500, 7_000, 2_000, 4_000]);
    expect(retries).toEqual(['network_error', 'rate_limited', 'internal_error', 'internal_error']);
    expect(asked).toEqual(Array(5).fill('POST /v1/attempts/att_1/result'));
  });

  it('reads the outcome back when an earlier copy got there first', async () => {
    const asked = script([new TypeError('Failed to fetch'), refused(409, 'result_already_submitted'), json(200, RESPONSE)]);
    const response = await new ApiClient('https://liveproof.test', 'ct').submitWithRetry(pending, frozen());
    expect(response.attemptId).toBe('att_1');
    expect(asked).toEqual(['POST /v1/attempts/att_1/result', 'POST /v1/attempts/att_1/result', 'GET /v1/attempts/att_1']);
  });

  it('stops at a refusal that will not change', async () => {
    script([refused(422, 'invalid_result')]);
    const clock = frozen();
    await expect(new ApiClient('https://liveproof.test', 'ct').submitWithRetry(pending, clock)).rejects.toMatchObject({ code: 'invalid_result', details: { status: 422 } });
    expect(clock.waits).toEqual([]);
  });

  it('gives up once the attempt has long expired, keeping the last error', async () => {
    script(Array.from({ length: 40 }, () => new TypeError('Failed to fetch')));
    const clock = frozen();
    await expect(new ApiClient('https://liveproof.test', 'ct').submitWithRetry(pending, clock)).rejects.toMatchObject({ code: 'network_error' });
    // It kept trying through the plan's lifetime and a minute after it, then stopped.
    expect(clock.now()).toBeGreaterThan(pending.expiresAt);
    expect(clock.now()).toBeLessThanOrEqual(pending.expiresAt + 60_000);
    expect(Math.max(...clock.waits)).toBe(15_000);
  });

  it('posts a stop to its own route', async () => {
    const asked = script([json(200, { ...RESPONSE, result: 'fail', reasons: ['stopped_flashing'] })]);
    await new ApiClient('https://liveproof.test', 'ct').submitWithRetry({ ...pending, purpose: 'stop' }, frozen());
    expect(asked).toEqual(['POST /v1/attempts/att_1/stop']);
  });
});

describe('waits', () => {
  it('reads Retry-After in seconds or as a date, and backs off otherwise', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs(new Date(T0 + 5000).toUTCString(), T0)).toBe(5000);
    expect(retryAfterMs('soon')).toBeUndefined();
    expect([0, 1, 2, 3, 4, 5, 6].map((n) => retryDelayMs(n))).toEqual([500, 1000, 2000, 4000, 8000, 15000, 15000]);
    expect(retryDelayMs(0, 120_000)).toBe(60_000);
  });
});
