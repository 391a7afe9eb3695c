/**
 * Webhooks through real HTTP: the API registers an endpoint, a result puts its messages in the
 * outbox, the dispatcher posts them to a real receiver on this machine, and the receiver checks
 * every signature with `@liveproof/verify`, as a hiring system would. The server's clock is frozen
 * and moved by hand, so retries come when the test says.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyWebhook, type VerifiedWebhook } from '@liveproof/verify';
import { createIntegration } from './integrations.ts';
import { createSqliteStore } from './stores/sqlite.ts';
import { createHarness, neutralTrace, type Harness } from './test-harness.ts';
import { createWebhookDispatcher, type WebhookDispatcher } from './webhooks.ts';

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
  answered: number;
}

/** A hiring system's webhook receiver: answers each request with the next status in `answers` (then 204). */
class Receiver {
  readonly received: Received[] = [];
  answers: number[] = [];
  hang = false;
  #server: Server;
  url = '';

  constructor() {
    this.#server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        const answered = this.answers.shift() ?? 204;
        this.received.push({ headers: req.headers, body, answered });
        if (this.hang) return; // never answers
        res.writeHead(answered).end();
      });
    });
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    const address = this.#server.address();
    this.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/hooks/liveproof`;
    return this;
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  /** Verified deliveries the receiver accepted (2xx), as a receiver that drops repeats would count them. */
  accepted(secret: string, now: Date): VerifiedWebhook[] {
    return this.received.filter((r) => r.answered < 300).map((r) => verifyWebhook(r.body, r.headers as Record<string, string>, secret, { now }));
  }
}

let h: Harness;
let receiver: Receiver;
let dir: string;
const dispatchers: WebhookDispatcher[] = [];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'liveproof-webhooks-'));
  h = await createHarness({}, { store: createSqliteStore({ path: join(dir, 'liveproof.db') }) });
  receiver = await new Receiver().listen();
});

afterEach(async () => {
  for (const dispatcher of dispatchers.splice(0)) await dispatcher.stop();
  await receiver.close();
  await h.store.close();
  rmSync(dir, { recursive: true, force: true });
});

const SCHEDULE = [5_000, 60_000];

function dispatcher(harness: Harness = h, timeoutMs = 2_000): WebhookDispatcher {
  const created = createWebhookDispatcher({ store: harness.store, clock: harness.clock, retryScheduleMs: SCHEDULE, timeoutMs });
  dispatchers.push(created);
  return created;
}

async function registerEndpoint(harness: Harness = h, body: Record<string, unknown> = { url: receiver.url }) {
  const { status, json } = await harness.api('POST', '/v1/webhooks', body, { authorization: `Bearer ${harness.apiKey}` });
  expect(status).toBe(201);
  return json as { id: string; secret: string; url: string; events: string[] };
}

/** A session with one attempt allowed, whose attempt fails: attempt.completed and session.failed. */
async function failAnAttempt(harness: Harness = h): Promise<{ sessionId: string; attemptId: string }> {
  const session = await harness.createSession({ attemptLimit: 1 });
  const page = await harness.page(session.clientToken);
  const start = (await page.start(session.id)).json;
  harness.clock.advance(7_000);
  const submitted = await page.submit(start.attemptId, await page.sign(page.payload(start, neutralTrace(start.plan.challenges))));
  expect(submitted.json.result).toBe('fail');
  return { sessionId: session.id, attemptId: start.attemptId };
}

describe('webhooks', () => {
  it('delivers signed attempt.completed and session.failed events that the receiver verifies', async () => {
    const hook = await registerEndpoint();
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const { sessionId, attemptId } = await failAnAttempt();
    expect(await dispatcher().runOnce()).toBe(2);

    const events = receiver.accepted(hook.secret, new Date(h.clock.now()));
    expect(events.map((e) => e.type).sort()).toEqual(['attempt.completed', 'session.failed']);
    for (const event of events) {
      expect(event.data).toMatchObject({ sessionId, attemptId, candidateRef: 'cand-1', interviewRef: 'int-1', result: 'fail', sequence: 1 });
      expect((event.data as { reasons: string[] }).reasons).toContain('not_performed');
    }
    expect(receiver.received[0]!.headers['content-type']).toBe('application/json');
    // Another secret, or a body changed on the way, does not verify.
    const [first] = receiver.received;
    expect(() => verifyWebhook(first!.body, first!.headers as Record<string, string>, `whsec_${btoa('x'.repeat(32))}`, { now: new Date(h.clock.now()) })).toThrow(
      expect.objectContaining({ code: 'webhook_signature_invalid' }),
    );
    expect(() => verifyWebhook(first!.body.replace('fail', 'pass'), first!.headers as Record<string, string>, hook.secret, { now: new Date(h.clock.now()) })).toThrow(
      expect.objectContaining({ code: 'webhook_signature_invalid' }),
    );
  });

  it('retries a delivery the receiver refused, with the same webhook-id, after the schedule says', async () => {
    const hook = await registerEndpoint(h, { url: receiver.url, events: ['attempt.completed'] });
    receiver.answers = [500];
    await failAnAttempt();
    const worker = dispatcher();
    expect(await worker.runOnce()).toBe(1);
    expect(receiver.received).toHaveLength(1);

    const auth = { authorization: `Bearer ${h.apiKey}` };
    const log = (await h.api('GET', `/v1/webhooks/${hook.id}/messages`, undefined, auth)).json as { messages: Record<string, unknown>[] };
    expect(log.messages).toEqual([expect.objectContaining({ type: 'attempt.completed', status: 'pending', attempts: 1, lastResponseStatus: 500, lastError: 'HTTP 500' })]);

    h.clock.advance(4_999);
    expect(await worker.runOnce()).toBe(0);
    h.clock.advance(1);
    expect(await worker.runOnce()).toBe(1);
    expect(receiver.received).toHaveLength(2);
    expect(receiver.received[1]!.headers['webhook-id']).toBe(receiver.received[0]!.headers['webhook-id']);
    expect(receiver.accepted(hook.secret, new Date(h.clock.now()))).toHaveLength(1);
    const after = (await h.api('GET', `/v1/webhooks/${hook.id}/messages`, undefined, auth)).json as { messages: Record<string, unknown>[] };
    expect(after.messages[0]).toMatchObject({ status: 'delivered', attempts: 2, lastResponseStatus: 204, nextAttemptAt: null });
    h.clock.advance(10 * 60_000);
    expect(await worker.runOnce()).toBe(0);
  });

  it('keeps undelivered messages across a restart and sends nothing twice', async () => {
    const hook = await registerEndpoint();
    receiver.answers = [204, 503];
    await failAnAttempt();
    await dispatcher().runOnce();
    expect(receiver.received.map((r) => r.answered)).toEqual([204, 503]);

    // The server stops (gracefully), and a new one starts on the same database file.
    for (const d of dispatchers.splice(0)) await d.stop();
    await h.store.close();
    const restarted = await createHarness({}, { store: createSqliteStore({ path: join(dir, 'liveproof.db') }) });
    restarted.clock.set(h.clock.now() + SCHEDULE[0]!);
    expect(await dispatcher(restarted).runOnce()).toBe(1);
    restarted.clock.advance(24 * 3_600_000);
    expect(await dispatcher(restarted).runOnce()).toBe(0);
    await restarted.store.close();

    const accepted = receiver.accepted(hook.secret, new Date(restarted.clock.now() - 24 * 3_600_000));
    expect(accepted.map((e) => e.type).sort()).toEqual(['attempt.completed', 'session.failed']);
    expect(new Set(accepted.map((e) => e.id)).size).toBe(2);
    expect(receiver.received).toHaveLength(3);
    h = restarted; // closed above; afterEach closes again harmlessly
  });

  it('gives up after the last retry, and a receiver that never answers is a timeout', async () => {
    const hook = await registerEndpoint(h, { url: receiver.url, events: ['attempt.completed'] });
    receiver.hang = true;
    await failAnAttempt();
    const worker = dispatcher(h, 300);
    for (const wait of [0, ...SCHEDULE]) {
      h.clock.advance(wait);
      expect(await worker.runOnce()).toBe(1);
    }
    h.clock.advance(24 * 3_600_000);
    expect(await worker.runOnce()).toBe(0);
    const log = (await h.api('GET', `/v1/webhooks/${hook.id}/messages`, undefined, { authorization: `Bearer ${h.apiKey}` })).json as { messages: Record<string, unknown>[] };
    expect(log.messages[0]).toMatchObject({ status: 'failed', attempts: 3, lastResponseStatus: null, nextAttemptAt: null });
    expect(String(log.messages[0]!.lastError)).toMatch(/timeout/i);
  });

  it('refuses unsafe URLs and unknown events, and keeps each integration to its own endpoints', async () => {
    const auth = { authorization: `Bearer ${h.apiKey}` };
    for (const url of ['http://hooks.example.com/x', 'ftp://127.0.0.1/x', 'https://user:pw@hooks.example.com/', 'not a url']) {
      const { status, json } = await h.api('POST', '/v1/webhooks', { url }, auth);
      expect([status, json.error?.code], url).toEqual([400, 'webhook_url_not_allowed']);
    }
    expect((await h.api('POST', '/v1/webhooks', { url: receiver.url, events: ['attempt.deleted'] }, auth)).json.error?.code).toBe('invalid_request');
    const hook = await registerEndpoint();
    const list = (await h.api('GET', '/v1/webhooks', undefined, auth)).json as { endpoints: Record<string, unknown>[] };
    expect(list.endpoints).toEqual([{ id: hook.id, url: receiver.url, events: ['attempt.completed', 'session.passed', 'session.failed'], createdAt: expect.any(String) }]);

    // A second hiring system on the same server sees none of it.
    const { apiKey } = await createIntegration(h.store, 'Other ATS', { audiences: ['other'], now: h.clock.now() });
    const stranger = { authorization: `Bearer ${apiKey}` };
    expect((await h.api('GET', '/v1/webhooks', undefined, stranger)).json).toEqual({ endpoints: [] });
    expect((await h.api('GET', `/v1/webhooks/${hook.id}/messages`, undefined, stranger)).json.error?.code).toBe('webhook_not_found');
    expect((await h.api('DELETE', `/v1/webhooks/${hook.id}`, undefined, stranger)).json.error?.code).toBe('webhook_not_found');
    expect((await h.api('DELETE', `/v1/webhooks/${hook.id}`, undefined, auth)).status).toBe(204);
    expect((await h.api('GET', '/v1/webhooks', undefined, auth)).json).toEqual({ endpoints: [] });
  });
});
