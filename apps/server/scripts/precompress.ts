/**
 * Brotli and gzip copies of the served files, and the index the server answers from. Brotli at
 * quality 11 takes about half a minute for each WASM file, so compressed copies are kept in a cache
 * by the hash of their content and reused by the next build.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { APP_ROOT } from '../src/paths.ts';
import { ENCODINGS, ENCODING_SUFFIX, MIN_SAVING, compress, compressible, contentType, etagOf, type Encoding, type IndexedFile, type StaticIndex } from '../src/static-index.ts';

const CACHE_DIR = join(APP_ROOT, 'node_modules', '.cache', 'liveproof-precompress');
/** Bump when the compression settings change, so the cache does not serve the old output. */
const SETTINGS = 'q11w24-l9';

async function compressCached(bytes: Uint8Array, encoding: Encoding): Promise<Uint8Array> {
  const key = createHash('sha256').update(bytes).digest('hex');
  const cached = join(CACHE_DIR, `${key}-${SETTINGS}${ENCODING_SUFFIX[encoding]}`);
  const hit = await readFile(cached).catch(() => undefined);
  if (hit) return hit;
  const output = await compress(bytes, encoding);
  await mkdir(CACHE_DIR, { recursive: true });
  await writeFile(`${cached}.tmp`, output);
  await rename(`${cached}.tmp`, cached);
  return output;
}

/**
 * Compresses each of `files` (paths under `dir`, with whether each is content-hashed) where that
 * pays, writes the copies beside them, and returns the index of all of them.
 */
export async function precompress(dir: string, files: ReadonlyMap<string, boolean>): Promise<StaticIndex> {
  const entries = await Promise.all(
    [...files].map(async ([path, immutable]): Promise<[string, IndexedFile]> => {
      const bytes = await readFile(join(dir, path));
      const entry: IndexedFile = { type: contentType(path), immutable, identity: { etag: etagOf(bytes), size: bytes.byteLength } };
      if (compressible(path)) {
        for (const encoding of ENCODINGS) {
          const compressed = await compressCached(bytes, encoding);
          if (compressed.byteLength > bytes.byteLength * (1 - MIN_SAVING)) continue;
          await writeFile(join(dir, path + ENCODING_SUFFIX[encoding]), compressed);
          entry[encoding] = { etag: etagOf(compressed), size: compressed.byteLength };
        }
      }
      return [path, entry];
    }),
  );
  return Object.fromEntries(entries.sort(([a], [b]) => a.localeCompare(b)));
}
