/**
 * The network lab's cases, shared by its test (apps/server/test/network-lab.test.ts) and its
 * measurement (`pnpm lab`): each runs one real check in Chromium in the candidate's namespace
 * against the real server in its own, and reads back what the server recorded.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cooperativeCheck } from '../cooperative-check.ts';
import type { RunningServer } from '../server-process.ts';
import type { NetworkLab } from './network-lab.ts';

/** The signals the network facts raise (the rest are the device's, the same on every path). */
export const NETWORK_SIGNALS = ['datacenter_ip', 'vpn_ip', 'network_path_mismatch', 'proxy_timing', 'timezone_mismatch'] as const;

export interface LabCase {
  name: string;
  /** What the candidate's browser does. */
  description: string;
  /** A SOCKS5 proxy for the browser's web requests, its leg delayed this much each way (ms). */
  proxy?: { delayMs?: number };
  /** WebRTC may use no UDP but the proxy's (Chromium's policy; a SOCKS5 proxy carries none). */
  noDirectUdp?: boolean;
  /** The candidate's network refuses UDP to the server (a firewall). */
  udpBlocked?: boolean;
  /** A second local interface with this address (CIDR): VirtualBox's default NAT, as a guest sees it. */
  localInterface?: string;
  /** The network signals the case should raise. */
  expected: string[];
  /** The links it should raise (to the lab's earlier candidates). */
  links?: string[];
}

export const LAB_CASES: Record<'direct' | 'secondPersona' | 'proxied' | 'udpBlocked' | 'proxiedNoUdp' | 'vmNat' | 'delayedProxy', LabCase> = {
  direct: { name: 'direct', description: 'web and UDP straight to the server', expected: [] },
  secondPersona: {
    name: 'second-persona',
    description: 'another candidate reference from the same namespace and machine, straight to the server',
    expected: [],
    links: ['shared_network', 'shared_device'],
  },
  proxied: { name: 'proxied', description: 'web through a SOCKS5 proxy on the lab VPN list, UDP direct', proxy: {}, expected: ['vpn_ip', 'network_path_mismatch'] },
  udpBlocked: { name: 'udp-blocked', description: 'web direct, UDP to the server refused by a firewall', udpBlocked: true, expected: [] },
  proxiedNoUdp: { name: 'proxied-no-udp', description: 'web through the proxy, WebRTC limited to proxied UDP (none)', proxy: {}, noDirectUdp: true, expected: ['vpn_ip'] },
  vmNat: {
    name: 'vm-nat',
    description: "direct, the browser's machine also on VirtualBox's default NAT network (10.0.2.15)",
    localInterface: '10.0.2.15/24',
    expected: [],
  },
  delayedProxy: {
    name: 'delayed-proxy',
    description: 'web through the proxy with its leg 100 ms longer each way, UDP direct',
    proxy: { delayMs: 100 },
    expected: ['vpn_ip', 'network_path_mismatch', 'proxy_timing'],
  },
};

const LIST_FILES = ['vpn-ipv4.txt', 'vpn-ipv6.txt', 'datacenter-ipv4.txt', 'datacenter-ipv6.txt', 'vpn-apple.txt'] as const;

/**
 * IP lists of the lab's own, in the snapshot's layout (LIVEPROOF_IPINTEL_DIR): the proxy's network
 * is a "VPN", a range beside the server's a "datacenter", and each list keeps the first entry of
 * the real snapshot (`realDir`), so real entries are read the same way.
 */
export function writeLabLists(dir: string, realDir: string): void {
  mkdirSync(dir, { recursive: true });
  const firstReal = (name: string) => readFileSync(join(realDir, name), 'utf8').split('\n').find((l) => /^[0-9a-f:.]+\/\d+$/i.test(l.trim())) ?? '';
  const lab: Record<(typeof LIST_FILES)[number], string> = {
    'vpn-ipv4.txt': `# lab: the proxy's network\n192.0.2.0/28\n`,
    'vpn-ipv6.txt': '',
    'datacenter-ipv4.txt': `# lab: a hosting range next to the server\n203.0.113.32/28\n`,
    'datacenter-ipv6.txt': '',
    'vpn-apple.txt': `# lab: a relay range nobody here uses\n198.51.100.64/28\n`,
  };
  const files: Record<string, { sha256: string }> = {};
  for (const name of LIST_FILES) {
    const text = `${lab[name]}${firstReal(name)}\n`;
    writeFileSync(join(dir, name), text);
    files[name] = { sha256: createHash('sha256').update(text).digest('hex') };
  }
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ date: '2026-12-01', source: 'network-lab', files }, null, 2));
}

export interface LabRun {
  case: LabCase;
  passed: boolean;
  sessionId: string;
  /** The network signals the attempt carries (flagged). */
  signals: string[];
  /** Every signal, device ones included. */
  allSignals: string[];
  risk: { observed: Record<string, any>; reported: Record<string, any>; links?: Record<string, any>[] };
}

/** One check by the responsive actor through `labCase`'s path; `shot` names its screenshot. */
export async function runLabCheck(lab: NetworkLab, server: RunningServer, labCase: LabCase, candidateRef: string, shot?: string): Promise<LabRun> {
  const proxy = labCase.proxy ? await lab.startProxy(labCase.proxy) : null;
  if (labCase.udpBlocked) lab.blockUdp(true);
  if (labCase.localInterface) lab.localInterface(labCase.localInterface, true);
  // The lab serves plain http on a non-loopback address; a camera needs a secure context, which a
  // deployment gets from https. The switch grants it to the lab's origin only.
  const args: string[] = [`--unsafely-treat-insecure-origin-as-secure=${lab.serverUrl}`];
  if (proxy) args.push(`--proxy-server=${proxy.url}`);
  // Chromium's own switch for this policy is not honoured here; the profile preference is (what the
  // WebRTC-leak extensions and enterprise policy set).
  const preferences = labCase.noDirectUdp ? { webrtc: { ip_handling_policy: 'disable_non_proxied_udp' } } : undefined;
  try {
    const check = await cooperativeCheck(server, {
      browser: { executablePath: lab.chromium, args, ...(preferences ? { preferences } : {}) },
      session: { candidateRef, interviewRef: `lab-${labCase.name}` },
      ...(shot ? { shot } : {}),
    });
    const { signals, risk } = check.attempt;
    return { case: labCase, passed: check.passed, sessionId: check.sessionId, signals: signals.filter((s) => (NETWORK_SIGNALS as readonly string[]).includes(s)), allSignals: signals, risk };
  } finally {
    await proxy?.stop();
    if (labCase.udpBlocked) lab.blockUdp(false);
    if (labCase.localInterface) lab.localInterface(labCase.localInterface, false);
  }
}

/** One line of figures for a run. */
export function describeRun(run: LabRun): string {
  const { observed, reported } = run.risk;
  const udp = observed.udp ? `${observed.udp.relation} (${observed.udp.addresses})` : 'not offered';
  const rtt = observed.rtt ? `web ${observed.rtt.httpMs} ms over ${observed.rtt.samples}` : 'web -';
  return `${run.case.name.padEnd(15)} ${run.passed ? 'pass' : 'FAIL'}  udp ${udp.padEnd(22)} ${rtt}, udp ${reported.udpRttMs ?? '-'} ms  signals: ${run.signals.join(', ') || 'none'}`;
}


