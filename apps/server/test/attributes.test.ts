/**
 * The element's attributes do what they say, and misuse says so: in real Chromium on the shipped
 * server, markup with `autostart` but no flashing-colour consent, an unknown `mode`, a timeout that
 * is not a number, a misspelt token attribute and no token at all. Each gets one clear console
 * message saying what the element does instead, and the element does exactly that.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession, launchBrowser, startServer, type LaunchedBrowser, type RunningServer } from '@liveproof/eval';

let server: RunningServer;
let browser: LaunchedBrowser;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('attributes that do what they say', () => {
  it('explains each misuse once in the console, and does what it says it does instead', async () => {
    const page = await browser.context.newPage();
    const warnings: string[] = [];
    page.on('console', (message) => {
      if (['warning', 'error'].includes(message.type()) && message.text().startsWith('<liveproof-check>')) warnings.push(message.text());
    });
    const session = await createSession(server, { candidateRef: 'cand-attributes' });
    await page.goto(`${server.url}/?client_token=${encodeURIComponent(session.clientToken)}`);
    await page.locator('liveproof-check').getByRole('button', { name: 'Start check' }).waitFor();
    await page.evaluate((token) => {
      const wrapper = document.createElement('div');
      wrapper.id = 'misused';
      wrapper.innerHTML = `<liveproof-check autostart mode="interviw" positioning-timeout="soon" client-token="${token}"></liveproof-check><liveproof-check client_token="${token}"></liveproof-check>`;
      document.querySelector('main')!.append(wrapper);
    }, session.clientToken);
    const [first, second] = [page.locator('#misused liveproof-check').first(), page.locator('#misused liveproof-check').nth(1)];
    await first.getByRole('button', { name: 'Start check' }).waitFor();
    await page.waitForTimeout(500);
    // autostart did not start (the introduction's flashing warning stands); mode fell back to check.
    expect(await first.evaluate((check) => (check as unknown as { state: string }).state)).toBe('idle');
    expect(await first.getByRole('heading').first().innerText()).toBe('Quick liveness check');
    expect(warnings.filter((w) => /`autostart` is ignored/.test(w))).toHaveLength(1);
    expect(warnings).toContain('<liveproof-check>: `mode="interviw"` is not a value it knows ("check" or "interview"); it runs as `mode="check"`.');
    expect(warnings).toContain('<liveproof-check>: `positioning-timeout="soon"` is not a number of seconds from 5 to 600; it waits 60 s.');
    expect(warnings).toContain('<liveproof-check>: it has no `client_token` attribute, so it is ignored. Did you mean `client-token`?');
    // The second, given no token it knows of, says so when the candidate starts: on the page, and
    // once in the console (a page that sets its token a moment late gets no message).
    expect(warnings.filter((w) => /no client token was given/.test(w))).toEqual([]);
    await second.getByRole('button', { name: 'Start check' }).click();
    await second.getByRole('heading', { name: 'This check is not set up yet' }).waitFor();
    expect(warnings.filter((w) => /no client token was given/.test(w))).toHaveLength(1);
    await page.close();
  });
});
