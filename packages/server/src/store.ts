/**
 * The one storage contract. `stores/sqlite.ts` (embedded default) and `stores/postgres.ts`
 * (shared by many server instances) both implement it, and `stores/contract.test.ts` runs the
 * same suite against each. Times are epoch milliseconds; JSON columns hold plain objects.
 * Attempts are append-only in spirit: a result is written once, never overwritten.
 */
import type { AttemptTimings, ChallengeId, DeviceInfo, ReasonCode, StepVerdict, Trace } from '@liveproof/protocol';

export interface IntegrationRecord {
  id: string;
  name: string;
  /** SHA-256 (hex) of the API key; the key itself is never stored. */
  apiKeyHash: string;
  /**
   * The audiences (verifiers) this integration may issue tokens for. All integrations share the
   * server's signing key, so without this list one integration could mint tokens another
   * integration's verifier accepts.
   */
  audiences: string[];
  /**
   * What a virtual camera (recognised by its label) does to a check: `flag` records the signal and
   * lowers the result's assurance; `reject` fails the check.
   */
  virtualCameraPolicy: VirtualCameraPolicy;
  /**
   * What a candidate's opt-out from the screen-light challenge does: `flag` runs a movement-only
   * plan and records the signal; `reject` refuses to start the attempt (the light is required).
   */
  lightOptOutPolicy: VirtualCameraPolicy;
  /**
   * Opt-in: keep one small face image from each passed check for this many days, for interviewers
   * to compare with the person on the call. Null: no image is captured, sent or kept.
   */
  referenceImageDays: number | null;
  createdAt: number;
}

export interface ReferenceImageRecord {
  attemptId: string;
  sessionId: string;
  contentType: 'image/jpeg';
  data: Uint8Array;
  createdAt: number;
  /** Purged by the server after this. */
  expiresAt: number;
}

export type VirtualCameraPolicy = 'flag' | 'reject';

export interface SigningKeyRecord {
  kid: string;
  alg: 'ES256';
  publicJwk: Record<string, unknown>;
  privateJwk: Record<string, unknown>;
  createdAt: number;
  /** When it stopped signing; it stays published until every token it signed has expired. */
  retiredAt: number | null;
}

export interface SessionRecord {
  id: string;
  integrationId: string;
  candidateRef: string;
  interviewRef: string;
  audience: string;
  attemptLimit: number;
  challengeCount: number;
  tokenTtlSeconds: number;
  createdAt: number;
  expiresAt: number;
}

export type StoredAttemptStatus = 'started' | 'passed' | 'failed';

export interface AttemptRecord {
  id: string;
  sessionId: string;
  /** 1-based position within its session. */
  sequence: number;
  status: StoredAttemptStatus;
  createdAt: number;
  expiresAt: number;
  nonce: string;
  challenges: ChallengeId[];
  planToken: string;
  publicJwk: Record<string, unknown>;
  keyThumbprint: string;
  /** Request facts when the attempt started. */
  ip: string | null;
  userAgent: string | null;
  device: DeviceInfo | null;
  // Written once, when the result is accepted:
  completedAt: number | null;
  reasons: ReasonCode[];
  steps: StepVerdict[];
  signals: string[];
  trace: Trace | null;
  timings: AttemptTimings | null;
  resultIp: string | null;
  resultUserAgent: string | null;
  /** When the hiring system revoked the attempt's verification tokens; introspection then says inactive. */
  revokedAt: number | null;
  /** `check`: one of the session's allowed attempts. `recheck`: a short check an interviewer asked for during the call. */
  kind: AttemptKind;
}

export type AttemptKind = 'check' | 'recheck';

/** An interviewer's request for a witnessed re-check; the candidate's element answers it with one attempt. */
export interface RecheckRecord {
  id: string;
  sessionId: string;
  requestedAt: number;
  expiresAt: number;
  /** The attempt that answered it, once started. */
  attemptId: string | null;
}

export type NewAttempt = Pick<
  AttemptRecord,
  | 'id'
  | 'sessionId'
  | 'createdAt'
  | 'expiresAt'
  | 'nonce'
  | 'challenges'
  | 'planToken'
  | 'publicJwk'
  | 'keyThumbprint'
  | 'ip'
  | 'userAgent'
  | 'device'
