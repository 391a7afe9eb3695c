/**
 * The `liveproof-verify` command: verifies one liveness token and prints what it says.
 * Exit status: 0 for a valid token with a passing result, 1 when verification fails (or the result
 * is `fail`, even with --accept-failed, so `&&` never treats a failed check as a pass), 2 for usage
 * errors, among them a JWKS URL that would be fetched over plain http from another machine.
 * Node only; the library itself does not depend on this module.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { LiveproofError, isLiveproofError } from '@liveproof/protocol';
import type { JSONWebKeySet } from 'jose';
import { isTrustedJwksUrl, type JwksSource } from './jwks.ts';
import { formatSummary } from './summary.ts';
import { verifyLivenessToken } from './verify.ts';

/** What the command reads and writes, injectable for tests. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  readStdin(): Promise<string>;
  readFile(path: string): Promise<string>;
}

export const USAGE = `usage: liveproof-verify <token|-> --issuer <url> --audience <aud> [--jwks <url-or-file.json>]
         [--candidate <ref>] [--session <id>] [--interview <ref>] [--accept-rechecks] [--accept-failed] [--json]

  <token|->          the liveness token, or - to read it from stdin (keeps it out of shell history)
  --issuer <url>     the Liveproof server's issuer, exactly as in the token's "iss"
  --audience <aud>   your audience, as given when the session was created (repeatable)
  --jwks <source>    JWKS URL (https; plain http only on localhost, 127.0.0.1 or [::1]) or JSON file;
                     default <issuer>/.well-known/jwks.json
  --candidate <ref>  the candidate you expect (the token's "sub"); refuse another candidate's token
  --session <id>     the Liveproof session you expect (the token's "sid")
  --interview <ref>  the interview you expect (the token's "interview_ref")
  --accept-rechecks  also accept a witnessed re-check's token (by default only a full check passes)
  --accept-failed    show a validly signed failed result instead of an error (exit status stays 1)
  --json             print the verified token as JSON

exit status: 0 valid passing token; 1 verification failed (a bad or expired token, a re-check,
another candidate, session or interview) or result fail; 2 usage error
`;

const OPTIONS = {
  issuer: { type: 'string' },
  audience: { type: 'string', multiple: true },
  jwks: { type: 'string' },
  candidate: { type: 'string' },
  session: { type: 'string' },
  interview: { type: 'string' },
  'accept-rechecks': { type: 'boolean' },
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

const PLAIN_HTTP = 'plain http is allowed only on localhost, 127.0.0.1 and [::1]';

function defaultJwksUrl(issuer: string): string {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new UsageError('--issuer is not a URL; give --jwks explicitly');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UsageError('--issuer is not an http(s) URL; give --jwks explicitly');
  if (!isTrustedJwksUrl(url)) {
    throw new UsageError(`--issuer ${issuer} would have its JWKS fetched over plain http (${PLAIN_HTTP}); give an https --jwks`);
  }
  return `${issuer.replace(/\/+$/, '')}/.well-known/jwks.json`;
}

async function loadJwks(source: string, io: CliIo): Promise<JwksSource> {
  if (/^https?:\/\//i.test(source)) {
    if (!URL.canParse(source)) throw new UsageError(`--jwks ${source} is not a valid URL`);
    if (!isTrustedJwksUrl(new URL(source))) throw new UsageError(`--jwks ${source} must be an https URL (${PLAIN_HTTP})`);
    return source;
  }
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
      candidateRef: values.candidate,
      sessionId: values.session,
      interviewRef: values.interview,
      acceptRechecks: values['accept-rechecks'] === true,
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
