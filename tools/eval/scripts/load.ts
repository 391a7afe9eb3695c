/**
 * `pnpm load`: a benchmark of the built server over HTTP, not a test. For SQLite and PostgreSQL in
 * turn it starts the real server (the harness's `startServer()`, the README's start) and measures
 * each step of a candidate's check as the hiring system and the page make it: create a session,
 * start an attempt, post a validly signed result (a still face over 6 s, 217 frames, scored in
 * full by the server; posted no sooner than the trace's span after the start, since the server
 * refuses a trace that covers more time than passed), introspect the verification token, list
 * attempts. Each route runs at its peak (closed loop, fixed concurrency), then at half that rate
 * (open loop: requests leave on a fixed schedule, and latency counts from when each was due, so a
 * slow server cannot hide its queue). Then `/v1/health` latency while 50 results of the largest
 * size the plan allows (`maxResultBytesFor`) arrive at once.
 *
 * LIVEPROOF_RATE_LIMIT=off: one machine plays every candidate from one address, which the
 * per-address limits would otherwise stop at 120 requests a minute. PostgreSQL runs in a schema of
 * its own (LIVEPROOF_PG_SCHEMA=load_<random>, a fresh LIVEPROOF_KEK), dropped afterwards.
 *
 *   pnpm load [--store sqlite|postgres] [--seconds 5] [--concurrency 32] [--profile DIR]
 *
 * `--profile DIR` writes a CPU profile of the server's main thread to DIR when it stops (a small
 * inspector hook loaded with NODE_OPTIONS=--require, since --cpu-prof is not allowed there); open
 * it in Chrome DevTools, or sum self time per function from its nodes.
 * The load generator shares the machine with the server: its own CPU time is printed too.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { Client, Pool } from 'undici';
import { CURRENT_THRESHOLDS, type StartAttemptResponse } from '@liveproof/protocol';
import { attemptKey, resultPayload, signCompact, startServer, stillTrace, type RunningServer } from '../src/index.ts';

const { values: args } = parseArgs({
  options: { store: { type: 'string' }, seconds: { type: 'string', default: '5' }, concurrency: { type: 'string', default: '32' }, profile: { type: 'string' } },
});
const SECONDS = Number(args.seconds);
const PROFILE_HOOK = `const inspector = require('node:inspector');
const session = new inspector.Session();
session.connect();
session.post('Profiler.enable');
session.post('Profiler.start');
process.on('exit', () => session.post('Profiler.stop', (error, result) => {
  if (!error) require('node:fs').writeFileSync(process.env.PROFILE_DIR + '/server-' + process.pid + '.cpuprofile', JSON.stringify(result.profile));
}));
`;
if (args.profile) {
  mkdirSync(args.profile, { recursive: true });
  writeFileSync(join(args.profile, 'hook.cjs'), PROFILE_HOOK);
}
const CONCURRENCY = Number(args.concurrency);
const DATABASE_URL = process.env.LIVEPROOF_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

interface Answer {
  status: number;
  json: Record<string, unknown>;
}

interface Stats {
  route: string;
  mode: string;
  sent: number;
  ok: number;
  errors: Record<string, number>;
  perSecond: number;
  p50: number;
  p99: number;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
function bump(errors: Record<string, number>, answer: Answer) {
  const key = `${answer.status} ${(answer.json.error as { code?: string } | undefined)?.code ?? ''}`.trim();
  errors[key] = (errors[key] ?? 0) + 1;
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function summarise(route: string, mode: string, latencies: number[], errors: Record<string, number>, sent: number, elapsedMs: number): Stats {
  const sorted = [...latencies].sort((a, b) => a - b);
  return { route, mode, sent, ok: sorted.length, errors, perSecond: (sorted.length / elapsedMs) * 1000, p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
}

function client(server: RunningServer) {
  const pool = new Pool(server.url, { connections: 64, pipelining: 1, keepAliveTimeout: 30_000 });
  async function call(method: string, path: string, token: string | undefined, body?: unknown): Promise<Answer> {
    const response = await pool.request({
      method: method as 'GET',
      path,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.body.text();
    return { status: response.statusCode, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }
  return { call, close: () => pool.close() };
}

type Op = () => Promise<Answer> | null;

/** As many requests as `concurrency` workers can make in `seconds`, each waiting for its answer. */
async function closedLoop(route: string, op: Op, concurrency = CONCURRENCY, seconds = SECONDS): Promise<Stats> {
  const latencies: number[] = [];
  const errors: Record<string, number> = {};
  let sent = 0;
  const started = performance.now();
  const end = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const t0 = performance.now();
        const pending = op();
        if (!pending) break; // out of inputs
        sent++;
        const answer = await pending.catch((e: Error) => ({ status: 0, json: { error: { code: e.message } } }));
        if (answer.status >= 200 && answer.status < 300) latencies.push(performance.now() - t0);
        else bump(errors, answer);
      }
    }),
  );
  return summarise(route, `peak, ${concurrency} at once`, latencies, errors, sent, performance.now() - started);
}

