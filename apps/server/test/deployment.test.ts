/**
 * A deployment as an operator runs one, with the built command as it ships: `liveproof serve`
 * refuses to start without its public URL and key-encryption key, `LIVEPROOF_SEED` is refused
 * outside evaluation runs, and `liveproof admin …` creates the admin key and an integration and
 * rotates and revokes keys in the database while the server runs. The server answers for them at
 * once, seals its signing keys at rest, and refuses to start with the wrong key-encryption key.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVER_ENTRY } from '@liveproof/eval';

const PUBLIC_URL = 'https://liveproof.acme.example';
let dataDir: string;
let env: NodeJS.ProcessEnv;
const running: ChildProcess[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'liveproof-deployment-'));
  // What an operator sets; a free port on loopback, as every test server has.
  env = { ...process.env, LIVEPROOF_DATA_DIR: dataDir, LIVEPROOF_KEK: randomBytes(32).toString('base64'), HOST: '127.0.0.1', PORT: '0' };
  delete env['DATABASE_URL'];
});

afterAll(async () => {
  for (const child of running) child.kill('SIGKILL');
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** Runs `liveproof <args>` to its end. */
function liveproof(args: string[], extra: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SERVER_ENTRY, ...args], { env: { ...env, ...extra }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

async function admin<T>(...args: string[]): Promise<T> {
  const { code, output } = await liveproof(['admin', ...args, '--json']);
  expect(code, output).toBe(0);
  return JSON.parse(output) as T;
}

/** Starts `liveproof serve` and returns its base URL once it is up. */
async function serve(): Promise<{ url: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [SERVER_ENTRY, 'serve'], { env: { ...env, LIVEPROOF_PUBLIC_URL: PUBLIC_URL }, stdio: ['ignore', 'pipe', 'pipe'] });
  running.push(child);
  let output = '';
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start in 20 s:\n${output}`)), 20_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const found = /API:\s+(http:\/\/localhost:\d+)\/v1/.exec(output)?.[1];
      if (found) {
        clearTimeout(timer);
        resolve(found);
      }
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}:\n${output}`)));
  });
  return {
    url,
    stop: () =>
      new Promise((done) => {
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}

const bearer = (key: string) => ({ authorization: `Bearer ${key}`, 'content-type': 'application/json' });
const newSession = (url: string, apiKey: string) =>
  fetch(`${url}/v1/sessions`, { method: 'POST', headers: bearer(apiKey), body: JSON.stringify({ candidateRef: 'cand-ops', interviewRef: 'int-ops', audience: 'acme-ats' }) });

describe('a deployment', () => {
  it('refuses to start without its public URL or key-encryption key, and refuses a seed outside evaluation', async () => {
    const noUrl = await liveproof(['serve']);
    expect([noUrl.code, noUrl.output]).toEqual([2, expect.stringContaining('LIVEPROOF_PUBLIC_URL is required')]);
    const noKek = await liveproof(['serve'], { LIVEPROOF_PUBLIC_URL: PUBLIC_URL, LIVEPROOF_KEK: '' });
    expect([noKek.code, noKek.output]).toEqual([2, expect.stringContaining('LIVEPROOF_KEK is required')]);
    const seeded = await liveproof(['dev'], { LIVEPROOF_SEED: '7' });
    expect([seeded.code, seeded.output]).toEqual([2, expect.stringContaining('accepted only with LIVEPROOF_EVALUATION=1')]);
    const seededProduction = await liveproof(['serve'], { LIVEPROOF_PUBLIC_URL: PUBLIC_URL, LIVEPROOF_SEED: '7', LIVEPROOF_EVALUATION: '1' });
    expect([seededProduction.code, seededProduction.output]).toEqual([2, expect.stringContaining('development server only')]);
  });

  it('is administered from the command line while it runs', async () => {
    const { key: adminKey } = await admin<{ key: string }>('admin-keys', 'create', '--label', 'ops');
    const created = await admin<{ integration: { id: string; origins: string[] }; apiKey: string }>(
      'integrations', 'create', '--name', 'Acme ATS', '--audience', 'acme-ats', '--origin', 'https://careers.acme.example', '--virtual-camera', 'reject',
    );
    const integration = created.integration.id;
    let server = await serve();

    // No development integration and no demo in a deployment; HSTS, since the public URL is https.
    expect((await fetch(`${server.url}/`)).status).toBe(404);
    expect((await readdir(dataDir)).filter((name) => name.startsWith('dev-'))).toEqual([]);
    const first = await newSession(server.url, created.apiKey);
    expect(first.status).toBe(201);
    expect(first.headers.get('strict-transport-security')).toContain('max-age=');
    expect(((await first.json()) as { clientToken: string }).clientToken).toBeTruthy();
    const listed = await fetch(`${server.url}/v1/admin/integrations`, { headers: bearer(adminKey) });
    expect(((await listed.json()) as { integrations: { name: string; origins: string[] }[] }).integrations).toEqual([
      expect.objectContaining({ name: 'Acme ATS', origins: ['https://careers.acme.example'] }),
    ]);

    // A rotation: both keys work during the overlap; revoking the old one stops it at once.
    const rotated = await admin<{ apiKey: string; expiring: { id: string }[] }>('keys', 'rotate', integration, '--overlap-hours', '1');
    expect((await newSession(server.url, rotated.apiKey)).status).toBe(201);
    expect((await newSession(server.url, created.apiKey)).status).toBe(201);
    await admin('keys', 'revoke', integration, rotated.expiring[0]!.id);
    const refused = await newSession(server.url, created.apiKey);
    expect([refused.status, ((await refused.json()) as { error: { code: string } }).error.code]).toEqual([401, 'unauthorized']);
    expect((await newSession(server.url, rotated.apiKey)).status).toBe(201);

    // A signing-key rotation is published at the next start (and within a minute by a running one).
    const before = ((await (await fetch(`${server.url}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid);
    const { kid } = await admin<{ kid: string }>('signing-keys', 'rotate');
    await server.stop();
    server = await serve();
    const after = ((await (await fetch(`${server.url}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid);
    expect(after.sort()).toEqual([...before, kid].sort());
    await server.stop();

    // The database holds no private key in the clear; another key-encryption key cannot open it.
    for (const name of (await readdir(dataDir)).filter((n) => n.startsWith('liveproof.db'))) {
      expect((await readFile(join(dataDir, name))).includes('"d":"'), name).toBe(false);
    }
    const wrongKek = await liveproof(['serve'], { LIVEPROOF_PUBLIC_URL: PUBLIC_URL, LIVEPROOF_KEK: randomBytes(32).toString('base64') });
    expect([wrongKek.code, wrongKek.output.trim()]).toEqual([2, expect.stringMatching(/^liveproof: A stored secret is sealed with a key-encryption key this server was not given .*set LIVEPROOF_KEK/)]);
  });
});
