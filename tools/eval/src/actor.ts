/**
 * The responsive actor: a cooperative candidate simulated with real footage. The test replaces
 * `getUserMedia` in the page (the element is untouched) with a canvas stream that shows a neutral
 * stretch of a real clip, and, after a human-like delay, answers each prompt the element shows by
 * playing a labelled segment in which the person performs that action (mirrored for the other
 * turn direction), then returns to neutral. The in-page part is `page/actor.js`.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { ChallengeId } from '@liveproof/protocol';
import { SHARED_MEDIA_DIR } from '@liveproof/test-media';
import { PAGE_DIR } from './page-scripts.ts';
import { actorCopy } from './transcode.ts';

export interface ActorSegment {
  /** Path under the shared media directory. */
  file: string;
  start: number;
  end: number;
  mirror?: boolean;
}

export interface ActorScript {
  neutral: ActorSegment;
  actions: Partial<Record<ChallengeId, ActorSegment>>;
  /** Reaction delay drawn uniformly from this range, in ms. */
  delayMs: [number, number];
  /** How long the last frame of an action is held before going back to neutral (default 300 ms). */
  holdMs?: number;
  /** Seed of the reaction delays, so that a run can be repeated (default: random). */
  seed?: number;
  /** Reflect the screen-light challenge's colours on the face (a live face near a screen does). */
  reflect?: boolean;
  /** Opacity of that reflection at the face's centre (default 0.08). */
  reflection?: number;
  /**
   * A simulated remote-control loop (a laptop farm's operator abroad): this much more delay, drawn
   * uniformly, on every answer. A simulation of the loop's delay only, not of a remote session.
   */
  loopDelayMs?: [number, number];
  /** Do not answer prompts at all (a replay that ignores them). */
  unresponsive?: boolean;
}

export interface ActorLogEntry {
  challenge: ChallengeId;
  promptedAt: number;
  delayMs: number;
  playedAt?: number;
}

const MEDIA_PATH = '/__actor-media/';

/**
 * How strongly the actor's face reflects the screen: the flashed colour blended at 8% over the
 * middle of the frame. A guess at a face 40-60 cm from a laptop screen in an ordinary room; real
 * reflections are weaker in bright rooms and stronger in dim ones.
 */
export const REFLECTION = 0.08;

/** Installs the actor in `page` before any page script runs; serves its clips same-origin. */
export async function installActor(page: Page, script: ActorScript): Promise<void> {
  await page.route(`**${MEDIA_PATH}**`, async (route) => {
    const file = decodeURIComponent(new URL(route.request().url()).pathname.slice(MEDIA_PATH.length));
    const source = join(SHARED_MEDIA_DIR, file);
    if (!source.startsWith(SHARED_MEDIA_DIR) || !(await stat(source).catch(() => undefined))) return route.fulfill({ status: 404 });
    const body = await readFile(await actorCopy(source));
    // Byte ranges make the footage seekable; without them Chromium cannot jump to a segment.
    const range = /bytes=(\d+)-(\d*)/.exec(route.request().headers()['range'] ?? '');
    const headers = { 'accept-ranges': 'bytes', 'content-type': 'video/mp4' };
    if (!range) return route.fulfill({ status: 200, headers, body });
    const start = Number(range[1]);
    const end = range[2] ? Math.min(Number(range[2]), body.length - 1) : body.length - 1;
    await route.fulfill({ status: 206, headers: { ...headers, 'content-range': `bytes ${start}-${end}/${body.length}` }, body: body.subarray(start, end + 1) });
  });
  await page.addInitScript((config) => {
    (window as unknown as { __liveproofActorConfig: unknown }).__liveproofActorConfig = config;
  }, { holdMs: 300, reflect: !script.unresponsive, reflection: REFLECTION, ...script, mediaPath: MEDIA_PATH });
  await page.addInitScript({ path: join(PAGE_DIR, 'actor.js') });
}

/** The actor's log: each prompt it saw and when it answered. */
export function actorLog(page: Page): Promise<ActorLogEntry[]> {
  return page.evaluate(() => (window as unknown as { __liveproofActor?: ActorLogEntry[] }).__liveproofActor ?? []);
}
