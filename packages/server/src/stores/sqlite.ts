/**
 * The embedded store: one SQLite file (WAL, foreign keys on) through the synchronous
 * better-sqlite3 driver, wrapped in async methods to satisfy `Store`. For a single server instance
 * and for trying Liveproof out; several instances share PostgreSQL instead.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { AttemptOutcome, AttemptRecord, AttemptRefusal, AuditEventRecord, NewAttempt, NewWebhookMessage, SessionRecord, Store, WebhookDelivery } from '../store.ts';
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
  newWebhookMessageValues,
  webhookAttemptValues,
  webhookEndpointFromRow,
  webhookEndpointValues,
  webhookMessageFromRow,
  recheckFromRow,
  recheckValues,
  referenceImageFromRow,
  referenceImageValues,
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
  WebhookEndpointRow,
  WebhookMessageRow,
  RecheckRow,
  ReferenceImageRow,
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
  {
    version: 2,
    sql: `
      CREATE TABLE webhook_endpoints (
        id TEXT PRIMARY KEY,
        integration_id TEXT NOT NULL REFERENCES integrations (id),
        url TEXT NOT NULL,
        secret TEXT NOT NULL,
        events TEXT NOT NULL,
        created_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX webhook_endpoints_integration_id ON webhook_endpoints (integration_id);

      -- The outbox. No foreign key to the endpoint: a deleted endpoint's history stays on record.
      CREATE TABLE webhook_messages (
        id TEXT PRIMARY KEY,
        endpoint_id TEXT NOT NULL,
        integration_id TEXT NOT NULL,
        type TEXT NOT NULL,
        body TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
        attempts INTEGER NOT NULL,
        next_attempt_at INTEGER,
        last_attempt_at INTEGER,
        last_response_status INTEGER,
        last_error TEXT,
        delivered_at INTEGER,
        CHECK ((status = 'pending') = (next_attempt_at IS NOT NULL))
      ) STRICT;
      CREATE INDEX webhook_messages_due ON webhook_messages (next_attempt_at) WHERE status = 'pending';
      CREATE INDEX webhook_messages_integration ON webhook_messages (integration_id, created_at);

      ALTER TABLE attempts ADD COLUMN revoked_at INTEGER;
      ALTER TABLE attempts ADD COLUMN kind TEXT NOT NULL DEFAULT 'check' CHECK (kind IN ('check', 'recheck'));
      ALTER TABLE integrations ADD COLUMN reference_image_days INTEGER CHECK (reference_image_days BETWEEN 1 AND 365);
      CREATE TABLE reference_images (
        attempt_id TEXT PRIMARY KEY REFERENCES attempts (id),
        session_id TEXT NOT NULL,
        content_type TEXT NOT NULL,
        data BLOB NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX reference_images_expires ON reference_images (expires_at);
      CREATE TABLE rechecks (
        id TEXT PRIMARY KEY,
        session_id TEXT NOT NULL REFERENCES sessions (id),
        requested_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        attempt_id TEXT UNIQUE REFERENCES attempts (id)
      ) STRICT;
      CREATE INDEX sessions_integration_created ON sessions (integration_id, created_at);
      CREATE INDEX attempts_created ON attempts (created_at);
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
      `SELECT COUNT(*) AS total, COUNT(*) FILTER (WHERE kind = 'check') AS count, COUNT(*) FILTER (WHERE status = 'passed' AND kind = 'check') AS passed
       FROM attempts WHERE session_id = ?`,
    ).get(attempt.sessionId) as { total: number; count: number; passed: number };
    if (used.passed > 0) return 'session_passed';
    if (used.count >= session.attempt_limit) return 'limit_reached';
    const row = insert('attempts', newAttemptValues({ ...attempt, kind: 'check' }, used.total + 1, json), true) as AttemptRow;
    return attemptFromRow(row, json);
  });

  const createRecheckAttempt = db.transaction((attempt: NewAttempt, recheckId: string, now: number): AttemptRecord | AttemptRefusal => {
    const recheck = prepare('SELECT * FROM rechecks WHERE id = ?').get(recheckId) as RecheckRow | undefined;
    if (!recheck || recheck.session_id !== attempt.sessionId || recheck.attempt_id !== null || Number(recheck.expires_at) < now) return 'recheck_not_found';
    const { total } = prepare('SELECT COUNT(*) AS total FROM attempts WHERE session_id = ?').get(attempt.sessionId) as { total: number };
    const row = insert('attempts', newAttemptValues({ ...attempt, kind: 'recheck' }, total + 1, json), true) as AttemptRow;
    prepare('UPDATE rechecks SET attempt_id = ? WHERE id = ?').run(attempt.id, recheckId);
    return attemptFromRow(row, json);
  });

  const completeAttempt = db.transaction((id: string, outcome: AttemptOutcome, messages: readonly NewWebhookMessage[]): boolean => {
    const values = outcomeValues(outcome, json);
    const assignments = Object.keys(values).map((column) => `${column} = @${column}`);
    const sql = `UPDATE attempts SET ${assignments.join(', ')} WHERE id = @id AND status = 'started'`;
    if (prepare(sql).run({ ...values, id }).changes !== 1) return false;
    for (const message of messages) insert('webhook_messages', newWebhookMessageValues(message));
    return true;
  });

  const claimWebhookMessages = db.transaction((now: number, limit: number, leaseMs: number): WebhookDelivery[] => {
    const rows = prepare(
      `SELECT * FROM webhook_messages WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?`,
    ).all(now, limit) as WebhookMessageRow[];
    const deliveries: WebhookDelivery[] = [];
    for (const row of rows) {
      prepare('UPDATE webhook_messages SET next_attempt_at = ? WHERE id = ?').run(now + leaseMs, row.id);
      const endpoint = prepare('SELECT * FROM webhook_endpoints WHERE id = ?').get(row.endpoint_id) as WebhookEndpointRow | undefined;
      if (endpoint) deliveries.push({ message: webhookMessageFromRow({ ...row, next_attempt_at: now + leaseMs }), endpoint: webhookEndpointFromRow(endpoint, json) });
    }
    return deliveries;
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
    async createRecheckAttempt(attempt, recheckId, now) {
      return createRecheckAttempt.immediate(attempt, recheckId, now);
    },
    async insertReferenceImage(image) {
      prepare(
        'INSERT INTO reference_images (attempt_id, session_id, content_type, data, created_at, expires_at) VALUES (@attempt_id, @session_id, @content_type, @data, @created_at, @expires_at)',
      ).run({ ...referenceImageValues(image), data: Buffer.from(image.data) });
    },
    async getReferenceImage(attemptId, now) {
      const row = prepare('SELECT * FROM reference_images WHERE attempt_id = ? AND expires_at > ?').get(attemptId, now) as ReferenceImageRow | undefined;
      return row === undefined ? null : referenceImageFromRow(row);
    },
    async purgeReferenceImages(now) {
      return prepare('DELETE FROM reference_images WHERE expires_at <= ?').run(now).changes;
    },
    async insertRecheck(recheck) {
      insert('rechecks', recheckValues(recheck));
    },
    async getRecheck(id) {
      const row = prepare('SELECT * FROM rechecks WHERE id = ?').get(id) as RecheckRow | undefined;
      return row === undefined ? null : recheckFromRow(row);
    },
    async getAttempt(id) {
      const row = prepare('SELECT * FROM attempts WHERE id = ?').get(id) as AttemptRow | undefined;
      return row === undefined ? null : attemptFromRow(row, json);
    },
    async listAttempts(sessionId) {
      const rows = prepare('SELECT * FROM attempts WHERE session_id = ? ORDER BY sequence').all(sessionId) as AttemptRow[];
      return rows.map((row) => attemptFromRow(row, json));
    },
    async listAttemptsOfSessions(sessionIds) {
      if (sessionIds.length === 0) return [];
      const rows = db
        .prepare(`SELECT * FROM attempts WHERE session_id IN (${sessionIds.map(() => '?').join(', ')}) ORDER BY session_id, sequence`)
        .all(...sessionIds) as AttemptRow[];
      return rows.map((row) => attemptFromRow(row, json));
    },
    async completeAttempt(id, outcome, messages = []) {
      return completeAttempt.immediate(id, outcome, messages);
    },

    async revokeAttempt(id, at) {
      const result = prepare(`UPDATE attempts SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ? AND status <> 'started'`).run(at, id);
      return result.changes === 1;
    },
    async listSessions(integrationId, filter) {
      const where = ['integration_id = @integrationId'];
      const params: Record<string, SqlValue> = { integrationId, limit: filter.limit };
      if (filter.candidateRef !== undefined) (where.push('candidate_ref = @candidateRef'), (params.candidateRef = filter.candidateRef));
      if (filter.interviewRef !== undefined) (where.push('interview_ref = @interviewRef'), (params.interviewRef = filter.interviewRef));
      if (filter.createdFrom !== undefined) (where.push('created_at >= @createdFrom'), (params.createdFrom = filter.createdFrom));
      if (filter.createdTo !== undefined) (where.push('created_at < @createdTo'), (params.createdTo = filter.createdTo));
      if (filter.before) {
        where.push('(created_at < @beforeAt OR (created_at = @beforeAt AND id < @beforeId))');
        Object.assign(params, { beforeAt: filter.before.createdAt, beforeId: filter.before.id });
      }
      const rows = prepare(`SELECT * FROM sessions WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT @limit`).all(params) as SessionRow[];
      return rows.map(sessionFromRow);
    },
    async findAttempts(integrationId, filter) {
      const where = ['s.integration_id = @integrationId'];
      const params: Record<string, SqlValue> = { integrationId, limit: filter.limit };
      if (filter.candidateRef !== undefined) (where.push('s.candidate_ref = @candidateRef'), (params.candidateRef = filter.candidateRef));
      if (filter.interviewRef !== undefined) (where.push('s.interview_ref = @interviewRef'), (params.interviewRef = filter.interviewRef));
      if (filter.sessionId !== undefined) (where.push('a.session_id = @sessionId'), (params.sessionId = filter.sessionId));
      if (filter.status !== undefined) (where.push('a.status = @status'), (params.status = filter.status));
      if (filter.reason !== undefined) (where.push('EXISTS (SELECT 1 FROM json_each(a.reasons) WHERE value = @reason)'), (params.reason = filter.reason));
      if (filter.createdFrom !== undefined) (where.push('a.created_at >= @createdFrom'), (params.createdFrom = filter.createdFrom));
      if (filter.createdTo !== undefined) (where.push('a.created_at < @createdTo'), (params.createdTo = filter.createdTo));
      if (filter.before) {
        where.push('(a.created_at < @beforeAt OR (a.created_at = @beforeAt AND a.id < @beforeId))');
        Object.assign(params, { beforeAt: filter.before.createdAt, beforeId: filter.before.id });
      }
      const rows = prepare(
        `SELECT a.* FROM attempts a JOIN sessions s ON s.id = a.session_id WHERE ${where.join(' AND ')} ORDER BY a.created_at DESC, a.id DESC LIMIT @limit`,
      ).all(params) as AttemptRow[];
      const sessions = new Map<string, SessionRecord>();
      return rows.map((row) => {
        let owner = sessions.get(row.session_id);
        if (!owner) {
          owner = sessionFromRow(prepare('SELECT * FROM sessions WHERE id = ?').get(row.session_id) as SessionRow);
          sessions.set(owner.id, owner);
        }
        return { attempt: attemptFromRow(row, json), session: owner };
      });
    },

    async insertWebhookEndpoint(endpoint) {
      insert('webhook_endpoints', webhookEndpointValues(endpoint, json));
    },
    async listWebhookEndpoints(integrationId) {
      const rows = prepare('SELECT * FROM webhook_endpoints WHERE integration_id = ? ORDER BY created_at, id').all(integrationId) as WebhookEndpointRow[];
      return rows.map((row) => webhookEndpointFromRow(row, json));
    },
    async deleteWebhookEndpoint(integrationId, id) {
      return db.transaction(() => {
        const deleted = prepare('DELETE FROM webhook_endpoints WHERE id = ? AND integration_id = ?').run(id, integrationId).changes === 1;
        if (deleted) {
          prepare(
            `UPDATE webhook_messages SET status = 'failed', next_attempt_at = NULL, last_error = 'endpoint deleted' WHERE endpoint_id = ? AND status = 'pending'`,
          ).run(id);
        }
        return deleted;
      }).immediate();
    },
    async claimWebhookMessages(now, limit, leaseMs) {
      return claimWebhookMessages.immediate(now, limit, leaseMs);
    },
    async recordWebhookAttempt(id, result) {
      const values = webhookAttemptValues(result);
      const assignments = Object.keys(values).map((column) => `${column} = @${column}`);
      prepare(`UPDATE webhook_messages SET ${assignments.join(', ')}, attempts = attempts + 1 WHERE id = @id AND status = 'pending'`).run({ ...values, id });
    },
    async listWebhookMessages(integrationId, filter = {}) {
      const byEndpoint = filter.endpointId === undefined ? '' : 'AND endpoint_id = @endpointId';
      const rows = prepare(
        `SELECT * FROM webhook_messages WHERE integration_id = @integrationId ${byEndpoint} ORDER BY created_at DESC, id DESC LIMIT @limit`,
      ).all({ integrationId, limit: filter.limit ?? 100, ...(filter.endpointId === undefined ? {} : { endpointId: filter.endpointId }) }) as WebhookMessageRow[];
      return rows.map(webhookMessageFromRow);
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
