/**
 * The network lab: Linux network namespaces joined by veth pairs through a router namespace, on
 * documentation addresses only (RFC 5737), so the server sees a browser on another network, a
 * proxy in a third, and nothing leaves the machine.
 *
 *   server     203.0.113.10/28   (the Liveproof server, its shipped ports: HTTP 8787, ICE 3478)
 *   operator   203.0.113.18/28   (this process, in the machine's own namespace: the hiring system)
 *   candidate  198.51.100.2/28   (Chromium)
 *   proxy      192.0.2.2/28      (microsocks, a SOCKS5 proxy from Debian; optionally behind a delaying relay)
 *
 * The router namespace forwards between the four links; nothing else forwards, and the only route
 * added to the machine's own namespace is to the server's /28. This machine's kernel has no netem,
 * so a delayed proxy leg is a TCP relay in the proxy namespace that holds every chunk for a fixed
 * time each way (delay-relay.mjs). Needs root (namespaces); `createLab` says so if it cannot.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_PATH } from '../browser.ts';

const PREFIX = 'lplab';

export const LAB_ADDRESSES = {
  server: '203.0.113.10',
  operator: '203.0.113.18',
  candidate: '198.51.100.2',
  proxy: '192.0.2.2',
} as const;

export interface LabProxy {
  /** The address Chromium is told to use (`--proxy-server`). */
  url: string;
  stop(): Promise<void>;
}

export interface NetworkLab {
  namespaces: { router: string; server: string; candidate: string; proxy: string };
  /** The server's public URL as the candidate reaches it. */
  serverUrl: string;
  /** An executable that starts Chromium in the candidate's namespace (for `launchBrowser`). */
  chromium: string;
  /** Gives the candidate's machine a second interface with `address` (CIDR), as a virtual machine's NAT does; or takes it away. */
  localInterface(address: string, present: boolean): void;
  /** A firewall on the candidate's network refusing UDP to the server (a policy rule), or lets it through again. */
  blockUdp(blocked: boolean): void;
  /** Starts the SOCKS5 proxy; with `delayMs`, the candidate's leg to it is that much longer each way. */
  startProxy(options?: { delayMs?: number }): Promise<LabProxy>;
  destroy(): Promise<void>;
}

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
const inNs = (ns: string, ...command: string[]) => ip('netns', 'exec', ns, ...command);

/** Namespaces a crashed earlier run left behind. */
function removeStale(): void {
  for (const line of ip('netns', 'list').split('\n')) {
    const name = line.split(' ')[0];
    if (name?.startsWith(`${PREFIX}-`)) ip('netns', 'delete', name);
  }
}

/** One veth pair: `a` in namespace `nsA` (or the machine's own when null), `b` in `nsB`. */
function link(nsA: string | null, a: string, addressA: string, nsB: string, b: string, addressB: string): void {
  ip('link', 'add', a, ...(nsA ? ['netns', nsA] : []), 'type', 'veth', 'peer', 'name', b, 'netns', nsB);
  if (nsA) ip('-n', nsA, 'addr', 'add', addressA, 'dev', a);
  else ip('addr', 'add', addressA, 'dev', a);
  ip('-n', nsB, 'addr', 'add', addressB, 'dev', b);
  if (nsA) ip('-n', nsA, 'link', 'set', a, 'up');
  else ip('link', 'set', a, 'up');
  ip('-n', nsB, 'link', 'set', b, 'up');
}

