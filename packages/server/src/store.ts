/**
 * The one storage contract, in the parts a deployment's data falls into. `adapters/sqlite`
 * (embedded default) and `adapters/postgres` (shared by many server instances) implement it from
 * the same table definitions (`adapters/tables.ts`), and `adapters/contract.test.ts` runs one suite
 * against each. Times are epoch milliseconds; JSON columns hold plain objects.
 *
 * The stores own atomicity, not rules: what a session allows is decided by `domain/session-rules.ts`,
 * passed in as a function the store calls inside its transaction, so the rule is written once.
 */
import type {
  AttemptKind,
  AttemptTimings,
  ChallengeId,
  DeviceInfo,
  FaceCheckSummary,
  FrameCommitment,
  FrameMoment,
  HighAssurancePolicy,
  ReasonCode,
  RiskFacts,
  SessionClaims,
  SessionStatus,
  StepVerdict,
  Trace,
} from '@liveproof/protocol';

export type { AttemptKind, SessionStatus };

/** What a risk signal does under an integration's policy: lower the assurance, or fail the check. */
export type Policy = 'flag' | 'reject';
/** What a risk signal does: `record` keeps it in the facts only; `flag` and `reject` as for `Policy`. */
/** `off` (links only): no keys are kept and none are looked up for that signal. */
export type SignalPolicy = 'off' | 'record' | Policy;
/** @deprecated the same as `Policy`. */
export type VirtualCameraPolicy = Policy;

/** Integrations the server itself creates and looks up by purpose; others have none. */
export type IntegrationPurpose = 'development' | 'demo';

export interface IntegrationRecord {
  id: string;
  name: string;
  purpose: IntegrationPurpose | null;
  /**
   * The audiences (verifiers) this integration may issue tokens for; unique across integrations.
   * All integrations share the server's signing keys, so without this one integration could mint
   * tokens another integration's verifier accepts.
   */
  audiences: string[];
  /**
   * Origins of the pages allowed to embed the check (`https://careers.example.com`). They drive
   * CORS and `frame-ancestors`. `*` (any origin) is accepted for the development integration only.
   */
  origins: string[];
  /** A camera named like a virtual camera: `flag` lowers the assurance, `reject` fails the check. */
  virtualCameraPolicy: Policy;
  /** A candidate's opt-out from the screen light: `flag` runs movements only, `reject` refuses. */
  lightOptOutPolicy: Policy;
  /** Per risk signal (`datacenter_ip`, `vpn_ip`…): record, flag or reject. Unset signals are flagged. */
  signalPolicies: Record<string, SignalPolicy>;
  /** Opt-in: keep one small face image of each passed check for this many days. Null: none. */
  referenceImageDays: number | null;
  /** High assurance: off (no image leaves the browser), on, or required (`frames.ts` in the protocol). */
  highAssurance: HighAssurancePolicy;
  /** Keep the high-assurance crops as evidence for reviewers this many days. Null: deleted once scored. */
  frameEvidenceDays: number | null;
  /** Challenges this integration's plans never draw (at least four movements stay). */
  excludedChallenges: ChallengeId[];
  /** `on`: every plan, check and re-check, holds one profile turn (on a random side). */
  profileTurn: ProfileTurnPolicy;
  /** Opt-in: keep passed checks' faces this many days to match them across candidates. Null: off. */
  faceMatchDays: number | null;
  createdAt: number;
  updatedAt: number;
}

export type NewIntegration = Omit<IntegrationRecord, 'audiences'>;

export const PROFILE_TURN_POLICIES = ['off', 'on'] as const;
export type ProfileTurnPolicy = (typeof PROFILE_TURN_POLICIES)[number];
export type IntegrationPatch = Partial<Pick<IntegrationRecord, 'name' | 'origins' | 'virtualCameraPolicy' | 'lightOptOutPolicy' | 'signalPolicies' | 'referenceImageDays' | 'highAssurance' | 'frameEvidenceDays' | 'excludedChallenges' | 'profileTurn' | 'faceMatchDays'>>;

