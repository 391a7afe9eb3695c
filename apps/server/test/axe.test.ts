/**
 * axe-core 4.14 (every WCAG 2.2 A/AA rule and best practice it has) over every state of every page a
 * person meets, in real Chromium against the shipped server: the candidate's check from the demo's
 * slot picker through loading, positioning, each prompt, the flashing colours, submitting, a pass, a
 * failure and the errors a candidate can meet (the camera refused, no face found in time, the
 * connection lost, a page that gave no token); the interviewer's badge waiting, during the check and
 * at both outcomes; the review queue and a case; the admin's sign-in; the hosted check page; and the
 * API reference. The check is driven by the responsive actor (a still photo for the failure). Each
 * audit asserts no violation at all; the table of what was found is printed and kept in
 * test-results/axe.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  REPO_ROOT,
  SHARED_MEDIA_DIR,
  axeViolations,
  createSession,
  describeViolations,
  installAxe,
  installCooperativeActor,
  launchBrowser,
  recordEvents,
  screenshot,
  startServer,
  toY4m,
  updateDevIntegration,
  waitForOutcome,
  waitForState,
  type AxeViolation,
  type BrowserOptions,
  type LaunchedBrowser,
  type RunningServer,
} from '@liveproof/eval';

let server: RunningServer;
const browsers: LaunchedBrowser[] = [];
const audits: { where: string; violations: AxeViolation[] }[] = [];

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  for (const browser of browsers) await browser.close();
  await server?.stop();
  const lines = audits.map(({ where, violations }) => `${where}: ${violations.length}${violations.length ? `\n    ${describeViolations(violations).join('\n    ')}` : ''}`);
  console.log(`axe-core violations per page and state:\n  ${lines.join('\n  ')}`);
  mkdirSync(join(REPO_ROOT, 'test-results'), { recursive: true });
  writeFileSync(join(REPO_ROOT, 'test-results', 'axe.json'), JSON.stringify(audits, null, 2));
});

async function openPage(options: BrowserOptions = {}): Promise<Page> {
  const browser = await launchBrowser(options);
  browsers.push(browser);
  const page = await browser.context.newPage();
  await installAxe(page);
  await recordEvents(page);
  return page;
}

/** Audits the page as it is now, keeps the finding for the table, and screenshots it. */
async function audit(page: Page, where: string): Promise<AxeViolation[]> {
  const violations = await axeViolations(page);
  audits.push({ where, violations });
  await screenshot(page, `axe-${where.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`);
  return violations;
}

/** Audits and asserts nothing was found (the message lists what was). */
async function expectAccessible(page: Page, where: string): Promise<void> {
  expect(describeViolations(await audit(page, where)), where).toEqual([]);
}

const checkState = (page: Page) => page.evaluate(() => document.querySelector('liveproof-check')?.state);

/**
 * Holds every response to a URL matching `pattern` for `ms` (a slow network), so that a state that
 * usually lasts a moment (loading the model, waiting for the verdict) stays long enough to audit.
 */
async function slowDown(page: Page, pattern: RegExp, ms: number): Promise<void> {
  await page.route(pattern, async (route) => {
    await new Promise((done) => setTimeout(done, ms));
    await route.continue();
  });
}

/** The demo's own flow: pick a slot (the demo's backend makes the session), and the check appears. */
async function pickSlot(page: Page): Promise<void> {
  await page.goto(`${server.url}/`);
  await page.getByRole('button', { name: 'Thu 14:00' }).waitFor();
  await expectAccessible(page, 'demo: pick a time');
  await page.getByRole('button', { name: 'Thu 14:00' }).click();
  await page.locator('liveproof-check').getByRole('button', { name: 'Start check' }).waitFor();
}

/**
 * The interviewer's view of the demo's session, in a second tab of the same browser. The candidate's
 * tab comes back to the front (Chromium pauses a background tab's videos, the actor's among them).
 */
