/**
 * The shared store: PostgreSQL through porsager/postgres, for many server instances behind a load
 * balancer. Everything that must hold across instances is decided in the database: migrations run
 * under an advisory lock, a new attempt or a settlement locks its session row, a result is a
 * conditional UPDATE, webhook messages are claimed with FOR UPDATE SKIP LOCKED.
 */
import postgres from 'postgres';
import type { Trace } from '@liveproof/protocol';
import { MAX_UDP_OBSERVATIONS_PER_UFRAG, reviewedCase, type AttemptRecord, type AttemptRefusal, type AttemptState, type CaseRecord, type IntegrationRecord, type NewWebhookMessage, type SessionRecord, type Settlement, type Store } from '../../store.ts';
import { MIGRATIONS } from '../migrations.ts';
import { renderMigration, type JsonCodec, type Row, type RowCodec } from '../schema.ts';
import * as t from '../tables.ts';

/** Advisory lock key that serialises migrations across every instance sharing the database. */
const MIGRATION_LOCK_KEY = 0x4c69_7665_7072;

/** Unquoted PostgreSQL identifiers only, so the name means the same in `search_path` and in DDL. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export interface PostgresStoreOptions {
  url: string;
  /** A schema of its own (created if missing), to keep deployments or test runs apart in one database. */
  schema?: string;
  /** Connections in the pool. */
  max?: number;
}

type Sql = postgres.Sql | postgres.TransactionSql;

