/**
 * The hosted check page in real Chromium against the built server: a hiring system's page on
 * another origin frames /check/<session>, the candidate (the responsive actor) passes inside the
 * frame, and the embedding page hears of it by postMessage and verifies the token itself. A page
 * on an origin the integration did not register cannot frame the check at all, and a link whose
 * token belongs to another session does not start.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLivenessToken } from '@liveproof/verify';
import {
  createSession,
  installCooperativeActor,
  launchBrowser,
  recordEvents,
  screenshot,
  startServer,
  waitForPass,
  waitForState,
  type LaunchedBrowser,
  type RunningServer,
} from '@liveproof/eval';

const AUDIENCE = 'hosted-ats';

interface Embedder {
  origin: string;
  close(): Promise<void>;
}

/**
 * A hiring system's page on its own origin: it frames the `src` of its query with the camera
 * allowed, and keeps every message the frame posts in `window.__messages`.
 */
async function embedder(): Promise<Embedder> {
  const html = `<!doctype html><html><head><title>Acme Careers: identity check</title></head><body>
<h1>Acme Careers</h1>
<iframe id="check" allow="camera" width="760" height="620"></iframe>
<script>
  window.__messages = [];
  addEventListener('message', (event) => window.__messages.push({ origin: event.origin, data: event.data }));
  document.getElementById('check').src = new URLSearchParams(location.search).get('src');
</script></body></html>`;
  const server: Server = createServer((_request, response) => response.writeHead(200, { 'content-type': 'text/html' }).end(html));
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}

let server: RunningServer;
let allowed: Embedder;
let stranger: Embedder;
let apiKey: string;
const browsers: LaunchedBrowser[] = [];

beforeAll(async () => {
  server = await startServer();
  [allowed, stranger] = await Promise.all([embedder(), embedder()]);
  // An integration of its own whose careers site (and only it) embeds the check.
  const created = await fetch(`${server.url}/v1/admin/integrations`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Acme Careers', audiences: [AUDIENCE], origins: [allowed.origin] }),
  });
  expect(created.status).toBe(201);
  apiKey = ((await created.json()) as { apiKey: string }).apiKey;
});

afterAll(async () => {
  await Promise.all(browsers.map((b) => b.close()));
  await Promise.all([allowed?.close(), stranger?.close()]);
  await server?.stop();
});

async function acmeSession() {
  return createSession({ ...server, apiKey }, { candidateRef: 'cand-hosted', interviewRef: 'int-hosted', audience: AUDIENCE });
}

function hostedUrl(sessionId: string, clientToken: string, origin: string): string {
  return `${server.url}/check/${sessionId}#${new URLSearchParams({ client_token: clientToken, origin })}`;
}

async function cooperativePage(): Promise<Page> {
  const browser = await launchBrowser();
  browsers.push(browser);
  const page = await browser.context.newPage();
  // Both run in every frame, the hosted page's included.
  await recordEvents(page);
  await installCooperativeActor(page);
  return page;
}

async function openFramed(page: Page, embedding: Embedder, src: string): Promise<Frame> {
  await page.goto(`${embedding.origin}/?${new URLSearchParams({ src })}`);
  const element = await page.waitForSelector('iframe#check');
  await page.waitForFunction(() => document.querySelector('iframe')?.contentWindow !== null);
  const frame = await element.contentFrame();
  if (!frame) throw new Error('the iframe has no frame');
  await frame.waitForLoadState('load');
  return frame;
}

type Message = { origin: string; data: { source: string; sessionId: string; type: string; detail: Record<string, unknown> } };
const messages = (page: Page) => page.evaluate(() => (window as unknown as { __messages: Message[] }).__messages);

describe('the hosted check page', () => {
  it("runs framed by the integration's registered origin and tells the embedder the outcome", async () => {
    const page = await cooperativePage();
    const session = await acmeSession();
    const headers = (await fetch(`${server.url}/check/${session.id}`)).headers;
    expect(headers.get('content-security-policy')).toContain(`frame-ancestors 'self' ${allowed.origin}`);

    const frame = await openFramed(page, allowed, hostedUrl(session.id, session.clientToken, allowed.origin));
    await frame.locator('liveproof-check').getByRole('button', { name: 'Start check' }).click();
    await waitForState(frame, 'positioning');
    await screenshot(page, 'hosted-1-framed');
    const { outcome } = await waitForPass(frame);
    expect(outcome.detail).toMatchObject({ result: 'pass' });
    await screenshot(page, 'hosted-2-passed');

    // The embedding page heard every step from the server's origin, and the token verifies.
    const heard = await messages(page);
    expect(heard.every((m) => m.origin === new URL(server.url).origin && m.data.source === 'liveproof' && m.data.sessionId === session.id)).toBe(true);
    expect(heard.filter((m) => m.data.type === 'state').map((m) => m.data.detail['state'])).toEqual(expect.arrayContaining(['positioning', 'challenge', 'submitting', 'passed']));
    expect(heard.some((m) => m.data.type === 'resize' && Number(m.data.detail['height']) > 200)).toBe(true);
    const complete = heard.find((m) => m.data.type === 'complete' && m.data.detail['result'] === 'pass');
    expect(complete, JSON.stringify(heard.map((m) => m.data.type))).toBeDefined();
    const verified = await verifyLivenessToken(String(complete!.data.detail['token']), {
      jwks: new URL('/.well-known/jwks.json', server.url),
      issuer: server.url,
      audience: AUDIENCE,
      sessionId: session.id,
    });
    expect(verified).toMatchObject({ passed: true, kind: 'check', candidateRef: 'cand-hosted', sessionId: session.id });
  });

  it('cannot be framed by an origin the integration did not register', async () => {
    const page = await cooperativePage();
    const session = await acmeSession();
    const frame = await openFramed(page, stranger, hostedUrl(session.id, session.clientToken, stranger.origin));
    // Chromium refuses to render the page (CSP frame-ancestors) and shows its error page: no check, no message.
    expect(frame.url()).toBe('chrome-error://chromewebdata/');
    expect(await frame.evaluate(() => document.querySelector('liveproof-check'))).toBeNull();
    await page.waitForTimeout(500);
    expect(await messages(page)).toEqual([]);
    await screenshot(page, 'hosted-3-refused-origin');
  });

  it("refuses a link whose token is another session's, and says so", async () => {
    const page = await cooperativePage();
    const [one, other] = await Promise.all([acmeSession(), acmeSession()]);
    const frame = await openFramed(page, allowed, hostedUrl(one.id, other.clientToken, allowed.origin));
    await expect.poll(() => frame.getByRole('alert').textContent()).toContain('belongs to a different session');
    expect(await frame.locator('liveproof-check').count()).toBe(0);
    await expect.poll(async () => (await messages(page)).map((m) => [m.data.type, m.data.detail['code']])).toEqual([['error', 'token_session_mismatch']]);
  });
});
