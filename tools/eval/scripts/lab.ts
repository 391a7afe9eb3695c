/**
 * `pnpm lab`: the network lab's figures. Builds the lab (network namespaces, root needed), starts
 * the built server in its namespace with its shipped ports, and runs real checks in Chromium: the
 * direct path `--direct` times (how often each network signal fires there: the lab's false-alarm
 * rate), then each other case `--each` times (how often its signals are detected). A benchmark
 * command, not a test: it prints figures. The lab's direct path is a veth pair on one machine, so
 * its false-alarm rate says what the probes' own noise does, not what home networks do.
 *
 *   pnpm lab [--direct 10] [--each 2]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { LAB_CASES, NETWORK_SIGNALS, REPO_ROOT, createLab, describeRun, runLabCheck, startServer, writeLabLists, type LabRun } from '../src/index.ts';

const { values: args } = parseArgs({ options: { direct: { type: 'string', default: '10' }, each: { type: 'string', default: '2' } } });
const lab = await createLab();
const lists = mkdtempSync(join(tmpdir(), 'liveproof-lab-lists-'));
writeLabLists(lists, join(REPO_ROOT, 'apps', 'server', 'assets', 'ipintel'));
const server = await startServer({ LIVEPROOF_PUBLIC_URL: lab.serverUrl, LIVEPROOF_IPINTEL_DIR: lists }, { netns: lab.namespaces.server });

const percent = (n: number, of: number) => `${n}/${of} (${((100 * n) / Math.max(1, of)).toFixed(0)}%)`;
const quantile = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))];

try {
  const runs = new Map<string, LabRun[]>();
  const plan = [
    ...Array.from({ length: Number(args.direct) }, () => LAB_CASES.direct),
    ...Object.values(LAB_CASES)
      .filter((c) => c !== LAB_CASES.direct)
      .flatMap((c) => Array.from({ length: Number(args.each) }, () => c)),
  ];
  for (const [i, labCase] of plan.entries()) {
    const run = await runLabCheck(lab, server, labCase, `lab-${labCase.name}-${i}`);
    console.log(`  ${describeRun(run)}`);
    runs.set(labCase.name, [...(runs.get(labCase.name) ?? []), run]);
  }
  const direct = runs.get(LAB_CASES.direct.name) ?? [];
  // Every run is the same machine in the same namespace under a new candidate reference, so from
  // the second on each is (rightly) linked to the others: links are left out of the false alarms.
  console.log(`\nThe lab's direct path, ${direct.length} checks (false alarms: how often each network signal fired):`);
  for (const signal of NETWORK_SIGNALS) console.log(`  ${signal.padEnd(22)} ${percent(direct.filter((r) => r.signals.includes(signal)).length, direct.length)}`);
  const web = direct.map((r) => r.risk.observed.rtt?.httpMs).filter((v): v is number => v !== undefined);
  const udp = direct.map((r) => r.risk.reported.udpRttMs).filter((v): v is number => v !== undefined);
  if (web.length) console.log(`  web round trip (server-timed minimum of 6): median ${quantile(web, 0.5)} ms, worst ${Math.max(...web)} ms`);
  if (udp.length) console.log(`  UDP round trip (browser-reported): median ${quantile(udp, 0.5)} ms, worst ${Math.max(...udp)} ms`);
  console.log('\nDetection per case (every expected signal raised, none else):');
  for (const [name, list] of runs) {
    if (name === LAB_CASES.direct.name) continue;
    const { expected, links = [] } = list[0]!.case;
    const exact = list.filter((r) => [...r.signals].sort().join() === [...expected].sort().join() && links.every((l) => r.allSignals.includes(l))).length;
    const wanted = [...expected, ...links].join(', ') || 'none';
    console.log(`  ${name.padEnd(15)} expects ${wanted}: ${percent(exact, list.length)}; passed ${percent(list.filter((r) => r.passed).length, list.length)}`);
  }
} finally {
  await server.stop();
  await lab.destroy();
  rmSync(lists, { recursive: true, force: true });
}
