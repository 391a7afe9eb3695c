/**
 * The check in the candidate's language, on a narrow phone screen (320 CSS pixels): the embedder
 * marks the element (or its page) with HTML's `lang`, and the element speaks English, Spanish or
 * Arabic, right to left for Arabic, with numbers in the language's own digits. Each language runs
 * a whole check with the profile turn on (the longest prompt there is), driven by the responsive
 * actor, in real Chromium against the shipped server: every prompt must fit the camera view, and
 * the profile turn's arrow must sit on the side the candidate turns to whichever way the words run.
 * axe-core finds nothing on the Arabic check. Screenshots of each language's longest prompt.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  axeViolations,
  createSession,
  describeViolations,
  installAxe,
  installCooperativeActor,
  launchBrowser,
  recordEvents,
  screenshot,
  startServer,
  updateDevIntegration,
  waitForPass,
  type LaunchedBrowser,
  type RunningServer,
} from '@liveproof/eval';

let server: RunningServer;
const browsers: LaunchedBrowser[] = [];

beforeAll(async () => {
  server = await startServer();
  // The profile turn's prompt is each language's longest.
  await updateDevIntegration(server, { profileTurn: 'on' });
});

afterAll(async () => {
  for (const browser of browsers) await browser.close();
  await server?.stop();
});

interface PromptFit {
  challenge: string;
  text: string;
  /** The prompt's text runs past its box, or its box past the camera view. */
  overflows: boolean;
  lines: number;
  /** Where the arrow sits against the words, if the prompt has one. */
  arrow: 'left' | 'right' | 'none';
  direction: string;
  /** What the live region says with the prompt. */
  announced: string;
}

/** At every prompt the element shows, how it fits (measured in the page, when it is drawn). */
const MEASURE_PROMPTS = `(() => {
  window.__fits = [];
  document.addEventListener('liveproof-prompt', (event) => {
    const host = event.target;
    host.updateComplete.then(() => requestAnimationFrame(() => {
      const root = host.shadowRoot;
      const prompt = root.querySelector('.prompt');
      const stage = root.querySelector('.stage');
      if (!prompt || !stage) return;
      const words = prompt.querySelector('span:not(.arrow)');
      const arrow = prompt.querySelector('.arrow');
      const box = prompt.getBoundingClientRect();
      const centre = (r) => r.left + r.width / 2;
      const view = stage.getBoundingClientRect();
      const lineHeight = parseFloat(getComputedStyle(words).lineHeight) || 1.2 * parseFloat(getComputedStyle(words).fontSize);
      const w = words.getBoundingClientRect();
      window.__fits.push({
        challenge: event.detail.challenge,
        text: words.textContent,
        overflows: prompt.scrollWidth > prompt.clientWidth + 1 || box.left < view.left - 1 || box.right > view.right + 1 || box.top < view.top - 1,
        lines: Math.round(w.height / lineHeight),
        arrow: arrow ? (centre(arrow.getBoundingClientRect()) > centre(box) ? 'right' : 'left') : 'none',
        direction: getComputedStyle(prompt).direction,
        announced: root.querySelector('[aria-live="assertive"]').textContent.trim(),
      });
    }));
  });
})();`;

async function narrowCheck(lang: string): Promise<{ page: Page; fits: PromptFit[] }> {
  const browser = await launchBrowser();
  browsers.push(browser);
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 320, height: 640 });
  await recordEvents(page);
  await installAxe(page);
  await page.addInitScript({ content: MEASURE_PROMPTS });
  await installCooperativeActor(page);
  const session = await createSession(server, { candidateRef: `cand-lang-${lang}` });
  await page.goto(`${server.url}/?client_token=${encodeURIComponent(session.clientToken)}&no_flash`);
  // What an embedder does: HTML's own lang, on the element (or any ancestor).
  await page.locator('liveproof-check').evaluate((check, value) => check.setAttribute('lang', value), lang);
  return { page, fits: [] };
}

const START: Record<string, string> = { en: 'Start check', es: 'Empezar', ar: 'ابدأ التحقّق' };
const PASSED: Record<string, string> = { en: 'Check passed', es: 'Verificación superada', ar: 'نجح التحقّق' };

