/**
 * Crashes under load: the built server as real processes, killed with SIGKILL in the middle of a
 * stream of sessions, attempts and signed results while a webhook endpoint (a receiver in this
 * test) is registered; then restarted on the same data (SQLite, and PostgreSQL), or left dead
 * while a second instance on the same PostgreSQL database carries on.
 *
 * The guarantees checked:
 * - durability of acknowledged writes: every request that got a 2xx answer is in the store
 *   afterwards, read back through the API (the session, its attempt, the attempt's result);
 * - webhooks, at least once per message and exactly once per `webhook-id`: a message the dying
 *   process was delivering may come again after the crash (its lease runs out and it is sent
 *   again), always under the same `webhook-id` and with the same body, so a receiver that
 *   dedupes by `webhook-id` sees every event exactly once. Every event of an acknowledged result
 *   (`attempt.completed`, then `session.failed` for these one-attempt sessions) arrives, each
 *   event has exactly one `webhook-id`, and every message in the outbox arrives.
 *
 * Results are a still face over one second (no wait for the server's clock check): they score
 * and fail, which ends each one-attempt session with `session.failed`.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import type { StartAttemptResponse } from '@liveproof/protocol';
import { verifyWebhook } from '@liveproof/verify';
import { attemptKey, resultPayload, signCompact, startServer, stillTrace, type RunningServer } from '@liveproof/eval';

const DATABASE_URL = process.env.LIVEPROOF_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const API_KEY = `lp_crash_${randomBytes(12).toString('base64url')}`;

/** Load comes from this one process (no per-address limits); webhooks are polled often and time out fast, so a dead process's lease (3 × timeout + 5 s) runs out within the test. */
const BASE_ENV = { LIVEPROOF_RATE_LIMIT: 'off', LIVEPROOF_API_KEY: API_KEY, LIVEPROOF_WEBHOOK_POLL_MS: '100', LIVEPROOF_WEBHOOK_TIMEOUT_MS: '500', LIVEPROOF_WEBHOOK_RETRY_MS: '300,300,300,300,300,300' };

interface Delivery {
  id: string;
  body: string;
  key: string;
}

