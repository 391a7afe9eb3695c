/**
 * The shared store: PostgreSQL through porsager/postgres, for many server instances behind a load
 * balancer. Everything that must hold across instances is decided in the database: migrations run
 * under an advisory lock, a new attempt locks its session row, a result is a conditional UPDATE.
 */
import postgres from 'postgres';
import type { AttemptRefusal, Store } from '../store.ts';
import {
  attemptFromRow,
  eventFromRow,
  eventValues,
  first,
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
  SessionRow,
  SigningKeyRow,
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
        id text PRIMARY KEY,
        name text NOT NULL,
        api_key_hash text NOT NULL,
        audiences jsonb NOT NULL,
        virtual_camera_policy text NOT NULL CHECK (virtual_camera_policy IN ('flag', 'reject')),
        light_opt_out_policy text NOT NULL CHECK (light_opt_out_policy IN ('flag', 'reject')),
        created_at bigint NOT NULL
      );
      CREATE UNIQUE INDEX integrations_api_key_hash ON integrations (api_key_hash);

      CREATE TABLE signing_keys (
        kid text PRIMARY KEY,
        alg text NOT NULL,
        public_jwk jsonb NOT NULL,
        private_jwk jsonb NOT NULL,
        created_at bigint NOT NULL,
        retired_at bigint
      );

      CREATE TABLE sessions (
        id text PRIMARY KEY,
        integration_id text NOT NULL REFERENCES integrations (id),
        candidate_ref text NOT NULL,
        interview_ref text NOT NULL,
        audience text NOT NULL,
        attempt_limit integer NOT NULL,
        challenge_count integer NOT NULL,
        token_ttl_seconds integer NOT NULL,
        created_at bigint NOT NULL,
        expires_at bigint NOT NULL
      );

      -- UNIQUE (session_id, sequence) leads with session_id, so it is also the index for
      -- looking attempts up by session.
      CREATE TABLE attempts (
        id text PRIMARY KEY,
        session_id text NOT NULL REFERENCES sessions (id),
        sequence integer NOT NULL CHECK (sequence >= 1),
        status text NOT NULL CHECK (status IN ('started', 'passed', 'failed')),
        created_at bigint NOT NULL,
        expires_at bigint NOT NULL,
        nonce text NOT NULL,
        challenges jsonb NOT NULL,
        plan_token text NOT NULL,
        public_jwk jsonb NOT NULL,
        key_thumbprint text NOT NULL,
        ip text,
        user_agent text,
        device jsonb,
        completed_at bigint,
        reasons jsonb NOT NULL,
        steps jsonb NOT NULL,
        signals jsonb NOT NULL,
        trace jsonb,
        timings jsonb,
        result_ip text,
        result_user_agent text,
        UNIQUE (session_id, sequence),
        CHECK ((status = 'started') = (completed_at IS NULL))
      );

      -- No foreign keys: the audit log also records refusals about sessions that do not exist.
      CREATE TABLE events (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at bigint NOT NULL,
        type text NOT NULL,
        session_id text,
        attempt_id text,
        integration_id text,
        code text,
        ip text,
        user_agent text,
        detail jsonb NOT NULL
      );
      CREATE INDEX events_session_id ON events (session_id);
      CREATE INDEX events_attempt_id ON events (attempt_id);
    `,
  },
  {
    version: 2,
    sql: `
      CREATE TABLE webhook_endpoints (
        id text PRIMARY KEY,
        integration_id text NOT NULL REFERENCES integrations (id),
        url text NOT NULL,
        secret text NOT NULL,
        events jsonb NOT NULL,
        created_at bigint NOT NULL
      );
      CREATE INDEX webhook_endpoints_integration_id ON webhook_endpoints (integration_id);

      -- The outbox. No foreign key to the endpoint: a deleted endpoint's history stays on record.
      CREATE TABLE webhook_messages (
        id text PRIMARY KEY,
        endpoint_id text NOT NULL,
        integration_id text NOT NULL,
        type text NOT NULL,
        body text NOT NULL,
        created_at bigint NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
        attempts integer NOT NULL,
        next_attempt_at bigint,
        last_attempt_at bigint,
        last_response_status integer,
        last_error text,
        delivered_at bigint,
        CHECK ((status = 'pending') = (next_attempt_at IS NOT NULL))
      );
      CREATE INDEX webhook_messages_due ON webhook_messages (next_attempt_at) WHERE status = 'pending';
      CREATE INDEX webhook_messages_integration ON webhook_messages (integration_id, created_at);

      ALTER TABLE attempts ADD COLUMN revoked_at bigint;
      ALTER TABLE attempts ADD COLUMN kind text NOT NULL DEFAULT 'check' CHECK (kind IN ('check', 'recheck'));
      ALTER TABLE integrations ADD COLUMN reference_image_days integer CHECK (reference_image_days BETWEEN 1 AND 365);
      CREATE TABLE reference_images (
        attempt_id text PRIMARY KEY REFERENCES attempts (id),
        session_id text NOT NULL,
        content_type text NOT NULL,
        data bytea NOT NULL,
        created_at bigint NOT NULL,
        expires_at bigint NOT NULL
      );
      CREATE INDEX reference_images_expires ON reference_images (expires_at);
      CREATE TABLE rechecks (
        id text PRIMARY KEY,
        session_id text NOT NULL REFERENCES sessions (id),
        requested_at bigint NOT NULL,
        expires_at bigint NOT NULL,
        attempt_id text UNIQUE REFERENCES attempts (id)
      );
      CREATE INDEX sessions_integration_created ON sessions (integration_id, created_at);
      CREATE INDEX attempts_created ON attempts (created_at);
    `,
  },
];

/** Advisory lock key that serialises migrations across every instance sharing the database. */
const MIGRATION_LOCK_KEY = 0x4c69_7665_7072;

/** Unquoted PostgreSQL identifiers only, so the name means the same in `search_path` and in DDL. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export function createPostgresStore(options: { url: string; schema?: string; max?: number }): Store {
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

  /** Fragments joined with AND. */
  const and = (conditions: postgres.PendingQuery<postgres.Row[]>[]) => conditions.reduce((all, next) => sql`${all} AND ${next}`);

  return {
    async migrate() {
      await sql.begin(async (tx) => {
        await tx`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY}::bigint)`;
        if (schema !== undefined) await tx`CREATE SCHEMA IF NOT EXISTS ${tx(schema)}`;
        await tx`CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at bigint NOT NULL)`;
        const applied = new Set((await tx<{ version: number }[]>`SELECT version FROM schema_migrations`).map((r) => r.version));
        for (const migration of MIGRATIONS) {
          if (applied.has(migration.version)) continue;
          await tx.unsafe(migration.sql).simple();
          await tx`INSERT INTO schema_migrations ${tx({ version: migration.version, applied_at: Date.now() })}`;
        }
      });
    },
    async close() {
      await sql.end({ timeout: 5 });
    },

    async insertIntegration(integration) {
      await sql`INSERT INTO integrations ${sql(integrationValues(integration, json))}`;
    },
    async findIntegrationByKeyHash(apiKeyHash) {
      const [row] = await sql<IntegrationRow[]>`SELECT * FROM integrations WHERE api_key_hash = ${apiKeyHash}`;
      return row === undefined ? null : integrationFromRow(row, json);
    },
    async getIntegration(id) {
      const [row] = await sql<IntegrationRow[]>`SELECT * FROM integrations WHERE id = ${id}`;
      return row === undefined ? null : integrationFromRow(row, json);
    },

    async listSigningKeys() {
      const rows = await sql<SigningKeyRow[]>`SELECT * FROM signing_keys ORDER BY created_at DESC, kid DESC`;
      return rows.map((row) => signingKeyFromRow(row, json));
    },
    async insertSigningKey(key) {
      await sql`INSERT INTO signing_keys ${sql(signingKeyValues(key, json))}`;
    },
    async retireSigningKey(kid, at) {
      await sql`UPDATE signing_keys SET retired_at = ${at} WHERE kid = ${kid} AND retired_at IS NULL`;
    },

    async insertSession(session) {
      await sql`INSERT INTO sessions ${sql(sessionValues(session))}`;
    },
    async getSession(id) {
      const [row] = await sql<SessionRow[]>`SELECT * FROM sessions WHERE id = ${id}`;
      return row === undefined ? null : sessionFromRow(row);
    },

    async createAttempt(attempt) {
      return sql.begin(async (tx) => {
        // The row lock makes concurrent calls for one session take turns from here to COMMIT.
        const [session] = await tx<{ attempt_limit: number }[]>`
          SELECT attempt_limit FROM sessions WHERE id = ${attempt.sessionId} FOR UPDATE`;
        if (session === undefined) return 'session_not_found' satisfies AttemptRefusal;
        const used = first(
          await tx<{ total: number; count: number; passed: number }[]>`
            SELECT count(*)::integer AS total, (count(*) FILTER (WHERE kind = 'check'))::integer AS count,
              (count(*) FILTER (WHERE status = 'passed' AND kind = 'check'))::integer AS passed
            FROM attempts WHERE session_id = ${attempt.sessionId}`,
        );
        if (used.passed > 0) return 'session_passed' satisfies AttemptRefusal;
        if (used.count >= session.attempt_limit) return 'limit_reached' satisfies AttemptRefusal;
        const row = first(
          await tx<AttemptRow[]>`INSERT INTO attempts ${tx(newAttemptValues({ ...attempt, kind: 'check' }, used.total + 1, json))} RETURNING *`,
        );
        return attemptFromRow(row, json);
      });
    },
    async createRecheckAttempt(attempt, recheckId, now) {
      return sql.begin(async (tx) => {
        const [session] = await tx`SELECT id FROM sessions WHERE id = ${attempt.sessionId} FOR UPDATE`;
        const [recheck] = await tx<RecheckRow[]>`SELECT * FROM rechecks WHERE id = ${recheckId} FOR UPDATE`;
        if (!session || !recheck || recheck.session_id !== attempt.sessionId || recheck.attempt_id !== null || Number(recheck.expires_at) < now) {
          return 'recheck_not_found' satisfies AttemptRefusal;
        }
        const { total } = first(await tx<{ total: number }[]>`SELECT count(*)::integer AS total FROM attempts WHERE session_id = ${attempt.sessionId}`);
        const row = first(await tx<AttemptRow[]>`INSERT INTO attempts ${tx(newAttemptValues({ ...attempt, kind: 'recheck' }, total + 1, json))} RETURNING *`);
        await tx`UPDATE rechecks SET attempt_id = ${attempt.id} WHERE id = ${recheckId}`;
        return attemptFromRow(row, json);
      });
    },
    async insertReferenceImage(image) {
      await sql`INSERT INTO reference_images ${sql({ ...referenceImageValues(image), data: Buffer.from(image.data) } as Record<string, postgres.ParameterOrJSON<never>>)}`;
    },
    async getReferenceImage(attemptId, now) {
      const [row] = await sql<ReferenceImageRow[]>`SELECT * FROM reference_images WHERE attempt_id = ${attemptId} AND expires_at > ${now}`;
      return row === undefined ? null : referenceImageFromRow(row);
    },
    async purgeReferenceImages(now) {
      return (await sql`DELETE FROM reference_images WHERE expires_at <= ${now}`).count;
    },
    async insertRecheck(recheck) {
      await sql`INSERT INTO rechecks ${sql(recheckValues(recheck))}`;
    },
    async getRecheck(id) {
      const [row] = await sql<RecheckRow[]>`SELECT * FROM rechecks WHERE id = ${id}`;
      return row === undefined ? null : recheckFromRow(row);
    },
    async getAttempt(id) {
      const [row] = await sql<AttemptRow[]>`SELECT * FROM attempts WHERE id = ${id}`;
      return row === undefined ? null : attemptFromRow(row, json);
    },
    async listAttempts(sessionId) {
      const rows = await sql<AttemptRow[]>`SELECT * FROM attempts WHERE session_id = ${sessionId} ORDER BY sequence`;
      return rows.map((row) => attemptFromRow(row, json));
    },
    async listAttemptsOfSessions(sessionIds) {
      if (sessionIds.length === 0) return [];
      const rows = await sql<AttemptRow[]>`SELECT * FROM attempts WHERE session_id IN ${sql([...sessionIds])} ORDER BY session_id, sequence`;
      return rows.map((row) => attemptFromRow(row, json));
    },
    async completeAttempt(id, outcome, messages = []) {
      return sql.begin(async (tx) => {
        const result = await tx`
          UPDATE attempts SET ${tx(outcomeValues(outcome, json))} WHERE id = ${id} AND status = 'started'`;
        if (result.count !== 1) return false;
        for (const message of messages) await tx`INSERT INTO webhook_messages ${tx(newWebhookMessageValues(message))}`;
        return true;
      });
    },

    async revokeAttempt(id, at) {
      const result = await sql`UPDATE attempts SET revoked_at = COALESCE(revoked_at, ${at}) WHERE id = ${id} AND status <> 'started'`;
      return result.count === 1;
    },
    async listSessions(integrationId, filter) {
      const conditions = [sql`integration_id = ${integrationId}`];
      if (filter.candidateRef !== undefined) conditions.push(sql`candidate_ref = ${filter.candidateRef}`);
      if (filter.interviewRef !== undefined) conditions.push(sql`interview_ref = ${filter.interviewRef}`);
      if (filter.createdFrom !== undefined) conditions.push(sql`created_at >= ${filter.createdFrom}`);
      if (filter.createdTo !== undefined) conditions.push(sql`created_at < ${filter.createdTo}`);
      if (filter.before) conditions.push(sql`(created_at, id) < (${filter.before.createdAt}, ${filter.before.id})`);
      const rows = await sql<SessionRow[]>`
        SELECT * FROM sessions WHERE ${and(conditions)} ORDER BY created_at DESC, id DESC LIMIT ${filter.limit}`;
      return rows.map(sessionFromRow);
    },
    async findAttempts(integrationId, filter) {
      const conditions = [sql`s.integration_id = ${integrationId}`];
      if (filter.candidateRef !== undefined) conditions.push(sql`s.candidate_ref = ${filter.candidateRef}`);
      if (filter.interviewRef !== undefined) conditions.push(sql`s.interview_ref = ${filter.interviewRef}`);
      if (filter.sessionId !== undefined) conditions.push(sql`a.session_id = ${filter.sessionId}`);
      if (filter.status !== undefined) conditions.push(sql`a.status = ${filter.status}`);
      if (filter.reason !== undefined) conditions.push(sql`a.reasons @> ${sql.json([filter.reason])}`);
      if (filter.createdFrom !== undefined) conditions.push(sql`a.created_at >= ${filter.createdFrom}`);
      if (filter.createdTo !== undefined) conditions.push(sql`a.created_at < ${filter.createdTo}`);
      if (filter.before) conditions.push(sql`(a.created_at, a.id) < (${filter.before.createdAt}, ${filter.before.id})`);
      const rows = await sql<AttemptRow[]>`
        SELECT a.* FROM attempts a JOIN sessions s ON s.id = a.session_id
        WHERE ${and(conditions)} ORDER BY a.created_at DESC, a.id DESC LIMIT ${filter.limit}`;
      if (rows.length === 0) return [];
      const sessions = await sql<SessionRow[]>`SELECT * FROM sessions WHERE id IN ${sql([...new Set(rows.map((r) => r.session_id))])}`;
      const byId = new Map(sessions.map((row) => [row.id, sessionFromRow(row)]));
      return rows.map((row) => ({ attempt: attemptFromRow(row, json), session: byId.get(row.session_id)! }));
    },

    async insertWebhookEndpoint(endpoint) {
      await sql`INSERT INTO webhook_endpoints ${sql(webhookEndpointValues(endpoint, json))}`;
    },
    async listWebhookEndpoints(integrationId) {
      const rows = await sql<WebhookEndpointRow[]>`
        SELECT * FROM webhook_endpoints WHERE integration_id = ${integrationId} ORDER BY created_at, id`;
      return rows.map((row) => webhookEndpointFromRow(row, json));
    },
    async deleteWebhookEndpoint(integrationId, id) {
      return sql.begin(async (tx) => {
        const deleted = await tx`DELETE FROM webhook_endpoints WHERE id = ${id} AND integration_id = ${integrationId}`;
        if (deleted.count !== 1) return false;
        await tx`
          UPDATE webhook_messages SET status = 'failed', next_attempt_at = NULL, last_error = 'endpoint deleted'
          WHERE endpoint_id = ${id} AND status = 'pending'`;
        return true;
      });
    },
    async claimWebhookMessages(now, limit, leaseMs) {
      // SKIP LOCKED: instances polling at the same moment take different messages.
      const rows = await sql<WebhookMessageRow[]>`
        UPDATE webhook_messages SET next_attempt_at = ${now + leaseMs}
        WHERE id IN (
          SELECT id FROM webhook_messages WHERE status = 'pending' AND next_attempt_at <= ${now}
          ORDER BY next_attempt_at, id LIMIT ${limit} FOR UPDATE SKIP LOCKED)
        RETURNING *`;
      if (rows.length === 0) return [];
      const endpoints = await sql<WebhookEndpointRow[]>`
        SELECT * FROM webhook_endpoints WHERE id IN ${sql([...new Set(rows.map((r) => r.endpoint_id))])}`;
      const byId = new Map(endpoints.map((row) => [row.id, webhookEndpointFromRow(row, json)]));
      return rows.flatMap((row) => {
        const endpoint = byId.get(row.endpoint_id);
        return endpoint ? [{ message: webhookMessageFromRow(row), endpoint }] : [];
      });
    },
    async recordWebhookAttempt(id, result) {
      await sql`
        UPDATE webhook_messages SET ${sql(webhookAttemptValues(result))}, attempts = attempts + 1
        WHERE id = ${id} AND status = 'pending'`;
    },
    async listWebhookMessages(integrationId, filter = {}) {
      const byEndpoint = filter.endpointId === undefined ? sql`` : sql`AND endpoint_id = ${filter.endpointId}`;
      const rows = await sql<WebhookMessageRow[]>`
        SELECT * FROM webhook_messages WHERE integration_id = ${integrationId} ${byEndpoint}
        ORDER BY created_at DESC, id DESC LIMIT ${filter.limit ?? 100}`;
      return rows.map(webhookMessageFromRow);
    },

    async appendEvent(event) {
      await sql`INSERT INTO events ${sql(eventValues(event, json))}`;
    },
    async listEvents(filter) {
      const bySession = filter.sessionId === undefined ? sql`` : sql`AND session_id = ${filter.sessionId}`;
      const byAttempt = filter.attemptId === undefined ? sql`` : sql`AND attempt_id = ${filter.attemptId}`;
      const rows = await sql<EventRow[]>`SELECT * FROM events WHERE true ${bySession} ${byAttempt} ORDER BY id`;
      return rows.map((row) => eventFromRow(row, json));
    },
  };
}