describe('the check in the candidate\'s language, on a 320-pixel screen', () => {
  it.each(['en', 'es', 'ar'])('%s: every prompt fits, the arrow points the way, and the check passes', async (lang) => {
    const { page } = await narrowCheck(lang);
    const check = page.locator('liveproof-check');
    await check.getByRole('button', { name: START[lang] }).click();
    // The longest prompt, on screen: kept for a person to look at.
    const profile = check.locator('.prompt', { hasText: lang === 'en' ? 'shoulder' : lang === 'es' ? 'hombro' : 'كتفك' });
    await profile.waitFor({ timeout: 60_000 });
    await screenshot(page, `language-${lang}-longest-prompt`);
    await waitForPass(page, { tries: 1 });
    await check.getByRole('heading', { name: PASSED[lang] }).waitFor();
    await screenshot(page, `language-${lang}-passed`);

    const fits = await page.evaluate(() => (window as unknown as { __fits: PromptFit[] }).__fits);
    console.log(`${lang}: ${fits.map((f) => `${f.challenge} ${f.lines} line(s)${f.overflows ? ' OVERFLOWS' : ''}`).join(', ')}`);
    expect(fits.length).toBeGreaterThanOrEqual(4);
    expect(fits.filter((f) => f.overflows || f.lines > 3)).toEqual([]);
    expect(new Set(fits.map((f) => f.direction))).toEqual(new Set([lang === 'ar' ? 'rtl' : 'ltr']));
    // The arrow is on the side the candidate turns to, in the mirrored self-view, in either direction of writing.
    for (const fit of fits.filter((f) => f.arrow !== 'none' && f.challenge !== 'look_up')) {
      expect(fit.arrow, `${fit.challenge}: ${fit.text}`).toBe(/right/.test(fit.challenge) ? 'right' : 'left');
    }
    // Each prompt is announced with its step, counted in the language's digits (Intl's).
    const number = new Intl.NumberFormat(lang);
    const stepWord: Record<string, string> = { en: 'Step', es: 'Paso', ar: 'الخطوة' };
    expect(fits[0]!.announced).toBe(`${stepWord[lang]} ${number.format(1)} ${{ en: 'of', es: 'de', ar: 'من' }[lang]} ${number.format(fits.length)}: ${fits[0]!.text}`);
    if (lang === 'ar') expect(describeViolations(await axeViolations(page))).toEqual([]);
  });

  it('shows the interviewer\'s badge in Spanish and in Arabic, right to left', async () => {
    const browser = await launchBrowser();
    browsers.push(browser);
    const page = await browser.context.newPage();
    await installAxe(page);
    await page.goto(`${server.url}/demo/interviewer.html`);
    const badge = page.locator('liveproof-badge');
    await badge.getByText('Not yet checked').waitFor();
    await badge.evaluate((element) => element.setAttribute('lang', 'es'));
    await badge.getByText('Aún sin verificar').waitFor();
    await badge.evaluate((element) => element.setAttribute('lang', 'ar'));
    await badge.getByText('لم يُتحقَّق بعد').waitFor();
    expect(await badge.locator('section').evaluate((section) => getComputedStyle(section).direction)).toBe('rtl');
    expect(describeViolations(await axeViolations(page))).toEqual([]);
    await screenshot(page, 'language-ar-badge');
  });

  it('speaks the language the hosted check page\'s link names', async () => {
    const browser = await launchBrowser();
    browsers.push(browser);
    const page = await browser.context.newPage();
    const session = await createSession(server, { candidateRef: 'cand-lang-hosted' });
    await page.goto(`${server.url}/check/${session.id}#${new URLSearchParams({ client_token: session.clientToken, lang: 'ar' })}`);
    await page.locator('liveproof-check').getByRole('button', { name: START['ar']! }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('ar');
  });

  it('follows the page\'s own lang, and a change of it, without a reload', async () => {
    const browser = await launchBrowser();
    browsers.push(browser);
    const page = await browser.context.newPage();
    const session = await createSession(server, { candidateRef: 'cand-lang-page' });
    await page.goto(`${server.url}/?client_token=${encodeURIComponent(session.clientToken)}`);
    const check = page.locator('liveproof-check');
    await check.getByRole('button', { name: 'Start check' }).waitFor();
    await page.evaluate(() => document.documentElement.setAttribute('lang', 'es-MX'));
    await check.getByRole('button', { name: 'Empezar' }).waitFor();
    expect(await check.getByRole('heading').first().innerText()).toBe('Verificación rápida de presencia');
    await page.evaluate(() => document.documentElement.setAttribute('lang', 'fr'));
    // A language not shipped reads as English.
    await check.getByRole('button', { name: 'Start check' }).waitFor();
  });
});