/** An integration's API key. Only its SHA-256 is kept; `hint` is its last four characters, for people. */
export interface ApiKeyRecord {
  id: string;
  integrationId: string;
  hash: string;
  hint: string;
  label: string;
  createdAt: number;
  /** Set when a rotation replaced it: it keeps working until then, and stops after. */
  expiresAt: number | null;
  /** Set when revoked: it stops working at once. */
  revokedAt: number | null;
}

/** A credential for the admin API. */
export interface AdminKeyRecord {
  id: string;
  hash: string;
  hint: string;
  label: string;
  createdAt: number;
  revokedAt: number | null;
}

export interface SigningKeyRecord {
  kid: string;
  alg: 'ES256';
  publicJwk: Record<string, unknown>;
  /** The private JWK sealed with the key-encryption key (`keys/sealing.ts`). */
  privateSealed: string;
  createdAt: number;
  /** Published from creation; signs from this moment, so verifiers have it before any token does. */
  activatesAt: number;
  /** When it stopped signing; it stays published until every token it signed has expired. */
  retiredAt: number | null;
}

/** A signing key as stored before keys were sealed; `keys/` seals it on the first start. */
export interface LegacySigningKey {
  kid: string;
  privateJwk: Record<string, unknown>;
}

export interface SessionRecord {
  id: string;
  integrationId: string;
  candidateRef: string;
  /** The interview, or '' for a session outside any (the column predates optional interviews): read it with `interviewOf`. */
  interviewRef: string;
  audience: string;
  attemptLimit: number;
  challengeCount: number;
  tokenTtlSeconds: number;
  createdAt: number;
  expiresAt: number;
  /** The last status a lifecycle event was sent for; changed only by `session-rules`' transitions. */
  status: SessionStatus;
  statusAt: number | null;
  /** The candidate's claims as the hiring system sent them, or null. */
  claims: SessionClaims | null;
}

export type NewSession = Omit<SessionRecord, 'status' | 'statusAt'>;

export type StoredAttemptStatus = 'started' | 'passed' | 'failed';

export interface AttemptRecord {
  id: string;
  sessionId: string;
  /** The session's integration, kept on the attempt so that one integration's attempts list in index order. */
  integrationId: string;
  /** 1-based position within its session, re-checks included. */
  sequence: number;
  kind: AttemptKind;
  status: StoredAttemptStatus;
  createdAt: number;
  expiresAt: number;
  nonce: string;
  challenges: ChallengeId[];
  planToken: string;
  publicJwk: Record<string, unknown>;
  keyThumbprint: string;
  /** Request facts when the attempt started; cleared after the retention period. */
  ip: string | null;
  userAgent: string | null;
  device: DeviceInfo | null;
  // Written once, when the result is accepted:
  completedAt: number | null;
  reasons: ReasonCode[];
  steps: StepVerdict[];
  signals: string[];
  // The evidence trace is not here: it is most of the row and few readers need it (`getAttemptTrace`).
  timings: AttemptTimings | null;
  /** What the server observed of the network and what the page reported of its device (`network/facts.ts`). */
  risk: RiskFacts | null;
  resultIp: string | null;
  resultUserAgent: string | null;
  /** Why a signed result was refused (bounded), so the next such case can be diagnosed. */
  diagnostics: Record<string, unknown> | null;
  /** When the hiring system revoked the attempt's verification tokens. */
  revokedAt: number | null;
  /** High assurance: the commitment's digest and the moments the server drew for it (once per attempt). */
  frameRequest: FrameRequestRecord | null;
  /** High assurance: what the server saw in the crops (no image, no embedding). */
  faces: FaceCheckSummary | null;
}

export interface FrameRequestRecord {
  /** What the element committed to: the moments were drawn from its steps and span. */
  commitment: FrameCommitment;
  moments: FrameMoment[];
  at: number;
}

/** What session rules read of an attempt: no trace, no request facts. */
export type AttemptState = Pick<AttemptRecord, 'id' | 'sessionId' | 'sequence' | 'kind' | 'status' | 'createdAt' | 'expiresAt' | 'completedAt' | 'reasons'>;

