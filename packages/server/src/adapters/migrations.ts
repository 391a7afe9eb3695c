/**
 * The schema's history, written once for both dialects. A new database runs every step; an old one
 * runs the steps it has not seen. Append a migration, never edit a shipped one.
 * `adapters/contract.test.ts` checks that the result has exactly the columns `tables.ts` maps.
 */
import type { ColumnSpec, Migration } from './schema.ts';

const col = (kind: ColumnSpec['kind'], constraints?: string): ColumnSpec => (constraints ? { kind, constraints } : { kind });
const POLICY = "CHECK (%s IN ('flag', 'reject'))";
const policy = (name: string) => col('text', POLICY.replace('%s', name));

/** Epoch milliseconds now, in each dialect (for backfills). */
const NOW_MS = { sqlite: "CAST(strftime('%s', 'now') AS INTEGER) * 1000", postgres: '(extract(epoch FROM now()) * 1000)::bigint' };

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    steps: [
      {
        createTable: 'integrations',
        columns: {
          id: col('text', 'PRIMARY KEY'),
          name: col('text'),
          api_key_hash: col('text'),
          audiences: col('json'),
          virtual_camera_policy: policy('virtual_camera_policy'),
          light_opt_out_policy: policy('light_opt_out_policy'),
          created_at: col('bigint'),
        },
      },
      { createIndex: 'integrations_api_key_hash', on: 'integrations', columns: 'api_key_hash', unique: true },
      {
        createTable: 'signing_keys',
        columns: {
          kid: col('text', 'PRIMARY KEY'),
          alg: col('text'),
          public_jwk: col('json'),
          private_jwk: col('json'),
          created_at: col('bigint'),
          retired_at: col('bigint?'),
        },
      },
      {
        createTable: 'sessions',
        columns: {
          id: col('text', 'PRIMARY KEY'),
          integration_id: col('text', 'REFERENCES integrations (id)'),
          candidate_ref: col('text'),
          interview_ref: col('text'),
          audience: col('text'),
          attempt_limit: col('int'),
          challenge_count: col('int'),
          token_ttl_seconds: col('int'),
          created_at: col('bigint'),
          expires_at: col('bigint'),
        },
      },
      // UNIQUE (session_id, sequence) leads with session_id, so it is also the index for looking
      // attempts up by session.
      {
        createTable: 'attempts',
        columns: {
          id: col('text', 'PRIMARY KEY'),
          session_id: col('text', 'REFERENCES sessions (id)'),
          sequence: col('int', 'CHECK (sequence >= 1)'),
          status: col('text', "CHECK (status IN ('started', 'passed', 'failed'))"),
          created_at: col('bigint'),
          expires_at: col('bigint'),
          nonce: col('text'),
          challenges: col('json'),
          plan_token: col('text'),
          public_jwk: col('json'),
          key_thumbprint: col('text'),
          ip: col('text?'),
          user_agent: col('text?'),
          device: col('json?'),
          completed_at: col('bigint?'),
          reasons: col('json'),
          steps: col('json'),
          signals: col('json'),
          trace: col('json?'),
          timings: col('json?'),
          result_ip: col('text?'),
          result_user_agent: col('text?'),
        },
        tableConstraints: ['UNIQUE (session_id, sequence)', "CHECK ((status = 'started') = (completed_at IS NULL))"],
      },
      // No foreign keys: the audit log also records refusals about sessions that do not exist.
      {
        createTable: 'events',
        columns: {
          id: col('serial'),
          at: col('bigint'),
          type: col('text'),
          session_id: col('text?'),
          attempt_id: col('text?'),
          integration_id: col('text?'),
          code: col('text?'),
          ip: col('text?'),
          user_agent: col('text?'),
          detail: col('json'),
        },
      },
      { createIndex: 'events_session_id', on: 'events', columns: 'session_id' },
      { createIndex: 'events_attempt_id', on: 'events', columns: 'attempt_id' },
    ],
  },
  {
    version: 2,
    steps: [
      {
        createTable: 'webhook_endpoints',
        columns: {
          id: col('text', 'PRIMARY KEY'),
          integration_id: col('text', 'REFERENCES integrations (id)'),
          url: col('text'),
          secret: col('text'),
          events: col('json'),
          created_at: col('bigint'),
        },
      },
      { createIndex: 'webhook_endpoints_integration_id', on: 'webhook_endpoints', columns: 'integration_id' },
      // The outbox. No foreign key to the endpoint: a deleted endpoint's history stays on record.
      {
        createTable: 'webhook_messages',
        columns: {
          id: col('text', 'PRIMARY KEY'),
          endpoint_id: col('text'),
          integration_id: col('text'),
          type: col('text'),
          body: col('text'),
          created_at: col('bigint'),
          status: col('text', "CHECK (status IN ('pending', 'delivered', 'failed'))"),
          attempts: col('int'),
          next_attempt_at: col('bigint?'),
          last_attempt_at: col('bigint?'),
          last_response_status: col('int?'),
          last_error: col('text?'),
          delivered_at: col('bigint?'),
        },
        tableConstraints: ["CHECK ((status = 'pending') = (next_attempt_at IS NOT NULL))"],
      },
      { createIndex: 'webhook_messages_due', on: 'webhook_messages', columns: 'next_attempt_at', where: "status = 'pending'" },
      { createIndex: 'webhook_messages_integration', on: 'webhook_messages', columns: 'integration_id, created_at' },
      { addColumn: 'attempts', column: 'revoked_at', spec: col('bigint?') },
      { addColumn: 'attempts', column: 'kind', spec: col('text', "DEFAULT 'check' CHECK (kind IN ('check', 'recheck'))") },
      { addColumn: 'integrations', column: 'reference_image_days', spec: col('int?', 'CHECK (reference_image_days BETWEEN 1 AND 365)') },
      {
        createTable: 'reference_images',
        columns: {
          attempt_id: col('text', 'PRIMARY KEY REFERENCES attempts (id)'),
          session_id: col('text'),
          content_type: col('text'),
          data: col('blob'),
          created_at: col('bigint'),
          expires_at: col('bigint'),
        },
      },
      { createIndex: 'reference_images_expires', on: 'reference_images', columns: 'expires_at' },
      {
        createTable: 'rechecks',
        columns: {
          id: col('text', 'PRIMARY KEY'),
          session_id: col('text', 'REFERENCES sessions (id)'),
          requested_at: col('bigint'),
          expires_at: col('bigint'),
          attempt_id: col('text?', 'UNIQUE REFERENCES attempts (id)'),
        },
      },
      { createIndex: 'sessions_integration_created', on: 'sessions', columns: 'integration_id, created_at' },
      { createIndex: 'attempts_created', on: 'attempts', columns: 'created_at' },
    ],
  },
  {
    version: 3,
    steps: [
      // Integrations administered for real: audiences unique across integrations, several API keys
      // per integration (rotation, revocation), embedding origins, a purpose for the built-in ones.
      {
        createTable: 'audiences',
        columns: { audience: col('text', 'PRIMARY KEY'), integration_id: col('text', 'REFERENCES integrations (id)'), created_at: col('bigint') },
      },
      { createIndex: 'audiences_integration', on: 'audiences', columns: 'integration_id' },
      {
        // The oldest integration keeps an audience that several claimed.
        sql: {
          sqlite:
            'INSERT OR IGNORE INTO audiences (audience, integration_id, created_at) SELECT j.value, i.id, i.created_at FROM integrations i, json_each(i.audiences) j ORDER BY i.created_at, i.id;',
          postgres:
            'INSERT INTO audiences (audience, integration_id, created_at) SELECT a, i.id, i.created_at FROM integrations i, jsonb_array_elements_text(i.audiences) a ORDER BY i.created_at, i.id ON CONFLICT DO NOTHING;',
        },
      },
      {
        createTable: 'api_keys',
        columns: {
          id: col('text', 'PRIMARY KEY'),
          integration_id: col('text', 'REFERENCES integrations (id)'),
          hash: col('text', 'UNIQUE'),
          hint: col('text'),
          label: col('text'),
          created_at: col('bigint'),
          expires_at: col('bigint?'),
          revoked_at: col('bigint?'),
        },
      },
      { createIndex: 'api_keys_integration', on: 'api_keys', columns: 'integration_id' },
      { sql: "INSERT INTO api_keys (id, integration_id, hash, hint, label, created_at) SELECT 'key_' || id, id, api_key_hash, '', 'key from before rotation', created_at FROM integrations;" },
      { dropIndex: 'integrations_api_key_hash' },
      { dropColumn: 'integrations', column: 'api_key_hash' },
      { dropColumn: 'integrations', column: 'audiences' },
      { addColumn: 'integrations', column: 'purpose', spec: col('text?', "CHECK (purpose IN ('development', 'demo'))") },
      { createIndex: 'integrations_purpose', on: 'integrations', columns: 'purpose', unique: true, where: 'purpose IS NOT NULL' },
      { addColumn: 'integrations', column: 'origins', spec: col('json', "DEFAULT '[]'") },
      { addColumn: 'integrations', column: 'updated_at', spec: col('bigint', 'DEFAULT 0') },
      { sql: 'UPDATE integrations SET updated_at = created_at;' },
      // The development integration made before purposes: the newest of that name.
      {
        sql: "UPDATE integrations SET purpose = 'development' WHERE id = (SELECT id FROM integrations WHERE name = 'Development' ORDER BY created_at DESC, id DESC LIMIT 1);",
      },
      {
        createTable: 'admin_keys',
        columns: { id: col('text', 'PRIMARY KEY'), hash: col('text', 'UNIQUE'), hint: col('text'), label: col('text'), created_at: col('bigint'), revoked_at: col('bigint?') },
      },
      // Signing keys: private parts sealed (rewritten by the key ring on its first start), a key
      // published before it signs.
      { sql: 'ALTER TABLE signing_keys RENAME COLUMN private_jwk TO private_sealed;' },
      { addColumn: 'signing_keys', column: 'activates_at', spec: col('bigint', 'DEFAULT 0') },
      { sql: 'UPDATE signing_keys SET activates_at = created_at;' },
      // Sessions remember the status their lifecycle events were sent for.
      { addColumn: 'sessions', column: 'status', spec: col('text', "DEFAULT 'open' CHECK (status IN ('open', 'passed', 'failed', 'expired'))") },
      { addColumn: 'sessions', column: 'status_at', spec: col('bigint?') },
      {
        sql: "UPDATE sessions SET status = 'passed', status_at = created_at WHERE EXISTS (SELECT 1 FROM attempts a WHERE a.session_id = sessions.id AND a.kind = 'check' AND a.status = 'passed');",
      },
      {
        sql: "UPDATE sessions SET status = 'failed', status_at = created_at WHERE status = 'open' AND NOT EXISTS (SELECT 1 FROM attempts a WHERE a.session_id = sessions.id AND a.status = 'started') AND (SELECT count(*) FROM attempts a WHERE a.session_id = sessions.id AND a.kind = 'check') >= attempt_limit;",
      },
      {
        sql: {
          sqlite: `UPDATE sessions SET status = 'expired', status_at = expires_at WHERE status = 'open' AND expires_at < ${NOW_MS.sqlite};`,
          postgres: `UPDATE sessions SET status = 'expired', status_at = expires_at WHERE status = 'open' AND expires_at < ${NOW_MS.postgres};`,
        },
      },
      { createIndex: 'sessions_open_expiry', on: 'sessions', columns: 'expires_at', where: "status = 'open'" },
      { createIndex: 'attempts_started_expiry', on: 'attempts', columns: 'expires_at', where: "status = 'started'" },
      { addColumn: 'attempts', column: 'diagnostics', spec: col('json?') },
      // Webhooks: sealed secrets, endpoints that switch off after failing too long, ordered messages.
      { sql: 'ALTER TABLE webhook_endpoints RENAME COLUMN secret TO secret_sealed;' },
      { addColumn: 'webhook_endpoints', column: 'disabled_at', spec: col('bigint?') },
      { addColumn: 'webhook_endpoints', column: 'disabled_reason', spec: col('text?') },
      { addColumn: 'webhook_endpoints', column: 'consecutive_failures', spec: col('int', 'DEFAULT 0') },
      { addColumn: 'webhook_messages', column: 'after_id', spec: col('text?') },
      { createIndex: 'webhook_messages_created', on: 'webhook_messages', columns: 'created_at' },
      // Retention, refusals counted per window, revoked viewer tokens.
      { createIndex: 'events_at', on: 'events', columns: 'at' },
      {
        createTable: 'refusal_counts',
        columns: { window_start: col('bigint'), route: col('text'), code: col('text'), count: col('int') },
        tableConstraints: ['PRIMARY KEY (window_start, route, code)'],
      },
      {
        createTable: 'revoked_tokens',
        columns: { jti: col('text', 'PRIMARY KEY'), session_id: col('text'), expires_at: col('bigint'), revoked_at: col('bigint') },
      },
    ],
  },
  {
    version: 4,
    steps: [
      // A revocation belongs to its session: the same token id revoked through another session
      // (another integration's) neither revokes the real token nor keeps its owner from doing so.
      {
        createTable: 'revoked_tokens_by_session',
        columns: { jti: col('text'), session_id: col('text'), expires_at: col('bigint'), revoked_at: col('bigint') },
        tableConstraints: ['PRIMARY KEY (session_id, jti)'],
      },
      { sql: 'INSERT INTO revoked_tokens_by_session (jti, session_id, expires_at, revoked_at) SELECT jti, session_id, expires_at, revoked_at FROM revoked_tokens;' },
      { sql: 'DROP TABLE revoked_tokens;' },
      { sql: 'ALTER TABLE revoked_tokens_by_session RENAME TO revoked_tokens;' },
    ],
  },
  {
    version: 5,
    steps: [
      // An integration's attempts, newest first, straight from an index that stops at the page's
      // end, instead of every attempt of the integration sorted for each page.
      { addColumn: 'attempts', column: 'integration_id', spec: col('text?') },
      { sql: 'UPDATE attempts SET integration_id = (SELECT s.integration_id FROM sessions s WHERE s.id = attempts.session_id);' },
      { createIndex: 'attempts_integration_created', on: 'attempts', columns: 'integration_id, created_at, id' },
    ],
  },
  {
    version: 6,
    steps: [
      // Network and device risk facts of an attempt, and the UDP paths of its ICE probe.
      { addColumn: 'attempts', column: 'risk', spec: col('json?') },
      { addColumn: 'integrations', column: 'signal_policies', spec: col('json', "DEFAULT '{}'") },
      {
        createTable: 'udp_observations',
        columns: { ufrag: col('text'), ip: col('text'), port: col('int'), first_at: col('bigint'), last_at: col('bigint'), count: col('int') },
        tableConstraints: ['PRIMARY KEY (ufrag, ip, port)'],
      },
      { createIndex: 'udp_observations_first', on: 'udp_observations', columns: 'first_at' },
    ],
  },
  {
    version: 7,
    steps: [
      // What the candidate told the hiring system (country, city, time zone, phone as written).
      { addColumn: 'sessions', column: 'claims', spec: col('json?') },
    ],
  },
  {
    version: 8,
    steps: [
      // Keyed hashes that link candidates of one integration (never an address or a digest).
      {
        createTable: 'link_keys',
        columns: { integration_id: col('text'), hash: col('text'), kind: col('text'), session_id: col('text'), candidate_ref: col('text'), seen_at: col('bigint') },
        tableConstraints: ['PRIMARY KEY (integration_id, hash, session_id)'],
      },
      { createIndex: 'link_keys_seen', on: 'link_keys', columns: 'seen_at' },
    ],
  },
  {
    version: 9,
    steps: [
      // Review cases: one per session with a flagged signal, and the reviewer's decision.
      {
        createTable: 'cases',
        columns: {
          id: col('text', 'PRIMARY KEY'),
          integration_id: col('text', 'REFERENCES integrations (id)'),
          session_id: col('text', 'UNIQUE REFERENCES sessions (id)'),
          status: col('text', "CHECK (status IN ('open', 'decided'))"),
          signals: col('json'),
          opened_at: col('bigint'),
          updated_at: col('bigint'),
          decision: col('text?', "CHECK (decision IN ('cleared', 'fraud', 'in_person'))"),
          note: col('text?'),
          decided_at: col('bigint?'),
          decided_by: col('text?'),
        },
      },
      { createIndex: 'cases_integration_opened', on: 'cases', columns: 'integration_id, opened_at, id' },
      { createIndex: 'cases_status_opened', on: 'cases', columns: 'status, opened_at, id' },
      // The sweep finds attempts that expired without a result, to record their network facts.
      { createIndex: 'attempts_status_expires', on: 'attempts', columns: 'status, expires_at' },
    ],
  },
  {
    version: 10,
    steps: [
      // High assurance: the integration's policy, how long it keeps the crops, the challenges it leaves out.
      { addColumn: 'integrations', column: 'high_assurance', spec: col('text', "DEFAULT 'off' CHECK (high_assurance IN ('off', 'on', 'required'))") },
      { addColumn: 'integrations', column: 'frame_evidence_days', spec: col('int?', 'CHECK (frame_evidence_days BETWEEN 1 AND 365)') },
      { addColumn: 'integrations', column: 'excluded_challenges', spec: col('json', "DEFAULT '[]'") },
      // The moments drawn for an attempt's commitment, and what the server saw in the crops.
      { addColumn: 'attempts', column: 'frame_request', spec: col('json?') },
      { addColumn: 'attempts', column: 'faces', spec: col('json?') },
      {
        createTable: 'frame_evidence',
        columns: {
          attempt_id: col('text', 'PRIMARY KEY REFERENCES attempts (id)'),
          session_id: col('text'),
          frames: col('json'),
          created_at: col('bigint'),
          expires_at: col('bigint'),
        },
      },
      { createIndex: 'frame_evidence_expires', on: 'frame_evidence', columns: 'expires_at' },
    ],
  },
  {
    version: 11,
    steps: [
      // The face of a session's passed check, for its re-checks; deleted when the session ends.
      {
        createTable: 'session_faces',
        columns: {
          session_id: col('text', 'PRIMARY KEY REFERENCES sessions (id)'),
          attempt_id: col('text'),
          embeddings: col('json'),
          created_at: col('bigint'),
          expires_at: col('bigint'),
        },
      },
      { createIndex: 'session_faces_expires', on: 'session_faces', columns: 'expires_at' },
    ],
  },
  {
    version: 12,
    steps: [
      // The profile turn, per integration (off by default).
      { addColumn: 'integrations', column: 'profile_turn', spec: col('text', "DEFAULT 'off' CHECK (profile_turn IN ('off', 'on'))") },
    ],
  },
  {
    version: 13,
    steps: [
      // The cross-candidate face match, per integration (off by default), and the faces it keeps.
      { addColumn: 'integrations', column: 'face_match_days', spec: col('int?', 'CHECK (face_match_days BETWEEN 1 AND 365)') },
      {
        createTable: 'integration_faces',
        columns: {
          session_id: col('text', 'PRIMARY KEY REFERENCES sessions (id)'),
          integration_id: col('text', 'REFERENCES integrations (id)'),
          candidate_ref: col('text'),
          attempt_id: col('text'),
          dimensions: col('int'),
          embeddings: col('blob'),
          created_at: col('bigint'),
          expires_at: col('bigint'),
        },
      },
      { createIndex: 'integration_faces_recent', on: 'integration_faces', columns: 'integration_id, created_at' },
      { createIndex: 'integration_faces_expires', on: 'integration_faces', columns: 'expires_at' },
    ],
  },
];
