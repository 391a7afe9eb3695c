/**
 * The shapes that travel between the element, the server and hiring systems.
 * Runtime schemas for them are in `schemas.ts`; these types are what code is written against.
 */
import type { RiskFacts } from './risk.ts';
import type { ChallengeId } from './challenges.ts';
import type { StepVerdict } from './score.ts';
import type { ReasonCode } from './reasons.ts';
import type { LightSpec } from './light.ts';
import type { DeviceInfo, Trace } from './trace.ts';
import type { LocalAddressClass } from './device-classes.ts';
import type { FaceCheckSummary, ResultFrame } from './frames.ts';

/** Session status, derived from its attempts and its expiry. */
export type SessionStatus = 'open' | 'passed' | 'failed' | 'expired';
/**
 * Attempt status: `started` until a signed result is accepted; `abandoned` when it expired
 * unanswered; `stopped` when the candidate stopped the flashing colours (it does not use up an attempt).
 */
export type AttemptStatus = 'started' | 'passed' | 'failed' | 'abandoned' | 'stopped';
export type CheckResult = 'pass' | 'fail';
/**
 * `check`: one of the session's allowed checks, the one a hiring decision rests on. `recheck`: a short
 * check an interviewer asked for during the call, outside the attempt limit. A re-check token is not
 * a check token: verifiers refuse it unless asked for re-checks.
 */
export type AttemptKind = 'check' | 'recheck';
/**
 * How much a pass can be relied on: `high` when no risk signal was seen, `reduced` when one was
 * (a virtual camera, a stream not from a capture device, automation, no screen-light challenge).
 */
export type Assurance = 'high' | 'reduced';

export interface CreateSessionRequest {
  candidateRef: string;
  /** The interview the check is for; none for a check outside interviews (an employee's company laptop). */
  interviewRef?: string;
  /** Who will verify the tokens: becomes the token's `aud`. */
  audience: string;
  attemptLimit?: number;
  challengeCount?: number;
  tokenTtlSeconds?: number;
  expiresInSeconds?: number;
  /** What the candidate told the hiring system about themselves, compared with what the check observes. */
  claims?: SessionClaims;
}

/**
 * The candidate's own statements, as the hiring system has them: where they say they live, their
 * time zone, and their phone number exactly as they wrote it (the raw string is kept: how a number
 * is written says something). Each is optional.
 */
export interface SessionClaims {
  /** ISO 3166-1 alpha-2, e.g. `US`. */
  country?: string;
  /** Kept for reviewers; not compared (no offline city data is licensed for this use). */
  city?: string;
  /** An IANA time zone, e.g. `America/Chicago`. */
  timeZone?: string;
  /** As the candidate wrote it: `(415) 555-2671`, `+44 7911 123456`, `001 415…`. */
  phone?: string;
}

export interface AttemptSummary {
  id: string;
  sequence: number;
  kind: AttemptKind;
  status: AttemptStatus;
  challenges: ChallengeId[];
  createdAt: string;
  completedAt?: string;
  reasons: ReasonCode[];
  steps: StepVerdict[];
  signals: string[];
  /** The facts behind the signals: observed by the server, or reported by the page. */
  risk?: RiskFacts;
  ip?: string;
  userAgent?: string;
  timings?: AttemptTimings;
  /** High assurance: what the server saw of the face in the crops it asked for. */
  faces?: FaceCheckSummary;
}

export interface AttemptTimings {
  /** Server time from the attempt starting to the result arriving. */
  serverElapsedMs: number;
  /** The trace's own span from its first frame at or after 0 to its last. */
  traceSpanMs: number;
  /** From the first prompt to the last frame. */
  checkDurationMs?: number;
}

export interface SessionView {
  id: string;
  candidateRef: string;
  /** Null for a session outside any interview. */
  interviewRef: string | null;
  audience: string;
  status: SessionStatus;
  attemptLimit: number;
  attemptsUsed: number;
  createdAt: string;
  expiresAt: string;
  /** The claims the session was created with (the hiring system's own data, shown back to it only). */
  claims?: SessionClaims;
  attempts?: AttemptSummary[];
}