export type NewAttempt = Pick<
  AttemptRecord,
  'id' | 'sessionId' | 'kind' | 'createdAt' | 'expiresAt' | 'nonce' | 'challenges' | 'planToken' | 'publicJwk' | 'keyThumbprint' | 'ip' | 'userAgent' | 'device'
>;

export interface AttemptOutcome {
  status: 'passed' | 'failed';
  completedAt: number;
  reasons: ReasonCode[];
  steps: StepVerdict[];
  signals: string[];
  trace: Trace | null;
  timings: AttemptTimings | null;
  risk: RiskFacts | null;
  resultIp: string | null;
  resultUserAgent: string | null;
  diagnostics: Record<string, unknown> | null;
  faces: FaceCheckSummary | null;
}

/** Why a new attempt was refused, decided atomically with the insert. */
export type AttemptRefusal = 'limit_reached' | 'session_passed' | 'session_closed' | 'session_not_found' | 'recheck_not_found';

/**
 * Decides, inside the store's transaction, whether `session` may take another attempt of `kind`
 * given its attempts so far. `domain/session-rules.ts` provides it.
 */
export type AdmitRule = (session: SessionRecord, attempts: readonly AttemptState[], kind: AttemptKind) => AttemptRefusal | null;

/** A session's transition and the webhook messages it causes, decided inside the transaction. */
export interface Settlement {
  /** The new status, when it changed. */
  status?: SessionStatus;
  messages: NewWebhookMessage[];
  /**
   * Flagged signals of the completed attempt: the session's review case opens with them (or, if it
   * exists, takes them in and opens again), in the same transaction as the result.
   */
  review?: { caseId: string; signals: string[]; at: number };
}

/**
 * Decides, inside the store's transaction and after a result (`completed`) or on a sweep (none),
 * what the session's attempts now mean. `domain/session-rules.ts` provides it.
 */
export type SettleRule = (session: SessionRecord, attempts: readonly AttemptState[], completed: AttemptRecord | null) => Settlement;

