/**
 * `pnpm flood`: what a flood of requests nobody can be held to leaves in the database. Starts the
 * built server as the README's start does (rate limits on, SQLite), sends 10,000 requests without a
 * valid credential (none, made-up API keys, forged and garbage tokens, junk bodies, unknown ids,
 * signed-looking results for attempts that do not exist) spread over every route group, stops the
 * server (which writes its last counted refusals) and prints the rows each table gained. A
 * benchmark command, not a test: it prints figures.
 *
 *   pnpm flood [--requests 10000] [--concurrency 32]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { Pool } from 'undici';
import { startServer } from '../src/index.ts';

const { values: args } = parseArgs({ options: { requests: { type: 'string', default: '10000' }, concurrency: { type: 'string', default: '32' } } });
const REQUESTS = Number(args.requests);
const CONCURRENCY = Number(args.concurrency);

const fakeJwt = (typ: string) =>
  [{ alg: 'ES256', typ, kid: 'nope' }, { sub: 'ses_x', exp: 9e9 }].map((p) => Buffer.from(JSON.stringify(p)).toString('base64url')).join('.') + '.c2ln';

/** Requests nobody can be held to, one per route group and kind of junk. */
const REQUEST_KINDS: { method: string; path: string; headers?: Record<string, string>; body?: string }[] = [
  { method: 'POST', path: '/v1/sessions', body: '{"candidateRef":"c","interviewRef":"i","audience":"dev-ats"}' },
  { method: 'POST', path: '/v1/sessions', headers: { authorization: 'Bearer lp_made_up_key_0000000000' }, body: '{}' },
  { method: 'GET', path: '/v1/attempts?limit=50', headers: { authorization: 'Bearer lp_guess' } },
  { method: 'POST', path: '/v1/tokens/introspect', headers: { authorization: 'Bearer lp_guess' }, body: 'token=x' },
  { method: 'POST', path: '/v1/sessions/ses_aaaaaaaaaaaaaaaaaaaaaaaa/attempts', headers: { authorization: `Bearer ${fakeJwt('liveproof-client+jwt')}` }, body: '{}' },
  { method: 'POST', path: '/v1/sessions/ses_aaaaaaaaaaaaaaaaaaaaaaaa/attempts', body: 'not json' },
  { method: 'POST', path: '/v1/attempts/att_aaaaaaaaaaaaaaaaaaaaaaaa/result', body: JSON.stringify({ result: `${fakeJwt('x')}` }) },
  { method: 'POST', path: '/v1/attempts/att_aaaaaaaaaaaaaaaaaaaaaaaa/stop', body: '{"result":"a.b.c"}' },
  { method: 'GET', path: `/v1/sessions/ses_aaaaaaaaaaaaaaaaaaaaaaaa/events?access_token=${fakeJwt('liveproof-viewer+jwt')}` },
  { method: 'GET', path: '/v1/sessions/ses_aaaaaaaaaaaaaaaaaaaaaaaa/summary', headers: { authorization: 'Bearer garbage' } },
  { method: 'GET', path: '/v1/admin/integrations', headers: { authorization: 'Bearer lpadm_guess' } },
  { method: 'POST', path: '/v1/admin/integrations', body: '{"name":"x","audiences":["x"]}' },
];

// A data directory of our own (LIVEPROOF_DATA_DIR), so the database outlives the server's stop.
const dataDir = mkdtempSync(join(tmpdir(), 'liveproof-flood-'));
const server = await startServer({ LIVEPROOF_DATA_DIR: dataDir });
const dbPath = join(dataDir, 'liveproof.db');

function rowCounts(): Record<string, number> {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").pluck().all() as string[];
    return Object.fromEntries(tables.map((t) => [t, (db.prepare(`SELECT count(*) FROM "${t}"`).pluck().get() as number)]));
  } finally {
    db.close();
  }
}

const before = rowCounts();
const pool = new Pool(server.url, { connections: CONCURRENCY });
const statuses = new Map<string, number>();
let next = 0;
const started = performance.now();
await Promise.all(
  Array.from({ length: CONCURRENCY }, async () => {
    while (next < REQUESTS) {
      const kind = REQUEST_KINDS[next++ % REQUEST_KINDS.length]!;
      const response = await pool.request({
        method: kind.method as 'GET',
        path: kind.path,
        headers: { ...(kind.body ? { 'content-type': kind.path.endsWith('introspect') ? 'application/x-www-form-urlencoded' : 'application/json' } : {}), ...kind.headers },
        ...(kind.body ? { body: kind.body } : {}),
      });
      const text = await response.body.text();
      const code = (() => {
        try {
          return (JSON.parse(text) as { error?: { code?: string } }).error?.code ?? '';
        } catch {
          return '';
        }
      })();
      const key = `${response.statusCode} ${code}`.trim();
      statuses.set(key, (statuses.get(key) ?? 0) + 1);
    }
  }),
);
const seconds = (performance.now() - started) / 1000;
await pool.close();
// A graceful stop writes the refusals counted in the current window.
await server.stop();
const after = rowCounts();
rmSync(dataDir, { recursive: true, force: true });

console.log(`${REQUESTS} requests without a valid credential in ${seconds.toFixed(1)} s (${Math.round(REQUESTS / seconds)}/s), rate limits on as shipped`);
console.log('  answers:');
for (const [key, n] of [...statuses].sort((a, b) => b[1] - a[1])) console.log(`    ${String(n).padStart(6)}  ${key}`);
console.log('  rows the database gained:');
let total = 0;
for (const [table, n] of Object.entries(after)) {
  const gained = n - (before[table] ?? 0);
  total += gained;
  if (gained !== 0) console.log(`    ${String(gained).padStart(6)}  ${table}`);
}
console.log(`    ${String(total).padStart(6)}  in all`);
