/**
 * The network lab (tools/eval/src/lab): the real server in a network namespace of its own with its
 * shipped ports (HTTP 8787, ICE 3478), real Chromium in the candidate's namespace on another
 * network, a real SOCKS5 proxy (Debian's microsocks) in a third, all on documentation addresses
 * (RFC 5737) joined through a router namespace. Each case is one real check by the responsive
 * actor; the server's record says what it saw. The IP lists are the lab's own (the proxy's
 * network is on its "VPN" list), each with a real entry of the snapshot beside it.
 *
 * Settings changed, each for this file's point: LIVEPROOF_PUBLIC_URL (the browser reaches the
 * server at its lab address) and LIVEPROOF_IPINTEL_DIR (the lab's lists).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAB_ADDRESSES, LAB_CASES, REPO_ROOT, createLab, describeRun, runLabCheck, startServer, writeLabLists, type LabRun, type NetworkLab, type RunningServer } from '@liveproof/eval';

let lab: NetworkLab;
let server: RunningServer;
let lists: string;

beforeAll(async () => {
  lab = await createLab();
  lists = mkdtempSync(join(tmpdir(), 'liveproof-lab-lists-'));
  // Beside the installed snapshot's first entries (set-up put it there).
  writeLabLists(lists, join(REPO_ROOT, 'apps', 'server', 'assets', 'ipintel'));
  server = await startServer({ LIVEPROOF_PUBLIC_URL: lab.serverUrl, LIVEPROOF_IPINTEL_DIR: lists }, { netns: lab.namespaces.server });
});

afterAll(async () => {
  await server?.stop();
  await lab?.destroy();
  if (lists) rmSync(lists, { recursive: true, force: true });
});

describe('the network lab', () => {
  it('runs the server with its shipped ports on its lab address, and the lab lists', () => {
    expect(server.url).toBe(lab.serverUrl);
    expect(server.output()).toMatch(/ICE responder:\s+udp 203\.0\.113\.10 port 3478/);
    expect(server.output()).toMatch(/IP lists:\s+dated 2026-12-01 \(network-lab\)/);
  });

  let direct: LabRun;
  it('sees a direct candidate as one path: same address, no network signal', async () => {
    const run = (direct = await runLabCheck(lab, server, LAB_CASES.direct, 'lab-direct', 'lab-1-direct'));
    console.log(`lab: ${describeRun(run)}`);
    expect(run.passed).toBe(true);
    expect(run.risk.observed.http).toMatchObject({ family: 4, lists: [] });
    expect(run.risk.observed.udp).toEqual({ relation: 'same_address', addresses: 1 });
    expect(run.risk.observed.rtt.samples).toBe(6);
    expect(run.signals).toEqual(LAB_CASES.direct.expected);
    expect(run.risk.links).toBeUndefined();
  });

  it('links a second candidate from the same namespace to the first by its address (shared_network) and its device (shared_device), without failing either', async () => {
    const run = await runLabCheck(lab, server, LAB_CASES.secondPersona, 'lab-second-persona', 'lab-1b-second-persona');
    console.log(`lab: ${describeRun(run)}; links ${JSON.stringify(run.risk.links)}`);
    expect(run.passed).toBe(true);
    expect(run.allSignals).toEqual(expect.arrayContaining(LAB_CASES.secondPersona.links!));
    const byAddress = run.risk.links!.find((l) => l.by === 'address');
    expect(byAddress).toMatchObject({ signal: 'shared_network', candidates: 1 });
    expect(byAddress!.sessions).toEqual([direct.sessionId]);
    expect(run.risk.links!.find((l) => l.by === 'device')).toMatchObject({ signal: 'shared_device', sessions: [direct.sessionId], candidates: 1 });
    expect(JSON.stringify(run.risk)).not.toContain(LAB_ADDRESSES.candidate);
  });

  it('flags web requests through a proxy while UDP goes direct (network_path_mismatch), and the proxy on the list', async () => {
    const run = await runLabCheck(lab, server, LAB_CASES.proxied, 'lab-proxied', 'lab-2-proxied');
    console.log(`lab: ${describeRun(run)}`);
    expect(run.passed).toBe(true);
    // The web requests came from the proxy's network, the UDP checks from the candidate's own.
    expect(run.risk.observed.http.lists).toEqual(['vpn']);
    expect(run.risk.observed.udp).toMatchObject({ relation: 'different_network', addresses: 1, address: { family: 4, lists: [] } });
    expect(run.signals.sort()).toEqual([...LAB_CASES.proxied.expected].sort());
    // No address travels in the facts.
    expect(JSON.stringify(run.risk)).not.toContain(LAB_ADDRESSES.candidate);
    expect(JSON.stringify(run.risk)).not.toContain(LAB_ADDRESSES.proxy);
  });

  it('records "no UDP" when a firewall refuses it, or WebRTC may use only the proxy, and the checks pass', async () => {
    for (const labCase of [LAB_CASES.udpBlocked, LAB_CASES.proxiedNoUdp]) {
      const run = await runLabCheck(lab, server, labCase, `lab-${labCase.name}`, `lab-3-${labCase.name}`);
      console.log(`lab: ${describeRun(run)}`);
      expect(run.passed).toBe(true);
      expect(run.risk.observed.udp).toEqual({ relation: 'none', addresses: 0 });
      expect(run.risk.reported.udpRttMs).toBeUndefined();
      expect(run.signals).toEqual(labCase.expected);
    }
  });

  it("reports a virtual machine's NAT address among the browser's local addresses as a class only (vm_indicators)", async () => {
    const run = await runLabCheck(lab, server, LAB_CASES.vmNat, 'lab-vm-nat', 'lab-5-vm-nat');
    console.log(`lab: ${describeRun(run)}; local classes ${run.risk.reported.localAddresses}`);
    expect(run.passed).toBe(true);
    expect(run.risk.reported.localAddresses).toContain('virtual_machine');
    expect(run.allSignals).toContain('vm_indicators');
    expect(JSON.stringify(run.risk)).not.toContain('10.0.2.15');
    expect(run.signals).toEqual(LAB_CASES.vmNat.expected);
  });

  it('times a distant proxy leg: web round trips far longer than the UDP path (proxy_timing)', async () => {
    const run = await runLabCheck(lab, server, LAB_CASES.delayedProxy, 'lab-delayed', 'lab-4-delayed-proxy');
    console.log(`lab: ${describeRun(run)}`);
    expect(run.passed).toBe(true);
    // 100 ms each way on the proxy leg: every web round trip the server timed is at least 200 ms.
    expect(run.risk.observed.rtt.httpMs).toBeGreaterThanOrEqual(200);
    expect(run.risk.reported.udpRttMs).toBeLessThan(50);
    expect(run.signals.sort()).toEqual([...LAB_CASES.delayedProxy.expected].sort());
  });
});
