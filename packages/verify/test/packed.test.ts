/**
 * The packages as a hiring system installs them: builds and packs @liveproof/protocol and
 * @liveproof/verify with pnpm, installs both tarballs with plain npm into an empty directory outside
 * the workspace, and there, in separate Node processes that know nothing of the workspace, verifies
 * real ES256 tokens against a JWKS served over HTTP on 127.0.0.1: with the API, with the
 * `liveproof-verify` command, and by type-checking a TypeScript consumer against the declarations.
 * Fetches nothing but the npm registry (jose, standardwebhooks and zod).
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIENCE, createTestIssuer, forgeToken, serveJwks, type JwksServer, type TestIssuer } from '../src/test-issuer.ts';

const REPO = resolve(import.meta.dirname, '../../..');
const PNPM = ['-y', 'pnpm@10.34.9'];

/**
 * The environment of a process outside the workspace: none of the package manager's or vitest's
 * settings, and no workspace folder (such as its node_modules/.bin) on the PATH.
 */
const plainEnv: NodeJS.ProcessEnv = {
  ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(npm_|pnpm_|vitest|node_options$|node_path$)/i.test(key))),
  PATH: (process.env['PATH'] ?? '')
    .split(delimiter)
    .filter((entry) => !resolve(entry).startsWith(REPO))
    .join(delimiter),
};

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], cwd: string): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd, env: plainEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

