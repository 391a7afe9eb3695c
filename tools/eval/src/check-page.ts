/**
 * Driving `<liveproof-check>` on the demo page of a running server, the way a candidate would:
 * open the page with a session's client token, press Start, and wait for the verdict. Shared by the
 * end-to-end tests, the benchmark and the evaluation.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import type { CreateSessionResponse } from '@liveproof/protocol';
import { REPO_ROOT } from '@liveproof/test-media';
import { PAGE_DIR } from './page-scripts.ts';
import type { RunningServer } from './server-process.ts';

export const SCREENSHOT_DIR = join(REPO_ROOT, 'test-results', 'screenshots');

export interface CheckEvent {
  type: string;
  at: number;
  detail: Record<string, unknown>;
}

/** Creates a session through the API, as a hiring system's backend would. */
export async function createSession(server: RunningServer, body: Record<string, unknown> = {}): Promise<CreateSessionResponse> {
  const response = await fetch(`${server.url}/v1/sessions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ candidateRef: 'cand-e2e', interviewRef: 'int-e2e', audience: 'dev-ats', ...body }),
  });
  if (response.status !== 201) throw new Error(`POST /v1/sessions: ${response.status} ${await response.text()}`);
  return (await response.json()) as CreateSessionResponse;
}

export async function getSession(server: RunningServer, id: string): Promise<Record<string, unknown> & { attempts: Record<string, unknown>[] }> {
  const response = await fetch(`${server.url}/v1/sessions/${id}`, { headers: { authorization: `Bearer ${server.apiKey}` } });
  return (await response.json()) as Record<string, unknown> & { attempts: Record<string, unknown>[] };
}

/** Records every `liveproof-*` event the element fires, from before any page script runs (`page/events.js`). */
export async function recordEvents(page: Page): Promise<void> {
  await page.addInitScript({ path: join(PAGE_DIR, 'events.js') });
}

/** Content-Security-Policy violations the page reported (`recordEvents` installs the listener). */
export function cspViolations(page: Page): Promise<{ directive: string; blocked: string; sample: string }[]> {
  return page.evaluate(() => (window as unknown as { __cspViolations: { directive: string; blocked: string; sample: string }[] }).__cspViolations);
}

export function events(page: Page | Frame): Promise<CheckEvent[]> {
  return page.evaluate(() => (window as unknown as { __liveproofEvents: CheckEvent[] }).__liveproofEvents);
}

/** Opens the demo page for a session and presses Start. */
export async function openCheck(page: Page, server: RunningServer, clientToken: string): Promise<void> {
  await page.goto(`${server.url}/?client_token=${encodeURIComponent(clientToken)}`);
  await page.locator('liveproof-check').getByRole('button', { name: 'Start check' }).click();
}

export async function waitForState(page: Page | Frame, state: string, timeoutMs = 60_000): Promise<void> {
  await page.waitForFunction((s) => (document.querySelector('liveproof-check') as unknown as { state?: string } | null)?.state === s, state, { timeout: timeoutMs, polling: 50 });
}

/** Waits for `liveproof-complete` or `liveproof-error` and returns it. */
export async function waitForOutcome(page: Page | Frame, timeoutMs = 90_000): Promise<CheckEvent> {
  const handle = await page.waitForFunction(
    () => (window as unknown as { __liveproofEvents: CheckEvent[] }).__liveproofEvents.find((e) => e.type === 'liveproof-complete' || e.type === 'liveproof-error'),
    undefined,
    { timeout: timeoutMs, polling: 100 },
  );
  return (await handle.jsonValue()) as CheckEvent;
}

/**
 * Waits until the check passes, pressing Try again after a failed attempt as a candidate would (a
 * session allows three). The cooperative actor's checks fail now and then, as real candidates'
 * do: that rate is the BPCER, which `pnpm eval` measures; a test of some other feature must not
 * fail with it. Returns the passing outcome and every outcome seen on the way.
 */
export async function waitForPass(page: Page | Frame, options: { tries?: number; retry?: () => Promise<void> } = {}): Promise<{ outcome: CheckEvent; outcomes: CheckEvent[] }> {
  const outcomes: CheckEvent[] = [];
  const tries = options.tries ?? 2;
  for (;;) {
    const seen = outcomes.length;
    const handle = await page.waitForFunction(
      (n) => (window as unknown as { __liveproofEvents: CheckEvent[] }).__liveproofEvents.filter((e) => e.type === 'liveproof-complete' || e.type === 'liveproof-error')[n],
      seen,
      { timeout: 90_000, polling: 100 },
    );
    const outcome = (await handle.jsonValue()) as CheckEvent;
    outcomes.push(outcome);
    const detail = outcome.detail as { result?: string; attemptsRemaining?: number; kind?: string };
    // A re-check uses none of the session's attempts: the interviewer can always ask again.
    const noneLeft = detail.kind !== 'recheck' && detail.attemptsRemaining === 0;
    if (detail.result !== 'fail' || outcomes.length >= tries || noneLeft) return { outcome, outcomes };
    if (options.retry) await options.retry();
    else await page.locator('liveproof-check').getByRole('button', { name: 'Try again' }).click();
  }
}

/** Saves a screenshot of the page for people to look at: test-results/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path });
  return path;
}
