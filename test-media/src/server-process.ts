/**
 * The real Liveproof server (apps/server/dist/main.js) as a child process on a free port with its
 * own data directory, for end-to-end tests, benchmarks and evaluations.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './paths.ts';

export const SERVER_ENTRY = join(REPO_ROOT, 'apps', 'server', 'dist', 'main.js');

export interface RunningServer {
  url: string;
  apiKey: string;
  dataDir: string;
  process: ChildProcess;
  /** Everything the server printed, for diagnosing a failed test. */
  output(): string;
  stop(): Promise<void>;
}

export async function startServer(env: Record<string, string> = {}): Promise<RunningServer> {
  if (!existsSync(SERVER_ENTRY)) throw new Error(`${SERVER_ENTRY} is missing: run \`pnpm build\` first`);
  const dataDir = env.LIVEPROOF_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'liveproof-data-'));
  const child = spawn(process.execPath, [SERVER_ENTRY], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LIVEPROOF_DATA_DIR: dataDir, LIVEPROOF_RATE_LIMIT: 'off', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));

  const ready = await new Promise<{ url: string; apiKey: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 20 s:\n${output}`)), 20_000);
    const check = () => {
      const url = /Demo page:\s+(http:\/\/localhost:\d+)\//.exec(output)?.[1];
      const apiKey = /Development API key:\s+(\S+)/.exec(output)?.[1];
      if (url && apiKey) {
        clearTimeout(timer);
        resolve({ url, apiKey });
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
