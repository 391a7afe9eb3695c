/**
 * Webhooks through real HTTP: the API registers an endpoint, a result puts its messages in the
 * outbox, the dispatcher posts them to a real receiver on this machine, and the receiver checks
 * every signature with `@liveproof/verify`, as a hiring system would. The server's clock is frozen
 * and moved by hand, so retries come when the test says. The receivers listen on loopback, so these
 * tests allow private addresses (`webhooksAllowPrivate`, the development setting); the address
 * policy itself is tested at the end, with it off, as a deployment runs.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyWebhook, type VerifiedWebhook } from '@liveproof/verify';
import { createSqliteStore } from '../adapters/sqlite/store.ts';
import { createIntegration } from '../domain/integrations.ts';
import { createHarness, neutralTrace, type Harness } from '../testing/harness.ts';
import { createWebhookDispatcher, type WebhookDispatcher, type WebhookDispatcherOptions } from './dispatcher.ts';
import { createWebhookSender, isPublicAddress } from './egress.ts';

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
  answered: number;
  at: number;
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
        this.received.push({ headers: req.headers, body, answered, at: Date.now() });
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
const receivers: Receiver[] = [];

const LOCAL = { webhooksAllowPrivate: true };

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'liveproof-webhooks-'));
  h = await createHarness(LOCAL, { store: createSqliteStore({ path: join(dir, 'liveproof.db') }) });
  receiver = await new Receiver().listen();
  receivers.push(receiver);
});

afterEach(async () => {
  for (const dispatcher of dispatchers.splice(0)) await dispatcher.stop();
  for (const r of receivers.splice(0)) await r.close();
  await h.store.close();
  rmSync(dir, { recursive: true, force: true });
});

const SCHEDULE = [5_000, 60_000];

function dispatcher(harness: Harness = h, options: Partial<WebhookDispatcherOptions> = {}): WebhookDispatcher {
  const created = createWebhookDispatcher({
    store: harness.store,
    clock: harness.clock,
    sealer: harness.deps.sealer,
    retryScheduleMs: SCHEDULE,
    timeoutMs: 2_000,
    send: createWebhookSender({ allowPrivate: true }),
    ...options,
  });
  dispatchers.push(created);
  return created;
}

async function registerEndpoint(harness: Harness = h, body: Record<string, unknown> = { url: receiver.url }, apiKey = harness.apiKey) {
  const { status, json } = await harness.api('POST', '/v1/webhooks', body, { authorization: `Bearer ${apiKey}` });
  expect(status, JSON.stringify(json)).toBe(201);
  return json as { id: string; secret: string; url: string; events: string[] };
}

/** A session with one attempt allowed, whose attempt fails: attempt.completed and session.failed. */
async function failAnAttempt(harness: Harness = h, audience = 'ats-test', apiKey = harness.apiKey): Promise<{ sessionId: string; attemptId: string }> {
  const created = await harness.api('POST', '/v1/sessions', { candidateRef: 'cand-1', interviewRef: 'int-1', audience, attemptLimit: 1 }, { authorization: `Bearer ${apiKey}` });
  const session = created.json as { id: string; clientToken: string };
  const page = await harness.page(session.clientToken);
  const start = (await page.start(session.id)).json;
  harness.clock.advance(7_000);
  const submitted = await page.submit(start.attemptId, await page.sign(page.payload(start, neutralTrace(start.plan.challenges))));
  expect(submitted.json.result).toBe('fail');
  return { sessionId: session.id, attemptId: start.attemptId };
}

const messagesOf = async (id: string, harness: Harness = h) =>
  ((await harness.api('GET', `/v1/webhooks/${id}/messages`, undefined, { authorization: `Bearer ${harness.apiKey}` })).json as { messages: Record<string, unknown>[] }).messages;

