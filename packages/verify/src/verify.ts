/**
 * `verifyLivenessToken`: the one call a hiring system makes. It accepts a token only if the
 * issuer's ES256 key signed it as a `liveproof+jwt`, for this audience, within its lifetime, with the
 * claims a Liveproof issuer sends, for the session, candidate and interview the caller expects, and
 * (unless told otherwise) for a full check with a passing result. Every failure
 * is a `LiveproofError` with a stable code (RFC 8725 practice: one algorithm, explicit `typ`,
 * issuer and audience always checked).
 */
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { LIVENESS_TOKEN_TYPE, LiveproofError, SIGNING_ALG, type Assurance, type AttemptKind, type CheckResult, type FaceCheckSummary } from '@liveproof/protocol';
import { MAX_TOKEN_LENGTH, parseLivenessClaims, type LivenessChallenge, type LivenessClaims } from './claims.ts';
import { toLiveproofError } from './errors.ts';
import { keyLookup, type JwksSource } from './jwks.ts';

export interface VerifyOptions {
  /** The Liveproof server's issuer URL, exactly as it appears in `iss`. */
  issuer: string;
  /** Who you are: the `audience` your integration gave when it created the session. */
  audience: string | string[];
  /**
   * The issuer's public keys: its JWKS URL (usually `<issuer>/.well-known/jwks.json`), a JWKS
   * object, or a key lookup function (for example jose's `createRemoteJWKSet` with your own options).
   */
  jwks: JwksSource;
  /** Allowed clock skew between the issuer and you, in seconds. Default 5. */
  clockToleranceSeconds?: number;
  /** Also reject tokens issued longer ago than this, whatever their `exp`. */
  maxAgeSeconds?: number;
  /** Return a validly signed token whose result is `fail` instead of throwing `liveness_failed`. */
  acceptFailed?: boolean;
  /**
   * Also accept the token of a witnessed re-check (`kind: 'recheck'`), the short check an interviewer
   * asks for during the call. By default only a full check's token is accepted, and a re-check's
   * throws `token_kind_not_accepted`: two movements are not the evidence of a full check.
   */
  acceptRechecks?: boolean;
  /** The Liveproof session you expect (`sid`); a token for another throws `token_claim_mismatch`. */
  sessionId?: string;
  /**
   * The candidate you expect (`sub`, the `candidateRef` you gave). Pass it: tokens for your audience
   * are otherwise interchangeable between candidates. Another candidate's token throws `token_claim_mismatch`.
   */
  candidateRef?: string;
  /** The interview you expect (`interview_ref`); a token for another throws `token_claim_mismatch`. */
  interviewRef?: string;
  /** The current time, for tests and replays. Default: now. */
  now?: Date;
}

/** A verified token: every claim, plus the fields an integration usually reads. */
export interface VerifiedLiveness {
  claims: LivenessClaims;
  /** The `kid` of the key that signed the token. */
  keyId: string | undefined;
  result: CheckResult;
  passed: boolean;
  /**
   * `check` for a full check (also what a token issued before the claim existed reports), `recheck`
   * for a witnessed re-check during the call (returned only with `acceptRechecks`).
   */
  kind: AttemptKind;
  /** Your reference for the candidate (`sub`). */
  candidateRef: string;
  /** Your reference for the interview (`interview_ref`); null for a check outside any interview. */
  interviewRef: string | null;
  /** The attempt this token reports on (`jti`): unique per token, usable to refuse replays. */
  attemptId: string;
  /** The Liveproof session (`sid`). */
  sessionId: string;
  challenges: LivenessChallenge[];
  /** Why the check failed, as reason codes; empty for a pass. */
  reasons: LivenessClaims['reasons'];
  /** Risk signals observed during the check; informative, not a verdict. */
  signals: string[];
  /** `high` when no risk signal was seen; `reduced` when a pass came with one (see `signals`). */
  assurance: Assurance;
  /**
   * High assurance: which checks the issuer's server ran on the face crops it asked for, which
   * failed, and for a re-check whether the face is the passed check's. Null without crops.
   */
  faces: FaceCheckSummary | null;
  thresholdsVersion: string;
  issuedAt: Date;
  expiresAt: Date;
}

const DEFAULT_CLOCK_TOLERANCE_SECONDS = 5;
const REQUIRED_CLAIMS = ['iss', 'aud', 'sub', 'jti', 'iat', 'exp'];

/** The claims a caller can pin: option, claim, and what a mismatch means in words. */
const EXPECTED_CLAIMS = [
  ['sessionId', 'sid', 'session'],
  ['candidateRef', 'sub', 'candidate'],
  ['interviewRef', 'interview_ref', 'interview'],
] as const;

