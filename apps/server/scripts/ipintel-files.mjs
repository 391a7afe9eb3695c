// The IP lists' files: obtained from a directory or from the upstream repository at a commit,
// checked against the hashes they are expected to have, and written with a manifest that names
// their date and source. Used by set-up (fetch-ipintel.mjs) and by `liveproof ipintel refresh`.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const APP_ROOT = resolve(here, '..');
export const LOCK = JSON.parse(readFileSync(join(APP_ROOT, 'ipintel.lock.json'), 'utf8'));
export const IPINTEL_TARGET = join(APP_ROOT, 'assets', 'ipintel');
export const LIST_FILES = Object.keys(LOCK.files);

export const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

const upstreamUrl = (repository, commit, path) => `https://raw.githubusercontent.com/${repository}/${commit}/${path}`;

/**
 * The list files, from `dir` when given, else downloaded from `repository` at `commit`.
 * `expected` (file → sha256) is checked when given; without it the hashes are recorded as found.
 */
export async function obtainLists({ dir, repository = LOCK.repository, commit = LOCK.commit, expected }) {
  const files = {};
  for (const name of LIST_FILES) {
    let bytes;
    let from;
    if (dir) {
      from = join(dir, name);
      if (!existsSync(from)) throw new Error(`${from} is missing`);
      bytes = readFileSync(from);
    } else {
      from = upstreamUrl(repository, commit, LOCK.files[name].upstream);
      const response = await fetch(from);
      if (!response.ok) throw new Error(`download failed: HTTP ${response.status} from ${from}`);
      bytes = new Uint8Array(await response.arrayBuffer());
    }
    const digest = sha256(bytes);
    if (expected && expected[name] !== digest) throw new Error(`${name} from ${from} has sha256 ${digest}, expected ${expected[name]}`);
    files[name] = { bytes, sha256: digest };
  }
  return files;
}

/** Writes the files and their manifest into `target`, replacing what was there. */
export function writeLists(target, files, manifest) {
  mkdirSync(target, { recursive: true });
  for (const [name, { bytes }] of Object.entries(files)) {
    writeFileSync(join(target, `${name}.tmp`), bytes);
    renameSync(join(target, `${name}.tmp`), join(target, name));
  }
  const full = { ...manifest, files: Object.fromEntries(Object.entries(files).map(([name, f]) => [name, { sha256: f.sha256 }])) };
  writeFileSync(join(target, 'manifest.json'), `${JSON.stringify(full, null, 2)}\n`);
  return full;
}

/** Whether `target` already holds the locked snapshot. */
export function holdsLockedLists(target) {
  try {
    const manifest = JSON.parse(readFileSync(join(target, 'manifest.json'), 'utf8'));
    return manifest.commit === LOCK.commit && LIST_FILES.every((name) => sha256(readFileSync(join(target, name))) === LOCK.files[name].sha256);
  } catch {
    return false;
  }
}
