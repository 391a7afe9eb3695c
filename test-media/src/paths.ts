/** Where the project's test media live: raw footage outside the repo, labels and traces inside it. */
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';

/** The repository root (this file is `<repo>/test-media/src/paths.ts`). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** This package's directory: `manifest.json` and `traces/` live here. */
export const TEST_MEDIA_DIR = join(REPO_ROOT, 'test-media');

/** Raw footage, never committed: `$LIVEPROOF_MEDIA_DIR`, or `../shared/test-media` beside the repo. */
export const SHARED_MEDIA_DIR = resolve(process.env.LIVEPROOF_MEDIA_DIR ?? join(REPO_ROOT, '..', 'shared', 'test-media'));

export const MANIFEST_PATH = join(TEST_MEDIA_DIR, 'manifest.json');
export const TRACES_DIR = join(TEST_MEDIA_DIR, 'traces');