export interface CreateSessionResponse extends SessionView {
  clientToken: string;
  clientTokenExpiresAt: string;
}

/** A P-256 public key as JWK, without any private part. */
export interface PublicEcJwk {
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
}

export interface StartAttemptRequest {
  publicKey: PublicEcJwk;
  device?: DeviceInfo;
  /**
   * The candidate asked not to see flashing lights: the plan has no screen-light challenge and an
   * extra movement challenge instead. Recorded as a signal.
   */
  lightOptOut?: boolean;
  /** Answering an interviewer's re-check request (interview mode): a short plan, outside the attempt limit. */
  recheckId?: string;
}

/** The plan as the element reads it. The signed `planToken` carries the same facts. */
export interface Plan {
  attemptId: string;
  sessionId: string;
  nonce: string;
  challenges: ChallengeId[];
  stepTimeoutMs: number;
  thresholds: string;
  /** The colours to flash for the screen-light challenge, when the plan has it. */
  light?: LightSpec;
  /**
   * The integration opted in to a reference image: after a passed check the element sends one
   * small face image with the result, for the interviewer to compare with the person on the call.
   */
  referenceImage?: boolean;
  /**
   * High assurance (the integration's policy, `on` or `required`): once the challenges are done the
   * element signs a commitment to its trace, asks for the moments the server draws, and sends the
   * face crop nearest each one inside the signed result (see `frames.ts`).
   */
  highAssurance?: 'on' | 'required';
  /**
   * The UDP probe: the server's ICE-lite responder and this attempt's credentials. The element
   * connects an RTCPeerConnection to it while the candidate positions their face; the server
   * records where the binding requests came from. Absent when the server runs no responder.
   */
  ice?: { ufrag: string; pwd: string; candidates: { address: string; port: number }[] };
  issuedAt: string;
  expiresAt: string;
}

export interface StartAttemptResponse {
  attemptId: string;
  plan: Plan;
  planToken: string;
  attemptsRemaining: number;
}

/** The payload the element signs (compact JWS, ES256, with the attempt key). */
export interface ResultPayload {
  v: 1;
  attemptId: string;
  nonce: string;
  planToken: string;
  trace: Trace;
  device: DeviceInfo;
  /** The client's wall clock when it signed, for the record only. */
  sentAt: number;
  /** Only when the plan asks for it and the check passed on the page: one small JPEG of the face, base64. */
  referenceImage?: { type: 'image/jpeg'; data: string };
  /** High assurance: the crops at the moments the server drew after the trace's commitment. */
  frames?: ResultFrame[];
  /** What the page's probes brought back: the server's sealed round-trip echo, and the UDP path's round trip as the browser measured it. */
  network?: ResultNetwork;
}

export interface ResultNetwork {
  /** The last echo of `POST /v1/attempts/{id}/rtt`: the server's own timing, sealed (the page cannot lower it). */
  rtt?: string;
  /** The ICE candidate pair's round-trip time to the server's responder, in ms, as the browser reports it. */
  udpRttMs?: number;
  /** The classes of the local addresses the probe gathered (after the camera permission); never an address. */
  localAddresses?: LocalAddressClass[];
  /**
   * A digest (SHA-256, base64url) of the set of local addresses, sent only when the set tells one
   * machine from another (`localSetDigestInput`). The server keeps a keyed hash of it, never the digest.
   */
  localSet?: string;
}

/** What the element signs (with the attempt key) when the candidate stops the flashing colours. */
export interface StopPayload {
  v: 1;
  attemptId: string;
  nonce: string;
  stop: 'flashing';
  sentAt: number;
}

export interface SubmitResultRequest {
  result: string;
}