> & { kind?: AttemptKind };

export interface AttemptOutcome {
  status: 'passed' | 'failed';
  completedAt: number;
  reasons: ReasonCode[];
  steps: StepVerdict[];
  signals: string[];
  trace: Trace | null;
  timings: AttemptTimings | null;
  resultIp: string | null;
  resultUserAgent: string | null;
}

/** Why a new attempt was refused, decided atomically with the insert. */
export type AttemptRefusal = 'limit_reached' | 'session_passed' | 'session_not_found' | 'recheck_not_found';

/** Something that happened and must stay on record, including every refused request about an attempt. */
export interface AuditEvent {
  at: number;
  type: string;
  sessionId: string | null;
  attemptId: string | null;
  integrationId: string | null;
  /** Error code when the event is a refusal. */
  code: string | null;
  ip: string | null;
  userAgent: string | null;
  detail: Record<string, unknown>;
}

export interface AuditEventRecord extends AuditEvent {
  id: number;
}

/** Filters a hiring system lists its sessions by; every one given must hold. */
export interface SessionFilter {
  candidateRef?: string;
  interviewRef?: string;
  /** Created at or after, and before (epoch ms). */
  createdFrom?: number;
  createdTo?: number;
  limit: number;
  /** Only sessions created before this one (by creation time, then id): the next page. */
  before?: { createdAt: number; id: string };
}

export interface AttemptFilter {
  candidateRef?: string;
  interviewRef?: string;
  sessionId?: string;
  status?: StoredAttemptStatus;
  /** Attempts whose reasons include this code. */
  reason?: string;
  createdFrom?: number;
  createdTo?: number;
  limit: number;
  before?: { createdAt: number; id: string };
}

/** Events a hiring system can subscribe to. */
export type WebhookEventType = 'attempt.completed' | 'session.passed' | 'session.failed';

/** Where an integration wants its webhooks, and the secret they are signed with (Standard Webhooks). */
export interface WebhookEndpointRecord {
  id: string;
  integrationId: string;
  url: string;
  /** `whsec_` and base64 of 32 random bytes. Kept in the clear: the server signs with it. */
  secret: string;
  events: WebhookEventType[];
  createdAt: number;
}

export type WebhookMessageStatus = 'pending' | 'delivered' | 'failed';

/**
 * One event for one endpoint, in the outbox. Its id is the `webhook-id` of every delivery attempt,
 * so a receiver that sees it twice knows it is the same message.
 */
export interface WebhookMessageRecord {
  id: string;
  endpointId: string;
  integrationId: string;
  type: WebhookEventType;
  /** The exact JSON body sent (signed as is). */
  body: string;
  createdAt: number;
  status: WebhookMessageStatus;
  /** Delivery attempts made so far. */
  attempts: number;
  /** When the next attempt is due (pending), or null once delivered or given up. */
  nextAttemptAt: number | null;
  lastAttemptAt: number | null;
  lastResponseStatus: number | null;
  lastError: string | null;
  deliveredAt: number | null;
}

export type NewWebhookMessage = Pick<WebhookMessageRecord, 'id' | 'endpointId' | 'integrationId' | 'type' | 'body' | 'createdAt'>;

/** A message claimed for delivery, with where it goes. */
export interface WebhookDelivery {
  message: WebhookMessageRecord;
  endpoint: WebhookEndpointRecord;
}

/** What one delivery attempt came to. */
export interface WebhookAttemptResult {
  at: number;
  delivered: boolean;
  responseStatus: number | null;
  error: string | null;
  /** When to try again; null to give up (with `delivered` false). */
  retryAt: number | null;
}

export interface Store {
  /** Creates or upgrades the schema; safe to call from several instances at once. */
  migrate(): Promise<void>;
  close(): Promise<void>;

  insertIntegration(integration: IntegrationRecord): Promise<void>;
  findIntegrationByKeyHash(apiKeyHash: string): Promise<IntegrationRecord | null>;
  getIntegration(id: string): Promise<IntegrationRecord | null>;

