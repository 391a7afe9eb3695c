/**
 * What the build leaves for the browser in dist/static (scripts/build-static.ts writes it, assets.ts
 * serves it): each file at the path it is served at, its brotli and gzip copies beside it
 * (`<file>.br`, `<file>.gz`) where compression pays, and `index.json` describing every file. The
 * server answers from the index alone, and serves nothing the build did not list.
 */
import { createHash } from 'node:crypto';
import { extname, join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import { APP_ROOT } from './paths.ts';

export const STATIC_DIR = join(APP_ROOT, 'dist', 'static');
export const INDEX_FILE = 'index.json';

/** Content codings the server offers, best first. */
export const ENCODINGS = ['br', 'gzip'] as const;
export type Encoding = (typeof ENCODINGS)[number];
export const ENCODING_SUFFIX: Record<Encoding, string> = { br: '.br', gzip: '.gz' };

/** One representation of a file: its strong validator and its length in bytes. */
export interface Representation {
  etag: string;
  size: number;
}

export interface IndexedFile {
  type: string;
  /** The name carries a hash of the content, so browsers may keep it a year without asking. */
  immutable: boolean;
  identity: Representation;
  br?: Representation;
  gzip?: Representation;
}

/** Files by the path they are served at, without the leading `/`. */
export type StaticIndex = Record<string, IndexedFile>;

export const CACHE_CONTROL = {
  immutable: 'public, max-age=31536000, immutable',
  /** Kept, but asked about again (cheaply, with the ETag) on every use. */
  revalidate: 'no-cache',
} as const;

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.task': 'application/octet-stream',
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
};

export function contentType(path: string): string {
  return TYPES[extname(path)] ?? 'application/octet-stream';
}

/**
 * Worth compressing: text, WASM, and the face model (a zip of float16 weights that brotli still
 * shrinks by 16% and gzip by 11%, measured on face_landmarker.task).
 */
export function compressible(path: string): boolean {
  return extname(path) in TYPES;
}

/** A compressed copy is kept only when it saves at least this share of the bytes. */
export const MIN_SAVING = 0.05;

const brotliAsync = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** Brotli at its best quality and largest window, gzip at level 9: done once, at build time. */
export async function compress(bytes: Uint8Array, encoding: Encoding): Promise<Uint8Array<ArrayBuffer>> {
  const output =
    encoding === 'gzip'
      ? await gzipAsync(bytes, { level: 9 })
      : await brotliAsync(bytes, {
          params: {
            [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
            [constants.BROTLI_PARAM_LGWIN]: constants.BROTLI_MAX_WINDOW_BITS,
            [constants.BROTLI_PARAM_SIZE_HINT]: bytes.byteLength,
          },
        });
  // zlib's output is a fresh buffer of its own, never a shared one.
  return output as Uint8Array<ArrayBuffer>;
}

/** A strong ETag from the bytes themselves (128 bits of their SHA-256). */
export function etagOf(bytes: Uint8Array): string {
  return `"${createHash('sha256').update(bytes).digest('base64url').slice(0, 22)}"`;
}