function checkOptions(options: VerifyOptions): void {
  const { issuer, audience, clockToleranceSeconds, maxAgeSeconds, now } = options;
  if (typeof issuer !== 'string' || issuer.length === 0) throw new TypeError('issuer must be a non-empty string');
  const audiences = Array.isArray(audience) ? audience : [audience];
  if (audiences.length === 0 || audiences.some((aud) => typeof aud !== 'string' || aud.length === 0)) {
    throw new TypeError('audience must be a non-empty string or a non-empty list of them');
  }
  if (clockToleranceSeconds !== undefined && !(Number.isFinite(clockToleranceSeconds) && clockToleranceSeconds >= 0)) {
    throw new TypeError('clockToleranceSeconds must be a finite number of seconds, 0 or more');
  }
  if (maxAgeSeconds !== undefined && !(Number.isFinite(maxAgeSeconds) && maxAgeSeconds > 0)) {
    throw new TypeError('maxAgeSeconds must be a positive number of seconds');
  }
  if (now !== undefined && !(now instanceof Date && Number.isFinite(now.getTime()))) throw new TypeError('now must be a valid Date');
  for (const [option] of EXPECTED_CLAIMS) {
    const expected = options[option];
    if (expected !== undefined && (typeof expected !== 'string' || expected.length === 0)) {
      throw new TypeError(`${option} must be a non-empty string when given`);
    }
  }
  const { jwks } = options;
  if (typeof jwks !== 'function' && (typeof jwks !== 'object' || jwks === null) && typeof jwks !== 'string') {
    throw new TypeError('jwks must be a JWKS URL, a JWKS object or a key lookup function');
  }
}

/**
 * Refuses, before any key lookup, what a Liveproof token never carries: another algorithm, or a
 * critical extension. jose checks both again; this keeps the error codes precise.
 */
function checkHeader(token: string): void {
  let header;
  try {
    header = decodeProtectedHeader(token);
  } catch (cause) {
    throw new LiveproofError('token_invalid', 'The token is malformed.', { cause });
  }
  if (header.alg !== SIGNING_ALG) {
    throw new LiveproofError('token_algorithm_not_allowed', 'The token is not signed with ES256, the only algorithm Liveproof accepts.', {
      details: { alg: header.alg },
    });
  }
  if (header.crit !== undefined) {
    throw new LiveproofError('token_invalid', 'The token carries critical header extensions.', { details: { header: 'crit' } });
  }
}

/** Refuses a token for another session, candidate or interview than the caller expects. */
function checkExpected(claims: LivenessClaims, options: VerifyOptions): void {
  for (const [option, claim, what] of EXPECTED_CLAIMS) {
    const expected = options[option];
    if (expected !== undefined && claims[claim] !== expected) {
      throw new LiveproofError('token_claim_mismatch', `The token is for another ${what} than the one expected.`, { details: { claim } });
    }
  }
}

/** Verifies a Liveproof liveness token against the issuer's keys. Rejects with `LiveproofError`. */
export async function verifyLivenessToken(token: string, options: VerifyOptions): Promise<VerifiedLiveness> {
  checkOptions(options);
  const getKey = keyLookup(options.jwks);
  if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) {
    throw new LiveproofError('token_invalid', 'The token is missing or too long.');
  }
  checkHeader(token);
  const tolerance = options.clockToleranceSeconds ?? DEFAULT_CLOCK_TOLERANCE_SECONDS;
  const now = options.now ?? new Date();
  const verified = await jwtVerify(token, getKey, {
    algorithms: [SIGNING_ALG],
    typ: LIVENESS_TOKEN_TYPE,
    issuer: options.issuer,
    audience: options.audience,
    requiredClaims: REQUIRED_CLAIMS,
    clockTolerance: tolerance,
    currentDate: now,
    ...(options.maxAgeSeconds === undefined ? {} : { maxTokenAge: options.maxAgeSeconds }),
  }).catch((error: unknown) => {
    throw toLiveproofError(error);
  });
  const claims = parseLivenessClaims(verified.payload);
  if (claims.iat > now.getTime() / 1000 + tolerance) {
    throw new LiveproofError('token_invalid', 'The token is not valid yet: it claims to be issued in the future.', {
      details: { claim: 'iat' },
    });
  }
  // A token about someone else says nothing about this candidate, not even that they failed.
  checkExpected(claims, options);
  if (claims.kind === 'recheck' && options.acceptRechecks !== true) {
    const message = 'The token reports a witnessed re-check, not a full check (pass acceptRechecks to accept re-checks).';
    throw new LiveproofError('token_kind_not_accepted', message, { details: { claim: 'kind', kind: claims.kind } });
  }
  if (claims.result !== 'pass' && options.acceptFailed !== true) {
    throw new LiveproofError('liveness_failed', 'The liveness check did not pass.', {
      details: { attemptId: claims.jti, reasons: claims.reasons },
    });
  }
  return {
    claims,
    keyId: verified.protectedHeader.kid,
    result: claims.result,
    passed: claims.result === 'pass',
    kind: claims.kind,
    candidateRef: claims.sub,
    interviewRef: claims.interview_ref ?? null,
    attemptId: claims.jti,
    sessionId: claims.sid,
    challenges: claims.challenges,
    reasons: claims.reasons,
    signals: claims.signals,
    assurance: claims.assurance,
    faces: claims.faces ?? null,
    thresholdsVersion: claims.thresholds_version,
    issuedAt: new Date(claims.iat * 1000),
    expiresAt: new Date(claims.exp * 1000),
  };
}
