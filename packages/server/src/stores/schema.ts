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
  NewWebhookMessage,
  WebhookEndpointRecord,
  WebhookEventType,
  WebhookMessageRecord,
  WebhookMessageStatus,
  AttemptKind,
  RecheckRecord,
  ReferenceImageRecord,
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
  reference_image_days: number | null;
  created_at: number | string;
}

export interface ReferenceImageRow {
  attempt_id: string;
  session_id: string;
  content_type: string;
  data: Uint8Array;
  created_at: number | string;
  expires_at: number | string;
}

export function referenceImageValues(image: ReferenceImageRecord): Record<string, SqlValue | Uint8Array> {
  return {
    attempt_id: image.attemptId,
    session_id: image.sessionId,
    content_type: image.contentType,
    data: image.data,
    created_at: image.createdAt,
    expires_at: image.expiresAt,
  };
}

export function referenceImageFromRow(row: ReferenceImageRow): ReferenceImageRecord {
  return {
    attemptId: row.attempt_id,
    sessionId: row.session_id,
    contentType: row.content_type as 'image/jpeg',
    data: new Uint8Array(row.data),
    createdAt: int(row.created_at),
    expiresAt: int(row.expires_at),
  };
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
  revoked_at: number | string | null;
  kind: string;
}

export interface RecheckRow {
  id: string;
  session_id: string;
  requested_at: number | string;
  expires_at: number | string;
  attempt_id: string | null;
}

export function recheckValues(recheck: RecheckRecord): RowValues<never> {
  return { id: recheck.id, session_id: recheck.sessionId, requested_at: recheck.requestedAt, expires_at: recheck.expiresAt, attempt_id: recheck.attemptId };
}

export function recheckFromRow(row: RecheckRow): RecheckRecord {
  return { id: row.id, sessionId: row.session_id, requestedAt: int(row.requested_at), expiresAt: int(row.expires_at), attemptId: row.attempt_id };
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
    reference_image_days: integration.referenceImageDays,
    created_at: integration.createdAt,
  };
}

export function integrationFromRow(row: IntegrationRow, json: JsonCodec<unknown>): IntegrationRecord {
  return { id: row.id, name: row.name, apiKeyHash: row.api_key_hash, audiences: json.decode(row.audiences) as string[], virtualCameraPolicy: row.virtual_camera_policy as VirtualCameraPolicy,
    lightOptOutPolicy: row.light_opt_out_policy as VirtualCameraPolicy,
    referenceImageDays: row.reference_image_days === null ? null : Number(row.reference_image_days),
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
    revoked_at: null,
    kind: attempt.kind ?? 'check',
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
    revokedAt: intOrNull(row.revoked_at),
    kind: row.kind as AttemptKind,
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

export interface WebhookEndpointRow {
  id: string;
  integration_id: string;
  url: string;
  secret: string;
  events: unknown;
  created_at: number | string;
}

export interface WebhookMessageRow {
  id: string;
  endpoint_id: string;
  integration_id: string;
  type: string;
  body: string;
  created_at: number | string;
  status: string;
  attempts: number;
  next_attempt_at: number | string | null;
  last_attempt_at: number | string | null;
  last_response_status: number | null;
  last_error: string | null;
  delivered_at: number | string | null;
}

export function webhookEndpointValues<J>(endpoint: WebhookEndpointRecord, json: JsonCodec<J>): RowValues<J> {
  return {
    id: endpoint.id,
    integration_id: endpoint.integrationId,
    url: endpoint.url,
    secret: endpoint.secret,
    events: json.encode(endpoint.events),
    created_at: endpoint.createdAt,
  };
}

export function webhookEndpointFromRow(row: WebhookEndpointRow, json: JsonCodec<unknown>): WebhookEndpointRecord {
  return {
    id: row.id,
    integrationId: row.integration_id,
    url: row.url,
    secret: row.secret,
    events: json.decode(row.events) as WebhookEventType[],
    createdAt: int(row.created_at),
  };
}

/** A new message, due at once. */
export function newWebhookMessageValues(message: NewWebhookMessage): RowValues<never> {
  return {
    id: message.id,
    endpoint_id: message.endpointId,
    integration_id: message.integrationId,
    type: message.type,
    body: message.body,
    created_at: message.createdAt,
    status: 'pending' satisfies WebhookMessageStatus,
    attempts: 0,
    next_attempt_at: message.createdAt,
    last_attempt_at: null,
    last_response_status: null,
    last_error: null,
    delivered_at: null,
  };
}

export function webhookMessageFromRow(row: WebhookMessageRow): WebhookMessageRecord {
  return {
    id: row.id,
    endpointId: row.endpoint_id,
    integrationId: row.integration_id,
    type: row.type as WebhookEventType,
    body: row.body,
    createdAt: int(row.created_at),
    status: row.status as WebhookMessageStatus,
    attempts: int(row.attempts),
    nextAttemptAt: intOrNull(row.next_attempt_at),
    lastAttemptAt: intOrNull(row.last_attempt_at),
    lastResponseStatus: row.last_response_status === null ? null : int(row.last_response_status),
    lastError: row.last_error,
    deliveredAt: intOrNull(row.delivered_at),
  };
}

/** The columns one delivery attempt updates (`attempts` is incremented in SQL). */
export function webhookAttemptValues(result: { at: number; delivered: boolean; responseStatus: number | null; error: string | null; retryAt: number | null }): RowValues<never> {
  const status: WebhookMessageStatus = result.delivered ? 'delivered' : result.retryAt === null ? 'failed' : 'pending';
  return {
    status,
    next_attempt_at: status === 'pending' ? result.retryAt : null,
    last_attempt_at: result.at,
    last_response_status: result.responseStatus,
    last_error: result.error === null ? null : result.error.slice(0, 500),
    delivered_at: result.delivered ? result.at : null,
  };
}
