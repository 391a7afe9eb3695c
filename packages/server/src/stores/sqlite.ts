/**
 * The embedded store: one SQLite file (WAL, foreign keys on) through the synchronous
 * better-sqlite3 driver, wrapped in async methods to satisfy `Store`. For a single server instance
 * and for trying Liveproof out; several instances share PostgreSQL instead.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { AttemptRecord, AttemptRefusal, AuditEventRecord, NewAttempt, Store } from '../store.ts';
import {
  attemptFromRow,
  eventFromRow,
  eventValues,
  integrationFromRow,
  integrationValues,
  newAttemptValues,
  outcomeValues,
  sessionFromRow,
  sessionValues,
  signingKeyFromRow,
  signingKeyValues,
} from './schema.ts';
import type {
  AttemptRow,
  EventRow,
  IntegrationRow,
  JsonCodec,
  Migration,
  RowValues,
  SessionRow,
  SigningKeyRow,
  SqlValue,
} from './schema.ts';

const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE integrations (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        api_key_hash TEXT NOT NULL,
        audiences TEXT NOT NULL,
        virtual_camera_policy TEXT NOT NULL CHECK (virtual_camera_policy IN ('flag', 'reject')),
        light_opt_out_policy TEXT NOT NULL CHECK (light_opt_out_policy IN ('flag', 'reject')),
        created_at INTEGER NOT NULL
      ) STRICT;
      CREATE UNIQUE INDEX integrations_api_key_hash ON integrations (api_key_hash);

      CREATE TABLE signing_keys (
        kid TEXT PRIMARY KEY,
        alg TEXT NOT NULL,
        public_jwk TEXT NOT NULL,
        private_jwk TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        retired_at INTEGER
      ) STRICT;

      CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        integration_id TEXT NOT NULL REFERENCES integrations (id),
        candidate_ref TEXT NOT NULL,
        interview_ref TEXT NOT NULL,
        audience TEXT NOT NULL,
        attempt_limit INTEGER NOT NULL,
        challenge_count INTEGER NOT NULL,
        token_ttl_seconds INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      ) STRICT;

      -- UNIQUE (session_id, sequence) leads with session_id, so it is also the index for
      -- looking attempts up by session.
      CREATE TABLE attempts (
        id TEXT PRIMARY KEY,
        session_id TEXT NOT NULL REFERENCES sessions (id),
        sequence INTEGER NOT NULL CHECK (sequence >= 1),
        status TEXT NOT NULL CHECK (status IN ('started', 'passed', 'failed')),
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        nonce TEXT NOT NULL,
        challenges TEXT NOT NULL,
        plan_token TEXT NOT NULL,
        public_jwk TEXT NOT NULL,
        key_thumbprint TEXT NOT NULL,
        ip TEXT,
        user_agent TEXT,
        device TEXT,
        completed_at INTEGER,
        reasons TEXT NOT NULL,
        steps TEXT NOT NULL,
        signals TEXT NOT NULL,
        trace TEXT,
        timings TEXT,
        result_ip TEXT,
        result_user_agent TEXT,
        UNIQUE (session_id, sequence),
        CHECK ((status = 'started') = (completed_at IS NULL))
      ) STRICT;

      -- No foreign keys: the audit log also records refusals about sessions that do not exist.
      CREATE TABLE events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL,
        type TEXT NOT NULL,
        session_id TEXT,
        attempt_id TEXT,
        integration_id TEXT,
        code TEXT,
        ip TEXT,
        user_agent TEXT,
        detail TEXT NOT NULL
      ) STRICT;
      CREATE INDEX events_session_id ON events (session_id);
      CREATE INDEX events_attempt_id ON events (attempt_id);
    `,
  },
];

const BUSY_TIMEOUT_MS = 5_000;

/** JSON columns are TEXT. */
const json: JsonCodec<string> = {
  encode: (value) => (value === null || value === undefined ? null : JSON.stringify(value)),
  decode: (value) => (typeof value === 'string' ? JSON.parse(value) : null),
};

function openDatabase(path: string): Database.Database {
  if (path !== ':memory:' && path !== '') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  return db;
}

