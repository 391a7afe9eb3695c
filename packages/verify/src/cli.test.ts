/**
 * The `liveproof-verify` command: exit statuses and output through `main()` with captured streams,
 * against a real JWKS server. The bin of the installed package is run in ../test/packed.test.ts.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main, type CliIo } from './cli.ts';
import { AUDIENCE, createTestIssuer, serveJwks, type JwksServer, type TestIssuer } from './test-issuer.ts';

let lp: TestIssuer;
let issuer: string;
let server: JwksServer;
let dir: string;
let jwksFile: string;

beforeAll(async () => {
  lp = await createTestIssuer();
  server = await serveJwks(lp.jwks);
  // The issuer is the JWKS server's origin, so the default <issuer>/.well-known/jwks.json is real.
  issuer = server.origin;
  dir = await mkdtemp(join(tmpdir(), 'liveproof-verify-'));
  jwksFile = join(dir, 'jwks.json');
  await writeFile(jwksFile, JSON.stringify(lp.jwks));
});

afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

/** Tokens valid now: the command has no clock option. */
const fresh = (overrides: Parameters<TestIssuer['claims']>[0] = {}) => {
  const iat = Math.floor(Date.now() / 1000);
  return lp.sign(lp.claims({ iss: issuer, iat, exp: iat + 600, ...overrides }));
};

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(argv: string[], stdin = ''): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    readStdin: () => Promise.resolve(stdin),
    readFile: (path) => readFile(path, 'utf8'),
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

const common = () => ['--issuer', issuer, '--audience', AUDIENCE];