/** Waits until `host:port` accepts TCP connections from inside `ns`. */
async function waitForPort(ns: string, host: string, port: number, timeoutMs = 10_000): Promise<void> {
  const probe = `require('net').connect(${port},'${host}').on('connect',()=>process.exit(0)).on('error',()=>process.exit(1))`;
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      inNs(ns, process.execPath, '-e', probe);
      return;
    } catch {
      if (Date.now() > until) throw new Error(`${host}:${port} in ${ns} did not open in ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

export async function createLab(): Promise<NetworkLab> {
  try {
    removeStale();
  } catch (error) {
    throw new Error(`The network lab needs Linux network namespaces (root, iproute2): ${(error as Error).message}`);
  }
  const id = Math.random().toString(16).slice(2, 6);
  const ns = { router: `${PREFIX}-${id}-r`, server: `${PREFIX}-${id}-s`, candidate: `${PREFIX}-${id}-c`, proxy: `${PREFIX}-${id}-p` };
  for (const name of Object.values(ns)) {
    ip('netns', 'add', name);
    ip('-n', name, 'link', 'set', 'lo', 'up');
  }
  const operatorLink = `lpo${id}`;
  link(ns.server, 'eth0', `${LAB_ADDRESSES.server}/28`, ns.router, 'srv', '203.0.113.1/28');
  link(null, operatorLink, `${LAB_ADDRESSES.operator}/28`, ns.router, 'op', '203.0.113.17/28');
  link(ns.candidate, 'eth0', `${LAB_ADDRESSES.candidate}/28`, ns.router, 'cand', '198.51.100.1/28');
  link(ns.proxy, 'eth0', `${LAB_ADDRESSES.proxy}/28`, ns.router, 'prx', '192.0.2.1/28');
  ip('-n', ns.server, 'route', 'add', 'default', 'via', '203.0.113.1');
  ip('-n', ns.candidate, 'route', 'add', 'default', 'via', '198.51.100.1');
  ip('-n', ns.proxy, 'route', 'add', 'default', 'via', '192.0.2.1');
  ip('route', 'add', '203.0.113.0/28', 'via', '203.0.113.17', 'dev', operatorLink);
  inNs(ns.router, 'sysctl', '-q', '-w', 'net.ipv4.ip_forward=1');

  const tools = mkdtempSync(join(tmpdir(), 'liveproof-lab-'));
  const chromium = join(tools, 'chromium-in-candidate-ns');
  writeFileSync(chromium, `#!/bin/sh\nexec ip netns exec ${ns.candidate} ${CHROMIUM_PATH} "$@"\n`);
  chmodSync(chromium, 0o755);
  const children = new Set<ChildProcess>();

  const start = (command: string[]) => {
    const child = spawn('ip', ['netns', 'exec', ns.proxy, ...command], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    child.once('exit', () => children.delete(child));
    return child;
  };

  return {
    namespaces: ns,
    serverUrl: `http://${LAB_ADDRESSES.server}:8787`,
    chromium,
    localInterface(address, present) {
      // A veth pair inside the candidate's namespace: an interface that leads nowhere, like a VM's NAT seen from the guest.
      if (present) {
        ip('-n', ns.candidate, 'link', 'add', 'vm0', 'type', 'veth', 'peer', 'name', 'vm1');
        ip('-n', ns.candidate, 'addr', 'add', address, 'dev', 'vm0');
        ip('-n', ns.candidate, 'link', 'set', 'vm0', 'up');
        ip('-n', ns.candidate, 'link', 'set', 'vm1', 'up');
      } else ip('-n', ns.candidate, 'link', 'delete', 'vm0');
    },
    blockUdp(blocked) {
      ip('-n', ns.candidate, 'rule', blocked ? 'add' : 'del', 'ipproto', 'udp', 'to', LAB_ADDRESSES.server, 'prohibit');
    },
    async startProxy(options = {}) {
      const port = 1080;
      const started: ChildProcess[] = [];
      if (options.delayMs) {
        started.push(start(['microsocks', '-i', '127.0.0.1', '-p', '1081']));
        await waitForPort(ns.proxy, '127.0.0.1', 1081);
        const relay = join(import.meta.dirname, 'delay-relay.mjs');
        started.push(start([process.execPath, relay, LAB_ADDRESSES.proxy, String(port), '127.0.0.1', '1081', String(options.delayMs)]));
      } else {
        started.push(start(['microsocks', '-i', LAB_ADDRESSES.proxy, '-p', String(port)]));
      }
      await waitForPort(ns.proxy, LAB_ADDRESSES.proxy, port);
      return {
        url: `socks5://${LAB_ADDRESSES.proxy}:${port}`,
        stop: async () => void (await Promise.all(started.map(stopChild))),
      };
    },
    async destroy() {
      await Promise.all([...children].map(stopChild));
      for (const name of Object.values(ns)) {
        try {
          ip('netns', 'delete', name);
        } catch {
          // already gone
        }
      }
      rmSync(tools, { recursive: true, force: true });
    },
  };
}
