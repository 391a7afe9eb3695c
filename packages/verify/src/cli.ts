/**
 * The `liveproof-verify` command: verifies one liveness token and prints what it says.
 * Exit status: 0 for a valid token with a passing result, 1 when verification fails (or the result
 * is `fail`, even with --accept-failed, so `&&` never treats a failed check as a pass), 2 for usage
 * errors. Node only; the library itself does not depend on this module.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { LiveproofError, isLiveproofError } from '@liveproof/protocol';
import type { JSONWebKeySet } from 'jose';
import type { JwksSource } from './jwks.ts';
import { formatSummary } from './summary.ts';
import { verifyLivenessToken } from './verify.ts';

/** What the command reads and writes, injectable for tests. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  readStdin(): Promise<string>;
  readFile(path: string): Promise<string>;
}

export const USAGE = `usage: liveproof-verify <token|-> --issuer <url> --audience <aud> [--jwks <url-or-file.json>] [--accept-failed] [--json]

  <token|->         the liveness token, or - to read it from stdin (keeps it out of shell history)
  --issuer <url>    the Liveproof server's issuer, exactly as in the token's "iss"
  --audience <aud>  your audience, as given when the session was created (repeatable)
  --jwks <source>   JWKS URL or JSON file; default <issuer>/.well-known/jwks.json
  --accept-failed   show a validly signed failed result instead of an error (exit status stays 1)
  --json            print the verified token as JSON

exit status: 0 valid passing token, 1 verification failed or result fail, 2 usage error
`;

const OPTIONS = {
  issuer: { type: 'string' },
  audience: { type: 'string', multiple: true },
  jwks: { type: 'string' },
  'accept-failed': { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

class UsageError extends Error {}

function parse(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

function defaultJwksUrl(issuer: string): string {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new UsageError('--issuer is not a URL; give --jwks explicitly');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UsageError('--issuer is not an http(s) URL; give --jwks explicitly');
  return `${issuer.replace(/\/+$/, '')}/.well-known/jwks.json`;
}

async function loadJwks(source: string, io: CliIo): Promise<JwksSource> {
  if (/^https?:\/\//i.test(source)) return source;
  try {
    return JSON.parse(await io.readFile(source)) as JSONWebKeySet;
  } catch (cause) {
    throw new LiveproofError('jwks_unavailable', `Cannot read a JWKS from ${source}.`, { cause });
  }
}

/** Runs the command with `argv` (without node and the script) and returns the exit status. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  try {
    const { values, positionals } = parse(argv);
    if (values.help === true) {
      io.stdout(USAGE);
      return 0;
    }
    if (positionals.length !== 1) throw new UsageError('give exactly one token, or - to read it from stdin');
    if (values.issuer === undefined || values.issuer === '') throw new UsageError('--issuer is required');
    if (values.audience === undefined || values.audience.length === 0) throw new UsageError('--audience is required');
    const jwks = await loadJwks(values.jwks ?? defaultJwksUrl(values.issuer), io);
    const token = positionals[0] === '-' ? (await io.readStdin()).trim() : (positionals[0] ?? '');
    const verified = await verifyLivenessToken(token, {
      issuer: values.issuer,
      audience: values.audience.length === 1 ? (values.audience[0] ?? '') : values.audience,
      jwks,
      acceptFailed: values['accept-failed'] === true,
    });
    io.stdout(values.json === true ? `${JSON.stringify(verified, null, 2)}\n` : formatSummary(verified));
    return verified.passed ? 0 : 1;
  } catch (error) {
    if (error instanceof UsageError || error instanceof TypeError) {
      io.stderr(`error: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    const failure = isLiveproofError(error) ? error : new LiveproofError('internal_error', String(error), { cause: error });
    io.stderr(`error ${failure.code}: ${failure.message}\n`);
    return 1;
  }
}

/** The real process's streams and file system. */
export function nodeIo(): CliIo {
  return {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Uint8Array));
      return Buffer.concat(chunks).toString('utf8');
    },
    readFile: (path) => readFile(path, 'utf8'),
  };
}