async function succeed(command: string, args: string[], cwd: string): Promise<Run> {
  const result = await run(command, args, cwd);
  if (result.code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.code}:\n${result.stdout}\n${result.stderr}`);
  return result;
}

/** What the hiring system's own code does, as a plain ESM script. */
const VERIFY_SCRIPT = `
import { verifyLivenessToken } from '@liveproof/verify';
import { LiveproofError } from '@liveproof/protocol';

const { issuer, audience, jwks, token, tampered, recheck } = JSON.parse(process.argv[2]);
const options = { issuer, audience, jwks, candidateRef: 'candidate-8841', sessionId: 'ses_01JXSESSION' };
const refusal = (promise) => promise.then(
  () => 'accepted',
  (error) => ({ code: error.code, oneErrorClass: error instanceof LiveproofError }),
);
const verified = await verifyLivenessToken(token, options);
console.log(JSON.stringify({
  resolved: import.meta.resolve('@liveproof/verify'),
  passed: verified.passed,
  kind: verified.kind,
  candidateRef: verified.candidateRef,
  tampered: await refusal(verifyLivenessToken(tampered, options)),
  recheck: await refusal(verifyLivenessToken(recheck, options)),
}));
`;

/** A TypeScript consumer with the strictest resolution; it fails if the declarations are missing, broken or `any`. */
const CONSUMER_TS = `
import { verifyLivenessToken, isLiveproofError, type VerifiedLiveness, type VerifyOptions } from '@liveproof/verify';
import type { AttemptKind, ErrorCode } from '@liveproof/protocol';

const options: VerifyOptions = { issuer: 'https://lp.example', audience: 'ats', jwks: 'https://lp.example/jwks.json', candidateRef: 'c-1' };
try {
  const verified: VerifiedLiveness = await verifyLivenessToken('token', { ...options, acceptRechecks: true });
  const kind: AttemptKind = verified.kind;
  const issued: Date = verified.issuedAt;
  // @ts-expect-error: the declarations are real types, not any
  const wrong: number = verified.candidateRef;
  console.log(kind, issued, wrong);
} catch (error) {
  if (isLiveproofError(error)) {
    const code: ErrorCode = error.code;
    console.log(code);
  }
}
`;

const CONSUMER_TSCONFIG = {
  compilerOptions: {
    module: 'nodenext',
    moduleResolution: 'nodenext',
    target: 'es2022',
    lib: ['es2023', 'dom'],
    types: [],
    strict: true,
    noEmit: true,
    skipLibCheck: false,
  },
  files: ['consumer.ts'],
};

let lp: TestIssuer;
let server: JwksServer;
let dir: string;
let app: string;
let tokens: { token: string; tampered: string; recheck: string };

beforeAll(async () => {
  lp = await createTestIssuer();
  server = await serveJwks(lp.jwks);
  dir = await mkdtemp(join(tmpdir(), 'liveproof-packed-'));
  const packs = join(dir, 'packs');
  app = join(dir, 'hiring-system');
  await mkdir(app);

  // pnpm builds in dependency order (protocol first) and packs with publishConfig and real versions.
  await succeed('npx', [...PNPM, '--filter', '@liveproof/protocol', '--filter', '@liveproof/verify', 'run', 'build'], REPO);
  for (const name of ['protocol', 'verify']) {
    await succeed('npx', [...PNPM, 'pack', '--pack-destination', packs], join(REPO, 'packages', name));
  }
  const tarballs = (await readdir(packs)).filter((file) => file.endsWith('.tgz')).map((file) => join(packs, file));
  expect(tarballs).toHaveLength(2);

  await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'hiring-system', private: true, type: 'module' }));
  await succeed('npm', ['install', ...tarballs, '--no-audit', '--no-fund', '--loglevel=error'], app);
  await writeFile(join(app, 'verify.mjs'), VERIFY_SCRIPT);
  await writeFile(join(app, 'consumer.ts'), CONSUMER_TS);
  await writeFile(join(app, 'tsconfig.json'), JSON.stringify(CONSUMER_TSCONFIG));

  // Valid now: the command has no clock option. The issuer is the JWKS server's origin, so the
  // command's default <issuer>/.well-known/jwks.json is real.
  const iat = Math.floor(Date.now() / 1000);
  const claims = (overrides: Parameters<TestIssuer['claims']>[0] = {}) => lp.claims({ iss: server.origin, iat, exp: iat + 600, ...overrides });
  const [header, , signature] = (await lp.sign(claims({ result: 'fail', reasons: ['not_performed'] }))).split('.');
  tokens = {
    token: await lp.sign(claims()),
    // A failed result rewritten to pass, its signature kept.
    tampered: forgeToken(JSON.parse(atob(header ?? '')) as Record<string, unknown>, claims(), signature),
    recheck: await lp.sign(claims({ kind: 'recheck' })),
  };
}, 90_000);

afterAll(async () => {
  await server?.close();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe('the packed packages, installed with npm outside the workspace', () => {
  it('install with real dependency versions, exports to dist, and no sources or test helpers', async () => {
    const installed = join(app, 'node_modules', '@liveproof');
    const protocolVersion = (JSON.parse(await readFile(join(REPO, 'packages/protocol/package.json'), 'utf8')) as { version: string }).version;
    const manifest = JSON.parse(await readFile(join(installed, 'verify', 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest['dependencies']).toMatchObject({ '@liveproof/protocol': protocolVersion });
    for (const name of ['protocol', 'verify']) {
      const { exports } = JSON.parse(await readFile(join(installed, name, 'package.json'), 'utf8')) as { exports: unknown };
      expect(exports).toEqual({ '.': { types: './dist/index.d.ts', default: './dist/index.js' } });
      const files = await readdir(join(installed, name), { recursive: true });
      expect(files.filter((file) => /^src\b|test/.test(file))).toEqual([]);
    }
  });

  it('verify a real token with the API, in plain Node, from the installed dist', async () => {
    const input = { issuer: server.origin, audience: AUDIENCE, jwks: server.url, ...tokens };
    const before = server.requests();
    const result = await succeed(process.execPath, ['verify.mjs', JSON.stringify(input)], app);
    expect(JSON.parse(result.stdout)).toEqual({
      resolved: pathToFileURL(join(app, 'node_modules/@liveproof/verify/dist/index.js')).href,
      passed: true,
      kind: 'check',
      candidateRef: 'candidate-8841',
      tampered: { code: 'token_invalid', oneErrorClass: true },
      recheck: { code: 'token_kind_not_accepted', oneErrorClass: true },
    });
    expect(server.requests() - before).toBe(1);
  });

  it('run the liveproof-verify command: a pass exits 0, a tampered token exits 1', async () => {
    const bin = join(app, 'node_modules', '.bin', 'liveproof-verify');
    const args = ['--issuer', server.origin, '--audience', AUDIENCE, '--candidate', 'candidate-8841'];
    const pass = await run(bin, [tokens.token, ...args], app);
    expect(pass).toMatchObject({ code: 0, stderr: '' });
    expect(pass.stdout).toMatch(/^result\s+pass$/m);
    expect(pass.stdout).toMatch(/^candidate\s+candidate-8841$/m);
    const tampered = await run(bin, [tokens.tampered, ...args], app);
    expect(tampered).toEqual({ code: 1, stdout: '', stderr: 'error token_invalid: The token signature is not valid.\n' });
  });

  it('type-check a TypeScript consumer against the installed declarations', async () => {
    const tsc = join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = await run(process.execPath, [tsc, '-p', app], app);
    expect(result).toEqual({ code: 0, stdout: '', stderr: '' });
  });
});
