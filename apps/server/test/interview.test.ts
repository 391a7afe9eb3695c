/**
 * The interviewer's side, end to end: two browsers, the candidate's (the responsive actor on the
 * demo page) and the interviewer's (the demo interviewer page with `<liveproof-badge>` in live
 * mode). The badge must show each prompt while the candidate is shown it, then verify the result's
 * signature itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  actorLog,
  createSession,
  events,
  installCooperativeActor,
  launchBrowser,
  openCheck,
  recordEvents,
  screenshot,
  startServer,
  waitForPass,
  type LaunchedBrowser,
  type RunningServer,
} from '@liveproof/eval';

let server: RunningServer;
const browsers: LaunchedBrowser[] = [];

beforeAll(async () => {
  // This hiring system opted in to reference images (kept 30 days). Client tokens live 60 s (the
  // least the setting allows) instead of 15 min, so that the interview below outlasts the
  // candidate's first token, as real calls outlast 15 minutes.
  server = await startServer({ LIVEPROOF_DEV_REFERENCE_IMAGE_DAYS: '30', LIVEPROOF_CLIENT_TOKEN_TTL_SECONDS: '60' });
});

afterAll(async () => {
  await Promise.all(browsers.map((b) => b.close()));
  await server?.stop();
});

async function newPage(): Promise<Page> {
  const browser = await launchBrowser();
  browsers.push(browser);
  return browser.context.newPage();
}

const badgeStatus = (page: Page) => page.evaluate(() => (document.querySelector('liveproof-badge') as unknown as { status: string }).status);
/** What an element shows, shadow root included (innerText stops at the shadow boundary). */
const shownText = (page: Page, selector: string) => page.locator(selector).evaluate((el) => (el.shadowRoot ?? el).textContent?.replace(/\s+/g, ' ') ?? '');
const badgeText = (page: Page) => shownText(page, 'liveproof-badge');

