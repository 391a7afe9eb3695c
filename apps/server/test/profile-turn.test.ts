/**
 * The profile turn, end to end: the shipped server with an integration that asks for it through the
 * admin API, the real element in Chromium, real MediaPipe, the responsive actor playing a man who
 * turns his head past 28° and holds. The plan holds one profile turn; the candidate is told to turn
 * toward a shoulder and hold until the tone; the tone sounds when the hold is done; the token names
 * the challenge. And under high assurance the server's own face model measures the crop taken at
 * the turn's peak, where real-time face swaps degrade.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import {
  ONE_PERSON_ACTOR,
  createSession,
  events,
  getSession,
  installActor,
  launchBrowser,
  loadManifest,
  recordEvents,
  resolveScript,
  screenshot,
  startServer,
  updateDevIntegration,
  waitForPass,
  type RunningServer,
} from '@liveproof/eval';
import type { Page } from 'playwright-core';

let server: RunningServer;

beforeAll(async () => {
  server = await startServer();
  // The one-person actor has no usable blink or open mouth: the plans leave both out.
  const updated = await updateDevIntegration(server, { profileTurn: 'on', excludedChallenges: ['blink', 'open_mouth'] });
  expect(updated).toMatchObject({ profileTurn: 'on' });
});

afterAll(async () => {
  await server?.stop();
});

/** Counts the tones the page plays: every Web Audio source started, with the time it started. */
const COUNT_TONES = `(() => {
  const start = AudioScheduledSourceNode.prototype.start;
  window.__tones = [];
  AudioScheduledSourceNode.prototype.start = function (...args) {
    window.__tones.push(performance.now());
    return start.apply(this, args);
  };
})();`;

const PROFILE = /^profile_(left|right)$/;

/** One check by the one-person actor, which must pass; a screenshot while the profile prompt shows. */
async function profileCheck(page: Page, shot: string) {
  await recordEvents(page);
  await page.addInitScript({ content: COUNT_TONES });
  await installActor(page, { ...resolveScript(await loadManifest(), ONE_PERSON_ACTOR), delayMs: [300, 900] });
  const session = await createSession(server, { audience: 'dev-ats' });
  await page.goto(`${server.url}/?client_token=${encodeURIComponent(session.clientToken)}`);
  // Told before starting: a bigger turn, held until a tone, and what to do if it is too much.
  const notice = page.locator('liveproof-check [data-profile-turn]');
  await expect.poll(() => notice.count()).toBe(1);
  expect(await notice.innerText()).toMatch(/turn your head toward a\s+shoulder[\s\S]*tone[\s\S]*tell the hiring team/i);
  await screenshot(page, `${shot}-notice`);
  await page.locator('liveproof-check').getByRole('button', { name: 'Start check' }).click();
  const prompt = page.locator('liveproof-check .prompt');
  await expect.poll(() => prompt.innerText(), { timeout: 60_000, interval: 50 }).toMatch(/shoulder/);
  await screenshot(page, `${shot}-prompt`);
  const { outcome, outcomes } = await waitForPass(page, { tries: 3 });
  await screenshot(page, `${shot}-passed`);
  const detail = outcome.detail as { result: string; token: string };
  const record = await getSession(server, session.id);
  expect(detail.result, JSON.stringify({ outcomes: outcomes.map((o) => o.detail), attempts: record.attempts })).toBe('pass');
  return { detail, record };
}

describe('the profile turn', () => {
  it('asks for one in every plan, says how to follow it without looking, sounds the tone when held, and the token names it', async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.context.newPage();
      const { detail, record } = await profileCheck(page, 'profile-turn');
      // The prompt and its announcement: which way, how far, until when.
      const prompts = (await events(page)).filter((e) => e.type === 'liveproof-prompt').map((e) => e.detail as { challenge: string; text: string });
      const profile = prompts.filter((p) => PROFILE.test(p.challenge));
      expect(profile.length).toBeGreaterThanOrEqual(1);
      for (const p of profile) expect(p.text).toMatch(/^Turn toward your (left|right) shoulder and hold for the tone$/);
      const announced = await page.locator('liveproof-check [aria-live]').allInnerTexts();
      expect(announced.join(' ')).not.toBe('');
      // The tone: two notes for each profile turn held, and none for the other steps.
      const tones = await page.evaluate(() => (window as unknown as { __tones: number[] }).__tones.length);
      expect(tones).toBe(2 * profile.length);
      // The token and the record name the challenge, passed.
      const claims = decodeJwt(detail.token) as { challenges: { id: string; passed: boolean }[]; thresholds?: string };
      const turned = claims.challenges.filter((c) => PROFILE.test(c.id));
      expect(turned).toHaveLength(1);
      expect(turned[0]!.passed).toBe(true);
      const attempt = record.attempts.at(-1) as { challenges: string[]; steps: { challenge: string; passed: boolean; reactionMs?: number }[] };
      expect(attempt.challenges.filter((c) => PROFILE.test(c))).toHaveLength(1);
      const step = attempt.steps.find((s) => PROFILE.test(s.challenge))!;
      expect(step.passed).toBe(true);
      expect(step.reactionMs).toBeGreaterThanOrEqual(300);
    } finally {
      await browser.close();
    }
  });

  it('under high assurance, the server measures the crop at the turn and finds the face turned as the trace says', async () => {
    await updateDevIntegration(server, { highAssurance: 'required', frameEvidenceDays: 1 });
    const browser = await launchBrowser();
    try {
      const page = await browser.context.newPage();
      const { detail } = await profileCheck(page, 'profile-turn-high-assurance');
      const faces = decodeJwt(detail.token).faces as { policy: string; checks: string[]; failed: string[] };
      expect(faces).toMatchObject({ policy: 'required', failed: [] });
      expect(faces.checks).toEqual(expect.arrayContaining(['present', 'pose']));
      // The crop taken at the profile turn's end, as the server measured it: the face turned far, as
      // the trace says (the crops are kept a day here, so the test can read what was measured).
      const attemptId = decodeJwt(detail.token).jti as string;
      const kept = await fetch(`${server.url}/v1/admin/attempts/${attemptId}/frames`, { headers: { authorization: `Bearer ${server.adminKey}` } });
      expect(kept.status).toBe(200);
      const { crops } = (await kept.json()) as { crops: { kind: string; measured: { pose?: number[]; expected?: number[]; failed: string[] } | null }[] };
      const actions = crops.filter((c) => c.kind === 'action' && c.measured?.expected);
      const turned = actions.reduce((a, b) => (Math.abs(b.measured!.expected![0]!) > Math.abs(a.measured!.expected![0]!) ? b : a));
      console.log(`profile crop: expected ${JSON.stringify(turned.measured!.expected)} measured ${JSON.stringify(turned.measured!.pose)}`);
      expect(Math.abs(turned.measured!.expected![0]!)).toBeGreaterThanOrEqual(0.74 * 28 - 1);
      expect(Math.abs(turned.measured!.pose![0]!)).toBeGreaterThanOrEqual(12);
      expect(turned.measured!.failed).toEqual([]);
    } finally {
      await updateDevIntegration(server, { highAssurance: 'off', frameEvidenceDays: null });
      await browser.close();
    }
  });
});