/** `rate` requests a second on a fixed schedule for `seconds`; latency counts from when each was due. */
async function openLoop(route: string, op: Op, rate: number, seconds = SECONDS): Promise<Stats> {
  const latencies: number[] = [];
  const errors: Record<string, number> = {};
  const running: Promise<void>[] = [];
  const started = performance.now();
  const total = Math.floor(rate * seconds);
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    const pending = op();
    if (!pending) break;
    running.push(
      pending.then(
        (answer) => {
          if (answer.status >= 200 && answer.status < 300) latencies.push(performance.now() - due);
          else bump(errors, answer);
        },
        (e: Error) => void (errors[e.message] = (errors[e.message] ?? 0) + 1),
      ),
    );
  }
  await Promise.all(running);
  return summarise(route, `half, ${Math.round(rate)}/s scheduled`, latencies, errors, running.length, performance.now() - started);
}

interface Started {
  start: StartAttemptResponse;
  at: number;
  jws?: string;
}

async function measure(store: 'sqlite' | 'postgres'): Promise<Stats[]> {
  const schema = `load_${randomBytes(5).toString('hex')}`;
  const env: Record<string, string> = {
    LIVEPROOF_RATE_LIMIT: 'off',
    ...(store === 'postgres' ? { DATABASE_URL, LIVEPROOF_PG_SCHEMA: schema, LIVEPROOF_KEK: randomBytes(32).toString('base64') } : {}),
    // A CPU profile of the server's main thread, written when it exits (--cpu-prof is not allowed in NODE_OPTIONS).
    ...(args.profile ? { NODE_OPTIONS: `--require ${resolve(args.profile, 'hook.cjs')}`, PROFILE_DIR: resolve(args.profile) } : {}),
  };
  const server = await startServer(env);
  const { call, close } = client(server);
  const results: Stats[] = [];
  const keys = Array.from({ length: 8 }, attemptKey);
  const sessions: { id: string; clientToken: string; uses: number }[] = [];
  const createSession = () => call('POST', '/v1/sessions', server.apiKey, { candidateRef: 'cand-load', interviewRef: 'int-load', audience: 'dev-ats' }).then((a) => {
    if (a.status === 201) sessions.push({ id: a.json.id as string, clientToken: a.json.clientToken as string, uses: 0 });
    return a;
  });
  const pools: [Started[], Started[]] = [[], []];
  let k = 0;
  const startAttempt = (into: Started[]) => () => {
    const session = sessions.find((s) => s.uses < 3);
    if (!session) return null;
    session.uses++;
    const key = keys[k++ % keys.length]!;
    return call('POST', `/v1/sessions/${session.id}/attempts`, session.clientToken, { publicKey: key.publicJwk }).then((a) => {
      if (a.status === 201) into.push({ start: a.json as unknown as StartAttemptResponse, at: Date.now(), jws: signCompact(resultPayload(a.json as unknown as StartAttemptResponse, stillTrace((a.json as unknown as StartAttemptResponse).plan.challenges, 6000)), key.privateKey) });
      return a;
    });
  };
  const tokens: string[] = [];
  const postResult = (from: Started[]) => () => {
    const next = from.shift();
    if (!next) return null;
    return call('POST', `/v1/attempts/${next.start.attemptId}/result`, undefined, { result: next.jws }).then((a) => {
      if (a.status === 200) tokens.push(a.json.token as string);
      return a;
    });
  };
  let t = 0;
  const introspect = () => (tokens.length ? call('POST', '/v1/tokens/introspect', server.apiKey, { token: tokens[t++ % tokens.length] }) : null);
  const list = () => call('GET', '/v1/attempts?limit=50', server.apiKey);

  try {
    const peakOf = async (route: string, op: Op, concurrency?: number) => {
      const stats = await closedLoop(route, op, concurrency);
      results.push(stats);
      return stats.perSecond;
    };
    const half = async (route: string, op: Op, peak: number) => results.push(await openLoop(route, op, Math.max(1, peak / 2)));

    const sessionPeak = await peakOf('POST /v1/sessions', createSession);
    await half('POST /v1/sessions', createSession, sessionPeak);
    const attemptPeak = await peakOf('POST /v1/sessions/{id}/attempts', startAttempt(pools[0]));
    await half('POST /v1/sessions/{id}/attempts', startAttempt(pools[1]), attemptPeak);
    // A result may not span more time than passed since its attempt started: 6 s of trace, 6.5 s of wait.
    const ready = (pool: Started[]) => sleep(Math.max(0, (pool[0]?.at ?? 0) + 6_500 - Date.now()));
    await ready(pools[0]);
    const resultPeak = await peakOf('POST /v1/attempts/{id}/result', postResult(pools[0]), 16);
    await ready(pools[1]);
    await half('POST /v1/attempts/{id}/result', postResult(pools[1]), resultPeak);
    const introspectPeak = await peakOf('POST /v1/tokens/introspect', introspect);
    await half('POST /v1/tokens/introspect', introspect, introspectPeak);
    const listPeak = await peakOf('GET /v1/attempts', list, 16);
    await half('GET /v1/attempts', list, listPeak);
    results.push(await healthUnderFlood(server, call));
  } finally {
    await close();
    await server.stop();
    if (store === 'postgres') {
      const sql = postgres(DATABASE_URL, { onnotice: () => undefined });
      await sql.unsafe(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await sql.end();
    }
  }
  return results;
}

/**
 * The largest result a plan allows, as `maxFramesFor` and `maxResultBytesFor` in
 * packages/server/src/domain/evidence.ts compute it (the harness does not import the server); the
 * flood checks it against the server's own refusal of one byte more.
 */
function limitsFor(plan: { issuedAt: number; expiresAt: number }) {
  const frames = Math.ceil(((CURRENT_THRESHOLDS.positioning.baselineMs + 2000 + (plan.expiresAt - plan.issuedAt)) / 1000) * 60);
  return { frames, bytes: Math.ceil(((frames * 400 + 96_000 + 16_000) * 4) / 3) };
}

/** `/v1/health`, one request at a time on a connection of its own, while 50 of the largest results the plan allows arrive at once. */
async function healthUnderFlood(server: RunningServer, call: (method: string, path: string, token: string | undefined, body?: unknown) => Promise<Answer>): Promise<Stats> {
  const key = attemptKey();
  const jws: { id: string; jws: string }[] = [];
  let bytes = 0;
  for (let i = 0; i < 50; i++) {
    const session = await call('POST', '/v1/sessions', server.apiKey, { candidateRef: 'cand-flood', interviewRef: 'int-flood', audience: 'dev-ats' });
    const start = (await call('POST', `/v1/sessions/${session.json.id as string}/attempts`, session.json.clientToken as string, { publicKey: key.publicJwk })).json as unknown as StartAttemptResponse;
    const { frames, bytes: limit } = limitsFor({ issuedAt: Date.parse(start.plan.issuedAt), expiresAt: Date.parse(start.plan.expiresAt) });
    if (i === 0) {
      const refusal = await call('POST', `/v1/attempts/${start.attemptId}/result`, undefined, { result: 'x'.repeat(limit + 1) });
      if (!String((refusal.json.error as { message?: string } | undefined)?.message).includes(`at most ${limit} bytes`)) throw new Error(`the server's limit is not ${limit}: ${JSON.stringify(refusal.json)}`);
    }
    // Every frame the plan allows, every field set with full-precision numbers, packed into one second.
    const trace = stillTrace(start.plan.challenges, 1000, frames);
    for (const [n, frame] of trace.frames.entries()) {
      const x = (v: number) => v + ((n * 7919) % 1000) / 1e13;
      Object.assign(frame, { box: frame.box!.map(x), pose: frame.pose!.map(x), bs: frame.bs!.map(x), luma: x(120), rgb: [x(140), x(110), x(100)] });
    }
    let signed = signCompact({ ...resultPayload(start, trace), referenceImage: { type: 'image/jpeg', data: 'A'.repeat(64_000) } }, key.privateKey);
    while (signed.length > limit) {
      trace.frames.splice(-Math.ceil(((signed.length - limit) / signed.length) * trace.frames.length) - 1);
      signed = signCompact(resultPayload(start, trace), key.privateKey);
    }
    bytes = signed.length;
    jws.push({ id: start.attemptId, jws: JSON.stringify({ result: signed }) });
  }
  const health = new Client(server.url);
  const latencies: number[] = [];
  let flooding = true;
  const probe = (async () => {
    while (flooding) {
      const t0 = performance.now();
      const response = await health.request({ method: 'GET', path: '/v1/health' });
      await response.body.text();
      latencies.push(performance.now() - t0);
      await sleep(5);
    }
  })();
  const floodStart = performance.now();
  const statuses = await Promise.all(jws.map((r) => call('POST', `/v1/attempts/${r.id}/result`, undefined, r.jws).then((a) => `${a.status} ${(a.json.error as { code?: string } | undefined)?.code ?? (a.json.result as string)}`)));
  const floodMs = performance.now() - floodStart;
  flooding = false;
  await probe;
  await health.close();
  const counts: Record<string, number> = {};
  for (const s of statuses) counts[`results ${s}`] = (counts[`results ${s}`] ?? 0) + 1;
  const stats = summarise('GET /v1/health', `during 50 results of ${(bytes / 1e6).toFixed(2)} MB at once (${Math.round(floodMs)} ms in all)`, latencies, counts, latencies.length, floodMs);
  return { ...stats, p99: Math.max(stats.p99, 0), errors: { ...counts, [`max ${Math.round(Math.max(...latencies))} ms`]: 1 } };
}

function print(store: string, stats: Stats[], cpu: NodeJS.CpuUsage, wallMs: number) {
  console.log(`\n${store}`);
  console.log(`  ${'route'.padEnd(34)} ${'load'.padEnd(58)} ${'ok/s'.padStart(7)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)}  errors`);
  for (const s of stats) {
    const errors = Object.entries(s.errors).map(([k, v]) => `${k}×${v}`).join(', ') || '0';
    console.log(`  ${s.route.padEnd(34)} ${s.mode.padEnd(58)} ${s.perSecond.toFixed(0).padStart(7)} ${s.p50.toFixed(1).padStart(7)} ${s.p99.toFixed(1).padStart(7)}  ${errors}`);
  }
  console.log(`  load generator CPU: ${((cpu.user + cpu.system) / 1000 / wallMs * 100).toFixed(0)}% of one core over ${(wallMs / 1000).toFixed(0)} s`);
}

const stores = args.store ? [args.store as 'sqlite' | 'postgres'] : (['sqlite', 'postgres'] as const);
for (const store of stores) {
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  const stats = await measure(store);
  print(store === 'sqlite' ? 'SQLite' : 'PostgreSQL', stats, process.cpuUsage(cpu), performance.now() - t0);
}