describe('webhooks', () => {
  it("sends case.decided when a reviewer decides a flagged session's case, signed like every event", async () => {
    const hook = await registerEndpoint(h, { url: receiver.url, events: ['case.decided'] });
    const session = await h.createSession({ candidateRef: 'cand-flagged' });
    const page = await h.page(session.clientToken);
    const start = (await page.start(session.id)).json;
    h.clock.advance(7_000);
    const payload = { ...page.payload(start, neutralTrace(start.plan.challenges)), device: { cameraLabel: 'Integrated Camera', width: 640, height: 480, webdriver: true } };
    expect((await page.submit(start.attemptId, await page.sign(payload))).json.signals).toContain('automation');
    const admin = { authorization: `Bearer ${h.adminKey}` };
    const queue = (await h.api('GET', '/v1/admin/cases?status=open', undefined, admin)).json as { cases: { id: string; sessionId: string }[] };
    expect(queue.cases.map((c) => c.sessionId)).toEqual([session.id]);
    const decided = await h.api('POST', `/v1/admin/cases/${queue.cases[0]!.id}/decision`, { decision: 'in_person', note: 'Camera driven by automation; ask for an office visit.' }, admin);
    expect(decided.status).toBe(200);
    expect(await dispatcher().runOnce()).toBe(1);
    const [event] = receiver.accepted(hook.secret, new Date(h.clock.now()));
    expect(event).toMatchObject({
      type: 'case.decided',
      data: { id: queue.cases[0]!.id, sessionId: session.id, candidateRef: 'cand-flagged', status: 'decided', decision: 'in_person', note: 'Camera driven by automation; ask for an office visit.', signals: ['automation'] },
    });
  });

  it('delivers signed attempt.completed, then session.failed, which the receiver verifies', async () => {
    const hook = await registerEndpoint();
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const { sessionId, attemptId } = await failAnAttempt();
    const worker = dispatcher();
    // session.failed waits for the attempt.completed of the same result.
    expect(await worker.runOnce()).toBe(1);
    expect(await worker.runOnce()).toBe(1);

    const events = receiver.accepted(hook.secret, new Date(h.clock.now()));
    expect(events.map((e) => e.type)).toEqual(['attempt.completed', 'session.failed']);
    for (const event of events) {
      expect(event.data).toMatchObject({ sessionId, attemptId, candidateRef: 'cand-1', interviewRef: 'int-1', result: 'fail', sequence: 1, kind: 'check' });
      expect((event.data as { reasons: string[] }).reasons).toContain('not_performed');
    }
    expect(events[1]!.data).toMatchObject({ status: 'failed', cause: 'result' });
    expect(receiver.received[0]!.headers['content-type']).toBe('application/json');
    // Another secret, or a body changed on the way, does not verify.
    const [first] = receiver.received;
    expect(() => verifyWebhook(first!.body, first!.headers as Record<string, string>, `whsec_${btoa('x'.repeat(32))}`, { now: new Date(h.clock.now()) })).toThrow(
      expect.objectContaining({ code: 'webhook_signature_invalid' }),
    );
    expect(() => verifyWebhook(first!.body.replace('fail', 'pass'), first!.headers as Record<string, string>, hook.secret, { now: new Date(h.clock.now()) })).toThrow(
      expect.objectContaining({ code: 'webhook_signature_invalid' }),
    );
    // The secret is kept sealed, never in the clear.
    const [stored] = await h.store.listWebhookEndpoints(h.integrationId);
    expect(stored!.secretSealed).toMatch(/^lps1\./);
    expect(stored!.secretSealed).not.toContain(hook.secret.slice(6, 20));
  });

  it('retries a delivery the receiver refused, with the same webhook-id, after the schedule says', async () => {
    const hook = await registerEndpoint(h, { url: receiver.url, events: ['attempt.completed'] });
    receiver.answers = [500];
    await failAnAttempt();
    const worker = dispatcher();
    expect(await worker.runOnce()).toBe(1);
    expect(receiver.received).toHaveLength(1);
    expect(await messagesOf(hook.id)).toEqual([expect.objectContaining({ type: 'attempt.completed', status: 'pending', attempts: 1, lastResponseStatus: 500, lastError: 'http_status' })]);

    h.clock.advance(4_999);
    expect(await worker.runOnce()).toBe(0);
    h.clock.advance(1);
    expect(await worker.runOnce()).toBe(1);
    expect(receiver.received).toHaveLength(2);
    expect(receiver.received[1]!.headers['webhook-id']).toBe(receiver.received[0]!.headers['webhook-id']);
    expect(receiver.accepted(hook.secret, new Date(h.clock.now()))).toHaveLength(1);
    expect((await messagesOf(hook.id))[0]).toMatchObject({ status: 'delivered', attempts: 2, lastResponseStatus: 204, nextAttemptAt: null });
    h.clock.advance(10 * 60_000);
    expect(await worker.runOnce()).toBe(0);
  });

  it('keeps undelivered messages across a restart and sends nothing twice', async () => {
    const hook = await registerEndpoint();
    receiver.answers = [204, 503];
    await failAnAttempt();
    await dispatcher().runOnce();
    await dispatcher().runOnce();
    expect(receiver.received.map((r) => r.answered)).toEqual([204, 503]);

    // The server stops (gracefully), and a new one starts on the same database file and KEK.
    for (const d of dispatchers.splice(0)) await d.stop();
    await h.store.close();
    const restarted = await createHarness(LOCAL, { store: createSqliteStore({ path: join(dir, 'liveproof.db') }), sealer: h.deps.sealer, apiKey: h.apiKey });
    restarted.clock.set(h.clock.now() + SCHEDULE[0]!);
    expect(await dispatcher(restarted).runOnce()).toBe(1);
    restarted.clock.advance(24 * 3_600_000);
    expect(await dispatcher(restarted).runOnce()).toBe(0);
    await restarted.store.close();

    const accepted = receiver.accepted(hook.secret, new Date(restarted.clock.now() - 24 * 3_600_000));
    expect(accepted.map((e) => e.type)).toEqual(['attempt.completed', 'session.failed']);
    expect(new Set(accepted.map((e) => e.id)).size).toBe(2);
    expect(receiver.received).toHaveLength(3);
    h = restarted; // closed above; afterEach closes again harmlessly
  });

  it('gives up after the last retry; a receiver that never answers is a timeout', async () => {
    const hook = await registerEndpoint(h, { url: receiver.url, events: ['attempt.completed'] });
    receiver.hang = true;
    await failAnAttempt();
    const worker = dispatcher(h, { timeoutMs: 300 });
    for (const wait of [0, ...SCHEDULE]) {
      h.clock.advance(wait);
      expect(await worker.runOnce()).toBe(1);
    }
    h.clock.advance(24 * 3_600_000);
    expect(await worker.runOnce()).toBe(0);
    expect((await messagesOf(hook.id))[0]).toMatchObject({ status: 'failed', attempts: 3, lastResponseStatus: null, nextAttemptAt: null, lastError: 'timeout' });
  });

  it('disables an endpoint that keeps failing, with the reason, until its owner turns it back on', async () => {
    const hook = await registerEndpoint(h, { url: receiver.url, events: ['attempt.completed'] });
    receiver.answers = [500, 500, 500];
    const worker = dispatcher(h, { disableAfter: 3 });
    for (let i = 0; i < 3; i++) await failAnAttempt();
    await worker.runOnce();
    const auth = { authorization: `Bearer ${h.apiKey}` };
    const list = (await h.api('GET', '/v1/webhooks', undefined, auth)).json as { endpoints: Record<string, unknown>[] };
    expect(list.endpoints[0]).toMatchObject({ id: hook.id, enabled: false, consecutiveFailures: 3, disabledReason: '3 deliveries failed in a row (last: http_status)' });
    // Disabled: nothing more goes out, and new results queue nothing for it.
    h.clock.advance(SCHEDULE[0]!);
    expect(await worker.runOnce()).toBe(0);
    await failAnAttempt();
    expect((await messagesOf(hook.id)).length).toBe(3);
    // Back on: the waiting retries go out.
    expect((await h.api('POST', `/v1/webhooks/${hook.id}/state`, { enabled: true }, auth)).json).toMatchObject({ enabled: true, consecutiveFailures: 0 });
    expect(await worker.runOnce()).toBe(3);
    expect(receiver.received.filter((r) => r.answered === 204)).toHaveLength(3);
  });

  it("delivers every message on its own: an endpoint that never answers does not delay another integration's", async () => {
    const hanging = await new Receiver().listen();
    receivers.push(hanging);
    hanging.hang = true;
    await registerEndpoint(h, { url: hanging.url, events: ['attempt.completed'] });
    for (let i = 0; i < 12; i++) await failAnAttempt();
    const other = await createIntegration(h.store, { name: 'Other ATS', audiences: ['other-ats'] }, { now: h.clock.now() });
    const otherHook = await registerEndpoint(h, { url: receiver.url, events: ['attempt.completed'] }, other.apiKey);
    await failAnAttempt(h, 'other-ats', other.apiKey);

    // Real time for this one: the pool runs on its own, as in a server.
    const worker = dispatcher(h, { timeoutMs: 3_000, pollMs: 50 });
    const started = Date.now();
    worker.start();
    await expect.poll(() => receiver.received.length, { timeout: 3_000, interval: 20 }).toBe(1);
    // Long before the first of the hanging deliveries could time out.
    expect(receiver.received[0]!.at - started).toBeLessThan(1_500);
    expect(receiver.accepted(otherHook.secret, new Date(h.clock.now()))).toHaveLength(1);
    // The hanging integration holds at most its share of the pool.
    expect(hanging.received.length).toBeLessThanOrEqual(4);
    hanging.hang = false;
  });

  it('caps endpoints per integration, refuses unknown events, and keeps each integration to its own endpoints', async () => {
    const auth = { authorization: `Bearer ${h.apiKey}` };
    expect((await h.api('POST', '/v1/webhooks', { url: receiver.url, events: ['attempt.deleted'] }, auth)).json.error?.code).toBe('invalid_request');
    const hook = await registerEndpoint();
    const list = (await h.api('GET', '/v1/webhooks', undefined, auth)).json as { endpoints: Record<string, unknown>[] };
    expect(list.endpoints).toEqual([
      expect.objectContaining({ id: hook.id, url: receiver.url, events: ['attempt.completed', 'session.passed', 'session.failed', 'session.expired', 'case.decided'], enabled: true }),
    ]);
    for (let i = 1; i < 10; i++) await registerEndpoint(h, { url: `${receiver.url}/${i}` });
    const eleventh = await h.api('POST', '/v1/webhooks', { url: `${receiver.url}/11` }, auth);
    expect([eleventh.status, eleventh.json.error?.code]).toEqual([409, 'webhook_limit_reached']);

    // A second hiring system on the same server sees none of it.
    const { apiKey } = await createIntegration(h.store, { name: 'Other ATS', audiences: ['other'] }, { now: h.clock.now() });
    const stranger = { authorization: `Bearer ${apiKey}` };
    expect((await h.api('GET', '/v1/webhooks', undefined, stranger)).json).toEqual({ endpoints: [] });
    expect((await h.api('GET', `/v1/webhooks/${hook.id}/messages`, undefined, stranger)).json.error?.code).toBe('webhook_not_found');
    expect((await h.api('DELETE', `/v1/webhooks/${hook.id}`, undefined, stranger)).json.error?.code).toBe('webhook_not_found');
    expect((await h.api('DELETE', `/v1/webhooks/${hook.id}`, undefined, auth)).status).toBe(204);
  });
});