async function openBadge(candidate: Page): Promise<Page> {
  const href = await candidate.locator('#interviewer-link a').getAttribute('href');
  const badge = await candidate.context().newPage();
  await installAxe(badge);
  await badge.goto(`${server.url}${href}`);
  await badge.locator('liveproof-badge').getByText('Not yet checked').waitFor({ timeout: 10_000 });
  await candidate.bringToFront();
  return badge;
}

describe('axe-core over the candidate\'s check and the interviewer\'s badge', () => {
  it('finds nothing at any state of a passed check with the flashing colours, on the demo and the badge', async () => {
    const page = await openPage();
    await installCooperativeActor(page);
    await slowDown(page, /\/assets\/mediapipe\/manifest\.json$/, 1500);
    await slowDown(page, /\/v1\/attempts\/[^/]+\/result$/, 1500);
    await pickSlot(page);
    await expectAccessible(page, 'check: introduction');
    const badge = await openBadge(page);
    await expectAccessible(badge, 'badge: waiting for the check');

    await page.locator('liveproof-check').getByRole('button', { name: 'Start check' }).click();
    await waitForState(page, 'loading');
    await expectAccessible(page, 'check: loading');
    await waitForState(page, 'positioning');
    await expectAccessible(page, 'check: positioning');
    await waitForState(page, 'challenge');
    await expectAccessible(page, 'check: a prompt');
    await expectAccessible(badge, 'badge: check in progress');
    // The screen-light step, whenever the plan puts it.
    const flashing = await page
      .waitForFunction(() => document.querySelector('liveproof-check')?.shadowRoot?.querySelector('.flash') != null, undefined, { timeout: 30_000, polling: 50 })
      .then(() => true, () => false);
    expect(flashing || (await checkState(page)) !== 'challenge', 'the plan had the screen-light step').toBe(true);
    if (flashing) await expectAccessible(page, 'check: flashing colours');
    await waitForState(page, 'submitting');
    await expectAccessible(page, 'check: checking the result');
    const outcome = await waitForOutcome(page);
    expect(outcome.detail).toMatchObject({ result: 'pass' });
    await expectAccessible(page, 'check: passed (with the hiring system\'s view)');
    await badge.locator('liveproof-badge').getByText('Verified live').waitFor({ timeout: 10_000 });
    await expectAccessible(badge, 'badge: passed');
    // The interview room: the element in interview mode, on the call's stream.
    await page.getByRole('button', { name: 'Join the interview' }).click();
    await page.locator('#interview-check').getByRole('heading', { name: 'Interview in progress' }).waitFor();
    await expectAccessible(page, 'check: interview mode, waiting for a re-check');
  });

  it('finds nothing on a failed check (a still photo), nor on the badge that shows it', async () => {
    const page = await openPage({ fakeVideo: toY4m(`${SHARED_MEDIA_DIR}/photos/liveportrait-s7.jpg`, { stillSeconds: 2 }) });
    await pickSlot(page);
    const badge = await openBadge(page);
    await page.locator('liveproof-check').getByRole('button', { name: 'Start check' }).click();
    const outcome = await waitForOutcome(page);
    expect(outcome.detail).toMatchObject({ result: 'fail' });
    await expectAccessible(page, 'check: not passed');
    await badge.locator('liveproof-badge').getByText('Liveness check failed').waitFor({ timeout: 10_000 });
    await expectAccessible(badge, 'badge: not passed');
  });

  it('finds nothing on the introduction for someone who asked their system for less motion', async () => {
    const page = await openPage();
    await page.emulateMedia({ reducedMotion: 'reduce' });
    const session = await createSession(server, { candidateRef: 'cand-axe-motion' });
    await page.goto(`${server.url}/?client_token=${encodeURIComponent(session.clientToken)}`);
    const skip = page.locator('liveproof-check').getByLabel(/Skip flashing lights/);
    await skip.waitFor();
    // Asking for less motion ticks "Skip flashing lights" before anything flashes.
    expect(await skip.isChecked()).toBe(true);
    await expectAccessible(page, 'check: introduction, reduced motion');
  });
});