export function createPostgresStore(options: PostgresStoreOptions): Store {
  const { schema } = options;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new TypeError(`Invalid PostgreSQL schema name: ${JSON.stringify(schema)}`);
  }
  const sql = postgres(options.url, {
    max: options.max ?? 10,
    onnotice: () => {},
    ...(schema === undefined ? {} : { connection: { search_path: schema } }),
  });
  // Bound as typed jsonb parameters; the driver parses jsonb on the way back.
  const json: JsonCodec<postgres.Parameter> = {
    encode: (value) => (value === null || value === undefined ? null : sql.json(value as postgres.JSONValue)),
    decode: (value) => value,
  };

  const values = <T>(codec: RowCodec<T>, record: T) => {
    const row = codec.toRow(record, json) as Record<string, unknown>;
    for (const [key, value] of Object.entries(row)) if (value instanceof Uint8Array) row[key] = Buffer.from(value);
    return row as Record<string, postgres.ParameterOrJSON<never>>;
  };
  const read = <T>(codec: RowCodec<T>, row: Row | undefined): T | null => (row === undefined ? null : codec.fromRow(row, json));
  /** The attempt columns most reads take: all but the trace. */
  const ATTEMPT_COLUMNS = sql.unsafe(t.attemptColumns());
  /** Fragments joined with AND. */
  const and = (conditions: postgres.PendingQuery<postgres.Row[]>[]) => conditions.reduce((all, next) => sql`${all} AND ${next}`);

  async function integrationOf(q: Sql, row: Row | undefined): Promise<IntegrationRecord | null> {
    const base = read(t.integrations, row);
    if (!base) return null;
    const audiences = await q<{ audience: string }[]>`SELECT audience FROM audiences WHERE integration_id = ${base.id} ORDER BY created_at, audience`;
    return { ...base, audiences: audiences.map((r) => r.audience) };
  }

  async function takenAudiences(q: Sql, integrationId: string, audiences: readonly string[]): Promise<string[]> {
    if (audiences.length === 0) return [];
    const rows = await q<{ audience: string }[]>`SELECT audience FROM audiences WHERE integration_id <> ${integrationId} AND audience IN ${q([...audiences])}`;
    return rows.map((r) => r.audience);
  }

  async function writeAudiences(q: Sql, integrationId: string, audiences: readonly string[], at: number): Promise<void> {
    await q`DELETE FROM audiences WHERE integration_id = ${integrationId}`;
    for (const audience of new Set(audiences)) await q`INSERT INTO audiences (audience, integration_id, created_at) VALUES (${audience}, ${integrationId}, ${at})`;
  }

  const lockedSession = async (q: Sql, id: string) => read(t.sessions, (await q`SELECT * FROM sessions WHERE id = ${id} FOR UPDATE`)[0]);
  const attemptStatesOf = async (q: Sql, sessionId: string): Promise<AttemptState[]> =>
    (await q`SELECT ${q(t.attemptStates.columns as string[])} FROM attempts WHERE session_id = ${sessionId} ORDER BY sequence`).map((r) => t.attemptStates.fromRow(r, json));

  async function applySettlement(q: Sql, session: SessionRecord, settlement: Settlement, at: number): Promise<void> {
    if (settlement.status && settlement.status !== session.status) {
      await q`UPDATE sessions SET status = ${settlement.status}, status_at = ${at} WHERE id = ${session.id}`;
    }
    if (settlement.review) {
      const existing = read(t.cases, (await q`SELECT * FROM cases WHERE session_id = ${session.id} FOR UPDATE`)[0]);
      const next = reviewedCase(existing, session, settlement.review);
      if (existing) await q`UPDATE cases SET signals = ${q.json(next.signals)}, status = ${next.status}, updated_at = ${next.updatedAt} WHERE id = ${existing.id}`;
      else await q`INSERT INTO cases ${q(values(t.cases, next))}`;
    }
    await insertMessages(q, settlement.messages);
  }

  async function insertMessages(q: Sql, messages: readonly NewWebhookMessage[]): Promise<void> {
    for (const message of messages) {
      await q`INSERT INTO webhook_messages ${q(
        values(t.webhookMessages, {
          ...message,
          status: 'pending',
          attempts: 0,
          nextAttemptAt: message.createdAt,
          lastAttemptAt: null,
          lastResponseStatus: null,
          lastError: null,
          deliveredAt: null,
        }),
      )}`;
    }
  }

  const store: Store = {
    dialect: 'postgres',
    async migrate() {
      await sql.begin(async (tx) => {
        await tx`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY}::bigint)`;
        if (schema !== undefined) await tx`CREATE SCHEMA IF NOT EXISTS ${tx(schema)}`;
        await tx`CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at bigint NOT NULL)`;
        const applied = new Set((await tx<{ version: number }[]>`SELECT version FROM schema_migrations`).map((r) => r.version));
        for (const migration of MIGRATIONS) {
          if (applied.has(migration.version)) continue;
          await tx.unsafe(renderMigration('postgres', migration)).simple();
          await tx`INSERT INTO schema_migrations ${tx({ version: migration.version, applied_at: Date.now() })}`;
        }
      });
    },
    async close() {
      await sql.end({ timeout: 5 });
    },
    async ping() {
      await sql`SELECT 1`;
    },
    async purge(cutoffs) {
      return sql.begin(async (tx) => ({
        events: (await tx`DELETE FROM events WHERE at < ${cutoffs.recordsBefore}`).count,
        refusalCounts: (await tx`DELETE FROM refusal_counts WHERE window_start < ${cutoffs.recordsBefore}`).count,
        webhookMessages: (await tx`DELETE FROM webhook_messages WHERE created_at < ${cutoffs.recordsBefore} AND status <> 'pending'`).count,
        attemptsCleared: (
          await tx`
            UPDATE attempts SET trace = NULL, ip = NULL, user_agent = NULL, result_ip = NULL, result_user_agent = NULL, device = NULL
            WHERE created_at < ${cutoffs.evidenceBefore}
              AND (trace IS NOT NULL OR ip IS NOT NULL OR user_agent IS NOT NULL OR result_ip IS NOT NULL OR result_user_agent IS NOT NULL OR device IS NOT NULL)`
        ).count,
        referenceImages: (await tx`DELETE FROM reference_images WHERE expires_at <= ${cutoffs.now}`).count,
        frameEvidence: (await tx`DELETE FROM frame_evidence WHERE expires_at <= ${cutoffs.now}`).count,
        sessionFaces: (await tx`DELETE FROM session_faces WHERE expires_at <= ${cutoffs.now}`).count,
        integrationFaces: (await tx`DELETE FROM integration_faces WHERE expires_at <= ${cutoffs.now}`).count,
        revokedTokens: (await tx`DELETE FROM revoked_tokens WHERE expires_at <= ${cutoffs.now}`).count,
        udpObservations: (await tx`DELETE FROM udp_observations WHERE first_at < ${cutoffs.evidenceBefore}`).count,
        linkKeys: (await tx`DELETE FROM link_keys WHERE seen_at < ${cutoffs.linksBefore}`).count,
      }));
    },

    // ---- integrations ----
    async insertIntegration(integration, audiences) {
      return sql.begin(async (tx) => {
        // Audiences are claimed under one lock, so two integrations cannot take the same one at once.
        await tx`LOCK TABLE audiences IN SHARE ROW EXCLUSIVE MODE`;
        const taken = await takenAudiences(tx, integration.id, audiences);
        if (taken.length) return { taken };
        await tx`INSERT INTO integrations ${tx(values(t.integrations, integration))}`;
        await writeAudiences(tx, integration.id, audiences, integration.createdAt);
        return { taken: [] };
      });
    },
    async getIntegration(id) {
      return integrationOf(sql, (await sql`SELECT * FROM integrations WHERE id = ${id}`)[0]);
    },
    async findIntegrationByPurpose(purpose) {
      return integrationOf(sql, (await sql`SELECT * FROM integrations WHERE purpose = ${purpose}`)[0]);
    },
    async listIntegrations() {
      const rows = await sql`SELECT * FROM integrations ORDER BY created_at, id`;
      return Promise.all(rows.map(async (row) => (await integrationOf(sql, row))!));
    },
    async updateIntegration(id, patch, at) {
      const row = t.integrations.toPatch({ ...patch, updatedAt: at }, json) as Record<string, postgres.ParameterOrJSON<never>>;
      await sql`UPDATE integrations SET ${sql(row)} WHERE id = ${id}`;
      return integrationOf(sql, (await sql`SELECT * FROM integrations WHERE id = ${id}`)[0]);
    },
    async setAudiences(integrationId, audiences, at) {
      return sql.begin(async (tx) => {
        await tx`LOCK TABLE audiences IN SHARE ROW EXCLUSIVE MODE`;
        const taken = await takenAudiences(tx, integrationId, audiences);
        if (taken.length) return { taken };
        await writeAudiences(tx, integrationId, audiences, at);
        await tx`UPDATE integrations SET updated_at = ${at} WHERE id = ${integrationId}`;
        return { taken: [] };
      });
    },

    async insertApiKey(key) {
      await sql`INSERT INTO api_keys ${sql(values(t.apiKeys, key))}`;
    },
    async listApiKeys(integrationId) {
      return (await sql`SELECT * FROM api_keys WHERE integration_id = ${integrationId} ORDER BY created_at, id`).map((r) => t.apiKeys.fromRow(r, json));
    },
    async updateApiKey(integrationId, id, change) {
      if (change.expiresAt === undefined && change.revokedAt === undefined) return false;
      const expires = change.expiresAt === undefined ? sql`expires_at` : sql`${change.expiresAt}`;
      const revoked = change.revokedAt === undefined ? sql`revoked_at` : sql`COALESCE(revoked_at, ${change.revokedAt})`;
      const result = await sql`UPDATE api_keys SET expires_at = ${expires}, revoked_at = ${revoked} WHERE id = ${id} AND integration_id = ${integrationId}`;
      return result.count === 1;
    },
    async findApiKey(hash, now) {
      const [row] = await sql`SELECT * FROM api_keys WHERE hash = ${hash} AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ${now})`;
      const key = read(t.apiKeys, row);
      if (!key) return null;
      const integration = await integrationOf(sql, (await sql`SELECT * FROM integrations WHERE id = ${key.integrationId}`)[0]);
      return integration ? { key, integration } : null;
    },

    async insertAdminKey(key) {
      await sql`INSERT INTO admin_keys ${sql(values(t.adminKeys, key))}`;
    },
    async listAdminKeys() {
      return (await sql`SELECT * FROM admin_keys ORDER BY created_at, id`).map((r) => t.adminKeys.fromRow(r, json));
    },
    async findAdminKey(hash) {
      return read(t.adminKeys, (await sql`SELECT * FROM admin_keys WHERE hash = ${hash} AND revoked_at IS NULL`)[0]);
    },
    async revokeAdminKey(id, at) {
      return (await sql`UPDATE admin_keys SET revoked_at = ${at} WHERE id = ${id} AND revoked_at IS NULL`).count === 1;
    },

    // ---- signing keys ----
    async listSigningKeys() {
      return (await sql`SELECT * FROM signing_keys WHERE jsonb_typeof(private_sealed) = 'string' ORDER BY created_at DESC, kid DESC`).map((r) =>
        t.signingKeys.fromRow(r, json),
      );
    },
    async listLegacySigningKeys() {
      const rows = await sql<{ kid: string; private_sealed: Record<string, unknown> }[]>`
        SELECT kid, private_sealed FROM signing_keys WHERE jsonb_typeof(private_sealed) = 'object'`;
      return rows.map((r) => ({ kid: r.kid, privateJwk: r.private_sealed }));
    },
    async insertSigningKey(key) {
      await sql`INSERT INTO signing_keys ${sql(values(t.signingKeys, key))}`;
    },
    async updateSigningKey(kid, change) {
      if (change.retiredAt !== undefined) await sql`UPDATE signing_keys SET retired_at = ${change.retiredAt} WHERE kid = ${kid} AND retired_at IS NULL`;
      if (change.privateSealed !== undefined) await sql`UPDATE signing_keys SET private_sealed = ${sql.json(change.privateSealed)} WHERE kid = ${kid}`;
    },

    // ---- sessions ----
    async insertSession(session) {
      await sql`INSERT INTO sessions ${sql(values(t.sessions, { ...session, status: 'open', statusAt: null }))}`;
    },
    async getSession(id) {
      return read(t.sessions, (await sql`SELECT * FROM sessions WHERE id = ${id}`)[0]);
    },
    async listSessions(integrationId, filter) {
      const conditions = [sql`integration_id = ${integrationId}`];
      if (filter.candidateRef !== undefined) conditions.push(sql`candidate_ref = ${filter.candidateRef}`);
      if (filter.interviewRef !== undefined) conditions.push(sql`interview_ref = ${filter.interviewRef}`);
      if (filter.createdFrom !== undefined) conditions.push(sql`created_at >= ${filter.createdFrom}`);
      if (filter.createdTo !== undefined) conditions.push(sql`created_at < ${filter.createdTo}`);
      if (filter.before) conditions.push(sql`(created_at, id) < (${filter.before.createdAt}, ${filter.before.id})`);
      const rows = await sql`SELECT * FROM sessions WHERE ${and(conditions)} ORDER BY created_at DESC, id DESC LIMIT ${filter.limit}`;
      return rows.map((r) => t.sessions.fromRow(r, json));
    },
    async sessionsToSettle(now, limit) {
      const rows = await sql<{ id: string }[]>`
        SELECT id FROM sessions s WHERE s.status = 'open' AND (s.expires_at <= ${now}
          OR EXISTS (SELECT 1 FROM attempts a WHERE a.session_id = s.id AND a.status = 'started' AND a.expires_at <= ${now}))
        ORDER BY s.expires_at LIMIT ${limit}`;
      return rows.map((r) => r.id);
    },
    async settleSession(id, settle, at) {
      return sql.begin(async (tx) => {
        const session = await lockedSession(tx, id);
        if (!session) return null;
        const settlement = settle(session, await attemptStatesOf(tx, id), null);
        await applySettlement(tx, session, settlement, at);
        return settlement.status ?? null;
      });
    },

    // ---- attempts ----
    async createAttempt(attempt, admit, recheck) {
      return sql.begin(async (tx) => {
        // The row lock makes concurrent calls for one session take turns from here to COMMIT.
        const session = await lockedSession(tx, attempt.sessionId);
        if (!session) return 'session_not_found' satisfies AttemptRefusal;
        if (recheck) {
          const request = read(t.rechecks, (await tx`SELECT * FROM rechecks WHERE id = ${recheck.id} FOR UPDATE`)[0]);
          if (!request || request.sessionId !== attempt.sessionId || request.attemptId !== null || request.expiresAt < recheck.now) return 'recheck_not_found' satisfies AttemptRefusal;
        }
        const states = await attemptStatesOf(tx, attempt.sessionId);
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
        await tx`INSERT INTO attempts ${tx(values(t.attempts, record))}`;
        if (recheck) await tx`UPDATE rechecks SET attempt_id = ${attempt.id} WHERE id = ${recheck.id}`;
        return record;
      });
    },
    async completeAttempt(id, outcome, settle) {
      return sql.begin(async (tx) => {
        const [owner] = await tx<{ session_id: string }[]>`SELECT session_id FROM attempts WHERE id = ${id}`;
        if (!owner) return null;
        // Lock the session first, as createAttempt does, so a settlement sees every attempt.
        const session = await lockedSession(tx, owner.session_id);
        const patch = t.attempts.toPatch(outcome, json) as Record<string, postgres.ParameterOrJSON<never>>;
        const [row] = await tx`UPDATE attempts SET ${tx(patch)} WHERE id = ${id} AND status = 'started' RETURNING ${ATTEMPT_COLUMNS}`;
        if (!row || !session) return null;
        const settlement = settle(session, await attemptStatesOf(tx, session.id), t.attemptRecords.fromRow(row, json));
        await applySettlement(tx, session, settlement, outcome.completedAt);
        return { status: settlement.status ?? null };
      });
    },
    async getAttempt(id) {
      return read(t.attemptRecords, (await sql`SELECT ${ATTEMPT_COLUMNS} FROM attempts WHERE id = ${id}`)[0]);
    },
    async attemptsWithoutFacts(now, limit) {
      const rows = await sql`SELECT ${ATTEMPT_COLUMNS} FROM attempts WHERE status = 'started' AND expires_at <= ${now} AND risk IS NULL ORDER BY expires_at LIMIT ${limit}`;
      return rows.map((r) => t.attemptRecords.fromRow(r, json));
    },
    async recordAttemptFacts(id, risk) {
      return (await sql`UPDATE attempts SET risk = ${sql.json(risk as never)} WHERE id = ${id} AND status = 'started' AND risk IS NULL`).count === 1;
    },
    async getAttemptTrace(id) {
      const [row] = await sql`SELECT trace FROM attempts WHERE id = ${id}`;
      return row?.trace ? (json.decode(row.trace) as Trace) : null;
    },
    async listAttempts(sessionId) {
      return (await sql`SELECT ${ATTEMPT_COLUMNS} FROM attempts WHERE session_id = ${sessionId} ORDER BY sequence`).map((r) => t.attemptRecords.fromRow(r, json));
    },
    async listAttemptStates(sessionId) {
      return attemptStatesOf(sql, sessionId);
    },
    async listAttemptsOfSessions(sessionIds) {
      if (sessionIds.length === 0) return [];
      return (await sql`SELECT ${ATTEMPT_COLUMNS} FROM attempts WHERE session_id IN ${sql([...sessionIds])} ORDER BY session_id, sequence`).map((r) => t.attemptRecords.fromRow(r, json));
    },
    async findAttempts(filter) {
      const conditions = [sql`true`];
      if (filter.integrationId !== undefined) conditions.push(sql`a.integration_id = ${filter.integrationId}`);
      if (filter.candidateRef !== undefined) conditions.push(sql`s.candidate_ref = ${filter.candidateRef}`);
      if (filter.interviewRef !== undefined) conditions.push(sql`s.interview_ref = ${filter.interviewRef}`);
      if (filter.sessionId !== undefined) conditions.push(sql`a.session_id = ${filter.sessionId}`);
      if (filter.status !== undefined) conditions.push(sql`a.status = ${filter.status}`);
      if (filter.reason !== undefined) conditions.push(sql`a.reasons @> ${sql.json([filter.reason])}`);
      if (filter.createdFrom !== undefined) conditions.push(sql`a.created_at >= ${filter.createdFrom}`);
      if (filter.createdTo !== undefined) conditions.push(sql`a.created_at < ${filter.createdTo}`);
      if (filter.before) conditions.push(sql`(a.created_at, a.id) < (${filter.before.createdAt}, ${filter.before.id})`);
      const rows = await sql`
        SELECT ${sql.unsafe(t.attemptColumns('a.'))} FROM attempts a JOIN sessions s ON s.id = a.session_id
        WHERE ${and(conditions)} ORDER BY a.created_at DESC, a.id DESC LIMIT ${filter.limit}`;
      if (rows.length === 0) return [];
      const owners = await sql`SELECT * FROM sessions WHERE id IN ${sql([...new Set(rows.map((r) => r.session_id as string))])}`;
      const byId = new Map(owners.map((r) => [r.id as string, t.sessions.fromRow(r, json)]));
      return rows.map((row) => ({ attempt: t.attemptRecords.fromRow(row, json), session: byId.get(row.session_id as string)! }));
    },
    async revokeAttempt(id, at) {
      return (await sql`UPDATE attempts SET revoked_at = COALESCE(revoked_at, ${at}) WHERE id = ${id} AND status <> 'started'`).count === 1;
    },

    async insertRecheck(recheck) {
      await sql`INSERT INTO rechecks ${sql(values(t.rechecks, recheck))}`;
    },
    async getRecheck(id) {
      return read(t.rechecks, (await sql`SELECT * FROM rechecks WHERE id = ${id}`)[0]);
    },
    async listOpenRechecks(sessionId, now) {
      const rows = await sql`SELECT * FROM rechecks WHERE session_id = ${sessionId} AND attempt_id IS NULL AND expires_at >= ${now} ORDER BY requested_at`;
      return rows.map((r) => t.rechecks.fromRow(r, json));
    },

    async insertReferenceImage(image) {
      await sql`INSERT INTO reference_images ${sql(values(t.referenceImages, image))}`;
    },
    async getReferenceImage(attemptId, now) {
      return read(t.referenceImages, (await sql`SELECT * FROM reference_images WHERE attempt_id = ${attemptId} AND expires_at > ${now}`)[0]);
    },
    async setFrameRequest(id, request) {
      return (await sql`UPDATE attempts SET frame_request = ${sql.json(request as never)} WHERE id = ${id} AND status = 'started' AND frame_request IS NULL`).count === 1;
    },
    async insertFrameEvidence(evidence) {
      await sql`INSERT INTO frame_evidence ${sql(values(t.frameEvidence, evidence))}`;
    },
    async putSessionFace(face) {
      const row = values(t.sessionFaces, face);
      await sql`INSERT INTO session_faces ${sql(row)} ON CONFLICT (session_id) DO UPDATE SET attempt_id = EXCLUDED.attempt_id, embeddings = EXCLUDED.embeddings, created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at`;
    },
    async getSessionFace(sessionId, now) {
      return read(t.sessionFaces, (await sql`SELECT * FROM session_faces WHERE session_id = ${sessionId} AND expires_at > ${now}`)[0]);
    },
    async putIntegrationFace(face) {
      const row = values(t.integrationFaces, face);
      await sql`INSERT INTO integration_faces ${sql(row)} ON CONFLICT (session_id) DO UPDATE SET attempt_id = EXCLUDED.attempt_id, dimensions = EXCLUDED.dimensions, embeddings = EXCLUDED.embeddings, created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at`;
    },
    async otherCandidateFaces(integrationId, candidateRef, now, limit) {
      const rows = await sql`SELECT * FROM integration_faces WHERE integration_id = ${integrationId} AND candidate_ref <> ${candidateRef} AND expires_at > ${now} ORDER BY created_at DESC LIMIT ${limit}`;
      return rows.map((row) => read(t.integrationFaces, row)!);
    },
    async deleteIntegrationFaces(integrationId) {
      return (await sql`DELETE FROM integration_faces WHERE integration_id = ${integrationId}`).count;
    },
    async getFrameEvidence(attemptId, now) {
      return read(t.frameEvidence, (await sql`SELECT * FROM frame_evidence WHERE attempt_id = ${attemptId} AND expires_at > ${now}`)[0]);
    },

    // ---- webhooks ----
    async insertWebhookEndpoint(endpoint) {
      await sql`INSERT INTO webhook_endpoints ${sql(values(t.webhookEndpoints, endpoint))}`;
    },
    async listWebhookEndpoints(integrationId) {
      return (await sql`SELECT * FROM webhook_endpoints WHERE integration_id = ${integrationId} ORDER BY created_at, id`).map((r) => t.webhookEndpoints.fromRow(r, json));
    },
    async listLegacyWebhookSecrets() {
      const rows = await sql<{ id: string; secret_sealed: string }[]>`SELECT id, secret_sealed FROM webhook_endpoints WHERE starts_with(secret_sealed, 'whsec_')`;
      return rows.map((r) => ({ id: r.id, secret: r.secret_sealed }));
    },
    async updateWebhookEndpoint(integrationId, id, change) {
      const patch: Record<string, unknown> = {};
      if (change.secretSealed !== undefined) patch.secretSealed = change.secretSealed;
      if (change.disabledAt !== undefined) patch.disabledAt = change.disabledAt;
      if (change.disabledReason !== undefined) patch.disabledReason = change.disabledReason;
      if (change.disabledAt === null) patch.consecutiveFailures = 0;
      const row = t.webhookEndpoints.toPatch(patch, json) as Record<string, postgres.ParameterOrJSON<never>>;
      if (Object.keys(row).length === 0) return false;
      return (await sql`UPDATE webhook_endpoints SET ${sql(row)} WHERE id = ${id} AND integration_id = ${integrationId}`).count === 1;
    },
    async deleteWebhookEndpoint(integrationId, id) {
      return sql.begin(async (tx) => {
        const deleted = await tx`DELETE FROM webhook_endpoints WHERE id = ${id} AND integration_id = ${integrationId}`;
        if (deleted.count !== 1) return false;
        await tx`
          UPDATE webhook_messages SET status = 'failed', next_attempt_at = NULL, last_error = 'endpoint_deleted'
          WHERE endpoint_id = ${id} AND status = 'pending'`;
        return true;
      });
    },
    async claimWebhookMessages(claim) {
      const skipEndpoints = claim.skipEndpoints.length ? sql`AND m.endpoint_id NOT IN ${sql([...claim.skipEndpoints])}` : sql``;
      const skipIntegrations = claim.skipIntegrations.length ? sql`AND m.integration_id NOT IN ${sql([...claim.skipIntegrations])}` : sql``;
      // SKIP LOCKED: instances polling at the same moment take different messages.
      const rows = await sql`
        UPDATE webhook_messages SET next_attempt_at = ${claim.now + claim.leaseMs}
        WHERE id IN (
          SELECT id FROM (
            SELECT m.id, m.next_attempt_at, row_number() OVER (PARTITION BY m.integration_id ORDER BY m.next_attempt_at, m.id) AS rank
            FROM webhook_messages m JOIN webhook_endpoints e ON e.id = m.endpoint_id
            WHERE m.status = 'pending' AND m.next_attempt_at <= ${claim.now} AND e.disabled_at IS NULL ${skipEndpoints} ${skipIntegrations}
              AND (m.after_id IS NULL OR NOT EXISTS (SELECT 1 FROM webhook_messages p WHERE p.id = m.after_id AND p.status = 'pending'))
          ) ranked
          WHERE rank <= ${claim.perIntegration}
          ORDER BY rank, next_attempt_at, id LIMIT ${claim.limit})
        AND status = 'pending' AND next_attempt_at <= ${claim.now}
        RETURNING *`;
      if (rows.length === 0) return [];
      const endpoints = await sql`SELECT * FROM webhook_endpoints WHERE id IN ${sql([...new Set(rows.map((r) => r.endpoint_id as string))])}`;
      const byId = new Map(endpoints.map((r) => [r.id as string, t.webhookEndpoints.fromRow(r, json)]));
      return rows.flatMap((row) => {
        const endpoint = byId.get(row.endpoint_id as string);
        return endpoint ? [{ message: t.webhookMessages.fromRow(row, json), endpoint }] : [];
      });
    },
    async recordWebhookAttempt(id, result) {
      return sql.begin(async (tx) => {
        const status = result.delivered ? 'delivered' : result.retryAt === null ? 'failed' : 'pending';
        const [row] = await tx<{ endpoint_id: string }[]>`
          UPDATE webhook_messages SET status = ${status}, next_attempt_at = ${status === 'pending' ? result.retryAt : null},
            last_attempt_at = ${result.at}, last_response_status = ${result.responseStatus}, last_error = ${result.error},
            delivered_at = ${result.delivered ? result.at : null}, attempts = attempts + 1
          WHERE id = ${id} AND status = 'pending' RETURNING endpoint_id`;
        if (!row) return { endpointDisabled: false };
        if (result.delivered) {
          await tx`UPDATE webhook_endpoints SET consecutive_failures = 0 WHERE id = ${row.endpoint_id}`;
          return { endpointDisabled: false };
        }
        await tx`UPDATE webhook_endpoints SET consecutive_failures = consecutive_failures + 1 WHERE id = ${row.endpoint_id}`;
        const reason = `${result.disableAfter} deliveries failed in a row (last: ${result.error ?? 'error'})`;
        const disabled = await tx`
          UPDATE webhook_endpoints SET disabled_at = ${result.at}, disabled_reason = ${reason}
          WHERE id = ${row.endpoint_id} AND disabled_at IS NULL AND consecutive_failures >= ${result.disableAfter}`;
        return { endpointDisabled: disabled.count === 1 };
      });
    },
    async listWebhookMessages(integrationId, filter = {}) {
      const byEndpoint = filter.endpointId === undefined ? sql`` : sql`AND endpoint_id = ${filter.endpointId}`;
      const rows = await sql`
        SELECT * FROM webhook_messages WHERE integration_id = ${integrationId} ${byEndpoint}
        ORDER BY created_at DESC, id DESC LIMIT ${filter.limit ?? 100}`;
      return rows.map((r) => t.webhookMessages.fromRow(r, json));
    },

    // ---- audit ----
    async appendEvent(event) {
      const row = values(t.events, { ...event, id: 0 });
      delete row.id;
      await sql`INSERT INTO events ${sql(row)}`;
    },
    async listEvents(filter) {
      const conditions = [sql`true`];
      if (filter.sessionId !== undefined) conditions.push(sql`session_id = ${filter.sessionId}`);
      if (filter.attemptId !== undefined) conditions.push(sql`attempt_id = ${filter.attemptId}`);
      if (filter.integrationId !== undefined) conditions.push(sql`integration_id = ${filter.integrationId}`);
      const rows = await sql`SELECT * FROM events WHERE ${and(conditions)} ORDER BY id LIMIT ${filter.limit ?? 1000}`;
      return rows.map((r) => t.events.fromRow(r, json));
    },
    async addRefusalCounts(counts) {
      if (counts.length === 0) return;
      await sql.begin(async (tx) => {
        for (const c of counts) {
          await tx`
            INSERT INTO refusal_counts (window_start, route, code, count) VALUES (${c.windowStart}, ${c.route}, ${c.code}, ${c.count})
            ON CONFLICT (window_start, route, code) DO UPDATE SET count = refusal_counts.count + excluded.count`;
        }
      });
    },
    async listRefusalCounts(since) {
      return (await sql`SELECT * FROM refusal_counts WHERE window_start >= ${since} ORDER BY window_start, route, code`).map((r) => t.refusalCounts.fromRow(r, json));
    },

    // ---- tokens ----
    async revokeToken(jti, sessionId, expiresAt, at) {
      await sql`INSERT INTO revoked_tokens (jti, session_id, expires_at, revoked_at) VALUES (${jti}, ${sessionId}, ${expiresAt}, ${at}) ON CONFLICT (session_id, jti) DO NOTHING`;
    },
    async isTokenRevoked(jti, sessionId) {
      return (await sql`SELECT 1 FROM revoked_tokens WHERE session_id = ${sessionId} AND jti = ${jti}`).length > 0;
    },

    // ---- UDP paths ----
    async recordUdpObservation({ ufrag, ip, port, at }) {
      await sql`
        INSERT INTO udp_observations (ufrag, ip, port, first_at, last_at, count)
        SELECT ${ufrag}, ${ip}, ${port}, ${at}, ${at}, 1 WHERE (SELECT count(*) FROM udp_observations WHERE ufrag = ${ufrag}) < ${MAX_UDP_OBSERVATIONS_PER_UFRAG}
        ON CONFLICT (ufrag, ip, port) DO UPDATE SET last_at = excluded.last_at, count = udp_observations.count + 1`;
    },
    async listUdpObservations(ufrag) {
      return (await sql`SELECT * FROM udp_observations WHERE ufrag = ${ufrag} ORDER BY first_at, ip, port`).map((row) => t.udpObservations.fromRow(row, json));
    },

    // ---- review cases ----
    async getCase(id) {
      return read(t.cases, (await sql`SELECT * FROM cases WHERE id = ${id}`)[0]);
    },
    async getCaseOfSession(sessionId) {
      return read(t.cases, (await sql`SELECT * FROM cases WHERE session_id = ${sessionId}`)[0]);
    },
    async listCases(filter) {
      const conditions = [sql`TRUE`];
      if (filter.integrationId !== undefined) conditions.push(sql`integration_id = ${filter.integrationId}`);
      if (filter.status !== undefined) conditions.push(sql`status = ${filter.status}`);
      if (filter.before) conditions.push(sql`(opened_at, id) < (${filter.before.createdAt}, ${filter.before.id})`);
      const rows = await sql`SELECT * FROM cases WHERE ${and(conditions)} ORDER BY opened_at DESC, id DESC LIMIT ${filter.limit}`;
      return rows.map((r) => t.cases.fromRow(r, json));
    },
    async decideCase(id, decision, messages) {
      return sql.begin(async (tx) => {
        const existing = read(t.cases, (await tx`SELECT * FROM cases WHERE id = ${id} FOR UPDATE`)[0]);
        if (!existing) return null;
        const decided: CaseRecord = { ...existing, status: 'decided', decision: decision.decision, note: decision.note, decidedAt: decision.at, decidedBy: decision.by, updatedAt: decision.at };
        await tx`UPDATE cases SET status = 'decided', decision = ${decision.decision}, note = ${decision.note}, decided_at = ${decision.at}, decided_by = ${decision.by}, updated_at = ${decision.at} WHERE id = ${id}`;
        await insertMessages(tx, messages(decided));
        return decided;
      });
    },

    // ---- links ----
    async linkKeys(keys, since, limit) {
      if (keys.length === 0) return [];
      const { integrationId, candidateRef } = keys[0]!;
      const found = await sql`
        SELECT * FROM link_keys WHERE integration_id = ${integrationId} AND hash IN ${sql(keys.map((k) => k.hash))} AND seen_at >= ${since} AND candidate_ref <> ${candidateRef}
        ORDER BY seen_at DESC LIMIT ${limit}`;
      await sql`
        INSERT INTO link_keys ${sql(keys.map((k) => values(t.linkKeys, k)))}
        ON CONFLICT (integration_id, hash, session_id) DO UPDATE SET seen_at = excluded.seen_at`;
      return found.map((row) => t.linkKeys.fromRow(row, json));
    },
  };
  return store;
}
