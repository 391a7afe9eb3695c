/**
 * The README, word for word, as a new user follows it: its start command run as written, in a
 * fresh process with a data directory nobody used, then the demo page in Chromium (pick a slot,
 * pass the check with the responsive actor), the interviewer's view in a browser of its own
 * (the badge verifies the result), and the admin page signed in with the administrator's key the
 * start printed, listing the attempt. Screenshots of each step in test-results/screenshots/readme-*.
 *
 * Settings changed, and why: LIVEPROOF_DATA_DIR (a new user has no ./data yet, and this checkout's
 * may hold a developer's); PORT only when 8787 is already taken on this machine.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  REPO_ROOT,
  installCooperativeActor,
  launchBrowser,
  recordEvents,
  screenshot,
  waitForPass,
  type LaunchedBrowser,
} from '@liveproof/eval';

/** The README's start command: the first code block after "Start the product". */
function readmeStartCommand(): string {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('Start the product'));
  const command = /```sh\n([^\n]+)\n```/.exec(section)?.[1];
  if (!command) throw new Error('no start command found in the README');
  return command;
}

async function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, () => probe.close(() => resolve(true)));
  });
}

const dataDir = mkdtempSync(join(tmpdir(), 'liveproof-readme-'));
const browsers: LaunchedBrowser[] = [];
let child: ChildProcess | undefined;

afterAll(async () => {
  await Promise.all(browsers.map((b) => b.close()));
  if (child?.pid && child.exitCode === null) {
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    process.kill(-child.pid, 'SIGTERM');
    await exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
});

async function newPage(): Promise<Page> {
  const browser = await launchBrowser();
  browsers.push(browser);
  return browser.context.newPage();
}

const shownText = (page: Page, selector: string) => page.locator(selector).evaluate((el) => (el.shadowRoot ?? el).textContent?.replace(/\s+/g, ' ') ?? '');

describe('the README, as a new user follows it', () => {
  it('starts with its start command, and the demo, the interviewer view and the admin page work', async () => {
    const command = readmeStartCommand();
    expect(command).toBe('npx -y pnpm@10.34.9 install && npx -y pnpm@10.34.9 start');
    const env: NodeJS.ProcessEnv = { ...process.env, LIVEPROOF_DATA_DIR: dataDir };
    if (!(await portFree(8787))) env.PORT = '0';
    child = spawn('bash', ['-c', command], { cwd: REPO_ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await expect.poll(() => /Admin key:\s+(\S+)/.test(output) || child!.exitCode !== null, { timeout: 170_000, interval: 250 }).toBe(true);
    expect(child.exitCode, output).toBeNull();

    // What the start printed: where the demo is, and the credentials (new, so shown).
    const demoUrl = /Demo page:\s+(http:\/\/localhost:\d+\/)/.exec(output)?.[1];
    const adminKey = /Admin key:\s+(lpadm_\S+)/.exec(output)?.[1];
    expect(demoUrl, output).toBeTruthy();
    expect(adminKey, output).toBeTruthy();
    expect(output).toMatch(/Development API key:\s+lp_\S+/);

    // The candidate: the demo page, a slot, the check.
    const candidate = await newPage();
    await recordEvents(candidate);
    await installCooperativeActor(candidate);
    await candidate.goto(demoUrl!);
    await screenshot(candidate, 'readme-1-demo-page');
    // On a slow connection (the session takes 800 ms to come back), Start pressed as soon as it can
    // be: the check shows only once it has its client token (it once showed at the slot's click,
    // and a quick Start found no token).
    await candidate.route('**/demo/api/session', async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 800));
      await route.continue();
    });
    await candidate.getByRole('button', { name: 'Thu 10:00' }).click();
    await candidate.locator('liveproof-check').getByRole('button', { name: 'Start check' }).click();
    expect(await candidate.locator('liveproof-check').getAttribute('client-token')).toBeTruthy();
    await screenshot(candidate, 'readme-2-slot-picked');
    const { outcome } = await waitForPass(candidate);
    expect(outcome.detail).toMatchObject({ result: 'pass', kind: 'check' });
    await expect.poll(() => candidate.getByText('Verified live (signature valid)').count()).toBe(1);
    await screenshot(candidate, 'readme-3-check-passed');

    // The interviewer, in a browser of their own, with the link the page gave.
    const link = await candidate.locator('#interviewer-link a').getAttribute('href');
    const interviewer = await newPage();
    await interviewer.goto(new URL(link!, demoUrl).href);
    await expect.poll(() => interviewer.evaluate(() => (document.querySelector('liveproof-badge') as unknown as { status: string }).status), { timeout: 15_000 }).toBe('verified');
    expect(await shownText(interviewer, 'liveproof-badge')).toContain('Verified live');
    await screenshot(interviewer, 'readme-4-interviewer-verified');

    // The admin page, with the administrator's key the start printed.
    const admin = await newPage();
    await admin.goto(new URL('/demo/admin.html', demoUrl).href);
    await admin.getByLabel('Admin key').fill(adminKey!);
    await admin.getByRole('button', { name: 'Sign in' }).click();
    const attemptId = (outcome.detail as { attemptId: string }).attemptId;
    await expect.poll(() => admin.locator('#attempts').innerText(), { timeout: 10_000 }).toContain('int-backend-thu-1000');
    expect(await admin.locator('#attempts').innerText()).toMatch(/Demo\s+cand-demo-42\s+int-backend-thu-1000\s+check\s+passed/);
    expect(attemptId).toMatch(/^att_/);
    await screenshot(admin, 'readme-5-admin-attempts');
  }, 300_000);
});
