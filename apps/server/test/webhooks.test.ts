/**
 * Webhooks end to end: the built server as its own process, real checks in headless Chromium (the
 * responsive actor passes; a still photo fails), and a real HTTP receiver in this test that checks
 * every signature with `@liveproof/verify`, refuses some deliveries, and counts what it accepted
 * while the server is restarted on the same database in the middle.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyWebhook, type VerifiedWebhook } from '@liveproof/verify';
import {
  SHARED_MEDIA_DIR,
  createSession,
  installCooperativeActor,
  launchBrowser,
  openCheck,
  recordEvents,
  startServer,
  toY4m,
  waitForOutcome,
  waitForPass,
  type LaunchedBrowser,
  type RunningServer,
} from '@liveproof/eval';

interface Delivery {
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
}

/**
 * The hiring system's receiver: answers with the next status in `answers`, 204 once they run out,
 * and 503 to everything while `down`.
 */
function receiver() {
  const deliveries: Delivery[] = [];
  const answers: number[] = [];
  const state = { down: false };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const status = state.down ? 503 : (answers.shift() ?? 204);
      deliveries.push({ headers: req.headers, body, status });
      res.writeHead(status).end();
    });
  });
  return {
    deliveries,
    answers,
    state,
    async listen(): Promise<string> {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const address = server.address();
      return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/hooks/liveproof`;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const hook = receiver();
const browsers: LaunchedBrowser[] = [];
const dataDir = mkdtempSync(join(tmpdir(), 'liveproof-webhooks-e2e-'));
let server: RunningServer | undefined;

afterAll(async () => {
  await Promise.all(browsers.map((b) => b.close()));
  await server?.stop();
  await hook.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Waits until the receiver has accepted (2xx) `count` deliveries. */
async function accepted(secret: string, count: number): Promise<VerifiedWebhook<Record<string, unknown>>[]> {
  await expect.poll(() => hook.deliveries.filter((d) => d.status < 300).length, { timeout: 30_000, interval: 100 }).toBeGreaterThanOrEqual(count);
  return hook.deliveries.filter((d) => d.status < 300).map((d) => verifyWebhook(d.body, d.headers as Record<string, string>, secret));
}

describe('webhooks to a hiring system', () => {
  it('delivers signed events for real checks, retries after a refusal, and sends nothing twice across a restart', async () => {
    // Short retry waits so the test does not sit through the production schedule (5 s, 5 min, ...).
    const env = { LIVEPROOF_DATA_DIR: dataDir, LIVEPROOF_WEBHOOK_RETRY_MS: '1500,1500,1500,1500,1500', LIVEPROOF_WEBHOOK_POLL_MS: '200' };
    server = await startServer(env);
    const url = await hook.listen();
    const registered = await fetch(`${server.url}/v1/webhooks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url }),
    });
    expect(registered.status).toBe(201);
    const endpoint = (await registered.json()) as { id: string; secret: string };

    // A cooperative candidate passes; the receiver refuses the first delivery it gets.
    hook.answers.push(500);
    const browser = await launchBrowser();
    browsers.push(browser);
    const page = await browser.context.newPage();
    await recordEvents(page);
    await installCooperativeActor(page);
    const passing = await createSession(server, { candidateRef: 'cand-hooks', interviewRef: 'int-hooks' });
    await openCheck(page, server, passing.clientToken);
    const { outcomes } = await waitForPass(page);
    expect(outcomes.at(-1)!.detail).toMatchObject({ result: 'pass' });
    // One attempt.completed per attempt (the actor's check may have needed a second), and session.passed.
    const expected = outcomes.length + 1;

    const first = await accepted(endpoint.secret, expected);
    expect(first.map((e) => e.type).sort()).toEqual([...outcomes.map(() => 'attempt.completed'), 'session.passed']);
    const passedEvents = first.filter((e) => (e.data as { result: string }).result === 'pass');
    expect(passedEvents.map((e) => e.type).sort()).toEqual(['attempt.completed', 'session.passed']);
    for (const event of first) expect(event.data).toMatchObject({ sessionId: passing.id, candidateRef: 'cand-hooks', interviewRef: 'int-hooks' });
    // The refused one came again, with the same webhook-id: a receiver can tell it is the same message.
    const refused = hook.deliveries.find((d) => d.status === 500)!;
    expect(hook.deliveries.filter((d) => d.headers['webhook-id'] === refused.headers['webhook-id']).map((d) => d.status)).toEqual([500, 204]);

    // A candidate with one attempt holds up a photo and fails. The receiver is down meanwhile, and
    // the server restarts before it comes back.
    hook.state.down = true;
    const photoBrowser = await launchBrowser({ fakeVideo: toY4m(`${SHARED_MEDIA_DIR}/photos/liveportrait-s7.jpg`, { stillSeconds: 2 }) });
    browsers.push(photoBrowser);
    const photoPage = await photoBrowser.context.newPage();
    await recordEvents(photoPage);
    const failing = await createSession(server, { candidateRef: 'cand-photo-hooks', attemptLimit: 1 });
    await openCheck(photoPage, server, failing.clientToken);
    expect((await waitForOutcome(photoPage)).detail).toMatchObject({ result: 'fail' });
    // attempt.completed is refused; session.failed waits for it, so a receiver sees them in order.
    await expect.poll(() => new Set(hook.deliveries.filter((d) => d.status === 503).map((d) => d.headers['webhook-id'])).size, { timeout: 15_000, interval: 100 }).toBe(1);

    await server.stop();
    const beforeRestart = hook.deliveries.length;
    hook.state.down = false;
    server = await startServer(env);
    const all = await accepted(endpoint.secret, expected + 2);
    const later = all.filter((e) => (e.data as { sessionId: string }).sessionId === failing.id);
    expect(later.map((e) => e.type)).toEqual(['attempt.completed', 'session.failed']);
    // Give a duplicate time to show up if there were one.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const ids = hook.deliveries.filter((d) => d.status < 300).map((d) => d.headers['webhook-id']);
    expect(ids).toHaveLength(expected + 2);
    expect(new Set(ids).size).toBe(expected + 2);
    // After the restart only the refused message came again, then the one that waited for it, once each.
    expect(hook.deliveries.slice(beforeRestart).map((d) => d.headers['webhook-id'])).toEqual(later.map((e) => e.id));

    // The delivery log says the same.
    const log = await fetch(`${server.url}/v1/webhooks/${endpoint.id}/messages`, { headers: { authorization: `Bearer ${server.apiKey}` } });
    const { messages } = (await log.json()) as { messages: { status: string; attempts: number }[] };
    expect(messages.map((m) => m.status)).toEqual(Array.from({ length: expected + 2 }, () => 'delivered'));
    expect(messages.every((m) => m.attempts >= 1)).toBe(true);
  }, 180_000);
});