/** An interviewer's request for a witnessed re-check; the candidate's element answers it with one attempt. */
export interface RecheckRecord {
  id: string;
  sessionId: string;
  requestedAt: number;
  expiresAt: number;
  /** The attempt that answered it, once started. */
  attemptId: string | null;
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

/** High-assurance crops an integration keeps as evidence for its reviewers, until `expiresAt`. */
export interface FrameEvidenceRecord {
  attemptId: string;
  sessionId: string;
  /** In moment order: the trace time, why the server asked for it, and the JPEG (base64, as sent). */
  frames: { t: number; kind: FrameMoment['kind']; data: string }[];
  createdAt: number;
  expiresAt: number;
}

/**
 * The face of a session's passed check (high assurance): embeddings of its frontal crops, compared
 * with each re-check's. Biometric data: kept only until the session ends, never in a token.
 */
export interface SessionFaceRecord {
  sessionId: string;
  attemptId: string;
  embeddings: number[][];
  createdAt: number;
  expiresAt: number;
}

/**
 * The face of a passed check, kept for the cross-candidate match of an integration that opted in
 * (`faceMatchDays`): the same face under another candidate reference routes the session to review.
 * Biometric data: only under that opt-in, for that many days, never in a token or an API answer;
 * the embeddings are packed as float32 (`dimensions` per embedding).
 */
export interface IntegrationFaceRecord {
  sessionId: string;
  integrationId: string;
  candidateRef: string;
  attemptId: string;
  dimensions: number;
  embeddings: Uint8Array;
  createdAt: number;
  expiresAt: number;
}

/** Something that happened and must stay on record. */
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

/** Refusals nobody could be held to (no valid credential, rate-limited): counted, not written one by one. */
export interface RefusalCount {
  windowStart: number;
  route: string;
  code: string;
  count: number;
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
  /** One integration's attempts, or (admin) every integration's. */
  integrationId?: string;
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
export type WebhookEventType = 'attempt.completed' | 'session.passed' | 'session.failed' | 'session.expired' | 'case.decided';

/** Where an integration wants its webhooks, and the secret they are signed with (Standard Webhooks). */
export interface WebhookEndpointRecord {
  id: string;
  integrationId: string;
  url: string;
  /** The `whsec_` secret, sealed with the key-encryption key. */
  secretSealed: string;
  events: WebhookEventType[];
  createdAt: number;
  /** Set when the endpoint was switched off (by its owner, an administrator, or after failing too long). */
  disabledAt: number | null;
  disabledReason: string | null;
  /** Delivery attempts that failed in a row; reset by a success. */
  consecutiveFailures: number;
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
  /** Not delivered before this message (same endpoint) is delivered or given up: events arrive in order. */
  afterId: string | null;
  status: WebhookMessageStatus;
  attempts: number;
  /** When the next attempt is due (pending), or null once delivered or given up. */
  nextAttemptAt: number | null;
  lastAttemptAt: number | null;
  lastResponseStatus: number | null;
  /** A coarse category (`timeout`, `connection_failed`, `http_status`, `address_not_allowed`…), never a raw error. */
  lastError: string | null;
  deliveredAt: number | null;
}

export type NewWebhookMessage = Pick<WebhookMessageRecord, 'id' | 'endpointId' | 'integrationId' | 'type' | 'body' | 'createdAt' | 'afterId'>;

/** A message claimed for delivery, with where it goes. */
export interface WebhookDelivery {
  message: WebhookMessageRecord;
  endpoint: WebhookEndpointRecord;
}

export interface WebhookClaim {
  now: number;
  limit: number;
  leaseMs: number;
  /** At most this many messages per integration in one claim: one tenant cannot take every slot. */
  perIntegration: number;
  /** Endpoints already at their in-flight cap in this process. */
  skipEndpoints: readonly string[];
  /** Integrations already at their in-flight cap in this process. */
  skipIntegrations: readonly string[];
}

/** What one delivery attempt came to. */
export interface WebhookAttemptResult {
  at: number;
  delivered: boolean;
  responseStatus: number | null;
  error: string | null;
  /** When to try again; null to give up (with `delivered` false). */
  retryAt: number | null;
  /** Disable the endpoint after this many failures in a row (counting this one). */
  disableAfter: number;
}

/** What `purge` removes or clears: everything personal older than its retention period. */
export interface PurgeCutoffs {
  now: number;
  /** Audit rows, refusal counts and finished webhook messages created before this. */
  recordsBefore: number;
  /** Attempt traces, addresses, user agents and device facts of attempts created before this (and UDP observations). */
  evidenceBefore: number;
  /** Link keys last seen before this (the link window). */
  linksBefore: number;
}

export interface PurgeCounts {
  events: number;
  refusalCounts: number;
  webhookMessages: number;
  attemptsCleared: number;
  referenceImages: number;
  frameEvidence: number;
  sessionFaces: number;
  integrationFaces: number;
  revokedTokens: number;
  udpObservations: number;
  linkKeys: number;
}

export interface IntegrationStore {
  /** Inserts the integration and its audiences; `audience_taken` (the audiences) when one belongs to another. */
  insertIntegration(integration: NewIntegration, audiences: readonly string[]): Promise<{ taken: string[] }>;
  getIntegration(id: string): Promise<IntegrationRecord | null>;
  findIntegrationByPurpose(purpose: IntegrationPurpose): Promise<IntegrationRecord | null>;
  listIntegrations(): Promise<IntegrationRecord[]>;
  updateIntegration(id: string, patch: IntegrationPatch, at: number): Promise<IntegrationRecord | null>;
  /** Replaces the audiences, unless one of them belongs to another integration (then nothing changes). */
  setAudiences(integrationId: string, audiences: readonly string[], at: number): Promise<{ taken: string[] }>;

  insertApiKey(key: ApiKeyRecord): Promise<void>;
  listApiKeys(integrationId: string): Promise<ApiKeyRecord[]>;
  /** Sets an expiry (rotation) or revokes; the first revocation stays. False if no such key. */
  updateApiKey(integrationId: string, id: string, change: { expiresAt?: number; revokedAt?: number }): Promise<boolean>;
  /** The key with this hash and its integration, if it is neither revoked nor expired at `now`. */
  findApiKey(hash: string, now: number): Promise<{ key: ApiKeyRecord; integration: IntegrationRecord } | null>;

