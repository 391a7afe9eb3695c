/**
 * One whole check by the responsive actor in a browser of its own, read back from the server's
 * record: for the tests and measurements whose point is what the server recorded about the
 * browser (its network, its device), not the check's steps.
 */
import { COOPERATIVE_ACTOR, resolveScript } from './actor-script.ts';
import { installActor, type ActorScript } from './actor.ts';
import { launchBrowser, type BrowserOptions } from './browser.ts';
import { createSession, getSession, openCheck, recordEvents, screenshot, waitForPass } from './check-page.ts';
import { loadManifest } from '@liveproof/test-media';
import type { RunningServer } from './server-process.ts';
import type { Page } from 'playwright-core';

/** The responsive actor as the camera, playing the cooperative script with a person's reaction delays (0.3 to 0.9 s). */
export async function installCooperativeActor(page: Page, more: Partial<ActorScript> = {}): Promise<void> {
  await installActor(page, { ...resolveScript(await loadManifest(), COOPERATIVE_ACTOR), delayMs: [300, 900], ...more });
}

export interface CooperativeCheck {
  passed: boolean;
  sessionId: string;
  /** The verification token the page received. */
  token: string;
  /** The attempt as the hiring system reads it (`GET /v1/sessions/{id}`). */
  attempt: { signals: string[]; risk: { observed: Record<string, any>; reported: Record<string, any>; links?: Record<string, any>[] } } & Record<string, unknown>;
}

export interface CooperativeCheckOptions {
  browser?: BrowserOptions;
  /** The session's fields (`candidateRef`, `interviewRef`…; `interviewRef: undefined` for none). */
  session?: Record<string, unknown>;
  /** A script run in the page before any other. */
  initScript?: string;
  /** More of the actor's settings (a simulated remote loop). */
  actor?: Partial<ActorScript>;
  /** The screenshot's name, taken when the check has passed. */
  shot?: string;
}

export async function cooperativeCheck(server: RunningServer, options: CooperativeCheckOptions = {}): Promise<CooperativeCheck> {
  const browser = await launchBrowser(options.browser);
  try {
    const page = await browser.context.newPage();
    if (options.initScript) await page.addInitScript({ content: options.initScript });
    await recordEvents(page);
    await installCooperativeActor(page, options.actor);
    const session = await createSession(server, { audience: 'dev-ats', ...options.session });
    await openCheck(page, server, session.clientToken);
    const { outcome } = await waitForPass(page);
    if (options.shot) await screenshot(page, options.shot);
    const record = await getSession(server, session.id);
    const attempt = record.attempts?.at(-1) as CooperativeCheck['attempt'] | undefined;
    if (!attempt) throw new Error(`no attempt on record (${JSON.stringify(outcome)}; ${JSON.stringify(record)})`);
    const detail = outcome.detail as { result?: string; token?: string };
    return { passed: detail.result === 'pass', sessionId: session.id, token: detail.token ?? '', attempt };
  } finally {
    await browser.close();
  }
}
