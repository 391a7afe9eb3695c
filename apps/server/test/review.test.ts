/**
 * The review queue end to end: the built server as its own process, two real checks in headless
 * Chromium by the responsive actor (the second by another candidate on the same machine, with
 * claims that disagree with what the check sees), the admin page in Chromium where a reviewer
 * opens the flagged case, reads its facts, linked session and reference image, and decides; and a
 * real HTTP receiver here that verifies the signed `case.decided` it gets.
 *
 * Settings changed, for this file's point: LIVEPROOF_DEV_REFERENCE_IMAGE_DAYS (the development
 * integration keeps reference images, so the case shows one).
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhook } from '@liveproof/verify';
import { cooperativeCheck, launchBrowser, screenshot, startServer, type LaunchedBrowser, type RunningServer } from '@liveproof/eval';

const deliveries: { headers: IncomingHttpHeaders; body: string }[] = [];
const receiver = createServer((req, res) => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (chunk: string) => (body += chunk));
  req.on('end', () => {
    deliveries.push({ headers: req.headers, body });
    res.writeHead(204).end();
  });
});

let server: RunningServer;
let browser: LaunchedBrowser | undefined;

beforeAll(async () => {
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  server = await startServer({ LIVEPROOF_DEV_REFERENCE_IMAGE_DAYS: '7' });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

describe('the review queue', () => {
  it('shows a flagged session to the reviewer with its facts and links, records the decision, and tells the hiring system', async () => {
    const address = receiver.address();
    const hookUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/hooks/liveproof`;
    const registered = await fetch(`${server.url}/v1/webhooks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: hookUrl, events: ['case.decided'] }),
    });
    expect(registered.status).toBe(201);
    const { secret } = (await registered.json()) as { secret: string };

    // Two personas on one machine; the second says it lives in Iowa with a number dialled as from abroad.
    const first = await cooperativeCheck(server, { session: { candidateRef: 'cand-persona-1', interviewRef: 'int-review-1' } });
    const claims = { country: 'US', city: 'Des Moines', timeZone: 'America/Chicago', phone: '001 515 555 0134' };
    const second = await cooperativeCheck(server, { session: { candidateRef: 'cand-persona-2', interviewRef: 'int-review-2', claims }, shot: 'review-0-candidate-passed' });
    expect([first.passed, second.passed]).toEqual([true, true]);
    expect(second.attempt.signals).toEqual(expect.arrayContaining(['claimed_location_mismatch', 'phone_anomaly', 'shared_device']));
    // By the device's digest, whatever local addresses the machine has (a canvas track's random label is not in it).
    expect(second.attempt.risk.links).toEqual(expect.arrayContaining([expect.objectContaining({ signal: 'shared_device', by: 'device', sessions: [first.sessionId] })]));

    browser = await launchBrowser();
    const admin = await browser.context.newPage();
    await admin.goto(new URL('/demo/admin.html', server.url).href);
    await admin.getByLabel('Admin key').fill(server.adminKey);
    await admin.getByRole('button', { name: 'Sign in' }).click();
    // Headless Chromium draws in software, so both sessions have flagged signals and a case each.
    await expect.poll(() => admin.locator('#cases').innerText(), { timeout: 10_000 }).toContain('cand-persona-2');
    expect(await admin.locator('#case-count').innerText()).toBe('2 cases waiting for review');
    await screenshot(admin, 'review-1-queue');

    await admin.getByRole('button', { name: 'Review the case of cand-persona-2' }).click();
    const card = admin.locator('#case-card');
    await expect.poll(() => card.innerText(), { timeout: 10_000 }).toContain('Case of cand-persona-2');
    const text = await card.innerText();
    // Why, not a score: the signals in words, the claims, the facts, the other persona.
    expect(text).toContain("Where the candidate says they live does not fit the connection's country or the browser's time zone.");
    expect(text).toContain('001 515 555 0134');
    expect(text).toMatch(/Claimed location Des Moines, US, America\/Chicago: disagrees with claimed zone/);
    expect(text).toMatch(/Phone: valid, from US, fixed line or mobile; foreign dialling prefix/);
    expect(text).toMatch(/Linked by local address set to 1 other candidate/);
    expect(await admin.locator('#case-linked').innerText()).toMatch(/cand-persona-1\s+int-review-1/);
    // The reference image the check kept, fetched with the reviewer's key.
    await expect.poll(() => admin.locator('#case-images img').count(), { timeout: 10_000 }).toBe(1);
    expect(await admin.locator('#case-images img').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
    await screenshot(admin, 'review-2-case');

    await admin.getByLabel('Needs an in-person check').check();
    await admin.getByLabel(/^Note/).fill('Two personas on one machine; claims Iowa, browser on UTC. Invite to the office.');
    await admin.getByRole('button', { name: 'Record decision' }).click();
    await expect.poll(() => admin.locator('#decision-status').innerText(), { timeout: 10_000 }).toContain('Recorded: in-person check needed');
    await expect.poll(() => admin.locator('#case-count').innerText()).toBe('1 case waiting for review');
    await screenshot(admin, 'review-3-decided');

    // The hiring system's receiver gets the signed decision; its API reads the same.
    await expect.poll(() => deliveries.length, { timeout: 20_000, interval: 100 }).toBe(1);
    const event = verifyWebhook<Record<string, unknown>>(deliveries[0]!.body, deliveries[0]!.headers as Record<string, string>, secret);
    expect(event).toMatchObject({
      type: 'case.decided',
      data: { sessionId: second.sessionId, candidateRef: 'cand-persona-2', decision: 'in_person', note: 'Two personas on one machine; claims Iowa, browser on UTC. Invite to the office.' },
    });
    const listed = (await (await fetch(`${server.url}/v1/cases?status=decided`, { headers: { authorization: `Bearer ${server.apiKey}` } })).json()) as { cases: { sessionId: string; decision: string }[] };
    expect(listed.cases).toEqual([expect.objectContaining({ sessionId: second.sessionId, decision: 'in_person' })]);
  });
});