describe('axe-core over the moments in between', () => {
  it('the introduction again after the flashing was stopped, and a result waiting to be sent again', async () => {
    const page = await openPage();
    await installCooperativeActor(page);
    const session = await createSession(server, { candidateRef: 'cand-axe-between' });
    await page.goto(`${server.url}/?client_token=${encodeURIComponent(session.clientToken)}`);
    const check = page.locator('liveproof-check');
    await check.getByRole('button', { name: 'Start check' }).click();
    await page.waitForFunction(() => document.querySelector('liveproof-check')?.shadowRoot?.querySelector('.flash') != null, undefined, { timeout: 60_000, polling: 50 });
    await page.keyboard.press('Escape');
    await check.getByText('did not use up an attempt', { exact: false }).waitFor();
    await expectAccessible(page, 'check: introduction after the flashing was stopped');
    // The result cannot be sent: the element says it will send it again.
    await page.route(/\/v1\/attempts\/[^/]+\/result$/, (route) => route.abort('internetdisconnected'));
    await check.getByRole('button', { name: 'Start check' }).click();
    await check.locator('[part~="status"]').getByText('sending your result again', { exact: false }).waitFor({ timeout: 60_000 });
    await expectAccessible(page, 'check: a result waiting to be sent again');
  });
});

describe('axe-core over the errors a candidate can meet', () => {
  async function expectErrorAccessible(page: Page, code: string, where: string): Promise<void> {
    await waitForState(page, 'error', 60_000);
    const detail = await page.evaluate(() => (window as unknown as { __liveproofEvents: { type: string; detail: { code: string } }[] }).__liveproofEvents.findLast((e) => e.type === 'liveproof-error')?.detail);
    expect(detail?.code).toBe(code);
    await expectAccessible(page, where);
  }

  it('the camera refused', async () => {
    const page = await openPage({ camera: 'denied' });
    const session = await createSession(server, { candidateRef: 'cand-axe-denied' });
    await page.goto(`${server.url}/?client_token=${encodeURIComponent(session.clientToken)}`);
    await page.locator('liveproof-check').getByRole('button', { name: 'Start check' }).click();
    await expectErrorAccessible(page, 'camera_denied', 'check: error, camera refused');
  });

  it('no face found in time', async () => {
    // Chromium's own fake camera shows a test pattern, no face.
    const page = await openPage();
    const session = await createSession(server, { candidateRef: 'cand-axe-noface' });
    await page.goto(`${server.url}/?client_token=${encodeURIComponent(session.clientToken)}&positioning_timeout=5`);
    await page.locator('liveproof-check').getByRole('button', { name: 'Start check' }).click();
    await expectErrorAccessible(page, 'positioning_timeout', 'check: error, no face found');
  });

  it('the connection lost', async () => {
    const page = await openPage();
    await installCooperativeActor(page);
    const session = await createSession(server, { candidateRef: 'cand-axe-offline' });
    await page.goto(`${server.url}/?client_token=${encodeURIComponent(session.clientToken)}`);
    // The connection drops once the camera is open: the attempt cannot be started.
    await page.route(/\/v1\/sessions\/[^/]+\/attempts$/, (route) => route.abort('internetdisconnected'));
    await page.locator('liveproof-check').getByRole('button', { name: 'Start check' }).click();
    await expectErrorAccessible(page, 'network_error', 'check: error, connection lost');
  });

  it('the flashing-colour step required, and skipped', async () => {
    await updateDevIntegration(server, { lightOptOutPolicy: 'reject' });
    try {
      const page = await openPage();
      await installCooperativeActor(page);
      const session = await createSession(server, { candidateRef: 'cand-axe-light-required' });
      await page.goto(`${server.url}/?client_token=${encodeURIComponent(session.clientToken)}&no_flash`);
      await page.locator('liveproof-check').getByRole('button', { name: 'Start check' }).click();
      await expectErrorAccessible(page, 'light_required', 'check: error, the flashing step is required');
      await page.locator('liveproof-check').getByRole('button', { name: 'Back' }).waitFor();
    } finally {
      await updateDevIntegration(server, { lightOptOutPolicy: 'flag' });
    }
  });

  it('a page that gave the element no token', async () => {
    const page = await openPage();
    const session = await createSession(server, { candidateRef: 'cand-axe-no-token' });
    await page.goto(`${server.url}/?client_token=${encodeURIComponent(session.clientToken)}`);
    await page.locator('liveproof-check').getByRole('button', { name: 'Start check' }).waitFor();
    // The demo's element swapped for one the page gave no token.
    await page.evaluate(() => document.getElementById('check')!.replaceWith(document.createElement('liveproof-check')));
    await page.locator('liveproof-check').getByRole('button', { name: 'Start check' }).click();
    await expectErrorAccessible(page, 'client_token_missing', 'check: error, no token');
  });
});