/** What a hiring system puts in its interviewer's link: a viewer token (with the re-check right) and the audience. */
async function viewerFragment(sessionId: string): Promise<string> {
  const response = await fetch(`${server.url}/v1/sessions/${sessionId}/viewer-tokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ recheck: true }),
  });
  const { viewerToken } = (await response.json()) as { viewerToken: string };
  return new URLSearchParams({ viewer: viewerToken, audience: 'dev-ats' }).toString();
}

describe("the interviewer's badge", () => {
  it('shows each prompt live while the candidate is shown it, then the verified result', async () => {
    const session = await createSession(server, { candidateRef: 'cand-interview', interviewRef: 'int-interview', audience: 'dev-ats' });

    // The hiring system gives its interviewer a link with a viewer token for this session.
    const interviewer = await newPage();
    await interviewer.goto(`${server.url}/demo/interviewer.html?session=${session.id}#${await viewerFragment(session.id)}`);
    await expect.poll(() => badgeStatus(interviewer)).toBe('unchecked');
    await expect.poll(() => badgeText(interviewer)).toContain('Not yet checked');
    await screenshot(interviewer, 'interviewer-1-waiting');
    // Every prompt the badge showed, as it showed it.
    await interviewer.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { __prompts: string[] }).__prompts = seen;
      const badge = document.querySelector('liveproof-badge')!;
      new MutationObserver(() => {
        const prompt = badge.shadowRoot?.querySelector('[part~="prompt"] strong')?.textContent;
        if (prompt && seen.at(-1) !== prompt) seen.push(prompt);
      }).observe(badge.shadowRoot!, { subtree: true, childList: true, characterData: true });
    });

    const candidate = await newPage();
    await recordEvents(candidate);
    await installCooperativeActor(candidate);
    await openCheck(candidate, server, session.clientToken);

    await expect.poll(() => badgeStatus(interviewer), { timeout: 30_000, interval: 50 }).toBe('checking');
    await interviewer.locator('liveproof-badge').locator('[part~="prompt"]').waitFor({ timeout: 20_000 });
    await screenshot(interviewer, 'interviewer-2-prompt-live');

    expect((await waitForPass(candidate)).outcome.detail).toMatchObject({ result: 'pass' });
    await expect.poll(() => badgeStatus(interviewer), { timeout: 10_000 }).toBe('verified');
    // A page can style the badge from outside by its status (a custom state), not only read it.
    expect(await interviewer.locator('liveproof-badge').evaluate((el) => [el.matches(':state(verified)'), el.matches(':state(checking)')])).toEqual([true, false]);
    const text = await badgeText(interviewer);
    expect(text).toContain('Verified live');
    expect(text).toContain('Challenges passed');
    expect(text).toMatch(/just now|minutes? ago/);
    await expect.poll(() => interviewer.locator('#history tr').last().innerText()).toMatch(/^\d+\s+passed/);
    // The photo from the end of the passed check, for comparing with the person on the call.
    const photo = interviewer.locator('liveproof-badge').getByRole('img', { name: /passed check/ });
    await expect.poll(() => photo.evaluate((img) => (img as HTMLImageElement).naturalWidth), { timeout: 10_000 }).toBe(160);
    await expect.poll(() => shownText(candidate, 'liveproof-check')).toContain('One small photo of your face');
    await screenshot(interviewer, 'interviewer-3-verified');

    // The badge showed the very prompts the candidate was shown, in order.
    const shown = (await events(candidate)).filter((e) => e.type === 'liveproof-prompt').map((e) => (e.detail as { text: string }).text);
    const seen = await interviewer.evaluate(() => (window as unknown as { __prompts: string[] }).__prompts);
    expect(seen).toEqual(shown);
    // Status is never carried by colour alone: the words and an icon are there, and it is a live region.
    const status = interviewer.locator('liveproof-badge').locator('[part~="status"]');
    expect(await status.getAttribute('role')).toBe('status');
    expect(await status.innerText()).toContain('Verified live');
  });

  it('asks for a witnessed re-check during the call: the badge shows its prompts live and then the new result', async () => {
    // The candidate's journey on the demo scheduling page: pick a slot, pass the check, join.
    const candidate = await newPage();
    await recordEvents(candidate);
    await installCooperativeActor(candidate);
    await candidate.goto(`${server.url}/`);
    await screenshot(candidate, 'candidate-1-pick-slot');
    await candidate.getByRole('button', { name: 'Thu 14:00' }).click();
    // The page's backend creates the session for that slot, then hands the element its token.
    await expect.poll(() => candidate.locator('liveproof-check').getAttribute('client-token')).toBeTruthy();
    await candidate.locator('liveproof-check').getByRole('button', { name: 'Start check' }).click();
    expect((await waitForPass(candidate)).outcome.detail).toMatchObject({ result: 'pass' });
    await screenshot(candidate, 'candidate-2-passed');
    const link = await candidate.locator('#interviewer-link a').getAttribute('href');
    const sessionId = new URL(link!, server.url).searchParams.get('session')!;
    // The call's stream goes to the element in interview mode.
    await candidate.getByRole('button', { name: 'Join the interview' }).click();
    await expect.poll(() => shownText(candidate, '#interview-check')).toContain('Interview in progress');
    await screenshot(candidate, 'candidate-3-interview-room');

    // The demo's call reaches the interviewer's page when it is another tab of the candidate's browser.
    const callTab = await candidate.context().newPage();
    await callTab.goto(`${server.url}/demo/interviewer.html?session=${sessionId}`);
    await expect.poll(() => callTab.locator('#call').evaluate((v) => (v as HTMLVideoElement).videoWidth), { timeout: 15_000 }).toBeGreaterThan(0);
    await screenshot(callTab, 'interviewer-0-call-video');
    await callTab.close();

    // The call goes on past the candidate's client token: the element in interview mode gets fresh
    // ones from the page (its tokenProvider asks the demo's backend) and keeps listening.
    const firstToken = (await candidate.locator('#interview-check').getAttribute('client-token'))!;
    const expiresAt = (JSON.parse(Buffer.from(firstToken.split('.')[1]!, 'base64url').toString()) as { exp: number }).exp * 1000;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAt + 6_000 - Date.now())));

    // The interviewer, in a browser of their own, with the link the scheduling page gave (its
    // fragment carries a viewer token; that browser has none of the candidate's demo cookie).
    const interviewer = await newPage();
    expect(new URL(link!, server.url).hash).toMatch(/^#viewer=/);
    await interviewer.goto(new URL(link!, server.url).href);
    // The badge starts from the latest result, verified in the browser.
    await expect.poll(() => badgeStatus(interviewer), { timeout: 10_000 }).toBe('verified');
    await candidate.evaluate(() => ((window as unknown as { __liveproofEvents: unknown[] }).__liveproofEvents.length = 0));
    // The candidate's tab is the one in front, as on the candidate's own machine: a page in a
    // background tab gets no video frames to check (see the element's README).
    await candidate.bringToFront();
    await interviewer.locator('liveproof-badge').getByRole('button', { name: 'Ask for a re-check' }).click();
    // The candidate's element hears the request and starts at once, on the call's stream.
    const interviewState = () => candidate.locator('#interview-check').evaluate((el) => (el as unknown as { state: string }).state);
    await expect.poll(interviewState, { timeout: 10_000, interval: 50 }).not.toBe('idle');
    await expect
      .poll(() => badgeStatus(interviewer), { timeout: 40_000, interval: 50, message: 'the badge shows the re-check under way' })
      .toBe('checking')
      .catch(async (error: unknown) => {
        throw new Error(`${String(error)}\ncandidate: ${JSON.stringify({ state: await interviewState(), events: await events(candidate) })}`);
      });
    await expect.poll(() => badgeText(interviewer)).toContain('Witnessed re-check');
    await interviewer.locator('liveproof-badge').locator('[part~="prompt"]').waitFor({ timeout: 20_000 });
    await screenshot(interviewer, 'interviewer-4-recheck-live');
    await screenshot(candidate, 'candidate-interview-recheck');

    // A failed re-check is the interviewer's to repeat, as they would.
    const { outcome } = await waitForPass(candidate, {
      retry: () => interviewer.locator('liveproof-badge').getByRole('button', { name: 'Ask for a re-check' }).click(),
    });
    expect(outcome.detail, JSON.stringify({ outcome: outcome.detail, actor: await actorLog(candidate) })).toMatchObject({ result: 'pass' });
    const prompts = (await events(candidate)).filter((e) => e.type === 'liveproof-prompt' && (e.detail as { attemptId: string }).attemptId === outcome.detail.attemptId);
    // Two movements and, as in the check, the screen light.
    expect(prompts).toHaveLength(3);
    await expect.poll(() => badgeStatus(interviewer), { timeout: 10_000 }).toBe('verified');
    // The badge now shows the re-check's own token, and says it is a re-check.
    await expect.poll(() => badgeText(interviewer)).toMatch(/\(3 of 3\)/);
    expect(await badgeText(interviewer)).toContain('Re-check passed');
    await expect.poll(() => interviewer.locator('#history tr').last().innerText()).toMatch(/^\d+ \(re-check\)\s+passed/);
    await expect.poll(() => shownText(candidate, '#interview-check')).toContain('Re-check passed');
    // The element worked on a token it was given after the first one expired.
    expect(await candidate.locator('#interview-check').evaluate((el) => (el as unknown as { clientToken: string }).clientToken)).not.toBe(firstToken);
    await screenshot(interviewer, 'interviewer-5-recheck-passed');
    await screenshot(candidate, 'candidate-interview-recheck-passed');
  });

  it('says invalid for a token whose claims were changed, or that is for another audience', async () => {
    const session = await createSession(server, { candidateRef: 'cand-badge', audience: 'dev-ats' });
    const page = await newPage();
    await recordEvents(page);
    await installCooperativeActor(page);
    await openCheck(page, server, session.clientToken);
    const { outcome } = await waitForPass(page);
    expect(outcome.detail).toMatchObject({ result: 'pass' });
    const token = (outcome.detail as { token: string }).token;

    const [header, payload, signature] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const tampered = `${header}.${Buffer.from(JSON.stringify({ ...claims, sub: 'someone-else' })).toString('base64url')}.${signature}`;
    const badge = await newPage();
    await badge.goto(`${server.url}/demo/interviewer.html`);
    const show = async (value: string, audience = 'dev-ats') => {
      await badge.evaluate(
        ([t, iss, aud]) => {
          const el = document.querySelector('liveproof-badge')!;
          el.setAttribute('issuer', iss!);
          el.setAttribute('audience', aud!);
          el.setAttribute('token', t!);
        },
        [value, server.url, audience],
      );
      await expect.poll(() => badgeStatus(badge)).not.toBe('verifying');
      return badgeStatus(badge);
    };
    expect(await show(token)).toBe('verified');
    expect(await show(tampered)).toBe('invalid');
    await expect.poll(() => badgeText(badge)).toContain('signature does not match');
    await screenshot(badge, 'badge-invalid');
    expect(await show(token, 'another-ats')).toBe('invalid');
  });

  it("the admin page needs an administrator's key, then lists every integration's attempts, and filters them", async () => {
    const admin = await newPage();
    await admin.goto(`${server.url}/demo/admin.html`);
    await expect.poll(() => admin.locator('#attempts-card').isHidden()).toBe(true);
    await admin.getByLabel('Admin key').fill(server.apiKey);
    await admin.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => admin.getByRole('alert').innerText()).toContain('not a working admin key');
    await admin.getByLabel('Admin key').fill(server.adminKey);
    await admin.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => admin.locator('#integrations tr').count()).toBe(2);
    await expect.poll(() => admin.locator('#attempts tr').count()).toBeGreaterThanOrEqual(4);
    // The development integration's attempts and the demo's, each named.
    expect(await admin.locator('#attempts').innerText()).toMatch(/Development[\s\S]*Demo|Demo[\s\S]*Development/);
    await admin.getByLabel('Interview', { exact: true }).fill('int-backend-thu-1400');
    await admin.getByRole('button', { name: 'Filter' }).click();
    await expect.poll(() => admin.locator('#attempts tr').count()).toBe(2);
    await expect.poll(() => admin.locator('#attempts').innerText()).toContain('recheck');
    await screenshot(admin, 'admin-attempts');
    await admin.getByLabel('Interview', { exact: true }).fill('');
    await admin.getByLabel('Result').selectOption('passed');
    await admin.getByRole('button', { name: 'Filter' }).click();
    await expect.poll(async () => (await admin.locator('#attempts tr').allInnerTexts()).filter((row) => !row.includes('passed')).length).toBe(0);
    expect(await admin.locator('#attempts tr').count()).toBeGreaterThanOrEqual(4);
  });
});