/** The hiring system's receiver: verifies each signature, answers 204, and keeps everything it got. */
function receiver() {
  const deliveries: Delivery[] = [];
  /** Deliveries whose signature did not verify. */
  const forged: string[] = [];
  let secret = '';
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      try {
        const event = verifyWebhook<{ attemptId?: string; sessionId: string }>(body, req.headers as IncomingHttpHeaders as Record<string, string>, secret);
        deliveries.push({ id: event.id, body, key: event.type === 'attempt.completed' ? `${event.type} ${event.data.attemptId}` : `${event.type} ${event.data.sessionId}` });
        res.writeHead(204).end();
      } catch (error) {
        forged.push(String(error));
        res.writeHead(400).end();
      }
    });
  });
  return {
    deliveries,
    forged,
    setSecret: (value: string) => (secret = value),
    async listen() {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const address = server.address();
      return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/hooks`;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

interface Acknowledged {
  sessions: string[];
  attempts: Map<string, string>;
  results: Map<string, string>;
}

/** Candidates, one after another on each of `workers`, against whichever servers are alive. */
/** Each worker's pause between candidates: at most about 60 candidates a second over six workers. */
const PACE_MS = 80;

function load(live: () => RunningServer[], workers = 6) {
  const ack: Acknowledged = { sessions: [], attempts: new Map(), results: new Map() };
  let running = true;
  let refused = 0;
  let cut = 0;
  let n = 0;
  const call = async (server: RunningServer, path: string, token: string, body: unknown) => {
    const response = await fetch(`${server.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { ok: response.ok, json: (await response.json()) as Record<string, unknown> };
  };
  const key = attemptKey();
  const candidate = async () => {
    const servers = live();
    const server = servers[n++ % servers.length];
    if (!server) return sleep(20); // none alive: wait for the restart
    const session = await call(server, '/v1/sessions', API_KEY, { candidateRef: `cand-${n}`, interviewRef: 'crash', audience: 'dev-ats', attemptLimit: 1 });
    if (!session.ok) return void refused++;
    const sessionId = session.json.id as string;
    ack.sessions.push(sessionId);
    const started = await call(server, `/v1/sessions/${sessionId}/attempts`, session.json.clientToken as string, { publicKey: key.publicJwk });
    if (!started.ok) return void refused++;
    const start = started.json as unknown as StartAttemptResponse;
    ack.attempts.set(start.attemptId, sessionId);
    const jws = signCompact(resultPayload(start, stillTrace(start.plan.challenges, 1000)), key.privateKey);
    const result = await call(server, `/v1/attempts/${start.attemptId}/result`, '', { result: jws });
    if (result.ok) ack.results.set(start.attemptId, sessionId);
    else refused++;
  };
  const done = Promise.all(
    Array.from({ length: workers }, async () => {
      while (running) {
        await candidate().catch(() => void cut++); // a killed server drops its connections
        // Paced, so that a fast machine's outbox still fits the one page (500) the check reads.
        await sleep(PACE_MS);
      }
    }),
  );
  return { ack, refusedCount: () => refused, cutCount: () => cut, stop: async () => ((running = false), await done) };
}

async function kill(server: RunningServer) {
  const exited = new Promise((resolve) => server.process.once('exit', resolve));
  server.process.kill('SIGKILL');
  await exited;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

/** Everything acknowledged is in the store, and every event reached the receiver once by webhook-id. */
async function verify(server: RunningServer, ack: Acknowledged, hook: ReturnType<typeof receiver>, endpointId: string) {
  const get = async (path: string) => (await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${API_KEY}` } })).json() as Promise<Record<string, unknown>>;
  for (const sessionId of ack.sessions) {
    const view = (await get(`/v1/sessions/${sessionId}`)) as { id?: string; attempts?: { id: string; status: string }[] };
    expect(view.id, `acknowledged session ${sessionId}`).toBe(sessionId);
    for (const [attemptId, owner] of ack.attempts) {
      if (owner !== sessionId) continue;
      const attempt = view.attempts?.find((a) => a.id === attemptId);
      expect(attempt, `acknowledged attempt ${attemptId}`).toBeDefined();
      if (ack.results.has(attemptId)) expect(['passed', 'failed'], `acknowledged result of ${attemptId}`).toContain(attempt!.status);
    }
  }
  const expected = [...ack.results].flatMap(([attemptId, sessionId]) => [`attempt.completed ${attemptId}`, `session.failed ${sessionId}`]);
  await expect.poll(() => expected.filter((k) => !hook.deliveries.some((d) => d.key === k)).length, { timeout: 20_000, interval: 200 }).toBe(0);
  const outbox = async () => ((await get(`/v1/webhooks/${endpointId}/messages?limit=500`)) as { messages: { id: string; status: string }[] }).messages;
  await expect.poll(async () => (await outbox()).filter((m) => m.status !== 'delivered').length, { timeout: 20_000, interval: 200 }).toBe(0);
  const messages = await outbox();
  expect(messages.length, 'the whole outbox fits in one page').toBeLessThan(500);
  expect(hook.forged).toEqual([]);
  const received = new Set(hook.deliveries.map((d) => d.id));
  expect(messages.filter((m) => !received.has(m.id)).map((m) => m.id)).toEqual([]);
  const idsByEvent = new Map<string, Set<string>>();
  for (const d of hook.deliveries) (idsByEvent.get(d.key) ?? idsByEvent.set(d.key, new Set()).get(d.key)!).add(d.id);
  expect([...idsByEvent].filter(([, ids]) => ids.size !== 1).map(([key]) => key), 'events sent under more than one webhook-id').toEqual([]);
  const bodyById = new Map<string, string>();
  for (const d of hook.deliveries) expect(bodyById.set(d.id, bodyById.get(d.id) ?? d.body).get(d.id), `a re-sent ${d.id} with another body`).toBe(d.body);
  return { deliveries: hook.deliveries.length, distinct: received.size, duplicates: hook.deliveries.length - received.size, outbox: messages.length };
}

async function scenario(name: string, env: Record<string, string>, instances: 1 | 2) {
  const hook = receiver();
  cleanups.push(() => hook.close());
  const url = await hook.listen();
  const servers: RunningServer[] = [];
  for (let i = 0; i < instances; i++) servers.push(await startServer(env));
  cleanups.push(async () => {
    for (const s of servers) if (s.process.exitCode === null && s.process.signalCode === null) await s.stop();
  });
  const registered = await fetch(`${servers[0]!.url}/v1/webhooks`, { method: 'POST', headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ url }) });
  const endpoint = (await registered.json()) as { id: string; secret: string };
  hook.setSecret(endpoint.secret);

  let alive = [...servers];
  const traffic = load(() => alive);
  await sleep(1_500);
  const victim = servers[0]!;
  alive = alive.filter((s) => s !== victim);
  await kill(victim);
  const beforeRestart = traffic.ack.results.size;
  if (instances === 1) {
    await sleep(300);
    const restarted = await startServer(env);
    servers.push(restarted);
    alive = [restarted];
  }
  await sleep(1_500);
  await traffic.stop();
  const figures = await verify(alive[0]!, traffic.ack, hook, endpoint.id);
  console.log(
    `crash (${name}): ${traffic.ack.sessions.length} sessions, ${traffic.ack.attempts.size} attempts, ${traffic.ack.results.size} results acknowledged ` +
      `(${beforeRestart} before the kill); ${traffic.refusedCount()} requests refused, ${traffic.cutCount()} cut by the kill; webhooks: ${figures.outbox} messages, ${figures.deliveries} deliveries, ` +
      `${figures.duplicates} duplicates of ${figures.distinct} webhook-ids`,
  );
  expect(beforeRestart).toBeGreaterThan(0);
  expect(traffic.ack.results.size).toBeGreaterThan(beforeRestart);
}

describe('a server killed in the middle of load', () => {
  it('on SQLite, restarted on the same data directory, keeps every acknowledged write and delivers every event once by webhook-id', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'liveproof-crash-'));
    cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    await scenario('SQLite, kill and restart', { ...BASE_ENV, LIVEPROOF_DATA_DIR: dataDir }, 1);
  }, 60_000);

  describe('on PostgreSQL', () => {
    const schemas: string[] = [];
    afterAll(async () => {
      const sql = postgres(DATABASE_URL, { onnotice: () => undefined });
      for (const schema of schemas) await sql.unsafe(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await sql.end();
    });
    const env = () => {
      const schema = `liveproof_crash_${randomBytes(5).toString('hex')}`;
      schemas.push(schema);
      return { ...BASE_ENV, DATABASE_URL, LIVEPROOF_PG_SCHEMA: schema, LIVEPROOF_KEK: randomBytes(32).toString('base64') };
    };

    it('restarted, keeps every acknowledged write and delivers every event once by webhook-id', async () => {
      await scenario('PostgreSQL, kill and restart', env(), 1);
    }, 60_000);

    it('with two instances, one killed while the other goes on, loses nothing and sends each event under one webhook-id', async () => {
      await scenario('PostgreSQL, two instances, one killed', env(), 2);
    }, 60_000);
  });
});
