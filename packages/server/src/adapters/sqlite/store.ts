/**
 * The embedded store: one SQLite file (WAL, foreign keys on) through the synchronous
 * better-sqlite3 driver, wrapped in async methods to satisfy `Store`. For a single server instance
 * and for trying Liveproof out; several instances share PostgreSQL instead.
 *
 * better-sqlite3 runs each transaction to its end before anything else touches the connection, so
 * the rules handed in by the domain (`AdmitRule`, `SettleRule`) run inside it synchronously.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Trace } from '@liveproof/protocol';
import { MAX_UDP_OBSERVATIONS_PER_UFRAG, reviewedCase, type AttemptRecord, type AttemptRefusal, type AttemptState, type CaseRecord, type IntegrationRecord, type LinkKey, type NewWebhookMessage, type SessionRecord, type Settlement, type SettleRule, type Store, type WebhookDelivery } from '../../store.ts';
import { MIGRATIONS } from '../migrations.ts';
import { renderMigration, type JsonCodec, type Row, type RowCodec, type SqlValue } from '../schema.ts';
import * as t from '../tables.ts';

const BUSY_TIMEOUT_MS = 5_000;

/** JSON columns are TEXT. */
const json: JsonCodec<string> = {
  encode: (value) => (value === null || value === undefined ? null : JSON.stringify(value)),
  decode: (value) => (typeof value === 'string' ? JSON.parse(value) : null),
};

/** better-sqlite3 binds Buffers, not plain Uint8Arrays. */
function bindable(row: Record<string, SqlValue>): Record<string, SqlValue | Buffer> {
  const out: Record<string, SqlValue | Buffer> = {};
  for (const [key, value] of Object.entries(row)) out[key] = value instanceof Uint8Array && !Buffer.isBuffer(value) ? Buffer.from(value) : value;
  return out;
}

export interface SqliteStoreOptions {
  /** A file path, or `:memory:`. */
  path: string;
  /**
   * `NORMAL` (default) never loses a committed transaction when the process is killed; on power
   * loss the last transactions may be lost (never corrupted). `FULL` also survives power loss, at
   * the cost of an fsync per commit.
   */
  synchronous?: 'NORMAL' | 'FULL';
}