describe('axe-core over the pages for reviewers, administrators and developers', () => {
  it('the admin sign-in, a refused key, the review queue and a case', async () => {
    // A check first, so that the queue has a case: headless Chromium draws in software, which flags.
    const candidate = await openPage();
    await installCooperativeActor(candidate);
    const session = await createSession(server, { candidateRef: 'cand-axe-review', interviewRef: 'int-axe-review' });
    await candidate.goto(`${server.url}/?client_token=${encodeURIComponent(session.clientToken)}&no_flash`);
    await candidate.locator('liveproof-check').getByRole('button', { name: 'Start check' }).click();
    await waitForOutcome(candidate);

    const admin = await openPage();
    await admin.goto(`${server.url}/demo/admin.html`);
    await admin.getByLabel('Admin key').waitFor();
    await expectAccessible(admin, 'admin: sign in');
    await admin.getByLabel('Admin key').fill('not-a-key');
    await admin.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => admin.locator('#sign-in-error').innerText()).not.toBe('');
    await expectAccessible(admin, 'admin: key refused');
    await admin.getByLabel('Admin key').fill(server.adminKey);
    await admin.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => admin.locator('#cases').innerText(), { timeout: 10_000 }).toContain('cand-axe-review');
    await expect.poll(() => admin.locator('#attempts').innerText(), { timeout: 10_000 }).toContain('cand-axe-review');
    await expectAccessible(admin, 'admin: review queue, integrations and attempts');
    await admin.getByRole('button', { name: 'Review the case of cand-axe-review' }).click();
    await expect.poll(() => admin.locator('#case-attempts').innerText(), { timeout: 10_000 }).not.toBe('');
    await expectAccessible(admin, 'admin: a case');
    await admin.getByLabel('Cleared: the signals have an innocent explanation').check();
    await admin.getByRole('button', { name: 'Record decision' }).click();
    await expect.poll(() => admin.locator('#decision-status').innerText()).toContain('Recorded: cleared');
    await expectAccessible(admin, 'admin: a decision recorded');
  });

  it('the hosted check page, and its broken link', async () => {
    const page = await openPage();
    const session = await createSession(server, { candidateRef: 'cand-axe-hosted' });
    await page.goto(`${server.url}/check/${session.id}#${new URLSearchParams({ client_token: session.clientToken })}`);
    await page.locator('liveproof-check').getByRole('button', { name: 'Start check' }).waitFor();
    await expectAccessible(page, 'hosted check page: introduction');
    const other = await createSession(server, { candidateRef: 'cand-axe-hosted-2' });
    await page.goto(`${server.url}/check/${other.id}#${new URLSearchParams({ client_token: session.clientToken })}`);
    await page.getByRole('alert').filter({ hasText: 'This check link is broken' }).waitFor();
    await expectAccessible(page, 'hosted check page: a broken link');
  });

  it('the API reference', async () => {
    const page = await openPage();
    await page.goto(`${server.url}/v1/docs`);
    await expectAccessible(page, 'API reference (/v1/docs)');
    // The descriptions' Markdown inline code reads as code: no backtick in the prose (schemas are code).
    const prose = await page.locator('main').evaluate((main) => {
      const copy = main.cloneNode(true) as HTMLElement;
      for (const code of copy.querySelectorAll('pre, code')) code.remove();
      return copy.textContent ?? '';
    });
    expect(prose).not.toContain('`');
    expect(await page.locator('main p code').count()).toBeGreaterThan(0);
  });
});