describe('main', () => {
  it('prints a summary and exits 0 for a passing token, with the default JWKS URL', async () => {
    const result = await run([await fresh({ signals: ['virtual_camera_label'] }), ...common()]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^result\s+pass$/m);
    expect(result.stdout).toMatch(/^kind\s+check$/m);
    expect(result.stdout).toMatch(/^candidate\s+candidate-8841$/m);
    expect(result.stdout).toMatch(/^session\s+ses_01JXSESSION$/m);
    expect(result.stdout).toMatch(/^interview\s+interview-2207$/m);
    expect(result.stdout).toMatch(/^challenges\s+blink passed, turn_left passed$/m);
    expect(result.stdout).toMatch(/^signals\s+virtual_camera_label$/m);
    expect(result.stdout).toMatch(/^expires\s+\d{4}-\d\d-\d\dT/m);
    expect(server.requests()).toBeGreaterThan(0);
  });

  it('prints JSON with --json', async () => {
    const result = await run([await fresh(), ...common(), '--jwks', jwksFile, '--json']);
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(json).toMatchObject({ passed: true, result: 'pass', candidateRef: 'candidate-8841', keyId: 'key-1' });
    expect(json['expiresAt']).toMatch(/^\d{4}-\d\d-\d\dT.*Z$/);
  });

  it('reads the token from stdin with -', async () => {
    const result = await run(['-', ...common(), '--jwks', jwksFile], `${await fresh()}\n`);
    expect(result.code).toBe(0);
  });

  it('accepts one of several --audience values', async () => {
    const result = await run([await fresh(), '--issuer', issuer, '--audience', 'https://x.example', '--audience', AUDIENCE]);
    expect(result.code).toBe(0);
  });

  it('exits 1 with the code on stderr for a failed result', async () => {
    const result = await run([await fresh({ result: 'fail', reasons: ['not_performed'] }), ...common(), '--jwks', jwksFile]);
    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr).toMatch(/^error liveness_failed: /);
  });

  it('shows a failed result with --accept-failed, still exiting 1', async () => {
    const token = await fresh({ result: 'fail', reasons: ['not_performed'], challenges: [{ id: 'smile', passed: false }] });
    const result = await run([token, ...common(), '--jwks', jwksFile, '--accept-failed']);
    expect(result).toMatchObject({ code: 1, stderr: '' });
    expect(result.stdout).toMatch(/^result\s+fail$/m);
    expect(result.stdout).toMatch(/^challenges\s+smile failed$/m);
    expect(result.stdout).toMatch(/^reasons\s+not_performed$/m);
  });

  it("exits 1 for a re-check's token, and shows it with --accept-rechecks", async () => {
    const token = await fresh({ kind: 'recheck', challenges: [{ id: 'turn_left', passed: true }] });
    const refused = await run([token, ...common(), '--jwks', jwksFile]);
    expect(refused).toMatchObject({ code: 1, stdout: '' });
    expect(refused.stderr).toMatch(/^error token_kind_not_accepted: /);
    const accepted = await run([token, ...common(), '--jwks', jwksFile, '--accept-rechecks']);
    expect(accepted).toMatchObject({ code: 0, stderr: '' });
    expect(accepted.stdout).toMatch(/^kind\s+recheck$/m);
  });

  it('exits 0 when the token is for the --candidate, --session and --interview given', async () => {
    const expected = ['--candidate', 'candidate-8841', '--session', 'ses_01JXSESSION', '--interview', 'interview-2207'];
    const result = await run([await fresh(), ...common(), '--jwks', jwksFile, ...expected]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
  });

  it.each([
    ['--candidate', 'candidate-1234'],
    ['--session', 'ses_01JXOTHER'],
    ['--interview', 'interview-9999'],
  ])('exits 1 with token_claim_mismatch for a token that is not for the %s given', async (flag, value) => {
    const result = await run([await fresh(), ...common(), '--jwks', jwksFile, flag, value]);
    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr).toMatch(/^error token_claim_mismatch: The token is for another /);
  });

  it('exits 2, before fetching anything, for a plain http --jwks on another host', async () => {
    const jwks = 'http://liveproof.example.com/.well-known/jwks.json';
    const result = await run([await fresh(), ...common(), '--jwks', jwks]);
    expect(result).toMatchObject({ code: 2, stdout: '' });
    const message = `error: --jwks ${jwks} must be an https URL (plain http is allowed only on localhost, 127.0.0.1 and [::1])`;
    expect(result.stderr.split('\n')[0]).toBe(message);
  });

  it('exits 2 for a plain http --issuer on another host without --jwks', async () => {
    const result = await run([await fresh(), '--issuer', 'http://liveproof.example.com', '--audience', AUDIENCE]);
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toMatch(/^error: --issuer http:\/\/liveproof\.example\.com would have its JWKS fetched over plain http/);
  });

  it('exits 1 for a token meant for another audience', async () => {
    const result = await run([await fresh(), '--issuer', issuer, '--audience', 'https://other.example', '--jwks', jwksFile]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error token_audience_mismatch: /);
  });

  it('exits 1 for an expired token', async () => {
    const token = await lp.sign(lp.claims({ iss: issuer, iat: 1_700_000_000, exp: 1_700_000_600 }));
    const result = await run([token, ...common(), '--jwks', jwksFile]);
    expect(result).toMatchObject({ code: 1 });
    expect(result.stderr).toMatch(/^error token_expired: /);
  });

  it('exits 1 with jwks_unavailable when the JWKS file cannot be read', async () => {
    const result = await run([await fresh(), ...common(), '--jwks', join(dir, 'missing.json')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error jwks_unavailable: /);
  });

  it('exits 1 with jwks_unavailable when the JWKS server is down', async () => {
    const down = await serveJwks(lp.jwks);
    await down.close();
    const result = await run([await fresh(), ...common(), '--jwks', down.url]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error jwks_unavailable: /);
  });

  it.each([
    ['no arguments', []],
    ['no token', ['--issuer', 'https://lp.example', '--audience', 'a']],
    ['two tokens', ['a', 'b', '--issuer', 'https://lp.example', '--audience', 'a']],
    ['no --issuer', ['tok', '--audience', 'a']],
    ['no --audience', ['tok', '--issuer', 'https://lp.example']],
    ['an unknown option', ['tok', '--issuer', 'https://lp.example', '--audience', 'a', '--insecure']],
    ['an option without its value', ['tok', '--audience', 'a', '--issuer']],
    ['an issuer that is not a URL, without --jwks', ['tok', '--issuer', 'liveproof', '--audience', 'a']],
    ['an empty --candidate', ['tok', '--issuer', 'https://lp.example', '--audience', 'a', '--candidate', '']],
    ['a --jwks URL that does not parse', ['tok', '--issuer', 'https://lp.example', '--audience', 'a', '--jwks', 'http://[nope/jwks']],
  ])('exits 2 with usage for %s', async (_label, argv) => {
    const result = await run(argv);
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toMatch(/^error: .+\n\nusage: liveproof-verify/);
  });

  it('prints usage with --help and exits 0', async () => {
    const result = await run(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^usage: liveproof-verify <token\|->/);
  });
});
