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
  createdAt: number;
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
>;

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
export type AttemptRefusal = 'limit_reached' | 'session_passed' | 'session_not_found';

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
  getAttempt(id: string): Promise<AttemptRecord | null>;
  /** Attempts of a session in sequence order. */
  listAttempts(sessionId: string): Promise<AttemptRecord[]>;
  /**
   * Writes the outcome if, and only if, the attempt is still `started`. Returns false when another
   * result got there first (single use).
   */
  completeAttempt(id: string, outcome: AttemptOutcome): Promise<boolean>;

  appendEvent(event: AuditEvent): Promise<void>;
  listEvents(filter: { sessionId?: string; attemptId?: string }): Promise<AuditEventRecord[]>;
}
