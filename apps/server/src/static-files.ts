/**
 * Static files served the way browsers cache them best: the smallest encoding the request accepts
 * (brotli, gzip or none) with `Vary: Accept-Encoding` and its own `content-length`, a strong ETag
 * per encoding and `304 Not Modified` when the browser has it already, `immutable` for
 * content-hashed files and `no-cache` (revalidated on each use) for the rest, and the CORS headers
 * that pages on other origins embedding the check need.
 */
import { existsSync, readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join, normalize, sep } from 'node:path';
import {
  CACHE_CONTROL,
  ENCODINGS,
  ENCODING_SUFFIX,
  INDEX_FILE,
  MIN_SAVING,
  compress,
  compressible,
  contentType,
  etagOf,
  type Encoding,
  type StaticIndex,
} from './static-index.ts';

export type Coding = Encoding | 'identity';

export interface Variant {
  coding: Coding;
  etag: string;
  size: number;
  read(): Promise<Uint8Array<ArrayBuffer>>;
}

export interface ServedFile {
  type: string;
  cacheControl: string;
  /** At least the identity; the compressed ones only where they are smaller. */
  variants: Variant[];
}

/**
 * The coding to answer with (RFC 9110, 12.5.3): the acceptable one with the highest q-value, the
 * smaller on a tie. No header means no preference, so the plain bytes. Identity, unless the header
 * names it, is the last resort (always acceptable, but never preferred to a coding the client
 * asked for), and the answer when nothing offered is acceptable.
 */
export function negotiate(acceptEncoding: string | null | undefined, offered: readonly Coding[]): Coding {
  if (!acceptEncoding) return 'identity';
  const weights = new Map<string, number>();
  for (const part of acceptEncoding.toLowerCase().split(',')) {
    const [name, ...params] = part.split(';').map((s) => s.trim());
    if (!name) continue;
    const q = params.find((p) => p.startsWith('q='));
    const value = q === undefined ? 1 : Number(q.slice(2));
    weights.set(name, Number.isFinite(value) ? value : 0);
  }
  const weight = (coding: Coding) => weights.get(coding) ?? weights.get('*') ?? (coding === 'identity' ? Number.MIN_VALUE : 0);
  let best: Coding = 'identity';
  let bestWeight = 0;
  for (const coding of [...ENCODINGS, 'identity'] as const) {
    if (!offered.includes(coding)) continue;
    const w = weight(coding);
    if (w > bestWeight) [best, bestWeight] = [coding, w];
  }
  return best;
}

/** `If-None-Match` names this ETag (weak comparison, as RFC 9110 asks for this header). */
function matches(ifNoneMatch: string | null, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === '*') return true;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return ifNoneMatch.split(',').some((tag) => opaque(tag) === opaque(etag));
}

export async function respond(request: Request, file: ServedFile): Promise<Response> {
  const coding = negotiate(
    request.headers.get('accept-encoding'),
    file.variants.map((v) => v.coding),
  );
  const variant = file.variants.find((v) => v.coding === coding) ?? file.variants.find((v) => v.coding === 'identity')!;
  const headers = new Headers({
    'cache-control': file.cacheControl,
    etag: variant.etag,
    // The check's assets are loaded by pages on other origins that embed it.
    'access-control-allow-origin': '*',
    'cross-origin-resource-policy': 'cross-origin',
  });
  if (file.variants.length > 1) headers.set('vary', 'Accept-Encoding');
  if (matches(request.headers.get('if-none-match'), variant.etag)) return new Response(null, { status: 304, headers });
  headers.set('content-type', file.type);
  if (variant.coding !== 'identity') headers.set('content-encoding', variant.coding);
  headers.set('content-length', String(variant.size));
  return new Response(await variant.read(), { headers });
}

/**
 * The build's files in `dir` (dist/static), by the path they are served at. Reads the index once;
 * a path the index does not list is not served, whatever is on the disk.
 */
export function builtFiles(dir: string): (path: string) => ServedFile | undefined {
  const indexPath = join(dir, INDEX_FILE);
  if (!existsSync(indexPath)) throw new Error(`liveproof: missing the built assets at ${dir} (run \`pnpm build\` first)`);
  const index = JSON.parse(readFileSync(indexPath, 'utf8')) as StaticIndex;
  const files = new Map<string, ServedFile>();
  for (const [path, entry] of Object.entries(index)) {
    const variants: Variant[] = [];
    for (const coding of ENCODINGS) {
      const representation = entry[coding];
      if (representation) variants.push({ coding, ...representation, read: () => readFile(join(dir, path + ENCODING_SUFFIX[coding])) });
    }
    variants.push({ coding: 'identity', ...entry.identity, read: () => readFile(join(dir, path)) });
    files.set(path, { type: entry.type, cacheControl: entry.immutable ? CACHE_CONTROL.immutable : CACHE_CONTROL.revalidate, variants });
  }
  return (path) => files.get(path);
}

/** Files up to this size in a live directory are compressed on the fly (once per version). */
const LIVE_COMPRESS_LIMIT = 1 << 20;

/**
 * Files under `root` as they are on the disk now (the demo pages, edited without a build),
 * revalidated on each use and compressed on the fly, refusing any path that escapes `root`.
 */
export function liveFiles(root: string): (path: string) => Promise<ServedFile | undefined> {
  const known = new Map<string, { version: string; file: ServedFile }>();
  return async (path) => {
    const file = normalize(join(root, path));
    if (!file.startsWith(root + sep)) return undefined;
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) return undefined;
    const version = `${info.mtimeMs}:${info.size}`;
    const cached = known.get(file);
    if (cached?.version === version) return cached.file;
    const bytes = await readFile(file);
    const variants: Variant[] = [];
    if (compressible(file) && bytes.byteLength <= LIVE_COMPRESS_LIMIT) {
      for (const coding of ENCODINGS) {
        const compressed = await compress(bytes, coding);
        if (compressed.byteLength <= bytes.byteLength * (1 - MIN_SAVING)) variants.push(inMemory(coding, compressed));
      }
    }
    variants.push(inMemory('identity', bytes));
    const served = { type: contentType(file), cacheControl: CACHE_CONTROL.revalidate, variants };
    known.set(file, { version, file: served });
    return served;
  };
}

function inMemory(coding: Coding, bytes: Uint8Array<ArrayBuffer>): Variant {
  return { coding, etag: etagOf(bytes), size: bytes.byteLength, read: async () => bytes };
}
