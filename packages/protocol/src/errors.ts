/**
 * Stable, machine-readable error codes shared by the server, the element and the verifier.
 * Nobody parses messages: branch on `code`.
 */
export const ErrorCode = {
  // request shape and transport
  InvalidRequest: 'invalid_request',
  BodyTooLarge: 'body_too_large',
  UnsupportedMediaType: 'unsupported_media_type',
  NotFound: 'not_found',
  RateLimited: 'rate_limited',
  OriginNotAllowed: 'origin_not_allowed',
  Internal: 'internal_error',
  // credentials
  Unauthorized: 'unauthorized',
  Forbidden: 'forbidden',
  // sessions and attempts
  AudienceNotAllowed: 'audience_not_allowed',
  LightRequired: 'light_required',
  SessionNotFound: 'session_not_found',
  SessionExpired: 'session_expired',
  SessionCompleted: 'session_completed',
  AttemptLimitReached: 'attempt_limit_reached',
  AttemptNotFound: 'attempt_not_found',
  RecheckNotFound: 'recheck_not_found',
  AttemptExpired: 'attempt_expired',
  ResultAlreadySubmitted: 'result_already_submitted',
  /** High assurance: moments were drawn already for another commitment of this attempt, or the plan asks for no frames. */
  FramesNotAvailable: 'frames_not_available',
  InvalidPublicKey: 'invalid_public_key',
  TooManyStreams: 'too_many_streams',
  RecheckPending: 'recheck_pending',
  CaseNotFound: 'case_not_found',
  // administration
  IntegrationNotFound: 'integration_not_found',
  AudienceTaken: 'audience_taken',
  ApiKeyNotFound: 'api_key_not_found',
  KeyLimitReached: 'key_limit_reached',
  // webhooks
  WebhookNotFound: 'webhook_not_found',
  WebhookLimitReached: 'webhook_limit_reached',
  WebhookUrlNotAllowed: 'webhook_url_not_allowed',
  WebhookSignatureInvalid: 'webhook_signature_invalid',
  WebhookTimestampInvalid: 'webhook_timestamp_invalid',
  WebhookHeadersMissing: 'webhook_headers_missing',
  // signed result
  InvalidSignature: 'invalid_signature',
  InvalidResult: 'invalid_result',
  PlanMismatch: 'plan_mismatch',
  ClockMismatch: 'clock_mismatch',
  // verification tokens
  TokenInvalid: 'token_invalid',
  TokenExpired: 'token_expired',
  TokenAudienceMismatch: 'token_audience_mismatch',
  TokenIssuerMismatch: 'token_issuer_mismatch',
  TokenAlgorithmNotAllowed: 'token_algorithm_not_allowed',
  TokenKeyNotFound: 'token_key_not_found',
  /** A re-check's token where the verifier did not ask for re-checks. */
  TokenKindNotAccepted: 'token_kind_not_accepted',
  /** The token is valid but for another session, candidate or interview than the verifier expected. */
  TokenClaimMismatch: 'token_claim_mismatch',
  LivenessFailed: 'liveness_failed',
  JwksUnavailable: 'jwks_unavailable',
  // in the candidate's browser
  CameraDenied: 'camera_denied',
  CameraNotFound: 'camera_not_found',
  CameraInUse: 'camera_in_use',
  ModelLoadFailed: 'model_load_failed',
  NetworkError: 'network_error',
  UnsupportedBrowser: 'unsupported_browser',
  PositioningTimeout: 'positioning_timeout',
  /** The page gave the element no client token (or set it under a wrong name). */
  ClientTokenMissing: 'client_token_missing',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** HTTP status the server answers with for each code it can raise. */
export const ErrorStatus: Partial<Record<ErrorCode, number>> = {
  invalid_request: 400,
  body_too_large: 413,
  unsupported_media_type: 415,
  not_found: 404,
  rate_limited: 429,
  origin_not_allowed: 403,
  internal_error: 500,
  unauthorized: 401,
  forbidden: 403,
  audience_not_allowed: 403,
  light_required: 403,
  session_not_found: 404,
  session_expired: 410,
  session_completed: 409,
  attempt_limit_reached: 409,
  attempt_not_found: 404,
  recheck_not_found: 404,
  attempt_expired: 410,
  result_already_submitted: 409,
  frames_not_available: 409,
  invalid_public_key: 400,
  too_many_streams: 429,
  recheck_pending: 409,
  case_not_found: 404,
  integration_not_found: 404,
  audience_taken: 409,
  api_key_not_found: 404,
  key_limit_reached: 409,
  webhook_not_found: 404,
  webhook_limit_reached: 409,
  webhook_url_not_allowed: 400,
  invalid_signature: 401,
  invalid_result: 422,
  plan_mismatch: 422,
  clock_mismatch: 422,
};

/** Codes after which the same request may succeed later without changing it. */
export const RetryableCodes: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'rate_limited',
  'too_many_streams',
  'internal_error',
  'network_error',
  'camera_in_use',
  'jwks_unavailable',
]);

/** The one error type of Liveproof: a message for people and a stable code for programs. */
export class LiveproofError extends Error {
  override readonly name = 'LiveproofError';
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options?.details;
  }

  get status(): number {
    return ErrorStatus[this.code] ?? 500;
  }

  get retryable(): boolean {
    return RetryableCodes.has(this.code);
  }
}

/** The JSON body of every error response. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: Record<string, unknown> };
}

export function isLiveproofError(value: unknown): value is LiveproofError {
  return value instanceof LiveproofError;
}
