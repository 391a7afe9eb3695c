/**
 * What the SQLite and PostgreSQL stores share: the migration shape, and the mapping between
 * records (camelCase, parsed JSON, numbers) and rows (snake_case columns). The SQL itself stays in
 * each adapter. Rows come back slightly differently per driver (SQLite hands JSON back as text,
 * PostgreSQL hands BIGINT back as a string), so the mappers take the dialect's JSON codec and turn
 * every integer column into a number.
 */
import type {
  AttemptOutcome,
  AttemptRecord,
  AuditEvent,
  AuditEventRecord,
  IntegrationRecord,
  NewAttempt,
  SessionRecord,
  SigningKeyRecord,
  StoredAttemptStatus,
  VirtualCameraPolicy,
} from '../store.ts';

/** One schema step. Versions start at 1 and only ever grow; append, never edit a shipped one. */
export interface Migration {
  version: number;
  sql: string;
}

/** A plain value either driver binds as is. */
export type SqlValue = string | number | null;

/**
 * How a dialect moves JSON columns: `encode` makes the bound parameter `J` (JSON text for SQLite,
 * a typed jsonb parameter for PostgreSQL) and never turns SQL NULL into the JSON literal `null`;
 * `decode` turns what the driver returned into a JavaScript value.
 */
export interface JsonCodec<J> {
  encode(value: unknown): J | null;
  decode(value: unknown): unknown;
}

/** Column name to value, ready for an INSERT or an UPDATE ... SET. */
export type RowValues<J> = Record<string, SqlValue | J>;

export interface IntegrationRow {
  id: string;
  name: string;
  api_key_hash: string;
  audiences: unknown;
  virtual_camera_policy: string;
  light_opt_out_policy: string;
  created_at: number | string;
}

export interface SigningKeyRow {
  kid: string;
  alg: string;
  public_jwk: unknown;
  private_jwk: unknown;
  created_at: number | string;
  retired_at: number | string | null;
}

export interface SessionRow {
  id: string;
  integration_id: string;
  candidate_ref: string;
  interview_ref: string;
  audience: string;
  attempt_limit: number;
  challenge_count: number;
  token_ttl_seconds: number;
  created_at: number | string;
  expires_at: number | string;
}

export interface AttemptRow {
  id: string;
  session_id: string;
  sequence: number;
  status: string;
  created_at: number | string;
  expires_at: number | string;
  nonce: string;
  challenges: unknown;
  plan_token: string;
  public_jwk: unknown;
  key_thumbprint: string;
  ip: string | null;
  user_agent: string | null;
  device: unknown;
  completed_at: number | string | null;
  reasons: unknown;
  steps: unknown;
  signals: unknown;
  trace: unknown;
  timings: unknown;
  result_ip: string | null;
  result_user_agent: string | null;
}

export interface EventRow {
  id: number | string;
  at: number | string;
  type: string;
  session_id: string | null;
  attempt_id: string | null;
  integration_id: string | null;
  code: string | null;
  ip: string | null;
  user_agent: string | null;
  detail: unknown;
}

/** The one row a statement must return (INSERT ... RETURNING, an aggregate). */
export function first<T>(rows: readonly T[]): T {
  const row = rows[0];
  if (row === undefined) throw new Error('Expected the statement to return a row');
  return row;
}

function int(value: number | string): number {
  return Number(value);
}

function intOrNull(value: number | string | null): number | null {
  return value === null ? null : Number(value);
}

export function integrationValues<J>(integration: IntegrationRecord, json: JsonCodec<J>): RowValues<J> {
  return {
    id: integration.id,
    name: integration.name,
    api_key_hash: integration.apiKeyHash,
    audiences: json.encode(integration.audiences),
    virtual_camera_policy: integration.virtualCameraPolicy,
    light_opt_out_policy: integration.lightOptOutPolicy,
    created_at: integration.createdAt,
  };
}

export function integrationFromRow(row: IntegrationRow, json: JsonCodec<unknown>): IntegrationRecord {
  return { id: row.id, name: row.name, apiKeyHash: row.api_key_hash, audiences: json.decode(row.audiences) as string[], virtualCameraPolicy: row.virtual_camera_policy as VirtualCameraPolicy,
    lightOptOutPolicy: row.light_opt_out_policy as VirtualCameraPolicy,
    createdAt: int(row.created_at) };
}

export function signingKeyValues<J>(key: SigningKeyRecord, json: JsonCodec<J>): RowValues<J> {
  return {
    kid: key.kid,
    alg: key.alg,
    public_jwk: json.encode(key.publicJwk),
    private_jwk: json.encode(key.privateJwk),
    created_at: key.createdAt,
    retired_at: key.retiredAt,
  };
}