export interface ResultResponse {
  attemptId: string;
  kind: AttemptKind;
  result: CheckResult;
  reasons: ReasonCode[];
  steps: StepVerdict[];
  signals: string[];
  assurance: Assurance;
  risk?: RiskFacts;
  token: string;
  tokenExpiresAt: string;
  attemptsRemaining: number;
  sessionStatus: SessionStatus;
}

/** Claims of the verification token a hiring system verifies (JWT, ES256, typ `liveproof+jwt`). */
export interface LivenessTokenClaims {
  iss: string;
  aud: string;
  sub: string;
  jti: string;
  iat: number;
  exp: number;
  sid: string;
  /** Absent for a session outside any interview. */
  interview_ref?: string;
  result: CheckResult;
  /** Absent only in tokens issued before re-checks were marked, which were all checks. */
  kind?: AttemptKind;
  challenges: { id: ChallengeId; passed: boolean }[];
  reasons: ReasonCode[];
  signals: string[];
  assurance: Assurance;
  /**
   * The facts that explain the signals, in two kinds: `observed` by the server (address lists and
   * their date, the UDP path against the HTTP path, time zone against country) and `reported` by
   * the page (forgeable). Absent in tokens issued before network facts were recorded.
   */
  risk?: RiskFacts;
  thresholds_version: string;
  /** High assurance: what the server saw of the face in the crops it asked for. Absent when the plan had none. */
  faces?: FaceCheckSummary;
}

/**
 * What happens in a session, as the interviewer's badge and the candidate's element in interview
 * mode hear it over the session's event stream (server-sent events; the SSE event name is `type`).
 */
export type SessionEvent =
  | { type: 'attempt.started'; sessionId: string; attemptId: string; sequence: number; kind: AttemptKind; challenges: ChallengeId[]; at: string }
  /** An interviewer asked for a witnessed re-check; the candidate's element in interview mode answers it. */
  | { type: 'recheck.requested'; sessionId: string; recheckId: string; expiresAt: string; at: string }
  /** The candidate's element has just shown the prompt of step `index`. */
  | { type: 'attempt.prompt'; sessionId: string; attemptId: string; index: number; challenge: ChallengeId; at: string }
  | {
      type: 'attempt.completed';
      sessionId: string;
      attemptId: string;
      sequence: number;
      kind: AttemptKind;
      result: CheckResult;
      reasons: ReasonCode[];
      signals: string[];
      assurance: Assurance;
      steps: StepVerdict[];
      /** The attempt's verification token, so a viewer can check the outcome's signature itself. */
      token: string;
      /** A reference image was kept for this attempt (`GET /v1/attempts/{id}/reference-image`). */
      referenceImage: boolean;
      at: string;
    };

export type SessionEventType = SessionEvent['type'];

/**
 * `POST /v1/attempts/{id}/rtt`: one application-level round trip. The element sends the echo of
 * the previous answer at once; the server times from sending that answer to this request's
 * arrival, and seals the smallest time so far into the next echo. The page spreads its samples
 * over the check (a busy moment inflates one), restarting the clock after each pause.
 */
export interface RttRequest {
  echo?: string;
  /** Restart the clock without a sample: the page waited on purpose since the last answer. */
  restart?: boolean;
}

export interface RttResponse {
  echo: string;
}

/** `POST /v1/attempts/{id}/progress`: the element reports the prompt it has just shown. */
export interface ProgressRequest {
  index: number;
  challenge: ChallengeId;
}

export interface ViewerTokenResponse {
  viewerToken: string;
  expiresAt: string;
}

export const LIVENESS_TOKEN_TYPE = 'liveproof+jwt';
export const VIEWER_TOKEN_TYPE = 'liveproof-viewer+jwt';
export const CLIENT_TOKEN_TYPE = 'liveproof-client+jwt';
export const PLAN_TOKEN_TYPE = 'liveproof-plan+jwt';
/** The only signature algorithm Liveproof issues or accepts. */
export const SIGNING_ALG = 'ES256';