  insertAdminKey(key: AdminKeyRecord): Promise<void>;
  listAdminKeys(): Promise<AdminKeyRecord[]>;
  findAdminKey(hash: string): Promise<AdminKeyRecord | null>;
  revokeAdminKey(id: string, at: number): Promise<boolean>;
}

export interface KeyStore {
  /** All keys, newest first. */
  listSigningKeys(): Promise<SigningKeyRecord[]>;
  /** Keys stored before sealing, still in the clear. */
  listLegacySigningKeys(): Promise<LegacySigningKey[]>;
  insertSigningKey(key: SigningKeyRecord): Promise<void>;
  updateSigningKey(kid: string, change: { retiredAt?: number; privateSealed?: string }): Promise<void>;
}

export interface SessionStore {
  insertSession(session: NewSession): Promise<void>;
  getSession(id: string): Promise<SessionRecord | null>;
  /** An integration's sessions, newest first, filtered. */
  listSessions(integrationId: string, filter: SessionFilter): Promise<SessionRecord[]>;
  /**
   * Open sessions that may have reached a final state without a result: expired, or with an attempt
   * whose plan expired unanswered. The sweep settles them.
   */
  sessionsToSettle(now: number, limit: number): Promise<string[]>;
  /** Settles one session in a transaction (the sweep) at time `at`. Returns the new status, if it changed. */
  settleSession(id: string, settle: SettleRule, at: number): Promise<SessionStatus | null>;
}

export interface AttemptStore {
  /**
   * Inserts the attempt with the next sequence number if `admit` allows it (and, for a re-check,
   * if `recheckId` is an open request of that session at `now`). Atomic: concurrent calls for one
   * session take turns, so a limit can never be exceeded.
   */
  createAttempt(attempt: NewAttempt, admit: AdmitRule, recheck?: { id: string; now: number }): Promise<AttemptRecord | AttemptRefusal>;
  /**
   * Writes the outcome if, and only if, the attempt is still `started`; then, in the same
   * transaction, asks `settle` what it means for the session, applies the status change and puts
   * the messages in the webhook outbox: a recorded result never loses its webhooks, and a
   * transition happens once. Null when another result got there first (then nothing is written).
   */
  completeAttempt(id: string, outcome: AttemptOutcome, settle: SettleRule): Promise<{ status: SessionStatus | null } | null>;
  /** Attempts that expired without a result and have no risk facts yet, oldest first. */
  attemptsWithoutFacts(now: number, limit: number): Promise<AttemptRecord[]>;
  /** Records the risk facts of an attempt that never sent a result (only while it has none). */
  recordAttemptFacts(id: string, risk: RiskFacts): Promise<boolean>;
  getAttempt(id: string): Promise<AttemptRecord | null>;
  /** The attempt's evidence trace, kept until the evidence retention period ends (null before the result, and after). */
  getAttemptTrace(id: string): Promise<Trace | null>;
  /** Attempts of a session in sequence order. */
  listAttempts(sessionId: string): Promise<AttemptRecord[]>;
  /** What session rules read of a session's attempts, in sequence order (no traces: cheap). */
  listAttemptStates(sessionId: string): Promise<AttemptState[]>;
  /** Attempts of several sessions at once (a page of a session list), each session's in sequence order. */
  listAttemptsOfSessions(sessionIds: readonly string[]): Promise<AttemptRecord[]>;
  /** Attempts with their sessions, newest first, filtered. */
  findAttempts(filter: AttemptFilter): Promise<{ attempt: AttemptRecord; session: SessionRecord }[]>;
  /** Marks a completed attempt's tokens revoked (once; the first time stays). False if no such completed attempt. */
  revokeAttempt(id: string, at: number): Promise<boolean>;

  insertRecheck(recheck: RecheckRecord): Promise<void>;
  getRecheck(id: string): Promise<RecheckRecord | null>;
  /** Re-check requests of a session still waiting for an answer at `now`. */
  listOpenRechecks(sessionId: string, now: number): Promise<RecheckRecord[]>;