export function signingKeyFromRow(row: SigningKeyRow, json: JsonCodec<unknown>): SigningKeyRecord {
  return {
    kid: row.kid,
    alg: row.alg as SigningKeyRecord['alg'],
    publicJwk: json.decode(row.public_jwk) as Record<string, unknown>,
    privateJwk: json.decode(row.private_jwk) as Record<string, unknown>,
    createdAt: int(row.created_at),
    retiredAt: intOrNull(row.retired_at),
  };
}

export function sessionValues(session: SessionRecord): RowValues<never> {
  return {
    id: session.id,
    integration_id: session.integrationId,
    candidate_ref: session.candidateRef,
    interview_ref: session.interviewRef,
    audience: session.audience,
    attempt_limit: session.attemptLimit,
    challenge_count: session.challengeCount,
    token_ttl_seconds: session.tokenTtlSeconds,
    created_at: session.createdAt,
    expires_at: session.expiresAt,
  };
}

export function sessionFromRow(row: SessionRow): SessionRecord {
  return {
    id: row.id,
    integrationId: row.integration_id,
    candidateRef: row.candidate_ref,
    interviewRef: row.interview_ref,
    audience: row.audience,
    attemptLimit: int(row.attempt_limit),
    challengeCount: int(row.challenge_count),
    tokenTtlSeconds: int(row.token_ttl_seconds),
    createdAt: int(row.created_at),
    expiresAt: int(row.expires_at),
  };
}

/** A new attempt at `sequence`, still `started`, with the result columns empty. */
export function newAttemptValues<J>(attempt: NewAttempt, sequence: number, json: JsonCodec<J>): RowValues<J> {
  return {
    id: attempt.id,
    session_id: attempt.sessionId,
    sequence,
    status: 'started' satisfies StoredAttemptStatus,
    created_at: attempt.createdAt,
    expires_at: attempt.expiresAt,
    nonce: attempt.nonce,
    challenges: json.encode(attempt.challenges),
    plan_token: attempt.planToken,
    public_jwk: json.encode(attempt.publicJwk),
    key_thumbprint: attempt.keyThumbprint,
    ip: attempt.ip,
    user_agent: attempt.userAgent,
    device: json.encode(attempt.device),
    completed_at: null,
    reasons: json.encode([]),
    steps: json.encode([]),
    signals: json.encode([]),
    trace: null,
    timings: null,
    result_ip: null,
    result_user_agent: null,
  };
}

/** The columns a result writes, once. */
export function outcomeValues<J>(outcome: AttemptOutcome, json: JsonCodec<J>): RowValues<J> {
  return {
    status: outcome.status,
    completed_at: outcome.completedAt,
    reasons: json.encode(outcome.reasons),
    steps: json.encode(outcome.steps),
    signals: json.encode(outcome.signals),
    trace: json.encode(outcome.trace),
    timings: json.encode(outcome.timings),
    result_ip: outcome.resultIp,
    result_user_agent: outcome.resultUserAgent,
  };
}

export function attemptFromRow(row: AttemptRow, json: JsonCodec<unknown>): AttemptRecord {
  return {
    id: row.id,
    sessionId: row.session_id,
    sequence: int(row.sequence),
    status: row.status as StoredAttemptStatus,
    createdAt: int(row.created_at),
    expiresAt: int(row.expires_at),
    nonce: row.nonce,
    challenges: json.decode(row.challenges) as AttemptRecord['challenges'],
    planToken: row.plan_token,
    publicJwk: json.decode(row.public_jwk) as AttemptRecord['publicJwk'],
    keyThumbprint: row.key_thumbprint,
    ip: row.ip,
    userAgent: row.user_agent,
    device: json.decode(row.device) as AttemptRecord['device'],
    completedAt: intOrNull(row.completed_at),
    reasons: json.decode(row.reasons) as AttemptRecord['reasons'],
    steps: json.decode(row.steps) as AttemptRecord['steps'],
    signals: json.decode(row.signals) as AttemptRecord['signals'],
    trace: json.decode(row.trace) as AttemptRecord['trace'],
    timings: json.decode(row.timings) as AttemptRecord['timings'],
    resultIp: row.result_ip,
    resultUserAgent: row.result_user_agent,
  };
}

export function eventValues<J>(event: AuditEvent, json: JsonCodec<J>): RowValues<J> {
  return {
    at: event.at,
    type: event.type,
    session_id: event.sessionId,
    attempt_id: event.attemptId,
    integration_id: event.integrationId,
    code: event.code,
    ip: event.ip,
    user_agent: event.userAgent,
    detail: json.encode(event.detail),
  };
}

export function eventFromRow(row: EventRow, json: JsonCodec<unknown>): AuditEventRecord {
  return {
    id: int(row.id),
    at: int(row.at),
    type: row.type,
    sessionId: row.session_id,
    attemptId: row.attempt_id,
    integrationId: row.integration_id,
    code: row.code,
    ip: row.ip,
    userAgent: row.user_agent,
    detail: json.decode(row.detail) as Record<string, unknown>,
  };
}
