/**
 * Real headless Chromium (Debian's /usr/bin/chromium) driven by playwright-core, launched the way
 * this project's machines allow: no sandbox, no GPU, no background networking, a fresh profile.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM_PATH = process.env.LIVEPROOF_CHROMIUM ?? '/usr/bin/chromium';

export interface BrowserOptions {
  /** More Chromium switches (a WebRTC policy, a proxy), for the tests whose point they are. */
  args?: string[];
  /** A .y4m or .mjpeg file Chromium's fake camera plays in a loop (attacks that replay footage). */
  fakeVideo?: string;
  /**
   * `granted` (default): Chromium's fake camera, allowed without a prompt. `denied`: a camera
   * exists but access is refused. `none`: no camera at all.
   */
  camera?: 'granted' | 'denied' | 'none';
  /** Another executable that starts Chromium (the network lab's, which starts it in a namespace). */
  executablePath?: string;
  /** Profile preferences set before Chromium starts, as an administrator's policy or an extension would (e.g. `webrtc.ip_handling_policy`). */
  preferences?: Record<string, unknown>;
}

export interface LaunchedBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launchBrowser(options: BrowserOptions = {}): Promise<LaunchedBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'liveproof-chromium-'));
  if (options.preferences) {
    mkdirSync(join(profile, 'Default'));
    writeFileSync(join(profile, 'Default', 'Preferences'), JSON.stringify(options.preferences));
  }
  const args = [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
    // Headless pages must keep their timers and frame callbacks running at full rate.
    '--disable-background-timer-throttling',
    '--disable-renderer-backgrounding',
    '--disable-backgrounding-occluded-windows',
    '--autoplay-policy=no-user-gesture-required',
  ];
  const camera = options.camera ?? 'granted';
  if (camera !== 'none') args.push('--use-fake-device-for-media-stream');
  if (camera === 'granted') args.push('--use-fake-ui-for-media-stream');
  if (options.fakeVideo) args.push(`--use-file-for-fake-video-capture=${options.fakeVideo}`);
  args.push(...(options.args ?? []));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: options.executablePath ?? CHROMIUM_PATH,
    headless: true,
    args,
    viewport: { width: 1100, height: 760 },
  });
  return {
    context,
    async close() {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
