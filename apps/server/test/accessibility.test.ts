/**
 * The check by keyboard alone, as a candidate who cannot use a mouse meets it: the shipped server
 * and demo page in Chromium, the responsive actor (or a still photo, which fails). Tab reaches
 * "Start check" and Enter starts it; at every state the element moves, keyboard focus lands on the
 * new state's heading instead of dropping to the page; at a failure the live region says why and
 * what to do next. Screenshots show where focus is.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  SHARED_MEDIA_DIR,
  createSession,
  installCooperativeActor,
  launchBrowser,
  recordEvents,
  screenshot,
  startServer,
  toY4m,
  waitForOutcome,
  type LaunchedBrowser,
  type RunningServer,
} from '@liveproof/eval';

let server: RunningServer;
const browsers: LaunchedBrowser[] = [];

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  for (const browser of browsers) await browser.close();
  await server?.stop();
});

/** After every state change, what holds keyboard focus inside the element (tag and text). */
const FOCUS_LOG = `(() => {
  window.__focusLog = [];
  document.addEventListener('liveproof-state', (event) => {
    const host = event.target;
    host.updateComplete.then(() => {
      const active = host.shadowRoot && host.shadowRoot.activeElement;
      window.__focusLog.push({ state: event.detail.state, focus: active ? active.tagName.toLowerCase() + ': ' + active.textContent.trim() : document.activeElement === document.body ? 'body' : 'elsewhere' });
    });
  });
})();`;

async function keyboardPage(options: Parameters<typeof launchBrowser>[0] = {}): Promise<Page> {
  const browser = await launchBrowser(options);
  browsers.push(browser);
  const page = await browser.context.newPage();
  await recordEvents(page);
  await page.addInitScript({ content: FOCUS_LOG });
  return page;
}

/** Presses Tab until "Start check" holds focus (the demo page's own links and buttons come first), then Enter. */
async function startByKeyboard(page: Page, clientToken: string): Promise<number> {
  await page.goto(`${server.url}/?client_token=${encodeURIComponent(clientToken)}`);
  await page.locator('liveproof-check').getByRole('button', { name: 'Start check' }).waitFor();
  for (let tabs = 1; tabs <= 30; tabs++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => document.querySelector('liveproof-check')?.shadowRoot?.activeElement?.textContent?.trim() ?? '');
    if (focused === 'Start check') {
      await page.keyboard.press('Enter');
      return tabs;
    }
  }
  throw new Error('Tab never reached "Start check"');
}

const focusLog = (page: Page) => page.evaluate(() => (window as unknown as { __focusLog: { state: string; focus: string }[] }).__focusLog);

describe('the check by keyboard alone', () => {
  it('starts with Tab and Enter, and keeps focus on each new state\'s heading through to the outcome', async () => {
    const page = await keyboardPage();
    await installCooperativeActor(page);
    const session = await createSession(server, { candidateRef: 'cand-keyboard' });
    const tabs = await startByKeyboard(page, session.clientToken);
    const outcome = await waitForOutcome(page);
    expect(outcome.type).toBe('liveproof-complete');
    const log = await focusLog(page);
    console.log(`keyboard: ${tabs} Tab presses to Start, then ${log.map((l) => `${l.state} → ${l.focus}`).join('; ')}`);
    const headings: Record<string, string> = {
      loading: 'h2: Getting the check ready',
      positioning: 'h2: Position your face',
      challenge: 'h2: Follow the prompts',
      submitting: 'h2: Checking your result',
      passed: 'h2: Check passed',
    };
    for (const entry of log) expect(entry.focus, entry.state).toBe(headings[entry.state]);
    expect(log.map((l) => l.state)).toEqual(expect.arrayContaining(['positioning', 'challenge', 'passed']));
    await screenshot(page, 'keyboard-focus-passed');
    // The demo's token box scrolls, so it takes keyboard focus: Tab reaches it from the outcome.
    let reached = false;
    for (let tabs = 0; tabs < 20 && !reached; tabs++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => document.activeElement?.id === 'ats-token');
    }
    expect(reached).toBe(true);
    await screenshot(page, 'keyboard-focus-token');
  });

  it('says why a check failed and what to do next, with focus on the outcome, and Try again is one Tab away', async () => {
    const page = await keyboardPage({ fakeVideo: toY4m(`${SHARED_MEDIA_DIR}/photos/liveportrait-s7.jpg`, { stillSeconds: 2 }) });
    const session = await createSession(server, { candidateRef: 'cand-keyboard-photo' });
    await startByKeyboard(page, session.clientToken);
    const outcome = await waitForOutcome(page);
    expect(outcome.detail).toMatchObject({ result: 'fail' });
    const check = page.locator('liveproof-check');
    const live = check.locator('[aria-live="assertive"]');
    await expect.poll(() => live.innerText(), { timeout: 5000 }).toMatch(/^Check not passed\. .+ 2 attempts left: press Try again when you are ready\.$/);
    expect((await focusLog(page)).at(-1)).toEqual({ state: 'failed', focus: 'h2: Check not passed' });
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.querySelector('liveproof-check')?.shadowRoot?.activeElement?.textContent?.trim())).toBe('Try again');
    await screenshot(page, 'keyboard-focus-try-again');
  });
});
