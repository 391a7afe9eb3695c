/**
 * The real Liveproof server (apps/server/dist/main.js) as a child process, started the way the
 * README's start command starts it (`liveproof dev`, with the shipped defaults: rate limits on),
 * except for four documented settings every test server needs: free ports (PORT=0, LIVEPROOF_ICE_PORT=0), loopback
 * only (HOST=127.0.0.1) and a data directory of its own (LIVEPROOF_DATA_DIR), so servers of one
 * test run never meet. A test passes any other setting it needs, and says why.
 *
 * In a network namespace of its own (`netns`, the network lab), nothing is shared, so the server
 * keeps the shipped ports and listens on every address, like the README's start.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '@liveproof/test-media';

export const SERVER_ENTRY = join(REPO_ROOT, 'apps', 'server', 'dist', 'main.js');

export interface RunningServer {
  url: string;
  /** The development integration's API key (audience `dev-ats`). */
  apiKey: string;
  /** The development administrator's key. */
  adminKey: string;
  dataDir: string;
  process: ChildProcess;
  /** Everything the server printed, for diagnosing a failed test. */
  output(): string;
  stop(): Promise<void>;
}

export interface ServerProcessOptions {
  /** A network namespace to run in (`ip netns exec`): the shipped ports and every address. */
  netns?: string;
}

export async function startServer(env: Record<string, string> = {}, options: ServerProcessOptions = {}): Promise<RunningServer> {
  if (!existsSync(SERVER_ENTRY)) throw new Error(`${SERVER_ENTRY} is missing: run \`pnpm build\` first`);
  const dataDir = env.LIVEPROOF_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'liveproof-data-'));
  const shared = options.netns ? {} : { PORT: '0', LIVEPROOF_ICE_PORT: '0', HOST: '127.0.0.1' };
  const [command, args] = options.netns ? ['ip', ['netns', 'exec', options.netns, process.execPath, SERVER_ENTRY, 'dev']] : [process.execPath, [SERVER_ENTRY, 'dev']];
  const child = spawn(command, args, {
    env: { ...process.env, ...shared, LIVEPROOF_DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));

  const ready = await new Promise<{ url: string; apiKey: string; adminKey: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 20 s:\n${output}`)), 20_000);
    const check = () => {
      const local = /JWKS:\s+(http:\/\/localhost:\d+)\//.exec(output)?.[1];
      // In a namespace, the server is reached at its public URL (its localhost is the namespace's).
      const url = local && options.netns && env.LIVEPROOF_PUBLIC_URL ? env.LIVEPROOF_PUBLIC_URL : local;
      if (url && /Admin key:/.test(output)) {
        clearTimeout(timer);
        // Printed on the start that made them; kept in the data directory for the later ones.
        const kept = (name: string) => (env.LIVEPROOF_API_KEY && name === 'dev-api-key' ? env.LIVEPROOF_API_KEY : readFileSync(join(dataDir, name), 'utf8').trim());
        resolve({ url, apiKey: kept('dev-api-key'), adminKey: kept('dev-admin-key') });
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });

  return {
    ...ready,
    dataDir,
    process: child,
    output: () => output,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      if (!env.LIVEPROOF_DATA_DIR) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Changes the development integration's settings through the admin API, as its administrator
 * would (`PATCH /v1/admin/integrations/{id}`), and returns the integration as the server now holds it.
 */
export async function updateDevIntegration(server: RunningServer, patch: Record<string, unknown>): Promise<Record<string, unknown>> {
  const admin = async (path: string, init: RequestInit = {}) => {
    const response = await fetch(`${server.url}${path}`, { ...init, headers: { authorization: `Bearer ${server.adminKey}`, 'content-type': 'application/json' } });
    if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${response.status} ${await response.text()}`);
    return response.json() as Promise<Record<string, unknown>>;
  };
  const { integrations } = (await admin('/v1/admin/integrations')) as { integrations: { id: string; purpose: string }[] };
  const dev = integrations.find((i) => i.purpose === 'development');
  if (!dev) throw new Error('the server has no development integration (is it `liveproof dev`?)');
  const updated = await admin(`/v1/admin/integrations/${dev.id}`, { method: 'PATCH', body: JSON.stringify(patch) });
  return (updated.integration as Record<string, unknown> | undefined) ?? updated;
}
