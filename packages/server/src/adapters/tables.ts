/**
 * Every table as the stores read and write it: which record it holds and each field's column kind.
 * The column names follow from the field names (`integrationId` → `integration_id`).
 */
import type {
  AdminKeyRecord,
  ApiKeyRecord,
  AttemptRecord,
  AttemptState,
  AuditEventRecord,
  CaseRecord,
  FrameEvidenceRecord,
  IntegrationRecord,
  LinkKey,
  RecheckRecord,
  ReferenceImageRecord,
  RefusalCount,
  SessionFaceRecord,
  IntegrationFaceRecord,
  SessionRecord,
  SigningKeyRecord,
  WebhookEndpointRecord,
  UdpObservation,
  WebhookMessageRecord,
} from '../store.ts';
import type { Trace } from '@liveproof/protocol';
import { rowCodec } from './schema.ts';

/** Integrations without their audiences, which live in their own table (unique across integrations). */
export const integrations = rowCodec<Omit<IntegrationRecord, 'audiences'>>('integrations', {
  id: 'text',
  name: 'text',
  purpose: 'text?',
  origins: 'json',
  virtualCameraPolicy: 'text',
  lightOptOutPolicy: 'text',
  signalPolicies: 'json',
  referenceImageDays: 'int?',
  highAssurance: 'text',
  frameEvidenceDays: 'int?',
  excludedChallenges: 'json',
  profileTurn: 'text',
  faceMatchDays: 'int?',
  createdAt: 'bigint',
  updatedAt: 'bigint',
});

export const apiKeys = rowCodec<ApiKeyRecord>('api_keys', {
  id: 'text',
  integrationId: 'text',
  hash: 'text',
  hint: 'text',
  label: 'text',
  createdAt: 'bigint',
  expiresAt: 'bigint?',
  revokedAt: 'bigint?',
});

export const adminKeys = rowCodec<AdminKeyRecord>('admin_keys', {
  id: 'text',
  hash: 'text',
  hint: 'text',
  label: 'text',
  createdAt: 'bigint',
  revokedAt: 'bigint?',
});

export const signingKeys = rowCodec<SigningKeyRecord>('signing_keys', {
  kid: 'text',
  alg: 'text',
  publicJwk: 'json',
  // A JSON string once sealed; a JSON object in keys stored before sealing.
  privateSealed: 'json',
  createdAt: 'bigint',
  activatesAt: 'bigint',
  retiredAt: 'bigint?',
});

export const sessions = rowCodec<SessionRecord>('sessions', {
  id: 'text',
  integrationId: 'text',
  candidateRef: 'text',
  interviewRef: 'text',
  audience: 'text',
  attemptLimit: 'int',
  challengeCount: 'int',
  tokenTtlSeconds: 'int',
  createdAt: 'bigint',
  expiresAt: 'bigint',
  status: 'text',
  statusAt: 'bigint?',
  claims: 'json?',
});

const attemptFields = {
  id: 'text',
  sessionId: 'text',
  integrationId: 'text',
  sequence: 'int',
  kind: 'text',
  status: 'text',
  createdAt: 'bigint',
  expiresAt: 'bigint',
  nonce: 'text',
  challenges: 'json',
  planToken: 'text',
  publicJwk: 'json',
  keyThumbprint: 'text',
  ip: 'text?',
  userAgent: 'text?',
  device: 'json?',
  completedAt: 'bigint?',
  reasons: 'json',
  steps: 'json',
  signals: 'json',
  timings: 'json?',
  risk: 'json?',
  resultIp: 'text?',
  resultUserAgent: 'text?',
  diagnostics: 'json?',
  revokedAt: 'bigint?',
  frameRequest: 'json?',
  faces: 'json?',
} as const;

/** An attempt as its readers see it: every column but the evidence trace, which is most of the row. */
export const attemptRecords = rowCodec<AttemptRecord>('attempts', attemptFields);

/** Every column of attempts, for writing: the trace is written once, with the outcome, and read on its own. */
export const attempts = rowCodec<AttemptRecord & { trace: Trace | null }>('attempts', { ...attemptFields, trace: 'json?' });

/** `attemptRecords`' columns, for a SELECT (`prefix` for a join, e.g. `a.`). */
export const attemptColumns = (prefix = '') => attemptRecords.columns.map((c) => prefix + c).join(', ');