  insertReferenceImage(image: ReferenceImageRecord): Promise<void>;
  /** The image of an attempt, unless it has expired at `now`. */
  getReferenceImage(attemptId: string, now: number): Promise<ReferenceImageRecord | null>;

  /** Stores the moments drawn for a started attempt, unless it has some already: false then. */
  setFrameRequest(attemptId: string, request: FrameRequestRecord): Promise<boolean>;
  insertFrameEvidence(evidence: FrameEvidenceRecord): Promise<void>;
  /** The kept crops of an attempt, unless they have expired at `now`. */
  getFrameEvidence(attemptId: string, now: number): Promise<FrameEvidenceRecord | null>;
  /** Keeps the face of a session's passed check (replacing any earlier one). */
  putSessionFace(face: SessionFaceRecord): Promise<void>;
  getSessionFace(sessionId: string, now: number): Promise<SessionFaceRecord | null>;
  /** Keeps a passed check's face for the integration's cross-candidate match (one per session). */
  putIntegrationFace(face: IntegrationFaceRecord): Promise<void>;
  /** The integration's kept faces other than `candidateRef`'s, newest first, at most `limit`. */
  otherCandidateFaces(integrationId: string, candidateRef: string, now: number, limit: number): Promise<IntegrationFaceRecord[]>;
  /** Deletes every kept face of an integration (it turned the match off): how many. */
  deleteIntegrationFaces(integrationId: string): Promise<number>;
}

export interface WebhookOutbox {
  insertWebhookEndpoint(endpoint: WebhookEndpointRecord): Promise<void>;
  listWebhookEndpoints(integrationId: string): Promise<WebhookEndpointRecord[]>;
  /** Endpoints whose secret is still in the clear, from before secrets were sealed. */
  listLegacyWebhookSecrets(): Promise<{ id: string; secret: string }[]>;
  updateWebhookEndpoint(
    integrationId: string,
    id: string,
    change: { secretSealed?: string; disabledAt?: number | null; disabledReason?: string | null },
  ): Promise<boolean>;
  /** Removes an endpoint of that integration; its undelivered messages are given up. False if none. */
  deleteWebhookEndpoint(integrationId: string, id: string): Promise<boolean>;
  /**
   * Takes due messages for delivery (oldest first, at most `perIntegration` per integration, none
   * waiting for an earlier message, none of a disabled endpoint) and pushes their next attempt to
   * `now + leaseMs`, so that no other server instance takes them meanwhile. A process that dies
   * mid-delivery leaves them to be taken again once the lease runs out.
   */
  claimWebhookMessages(claim: WebhookClaim): Promise<WebhookDelivery[]>;
  /** Records one attempt and keeps the endpoint's failure count; returns whether the endpoint was disabled by it. */
  recordWebhookAttempt(id: string, result: WebhookAttemptResult): Promise<{ endpointDisabled: boolean }>;
  /** An integration's messages, newest first. */
  listWebhookMessages(integrationId: string, filter?: { endpointId?: string; limit?: number }): Promise<WebhookMessageRecord[]>;
}

export interface AuditLog {
  appendEvent(event: AuditEvent): Promise<void>;
  listEvents(filter: { sessionId?: string; attemptId?: string; integrationId?: string; limit?: number }): Promise<AuditEventRecord[]>;
  /** Adds counted refusals (one row per window, route and code). */
  addRefusalCounts(counts: readonly RefusalCount[]): Promise<void>;
  listRefusalCounts(since: number): Promise<RefusalCount[]>;
}

export interface TokenRevocations {
  /** Revokes a viewer token by its `jti` until it would have expired anyway. */
  revokeToken(jti: string, sessionId: string, expiresAt: number, at: number): Promise<void>;
  /** Whether the token `jti` was revoked through its own session (a revocation through another session counts for nothing). */
  isTokenRevoked(jti: string, sessionId: string): Promise<boolean>;
}

/** One source address a browser's authenticated ICE binding requests came from (`network/ice-responder.ts`). */
export interface UdpObservation {
  ufrag: string;
  ip: string;
  port: number;
  firstAt: number;
  lastAt: number;
  /** Writes of this address (the responder writes one a second at most), not packets. */
  count: number;
}

/** Most addresses kept per ufrag: a browser has a few interfaces; a flood of spoofed sources gets no further. */
export const MAX_UDP_OBSERVATIONS_PER_UFRAG = 8;

export interface UdpObservationStore {
  /** Records (or counts again) one source address of a ufrag, up to `MAX_UDP_OBSERVATIONS_PER_UFRAG` addresses. */
  recordUdpObservation(observation: { ufrag: string; ip: string; port: number; at: number }): Promise<void>;
  /** A ufrag's addresses, earliest first. */
  listUdpObservations(ufrag: string): Promise<UdpObservation[]>;
}

/** What links candidates: a public address, a set of local addresses, a device's digest. */
export type LinkKind = 'address' | 'local_set' | 'device';

/** One keyed hash seen for one session: never the address or the digest itself. */
export interface LinkKey {
  integrationId: string;
  /** HMAC of the kind and value, with a key per integration: hashes of two integrations never match. */
  hash: string;
  kind: LinkKind;
  sessionId: string;
  candidateRef: string;
  seenAt: number;
}

/** A reviewer's decision on a case. */
export type CaseDecision = 'cleared' | 'fraud' | 'in_person';

/**
 * A session's review case: opened by the first attempt with a flagged signal, it gathers the
 * signals of every such attempt; a reviewer decides it (and may decide again: the audit log keeps
 * each decision). A later flagged attempt opens a decided case again, keeping its last decision.
 */
export interface CaseRecord {
  id: string;
  integrationId: string;
  sessionId: string;
  status: 'open' | 'decided';
  signals: string[];
  openedAt: number;
  updatedAt: number;
  decision: CaseDecision | null;
  note: string | null;
  decidedAt: number | null;
  decidedBy: string | null;
}

/** The session's case once a settlement's `review` is taken in: opened, or given the new signals and opened again. */
export function reviewedCase(existing: CaseRecord | null, session: Pick<SessionRecord, 'id' | 'integrationId'>, review: NonNullable<Settlement['review']>): CaseRecord {
  const signals = [...new Set([...(existing?.signals ?? []), ...review.signals])].sort();
  if (existing) return { ...existing, signals, status: 'open', updatedAt: review.at };
  return { id: review.caseId, integrationId: session.integrationId, sessionId: session.id, status: 'open', signals, openedAt: review.at, updatedAt: review.at, decision: null, note: null, decidedAt: null, decidedBy: null };
}

export interface CaseFilter {
  integrationId?: string;
  status?: CaseRecord['status'];
  limit: number;
  /** Only cases opened before this one (by opening time, then id): the next page. */
  before?: { createdAt: number; id: string };
}

export interface CaseStore {
  getCase(id: string): Promise<CaseRecord | null>;
  getCaseOfSession(sessionId: string): Promise<CaseRecord | null>;
  /** Cases newest first. */
  listCases(filter: CaseFilter): Promise<CaseRecord[]>;
  /**
   * Records a decision and, in the same transaction, the webhook messages `messages` makes of the
   * decided case. Null for an unknown case.
   */
  decideCase(id: string, decision: { decision: CaseDecision; note: string | null; by: string; at: number }, messages: (decided: CaseRecord) => NewWebhookMessage[]): Promise<CaseRecord | null>;
}

export interface LinkStore {
  /**
   * The keys other candidates' sessions of the same integration were seen with since `since`
   * (at most `limit`, newest first), then records `keys` (a key seen again moves its time on).
   */
  linkKeys(keys: readonly LinkKey[], since: number, limit: number): Promise<LinkKey[]>;
}

export interface Store extends IntegrationStore, KeyStore, SessionStore, AttemptStore, WebhookOutbox, AuditLog, TokenRevocations, UdpObservationStore, LinkStore, CaseStore {
  /** Which adapter: for messages and diagnostics. */
  readonly dialect: 'sqlite' | 'postgres';
  /** Creates or upgrades the schema; safe to call from several instances at once. */
  migrate(): Promise<void>;
  /** Removes or clears what is older than its retention period. */
  purge(cutoffs: PurgeCutoffs): Promise<PurgeCounts>;
  /** A cheap round trip, for readiness checks. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