describe('where webhooks may go (as deployed: private addresses refused)', () => {
  it('refuses at registration plain http, credentials, and names or addresses that are not public', async () => {
    const resolves: Record<string, string> = { 'hooks.example.com': '93.184.215.14', 'intranet.example.com': '10.1.2.3', 'meta.example.com': '169.254.169.254' };
    const deployed = await createHarness({}, { app: { lookup: async (host) => [{ address: resolves[host] ?? '127.0.0.1', family: 4 }] } });
    const auth = { authorization: `Bearer ${deployed.apiKey}` };
    const refused: [string, string][] = [
      ['http://hooks.example.com/x', 'scheme_not_allowed'],
      ['ftp://hooks.example.com/x', 'scheme_not_allowed'],
      ['https://user:pw@hooks.example.com/', 'credentials_in_url'],
      ['not a url', 'url_invalid'],
      ['https://127.0.0.1/x', 'address_not_allowed'],
      ['https://localhost/x', 'address_not_allowed'],
      ['https://10.0.0.5:8443/x', 'address_not_allowed'],
      ['https://169.254.169.254/latest/meta-data', 'address_not_allowed'],
      ['https://100.64.0.1/x', 'address_not_allowed'],
      ['https://224.0.0.1/x', 'address_not_allowed'],
      ['https://[::1]/x', 'address_not_allowed'],
      ['https://[::ffff:127.0.0.1]/x', 'address_not_allowed'],
      ['https://[fd00:ec2::254]/x', 'address_not_allowed'],
      ['https://intranet.example.com/x', 'address_not_allowed'],
      ['https://meta.example.com/x', 'address_not_allowed'],
    ];
    for (const [url, reason] of refused) {
      const { status, json } = await deployed.api('POST', '/v1/webhooks', { url }, auth);
      expect([status, json.error?.code, json.error?.details], url).toEqual([400, 'webhook_url_not_allowed', { reason }]);
    }
    expect((await deployed.api('POST', '/v1/webhooks', { url: 'https://hooks.example.com/liveproof' }, auth)).status).toBe(201);
  });

  it('checks the address again at connect time, so a name that later resolves to this machine gets nothing', async () => {
    // DNS rebinding: public at registration, loopback when the message goes out.
    const send = createWebhookSender({ allowPrivate: false }, async () => [{ address: '127.0.0.1', family: 4 }]);
    const port = new URL(receiver.url).port;
    expect(await send(`https://rebind.example.com:${port}/hooks`, { headers: {}, body: '{}', timeoutMs: 2_000 })).toEqual({ status: null, error: 'address_not_allowed' });
    expect(await send(`http://127.0.0.1:${port}/hooks`, { headers: {}, body: '{}', timeoutMs: 2_000 })).toEqual({ status: null, error: 'scheme_not_allowed' });
    expect(await send(`https://127.0.0.1:${port}/hooks`, { headers: {}, body: '{}', timeoutMs: 2_000 })).toEqual({ status: null, error: 'address_not_allowed' });
    expect(receiver.received).toEqual([]);
    // Closed port, filtered port and refused address all read alike to the integration: no port scan.
    const closed = await createWebhookSender({ allowPrivate: true })('http://127.0.0.1:9/x', { headers: {}, body: '{}', timeoutMs: 1_000 });
    expect(closed).toEqual({ status: null, error: 'connection_failed' });
  });

  it('knows which addresses are public', () => {
    for (const address of ['93.184.215.14', '2606:4700::1111', '8.8.8.8']) expect(isPublicAddress(address), address).toBe(true);
    for (const address of ['127.0.0.1', '10.0.0.1', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '255.255.255.255', '224.0.0.1', '::1', '::', 'fe80::1', 'fc00::1', '::ffff:10.0.0.1', '64:ff9b::a00:1', '2002:a00:1::', '192.0.2.1', '198.51.100.1', '203.0.113.1', 'not-an-ip']) {
      expect(isPublicAddress(address), address).toBe(false);
    }
  });
});