  /** All keys, newest first. */
  listSigningKeys(): Promise<SigningKeyRecord[]>;
  insertSigningKey(key: SigningKeyRecord): Promise<void>;
  retireSigningKey(kid: string, at: number): Promise<void>;

  insertSession(session: SessionRecord): Promise<void>;
  getSession(id: string): Promise<SessionRecord | null>;

  /**
   * Inserts the attempt with the next sequence number unless the session already has a passed
   * attempt or `attemptLimit` attempts. Atomic: concurrent calls never exceed the limit.
   */
  createAttempt(attempt: NewAttempt): Promise<AttemptRecord | AttemptRefusal>;
  /**
   * Inserts a re-check attempt answering `recheckId`, which must be of the attempt's session, not
   * yet answered and not expired at `now`. Re-checks do not count against the attempt limit and
   * may follow a pass. Atomic: a re-check is answered once.
   */
  createRecheckAttempt(attempt: NewAttempt, recheckId: string, now: number): Promise<AttemptRecord | AttemptRefusal>;
  insertRecheck(recheck: RecheckRecord): Promise<void>;
  insertReferenceImage(image: ReferenceImageRecord): Promise<void>;
  /** The image of an attempt, unless it has expired at `now`. */
  getReferenceImage(attemptId: string, now: number): Promise<ReferenceImageRecord | null>;
  /** Deletes every image expired at `now`; returns how many. */
  purgeReferenceImages(now: number): Promise<number>;
  getRecheck(id: string): Promise<RecheckRecord | null>;
  getAttempt(id: string): Promise<AttemptRecord | null>;
  /** Attempts of a session in sequence order. */
  listAttempts(sessionId: string): Promise<AttemptRecord[]>;
  /** Attempts of several sessions at once (a page of a session list), each session's in sequence order. */
  listAttemptsOfSessions(sessionIds: readonly string[]): Promise<AttemptRecord[]>;
  /**
   * Writes the outcome if, and only if, the attempt is still `started`, and in the same transaction
   * puts `messages` in the webhook outbox: a recorded result never loses its webhooks. Returns
   * false when another result got there first (single use); then nothing is written.
   */
  completeAttempt(id: string, outcome: AttemptOutcome, messages?: readonly NewWebhookMessage[]): Promise<boolean>;

  /** Marks a completed attempt's tokens revoked (once; the first time stays). False if no such completed attempt. */
  revokeAttempt(id: string, at: number): Promise<boolean>;
  /** An integration's sessions, newest first, filtered. */
  listSessions(integrationId: string, filter: SessionFilter): Promise<SessionRecord[]>;
  /** An integration's attempts with their sessions, newest first, filtered. */
  findAttempts(integrationId: string, filter: AttemptFilter): Promise<{ attempt: AttemptRecord; session: SessionRecord }[]>;

  insertWebhookEndpoint(endpoint: WebhookEndpointRecord): Promise<void>;
  listWebhookEndpoints(integrationId: string): Promise<WebhookEndpointRecord[]>;
  /** Removes an endpoint of that integration; its undelivered messages are given up. False if none. */
  deleteWebhookEndpoint(integrationId: string, id: string): Promise<boolean>;
  /**
   * Takes up to `limit` pending messages due at `now` for delivery, and pushes their next attempt to
   * `now + leaseMs` so that no other server instance takes them meanwhile. A process that dies
   * mid-delivery leaves them to be taken again once the lease runs out.
   */
  claimWebhookMessages(now: number, limit: number, leaseMs: number): Promise<WebhookDelivery[]>;
  recordWebhookAttempt(id: string, result: WebhookAttemptResult): Promise<void>;
  /** An integration's messages, newest first. */
  listWebhookMessages(integrationId: string, filter?: { endpointId?: string; limit?: number }): Promise<WebhookMessageRecord[]>;

  appendEvent(event: AuditEvent): Promise<void>;
  listEvents(filter: { sessionId?: string; attemptId?: string }): Promise<AuditEventRecord[]>;
}
