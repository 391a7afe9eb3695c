/**
 * The two real stores the fuzz tests drive, each with a second, raw connection to the same database
 * for reading what the store wrote without going through its code: SQLite in a temporary file, and
 * PostgreSQL (`LIVEPROOF_TEST_DATABASE_URL`, default the local `test` database) in a throwaway
 * schema, dropped afterwards. Nothing is skipped when PostgreSQL is unreachable: those tests fail.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import postgres from 'postgres';
import { createPostgresStore } from '../adapters/postgres/store.ts';
import { createSqliteStore } from '../adapters/sqlite/store.ts';
import type { Store } from '../store.ts';

export type RawRow = Record<string, unknown>;

export interface StoreTarget {
  name: 'SQLite' | 'PostgreSQL';
  store: Store;
  /** A read-only query on the raw database; table and column names as the migrations made them. */
  query(sql: string): Promise<RawRow[]>;
  dispose(): Promise<void>;
}

export const DATABASE_URL = process.env.LIVEPROOF_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export function sqliteTarget(): StoreTarget {
  const dir = mkdtempSync(join(tmpdir(), 'liveproof-fuzz-'));
  const path = join(dir, 'liveproof.db');
  const store = createSqliteStore({ path });
  let raw: Database.Database | undefined;
  return {
    name: 'SQLite',
    store,
    async query(sql) {
      raw ??= new Database(path, { readonly: true });
      return raw.prepare(sql).all() as RawRow[];
    },
    async dispose() {
      raw?.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function postgresTarget(prefix = 'liveproof_fuzz'): StoreTarget {
  const schema = `${prefix}_${randomBytes(5).toString('hex')}`;
  const store = createPostgresStore({ url: DATABASE_URL, schema, max: 10 });
  const admin = postgres(DATABASE_URL, { max: 1, onnotice: () => {} });
  return {
    name: 'PostgreSQL',
    store,
    async query(sql) {
      return admin.begin(async (tx) => {
        await tx.unsafe(`SET LOCAL search_path TO ${schema}`);
        return [...(await tx.unsafe(sql))] as RawRow[];
      });
    },
    async dispose() {
      await store.close();
      await admin`DROP SCHEMA IF EXISTS ${admin(schema)} CASCADE`;
      await admin.end({ timeout: 5 });
    },
  };
}

/**
 * What a refused request must leave as it was: everything but the record of refusals itself (a
 * refusal of a valid credential is audited as `request_refused`; others are counted per window).
 */
export async function storeFingerprint(target: StoreTarget): Promise<string> {
  const tables = ['integrations', 'api_keys', 'admin_keys', 'signing_keys', 'sessions', 'attempts', 'rechecks', 'webhook_endpoints', 'webhook_messages', 'revoked_tokens', 'audiences', 'reference_images'];
  const rows = await target.query(
    `SELECT ${tables.map((t) => `(SELECT count(*) FROM ${t}) AS ${t}`).join(', ')},
       (SELECT count(*) FROM events WHERE type <> 'request_refused') AS events,
       (SELECT count(*) FROM attempts WHERE status <> 'started') AS completed,
       (SELECT count(*) FROM attempts WHERE revoked_at IS NOT NULL) AS revoked,
       (SELECT count(*) FROM webhook_endpoints WHERE disabled_at IS NOT NULL) AS disabled,
       (SELECT count(*) FROM api_keys WHERE revoked_at IS NOT NULL OR expires_at IS NOT NULL) AS ended_keys,
       (SELECT count(*) FROM admin_keys WHERE revoked_at IS NOT NULL) AS revoked_admin_keys,
       (SELECT count(*) FROM signing_keys WHERE retired_at IS NOT NULL) AS retired_signing_keys`,
  );
  return JSON.stringify(Object.fromEntries(Object.entries(rows[0]!).map(([k, v]) => [k, Number(v)])));
}