function openDatabase(options: SqliteStoreOptions): Database.Database {
  const { path } = options;
  if (path !== ':memory:' && path !== '') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${options.synchronous ?? 'NORMAL'}`);
  db.pragma('foreign_keys = ON');
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  return db;
}

export function createSqliteStore(options: SqliteStoreOptions): Store {
  const db = openDatabase(options);
  const statements = new Map<string, Database.Statement>();

  function prepare(sql: string): Database.Statement {
    let statement = statements.get(sql);
    if (statement === undefined) {
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  }

  const one = (sql: string, ...params: unknown[]) => prepare(sql).get(...params) as Row | undefined;
  const all = (sql: string, ...params: unknown[]) => prepare(sql).all(...params) as Row[];
  const run = (sql: string, ...params: unknown[]) => prepare(sql).run(...params);

  function insert<T>(codec: RowCodec<T>, record: T, verb = 'INSERT'): void {
    const row = codec.toRow(record, json);
    const columns = Object.keys(row);
    prepare(`${verb} INTO ${codec.table} (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`).run(bindable(row));
  }

  function update<T>(codec: RowCodec<T>, patch: Partial<T>, where: string, params: Record<string, SqlValue>): number {
    const row = codec.toPatch(patch, json);
    const columns = Object.keys(row);
    if (columns.length === 0) return 0;
    const sql = `UPDATE ${codec.table} SET ${columns.map((c) => `${c} = @${c}`).join(', ')} WHERE ${where}`;
    return prepare(sql).run(bindable({ ...row, ...params })).changes;
  }

  const read = <T>(codec: RowCodec<T>, row: Row | undefined): T | null => (row === undefined ? null : codec.fromRow(row, json));

  function integrationOf(row: Row | undefined): IntegrationRecord | null {
    const base = read(t.integrations, row);
    if (!base) return null;
    const audiences = all('SELECT audience FROM audiences WHERE integration_id = ? ORDER BY created_at, audience', base.id).map((r) => r.audience as string);
    return { ...base, audiences };
  }

  function takenAudiences(integrationId: string, audiences: readonly string[]): string[] {
    if (audiences.length === 0) return [];
    const rows = all(`SELECT audience FROM audiences WHERE integration_id <> ? AND audience IN (${audiences.map(() => '?').join(', ')})`, integrationId, ...audiences);
    return rows.map((r) => r.audience as string);
  }

  function writeAudiences(integrationId: string, audiences: readonly string[], at: number): void {
    run('DELETE FROM audiences WHERE integration_id = ?', integrationId);
    for (const audience of new Set(audiences)) run('INSERT INTO audiences (audience, integration_id, created_at) VALUES (?, ?, ?)', audience, integrationId, at);
  }

  const sessionRow = (id: string) => read(t.sessions, one('SELECT * FROM sessions WHERE id = ?', id));
  const attemptStatesOf = (sessionId: string): AttemptState[] =>
    all(`SELECT ${t.attemptStates.columns.join(', ')} FROM attempts WHERE session_id = ? ORDER BY sequence`, sessionId).map((r) => t.attemptStates.fromRow(r, json));

  /** Applies a settlement: the session's new status and the outbox messages. */
  function applySettlement(session: SessionRecord, settlement: Settlement, at: number): void {
    if (settlement.status && settlement.status !== session.status) {
      run('UPDATE sessions SET status = ?, status_at = ? WHERE id = ?', settlement.status, at, session.id);
    }
    if (settlement.review) {
      const existing = read(t.cases, one('SELECT * FROM cases WHERE session_id = ?', session.id));
      const next = reviewedCase(existing, session, settlement.review);
      if (existing) update(t.cases, { signals: next.signals, status: next.status, updatedAt: next.updatedAt }, 'id = @id', { id: existing.id });
      else insert(t.cases, next);
    }
    insertMessages(settlement.messages);
  }

  function insertMessages(messages: readonly NewWebhookMessage[]): void {
    for (const message of messages) {
      insert(t.webhookMessages, {
        ...message,
        status: 'pending',
        attempts: 0,
        nextAttemptAt: message.createdAt,
        lastAttemptAt: null,
        lastResponseStatus: null,
        lastError: null,
        deliveredAt: null,
      });
    }
  }

  const migrate = db.transaction(() => {
    db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL) STRICT');
    const applied = new Set(db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[]);
    for (const migration of MIGRATIONS) {
      if (applied.has(migration.version)) continue;
      db.exec(renderMigration('sqlite', migration));
      db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(migration.version, Date.now());
    }
  });

  const createAttempt = db.transaction((attempt: Parameters<Store['createAttempt']>[0], admit: Parameters<Store['createAttempt']>[1], recheck?: { id: string; now: number }) => {
    const session = sessionRow(attempt.sessionId);
    if (!session) return 'session_not_found' satisfies AttemptRefusal;
    if (recheck) {
      const request = read(t.rechecks, one('SELECT * FROM rechecks WHERE id = ?', recheck.id));
      if (!request || request.sessionId !== attempt.sessionId || request.attemptId !== null || request.expiresAt < recheck.now) return 'recheck_not_found' satisfies AttemptRefusal;
    }
    const states = attemptStatesOf(attempt.sessionId);
    const refusal = admit(session, states, attempt.kind);
    if (refusal) return refusal;
    const record: AttemptRecord = {
      ...attempt,
      integrationId: session.integrationId,
      sequence: states.length + 1,
      status: 'started',
      completedAt: null,
      risk: null,
      reasons: [],
      steps: [],
      signals: [],
      timings: null,
      resultIp: null,
      resultUserAgent: null,
      diagnostics: null,
      revokedAt: null,
      frameRequest: null,
      faces: null,
    };
    insert(t.attempts, record);
    if (recheck) run('UPDATE rechecks SET attempt_id = ? WHERE id = ?', attempt.id, recheck.id);
    return record;
  });

  const completeAttempt = db.transaction((id: string, outcome: Parameters<Store['completeAttempt']>[1], settle: SettleRule) => {
    if (update(t.attempts, outcome, "id = @id AND status = 'started'", { id }) !== 1) return null;
    const completed = read(t.attemptRecords, one(`SELECT ${t.attemptColumns()} FROM attempts WHERE id = ?`, id))!;
    const session = sessionRow(completed.sessionId)!;
    const settlement = settle(session, attemptStatesOf(session.id), completed);
    applySettlement(session, settlement, outcome.completedAt);
    return { status: settlement.status ?? null };
  });

  const settleSession = db.transaction((id: string, settle: SettleRule, at: number) => {
    const session = sessionRow(id);
    if (!session) return null;
    const settlement = settle(session, attemptStatesOf(id), null);
    applySettlement(session, settlement, at);
    return settlement.status ?? null;
  });

  const claimWebhookMessages = db.transaction((claim: Parameters<Store['claimWebhookMessages']>[0]): WebhookDelivery[] => {
    const skipEndpoints = claim.skipEndpoints.length ? `AND m.endpoint_id NOT IN (${claim.skipEndpoints.map(() => '?').join(', ')})` : '';
    const skipIntegrations = claim.skipIntegrations.length ? `AND m.integration_id NOT IN (${claim.skipIntegrations.map(() => '?').join(', ')})` : '';
    const rows = all(
      `SELECT * FROM (
         SELECT m.*, row_number() OVER (PARTITION BY m.integration_id ORDER BY m.next_attempt_at, m.id) AS rank
         FROM webhook_messages m JOIN webhook_endpoints e ON e.id = m.endpoint_id
         WHERE m.status = 'pending' AND m.next_attempt_at <= ? AND e.disabled_at IS NULL ${skipEndpoints} ${skipIntegrations}
           AND (m.after_id IS NULL OR NOT EXISTS (SELECT 1 FROM webhook_messages p WHERE p.id = m.after_id AND p.status = 'pending'))
       ) WHERE rank <= ? ORDER BY rank, next_attempt_at, id LIMIT ?`,
      claim.now,
      ...claim.skipEndpoints,
      ...claim.skipIntegrations,
      claim.perIntegration,
      claim.limit,
    );
    const endpoints = new Map<string, ReturnType<typeof t.webhookEndpoints.fromRow>>();
    return rows.map((row) => {
      run('UPDATE webhook_messages SET next_attempt_at = ? WHERE id = ?', claim.now + claim.leaseMs, row.id);
      const endpointId = row.endpoint_id as string;
      let endpoint = endpoints.get(endpointId);
      if (!endpoint) {
        endpoint = read(t.webhookEndpoints, one('SELECT * FROM webhook_endpoints WHERE id = ?', endpointId))!;
        endpoints.set(endpointId, endpoint);
      }
      return { message: t.webhookMessages.fromRow({ ...row, next_attempt_at: claim.now + claim.leaseMs }, json), endpoint };
    });
  });

  const recordWebhookAttempt = db.transaction((id: string, result: Parameters<Store['recordWebhookAttempt']>[1]) => {
    const status = result.delivered ? 'delivered' : result.retryAt === null ? 'failed' : 'pending';
    const changed = run(
      `UPDATE webhook_messages SET status = ?, next_attempt_at = ?, last_attempt_at = ?, last_response_status = ?, last_error = ?, delivered_at = ?, attempts = attempts + 1
       WHERE id = ? AND status = 'pending'`,
      status,
      status === 'pending' ? result.retryAt : null,
      result.at,
      result.responseStatus,
      result.error,
      result.delivered ? result.at : null,
      id,
    ).changes;
    if (changed !== 1) return { endpointDisabled: false };
    const endpointId = (one('SELECT endpoint_id FROM webhook_messages WHERE id = ?', id)!.endpoint_id as string) ?? '';
    if (result.delivered) {
      run('UPDATE webhook_endpoints SET consecutive_failures = 0 WHERE id = ?', endpointId);
      return { endpointDisabled: false };
    }
    run('UPDATE webhook_endpoints SET consecutive_failures = consecutive_failures + 1 WHERE id = ?', endpointId);
    const disabled = run(
      'UPDATE webhook_endpoints SET disabled_at = ?, disabled_reason = ? WHERE id = ? AND disabled_at IS NULL AND consecutive_failures >= ?',
      result.at,
      `${result.disableAfter} deliveries failed in a row (last: ${result.error ?? 'error'})`,
      endpointId,
      result.disableAfter,
    ).changes;
    return { endpointDisabled: disabled === 1 };
  });

  const purge = db.transaction((cutoffs: Parameters<Store['purge']>[0]) => ({
    events: run('DELETE FROM events WHERE at < ?', cutoffs.recordsBefore).changes,
    refusalCounts: run('DELETE FROM refusal_counts WHERE window_start < ?', cutoffs.recordsBefore).changes,
    webhookMessages: run("DELETE FROM webhook_messages WHERE created_at < ? AND status <> 'pending'", cutoffs.recordsBefore).changes,
    attemptsCleared: run(
      `UPDATE attempts SET trace = NULL, ip = NULL, user_agent = NULL, result_ip = NULL, result_user_agent = NULL, device = NULL
       WHERE created_at < ? AND (trace IS NOT NULL OR ip IS NOT NULL OR user_agent IS NOT NULL OR result_ip IS NOT NULL OR result_user_agent IS NOT NULL OR device IS NOT NULL)`,
      cutoffs.evidenceBefore,
    ).changes,
    referenceImages: run('DELETE FROM reference_images WHERE expires_at <= ?', cutoffs.now).changes,
    frameEvidence: run('DELETE FROM frame_evidence WHERE expires_at <= ?', cutoffs.now).changes,
    sessionFaces: run('DELETE FROM session_faces WHERE expires_at <= ?', cutoffs.now).changes,
    integrationFaces: run('DELETE FROM integration_faces WHERE expires_at <= ?', cutoffs.now).changes,
    revokedTokens: run('DELETE FROM revoked_tokens WHERE expires_at <= ?', cutoffs.now).changes,
    udpObservations: run('DELETE FROM udp_observations WHERE first_at < ?', cutoffs.evidenceBefore).changes,
    linkKeys: run('DELETE FROM link_keys WHERE seen_at < ?', cutoffs.linksBefore).changes,
  }));

  const decideCase = db.transaction((id: string, decision: Parameters<Store['decideCase']>[1], messages: Parameters<Store['decideCase']>[2]): CaseRecord | null => {
    const existing = read(t.cases, one('SELECT * FROM cases WHERE id = ?', id));
    if (!existing) return null;
    const decided: CaseRecord = { ...existing, status: 'decided', decision: decision.decision, note: decision.note, decidedAt: decision.at, decidedBy: decision.by, updatedAt: decision.at };
    update(t.cases, { status: decided.status, decision: decided.decision, note: decided.note, decidedAt: decided.decidedAt, decidedBy: decided.decidedBy, updatedAt: decided.updatedAt }, 'id = @id', { id });
    insertMessages(messages(decided));
    return decided;
  });

  const linkKeys = db.transaction((keys: readonly LinkKey[], since: number, limit: number): LinkKey[] => {
    if (keys.length === 0) return [];
    const { integrationId, candidateRef } = keys[0]!;
    const hashes = keys.map((k) => k.hash);
    const found = all(
      `SELECT * FROM link_keys WHERE integration_id = ? AND hash IN (${hashes.map(() => '?').join(', ')}) AND seen_at >= ? AND candidate_ref <> ? ORDER BY seen_at DESC LIMIT ?`,
      integrationId, ...hashes, since, candidateRef, limit,
    ).map((row) => t.linkKeys.fromRow(row, json));
    for (const key of keys) {
      run(
        `INSERT INTO link_keys (integration_id, hash, kind, session_id, candidate_ref, seen_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (integration_id, hash, session_id) DO UPDATE SET seen_at = excluded.seen_at`,
        key.integrationId, key.hash, key.kind, key.sessionId, key.candidateRef, key.seenAt,
      );
    }
    return found;
  });

  return {
    dialect: 'sqlite',
    async migrate() {
      // IMMEDIATE takes the write lock first, so two processes on one file migrate one at a time.
      migrate.immediate();
    },
    async close() {
      if (db.open) db.close();
    },
    async ping() {
      one('SELECT 1');
    },
    async purge(cutoffs) {
      return purge.immediate(cutoffs);
    },

    // ---- integrations ----
    async insertIntegration(integration, audiences) {
      return db.transaction(() => {
        const taken = takenAudiences(integration.id, audiences);
        if (taken.length) return { taken };
        insert(t.integrations, integration);
        writeAudiences(integration.id, audiences, integration.createdAt);
        return { taken: [] };
      }).immediate();
    },
    async getIntegration(id) {
      return integrationOf(one('SELECT * FROM integrations WHERE id = ?', id));
    },
    async findIntegrationByPurpose(purpose) {
      return integrationOf(one('SELECT * FROM integrations WHERE purpose = ?', purpose));
    },
    async listIntegrations() {
      return all('SELECT * FROM integrations ORDER BY created_at, id').map((row) => integrationOf(row)!);
    },
    async updateIntegration(id, patch, at) {
      update(t.integrations, { ...patch, updatedAt: at }, 'id = @id', { id });
      return integrationOf(one('SELECT * FROM integrations WHERE id = ?', id));
    },
    async setAudiences(integrationId, audiences, at) {
      return db.transaction(() => {
        const taken = takenAudiences(integrationId, audiences);
        if (taken.length) return { taken };
        writeAudiences(integrationId, audiences, at);
        run('UPDATE integrations SET updated_at = ? WHERE id = ?', at, integrationId);
        return { taken: [] };
      }).immediate();
    },

    async insertApiKey(key) {
      insert(t.apiKeys, key);
    },
    async listApiKeys(integrationId) {
      return all('SELECT * FROM api_keys WHERE integration_id = ? ORDER BY created_at, id', integrationId).map((r) => t.apiKeys.fromRow(r, json));
    },
    async updateApiKey(integrationId, id, change) {
      const sets: string[] = [];
      const params: unknown[] = [];
      if (change.expiresAt !== undefined) (sets.push('expires_at = ?'), params.push(change.expiresAt));
      if (change.revokedAt !== undefined) (sets.push('revoked_at = COALESCE(revoked_at, ?)'), params.push(change.revokedAt));
      if (sets.length === 0) return false;
      return db.prepare(`UPDATE api_keys SET ${sets.join(', ')} WHERE id = ? AND integration_id = ?`).run(...params, id, integrationId).changes === 1;
    },
    async findApiKey(hash, now) {
      const key = read(t.apiKeys, one('SELECT * FROM api_keys WHERE hash = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)', hash, now));
      if (!key) return null;
      const integration = integrationOf(one('SELECT * FROM integrations WHERE id = ?', key.integrationId));
      return integration ? { key, integration } : null;
    },

    async insertAdminKey(key) {
      insert(t.adminKeys, key);
    },
    async listAdminKeys() {
      return all('SELECT * FROM admin_keys ORDER BY created_at, id').map((r) => t.adminKeys.fromRow(r, json));
    },
    async findAdminKey(hash) {
      return read(t.adminKeys, one('SELECT * FROM admin_keys WHERE hash = ? AND revoked_at IS NULL', hash));
    },
    async revokeAdminKey(id, at) {
      return run('UPDATE admin_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL', at, id).changes === 1;
    },

    // ---- signing keys ----
    async listSigningKeys() {
      return all("SELECT * FROM signing_keys WHERE json_type(private_sealed) = 'text' ORDER BY created_at DESC, kid DESC").map((r) => t.signingKeys.fromRow(r, json));
    },
    async listLegacySigningKeys() {
      return all("SELECT kid, private_sealed FROM signing_keys WHERE json_type(private_sealed) = 'object'").map((r) => ({
        kid: r.kid as string,
        privateJwk: JSON.parse(r.private_sealed as string) as Record<string, unknown>,
      }));
    },
    async insertSigningKey(key) {
      insert(t.signingKeys, key);
    },
    async updateSigningKey(kid, change) {
      if (change.retiredAt !== undefined) run('UPDATE signing_keys SET retired_at = ? WHERE kid = ? AND retired_at IS NULL', change.retiredAt, kid);
      if (change.privateSealed !== undefined) run('UPDATE signing_keys SET private_sealed = ? WHERE kid = ?', json.encode(change.privateSealed), kid);
    },

    // ---- sessions ----
    async insertSession(session) {
      insert(t.sessions, { ...session, status: 'open', statusAt: null });
    },
    async getSession(id) {
      return sessionRow(id);
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
      return prepare(`SELECT * FROM sessions WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT @limit`)
        .all(params)
        .map((r) => t.sessions.fromRow(r as Row, json));
    },
    async sessionsToSettle(now, limit) {
      return all(
        `SELECT id FROM sessions s WHERE s.status = 'open' AND (s.expires_at <= ?
           OR EXISTS (SELECT 1 FROM attempts a WHERE a.session_id = s.id AND a.status = 'started' AND a.expires_at <= ?))
         ORDER BY s.expires_at LIMIT ?`,
        now,
        now,
        limit,
      ).map((r) => r.id as string);
    },
    async settleSession(id, settle, at) {
      return settleSession.immediate(id, settle, at);
    },

    // ---- attempts ----
    async createAttempt(attempt, admit, recheck) {
      return createAttempt.immediate(attempt, admit, recheck);
    },
    async completeAttempt(id, outcome, settle) {
      return completeAttempt.immediate(id, outcome, settle);
    },
    async getAttempt(id) {
      return read(t.attemptRecords, one(`SELECT ${t.attemptColumns()} FROM attempts WHERE id = ?`, id));
    },
    async attemptsWithoutFacts(now, limit) {
      return all(`SELECT ${t.attemptColumns()} FROM attempts WHERE status = 'started' AND expires_at <= ? AND risk IS NULL ORDER BY expires_at LIMIT ?`, now, limit).map((r) =>
        t.attemptRecords.fromRow(r, json),
      );
    },
    async recordAttemptFacts(id, risk) {
      return update(t.attempts, { risk }, "id = @id AND status = 'started' AND risk IS NULL", { id }) === 1;
    },
    async getAttemptTrace(id) {
      const row = one('SELECT trace FROM attempts WHERE id = ?', id);
      return row?.trace ? (json.decode(row.trace) as Trace) : null;
    },
    async listAttempts(sessionId) {
      return all(`SELECT ${t.attemptColumns()} FROM attempts WHERE session_id = ? ORDER BY sequence`, sessionId).map((r) => t.attemptRecords.fromRow(r, json));
    },
    async listAttemptStates(sessionId) {
      return attemptStatesOf(sessionId);
    },
    async listAttemptsOfSessions(sessionIds) {
      if (sessionIds.length === 0) return [];
      return db
        .prepare(`SELECT ${t.attemptColumns()} FROM attempts WHERE session_id IN (${sessionIds.map(() => '?').join(', ')}) ORDER BY session_id, sequence`)
        .all(...sessionIds)
        .map((r) => t.attemptRecords.fromRow(r as Row, json));
    },
    async findAttempts(filter) {
      const where: string[] = [];
      const params: Record<string, SqlValue> = { limit: filter.limit };
      if (filter.integrationId !== undefined) (where.push('a.integration_id = @integrationId'), (params.integrationId = filter.integrationId));
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
        `SELECT ${t.attemptColumns('a.')} FROM attempts a JOIN sessions s ON s.id = a.session_id ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY a.created_at DESC, a.id DESC LIMIT @limit`,
      ).all(params) as Row[];
      const owners = new Map<string, SessionRecord>();
      return rows.map((row) => {
        const sessionId = row.session_id as string;
        let owner = owners.get(sessionId);
        if (!owner) owners.set(sessionId, (owner = sessionRow(sessionId)!));
        return { attempt: t.attemptRecords.fromRow(row, json), session: owner };
      });
    },
    async revokeAttempt(id, at) {
      return run(`UPDATE attempts SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ? AND status <> 'started'`, at, id).changes === 1;
    },

    async insertRecheck(recheck) {
      insert(t.rechecks, recheck);
    },
    async getRecheck(id) {
      return read(t.rechecks, one('SELECT * FROM rechecks WHERE id = ?', id));
    },
    async listOpenRechecks(sessionId, now) {
      return all('SELECT * FROM rechecks WHERE session_id = ? AND attempt_id IS NULL AND expires_at >= ? ORDER BY requested_at', sessionId, now).map((r) => t.rechecks.fromRow(r, json));
    },

    async insertReferenceImage(image) {
      insert(t.referenceImages, image);
    },
    async getReferenceImage(attemptId, now) {
      return read(t.referenceImages, one('SELECT * FROM reference_images WHERE attempt_id = ? AND expires_at > ?', attemptId, now));
    },
    async setFrameRequest(id, frameRequest) {
      return update(t.attempts, { frameRequest }, "id = @id AND status = 'started' AND frame_request IS NULL", { id }) === 1;
    },
    async insertFrameEvidence(evidence) {
      insert(t.frameEvidence, evidence);
    },
    async putSessionFace(face) {
      insert(t.sessionFaces, face, 'INSERT OR REPLACE');
    },
    async getSessionFace(sessionId, now) {
      return read(t.sessionFaces, one('SELECT * FROM session_faces WHERE session_id = ? AND expires_at > ?', sessionId, now));
    },
    async putIntegrationFace(face) {
      insert(t.integrationFaces, face, 'INSERT OR REPLACE');
    },
    async otherCandidateFaces(integrationId, candidateRef, now, limit) {
      const rows = all('SELECT * FROM integration_faces WHERE integration_id = ? AND candidate_ref <> ? AND expires_at > ? ORDER BY created_at DESC LIMIT ?', integrationId, candidateRef, now, limit);
      return rows.map((row) => read(t.integrationFaces, row)!);
    },
    async deleteIntegrationFaces(integrationId) {
      return run('DELETE FROM integration_faces WHERE integration_id = ?', integrationId).changes;
    },
    async getFrameEvidence(attemptId, now) {
      return read(t.frameEvidence, one('SELECT * FROM frame_evidence WHERE attempt_id = ? AND expires_at > ?', attemptId, now));
    },

    // ---- webhooks ----
    async insertWebhookEndpoint(endpoint) {
      insert(t.webhookEndpoints, endpoint);
    },
    async listWebhookEndpoints(integrationId) {
      return all('SELECT * FROM webhook_endpoints WHERE integration_id = ? ORDER BY created_at, id', integrationId).map((r) => t.webhookEndpoints.fromRow(r, json));
    },
    async listLegacyWebhookSecrets() {
      return all("SELECT id, secret_sealed FROM webhook_endpoints WHERE secret_sealed LIKE 'whsec\\_%' ESCAPE '\\'").map((r) => ({ id: r.id as string, secret: r.secret_sealed as string }));
    },
    async updateWebhookEndpoint(integrationId, id, change) {
      const patch: Record<string, unknown> = {};
      if (change.secretSealed !== undefined) patch.secretSealed = change.secretSealed;
      if (change.disabledAt !== undefined) patch.disabledAt = change.disabledAt;
      if (change.disabledReason !== undefined) patch.disabledReason = change.disabledReason;
      if (change.disabledAt === null) patch.consecutiveFailures = 0;
      return update(t.webhookEndpoints, patch, 'id = @id AND integration_id = @integrationId', { id, integrationId }) === 1;
    },
    async deleteWebhookEndpoint(integrationId, id) {
      return db.transaction(() => {
        const deleted = run('DELETE FROM webhook_endpoints WHERE id = ? AND integration_id = ?', id, integrationId).changes === 1;
        if (deleted) {
          run(`UPDATE webhook_messages SET status = 'failed', next_attempt_at = NULL, last_error = 'endpoint_deleted' WHERE endpoint_id = ? AND status = 'pending'`, id);
        }
        return deleted;
      }).immediate();
    },
    async claimWebhookMessages(claim) {
      return claimWebhookMessages.immediate(claim);
    },
    async recordWebhookAttempt(id, result) {
      return recordWebhookAttempt.immediate(id, result);
    },
    async listWebhookMessages(integrationId, filter = {}) {
      const byEndpoint = filter.endpointId === undefined ? '' : 'AND endpoint_id = @endpointId';
      return prepare(`SELECT * FROM webhook_messages WHERE integration_id = @integrationId ${byEndpoint} ORDER BY created_at DESC, id DESC LIMIT @limit`)
        .all({ integrationId, limit: filter.limit ?? 100, ...(filter.endpointId === undefined ? {} : { endpointId: filter.endpointId }) })
        .map((r) => t.webhookMessages.fromRow(r as Row, json));
    },

    // ---- audit ----
    async appendEvent(event) {
      const row = t.events.toRow({ ...event, id: 0 }, json);
      delete row.id;
      const columns = Object.keys(row);
      prepare(`INSERT INTO events (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`).run(row);
    },
    async listEvents(filter) {
      const conditions: string[] = [];
      const params: SqlValue[] = [];
      for (const [field, column] of [
        ['sessionId', 'session_id'],
        ['attemptId', 'attempt_id'],
        ['integrationId', 'integration_id'],
      ] as const) {
        const value = filter[field];
        if (value !== undefined) (conditions.push(`${column} = ?`), params.push(value));
      }
      const where = conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`;
      return all(`SELECT * FROM events ${where} ORDER BY id LIMIT ?`, ...params, filter.limit ?? 1000).map((r) => t.events.fromRow(r, json));
    },
    async addRefusalCounts(counts) {
      db.transaction(() => {
        for (const c of counts) {
          run(
            'INSERT INTO refusal_counts (window_start, route, code, count) VALUES (?, ?, ?, ?) ON CONFLICT (window_start, route, code) DO UPDATE SET count = count + excluded.count',
            c.windowStart,
            c.route,
            c.code,
            c.count,
          );
        }
      }).immediate();
    },
    async listRefusalCounts(since) {
      return all('SELECT * FROM refusal_counts WHERE window_start >= ? ORDER BY window_start, route, code', since).map((r) => t.refusalCounts.fromRow(r, json));
    },

    // ---- tokens ----
    async revokeToken(jti, sessionId, expiresAt, at) {
      run('INSERT INTO revoked_tokens (jti, session_id, expires_at, revoked_at) VALUES (?, ?, ?, ?) ON CONFLICT (session_id, jti) DO NOTHING', jti, sessionId, expiresAt, at);
    },
    async isTokenRevoked(jti, sessionId) {
      return one('SELECT 1 AS x FROM revoked_tokens WHERE session_id = ? AND jti = ?', sessionId, jti) !== undefined;
    },

    // ---- UDP paths ----
    async recordUdpObservation({ ufrag, ip, port, at }) {
      run(
        `INSERT INTO udp_observations (ufrag, ip, port, first_at, last_at, count)
         SELECT ?, ?, ?, ?, ?, 1 WHERE (SELECT count(*) FROM udp_observations WHERE ufrag = ?) < ?
         ON CONFLICT (ufrag, ip, port) DO UPDATE SET last_at = excluded.last_at, count = udp_observations.count + 1`,
        ufrag, ip, port, at, at, ufrag, MAX_UDP_OBSERVATIONS_PER_UFRAG,
      );
    },
    async listUdpObservations(ufrag) {
      return all('SELECT * FROM udp_observations WHERE ufrag = ? ORDER BY first_at, ip, port', ufrag).map((row) => t.udpObservations.fromRow(row, json));
    },

    // ---- links ----
    async linkKeys(keys, since, limit) {
      return linkKeys.immediate(keys, since, limit);
    },

    // ---- review cases ----
    async getCase(id) {
      return read(t.cases, one('SELECT * FROM cases WHERE id = ?', id));
    },
    async getCaseOfSession(sessionId) {
      return read(t.cases, one('SELECT * FROM cases WHERE session_id = ?', sessionId));
    },
    async listCases(filter) {
      const where: string[] = [];
      const params: Record<string, SqlValue> = { limit: filter.limit };
      if (filter.integrationId !== undefined) (where.push('integration_id = @integrationId'), (params.integrationId = filter.integrationId));
      if (filter.status !== undefined) (where.push('status = @status'), (params.status = filter.status));
      if (filter.before) {
        where.push('(opened_at < @beforeAt OR (opened_at = @beforeAt AND id < @beforeId))');
        params.beforeAt = filter.before.createdAt;
        params.beforeId = filter.before.id;
      }
      const sql = `SELECT * FROM cases ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY opened_at DESC, id DESC LIMIT @limit`;
      return (prepare(sql).all(params) as Row[]).map((row) => t.cases.fromRow(row, json));
    },
    async decideCase(id, decision, messages) {
      return decideCase.immediate(id, decision, messages);
    },
  };
}