/** The columns session rules read: no trace, no request facts. */
export const attemptStates = rowCodec<AttemptState>('attempts', {
  id: 'text',
  sessionId: 'text',
  sequence: 'int',
  kind: 'text',
  status: 'text',
  createdAt: 'bigint',
  expiresAt: 'bigint',
  completedAt: 'bigint?',
  reasons: 'json',
});

export const rechecks = rowCodec<RecheckRecord>('rechecks', {
  id: 'text',
  sessionId: 'text',
  requestedAt: 'bigint',
  expiresAt: 'bigint',
  attemptId: 'text?',
});

export const referenceImages = rowCodec<ReferenceImageRecord>('reference_images', {
  attemptId: 'text',
  sessionId: 'text',
  contentType: 'text',
  data: 'blob',
  createdAt: 'bigint',
  expiresAt: 'bigint',
});

export const frameEvidence = rowCodec<FrameEvidenceRecord>('frame_evidence', {
  attemptId: 'text',
  sessionId: 'text',
  frames: 'json',
  createdAt: 'bigint',
  expiresAt: 'bigint',
});

export const sessionFaces = rowCodec<SessionFaceRecord>('session_faces', {
  sessionId: 'text',
  attemptId: 'text',
  embeddings: 'json',
  createdAt: 'bigint',
  expiresAt: 'bigint',
});

export const integrationFaces = rowCodec<IntegrationFaceRecord>('integration_faces', {
  sessionId: 'text',
  integrationId: 'text',
  candidateRef: 'text',
  attemptId: 'text',
  dimensions: 'int',
  embeddings: 'blob',
  createdAt: 'bigint',
  expiresAt: 'bigint',
});

export const events = rowCodec<AuditEventRecord>('events', {
  id: 'bigint',
  at: 'bigint',
  type: 'text',
  sessionId: 'text?',
  attemptId: 'text?',
  integrationId: 'text?',
  code: 'text?',
  ip: 'text?',
  userAgent: 'text?',
  detail: 'json',
});

export const refusalCounts = rowCodec<RefusalCount>('refusal_counts', {
  windowStart: 'bigint',
  route: 'text',
  code: 'text',
  count: 'int',
});

export const webhookEndpoints = rowCodec<WebhookEndpointRecord>('webhook_endpoints', {
  id: 'text',
  integrationId: 'text',
  url: 'text',
  secretSealed: 'text',
  events: 'json',
  createdAt: 'bigint',
  disabledAt: 'bigint?',
  disabledReason: 'text?',
  consecutiveFailures: 'int',
});

export const webhookMessages = rowCodec<WebhookMessageRecord>('webhook_messages', {
  id: 'text',
  endpointId: 'text',
  integrationId: 'text',
  type: 'text',
  body: 'text',
  createdAt: 'bigint',
  afterId: 'text?',
  status: 'text',
  attempts: 'int',
  nextAttemptAt: 'bigint?',
  lastAttemptAt: 'bigint?',
  lastResponseStatus: 'int?',
  lastError: 'text?',
  deliveredAt: 'bigint?',
});

export const udpObservations = rowCodec<UdpObservation>('udp_observations', {
  ufrag: 'text',
  ip: 'text',
  port: 'int',
  firstAt: 'bigint',
  lastAt: 'bigint',
  count: 'int',
});

export const linkKeys = rowCodec<LinkKey>('link_keys', {
  integrationId: 'text',
  hash: 'text',
  kind: 'text',
  sessionId: 'text',
  candidateRef: 'text',
  seenAt: 'bigint',
});

export const cases = rowCodec<CaseRecord>('cases', {
  id: 'text',
  integrationId: 'text',
  sessionId: 'text',
  status: 'text',
  signals: 'json',
  openedAt: 'bigint',
  updatedAt: 'bigint',
  decision: 'text?',
  note: 'text?',
  decidedAt: 'bigint?',
  decidedBy: 'text?',
});

/** Every mapped table, for the check that migrations produce exactly these columns. */
export const TABLES = [cases, integrations, apiKeys, adminKeys, signingKeys, sessions, attempts, rechecks, referenceImages, frameEvidence, sessionFaces, integrationFaces, events, refusalCounts, webhookEndpoints, webhookMessages, udpObservations, linkKeys];

/** Tables with columns no record maps (join tables and the like), with their columns. */
export const UNMAPPED_TABLES: Record<string, readonly string[]> = {
  audiences: ['audience', 'integration_id', 'created_at'],
  revoked_tokens: ['jti', 'session_id', 'expires_at', 'revoked_at'],
  schema_migrations: ['version', 'applied_at'],
};