export function createSqliteStore(options: { path: string }): Store {
  const db = openDatabase(options.path);
  const statements = new Map<string, Database.Statement>();

  function prepare(sql: string): Database.Statement {
    let statement = statements.get(sql);
    if (statement === undefined) {
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  }

  function insert(table: string, values: RowValues<string>, returning = false): unknown {
    const columns = Object.keys(values);
    const sql = `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`;
    if (!returning) return prepare(sql).run(values);
    return prepare(`${sql} RETURNING *`).get(values);
  }

  const migrate = db.transaction(() => {
    db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL) STRICT');
    const applied = new Set(db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[]);
    for (const migration of MIGRATIONS) {
      if (applied.has(migration.version)) continue;
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(migration.version, Date.now());
    }
  });

  const createAttempt = db.transaction((attempt: NewAttempt): AttemptRecord | AttemptRefusal => {
    const session = prepare('SELECT attempt_limit FROM sessions WHERE id = ?').get(attempt.sessionId) as
      | { attempt_limit: number }
      | undefined;
    if (session === undefined) return 'session_not_found';
    const used = prepare(
      `SELECT COUNT(*) AS count, COUNT(*) FILTER (WHERE status = 'passed') AS passed
       FROM attempts WHERE session_id = ?`,
    ).get(attempt.sessionId) as { count: number; passed: number };
    if (used.passed > 0) return 'session_passed';
    if (used.count >= session.attempt_limit) return 'limit_reached';
    const row = insert('attempts', newAttemptValues(attempt, used.count + 1, json), true) as AttemptRow;
    return attemptFromRow(row, json);
  });

  return {
    async migrate() {
      // IMMEDIATE takes the write lock first, so two processes on one file migrate one at a time.
      migrate.immediate();
    },
    async close() {
      if (db.open) db.close();
    },

    async insertIntegration(integration) {
      insert('integrations', integrationValues(integration, json));
    },
    async findIntegrationByKeyHash(apiKeyHash) {
      const row = prepare('SELECT * FROM integrations WHERE api_key_hash = ?').get(apiKeyHash) as IntegrationRow | undefined;
      return row === undefined ? null : integrationFromRow(row, json);
    },
    async getIntegration(id) {
      const row = prepare('SELECT * FROM integrations WHERE id = ?').get(id) as IntegrationRow | undefined;
      return row === undefined ? null : integrationFromRow(row, json);
    },

    async listSigningKeys() {
      const rows = prepare('SELECT * FROM signing_keys ORDER BY created_at DESC, kid DESC').all() as SigningKeyRow[];
      return rows.map((row) => signingKeyFromRow(row, json));
    },
    async insertSigningKey(key) {
      insert('signing_keys', signingKeyValues(key, json));
    },
    async retireSigningKey(kid, at) {
      prepare('UPDATE signing_keys SET retired_at = ? WHERE kid = ? AND retired_at IS NULL').run(at, kid);
    },

    async insertSession(session) {
      insert('sessions', sessionValues(session));
    },
    async getSession(id) {
      const row = prepare('SELECT * FROM sessions WHERE id = ?').get(id) as SessionRow | undefined;
      return row === undefined ? null : sessionFromRow(row);
    },

    async createAttempt(attempt) {
      return createAttempt.immediate(attempt);
    },
    async getAttempt(id) {
      const row = prepare('SELECT * FROM attempts WHERE id = ?').get(id) as AttemptRow | undefined;
      return row === undefined ? null : attemptFromRow(row, json);
    },
    async listAttempts(sessionId) {
      const rows = prepare('SELECT * FROM attempts WHERE session_id = ? ORDER BY sequence').all(sessionId) as AttemptRow[];
      return rows.map((row) => attemptFromRow(row, json));
    },
    async completeAttempt(id, outcome) {
      const values = outcomeValues(outcome, json);
      const assignments = Object.keys(values).map((column) => `${column} = @${column}`);
      const sql = `UPDATE attempts SET ${assignments.join(', ')} WHERE id = @id AND status = 'started'`;
      return prepare(sql).run({ ...values, id }).changes === 1;
    },

    async appendEvent(event) {
      insert('events', eventValues(event, json));
    },
    async listEvents(filter) {
      const conditions: string[] = [];
      const params: SqlValue[] = [];
      if (filter.sessionId !== undefined) {
        conditions.push('session_id = ?');
        params.push(filter.sessionId);
      }
      if (filter.attemptId !== undefined) {
        conditions.push('attempt_id = ?');
        params.push(filter.attemptId);
      }
      const where = conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`;
      const rows = prepare(`SELECT * FROM events ${where} ORDER BY id`).all(...params) as EventRow[];
      return rows.map((row): AuditEventRecord => eventFromRow(row, json));
    },
  };
}
