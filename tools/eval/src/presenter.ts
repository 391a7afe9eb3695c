/**
 * Photo attacks through the page's camera: a still image shown perfectly still, or moved as a hand
 * moves a printed photo in front of a camera (`page/presenter.js`).
 */
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { Page } from 'playwright-core';
import { PAGE_DIR } from './page-scripts.ts';

export interface PresenterOptions {
  /** An image file on disk. */
  image: string;
  motion: 'still' | 'hand';
  seed: number;
  /** How much of the frame the photo covers: 1 fills it (a photo held close). */
  fill?: number;
}

const IMAGE_PATH = '/__presenter-media/image';

export async function installPresenter(page: Page, options: PresenterOptions): Promise<void> {
  const body = await readFile(options.image);
  const type = extname(options.image).toLowerCase() === '.png' ? 'image/png' : 'image/jpeg';
  await page.route(`**${IMAGE_PATH}`, (route) => route.fulfill({ status: 200, contentType: type, body }));
  await page.addInitScript(
    (config) => {
      (window as unknown as { __liveproofPresenterConfig: unknown }).__liveproofPresenterConfig = config;
    },
    { imageUrl: IMAGE_PATH, motion: options.motion, seed: options.seed, fill: options.fill ?? 1 },
  );
  await page.addInitScript({ path: join(PAGE_DIR, 'presenter.js') });
}
