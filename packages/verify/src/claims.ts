/**
 * The shape check of a liveness token's claims. jose proves who signed the token and when it is
 * valid; this module proves the signed payload is what a Liveproof issuer sends, so a hiring system
 * never branches on a missing or mistyped field. A structurally wrong token is `token_invalid`.
 */
import { LiveproofError, type Assurance, type AttemptKind, type ChallengeId, type FaceCheckSummary, type LivenessTokenClaims, type ReasonCode } from '@liveproof/protocol';

/** One challenge of the check and whether the candidate passed it. */
export interface LivenessChallenge {
  /** A catalogue id; ids added by a newer issuer pass through unchanged rather than failing the token. */
  id: ChallengeId | (string & {});
  passed: boolean;
}

/**
 * The claims of a verified liveness token: `LivenessTokenClaims` from the protocol, with challenge
 * ids and reason codes left open so a verifier keeps working when the issuer adds new ones, and
 * `kind` always present (a token issued before the claim existed reports a check).
 */
export interface LivenessClaims extends Omit<LivenessTokenClaims, 'challenges' | 'reasons' | 'kind'> {
  kind: AttemptKind;
  challenges: LivenessChallenge[];
  reasons: (ReasonCode | (string & {}))[];
}

/** Longest token accepted before parsing: far above any real token, well below a parser's limits. */
export const MAX_TOKEN_LENGTH = 16_384;

const MAX_LIST = 64;

function invalid(message: string, claim: string): LiveproofError {
  return new LiveproofError('token_invalid', message, { details: { claim } });
}

function text(payload: Record<string, unknown>, claim: string): string {
  const value = payload[claim];
  if (typeof value !== 'string' || value.length === 0) throw invalid(`The "${claim}" claim must be a non-empty string.`, claim);
  return value;
}

function seconds(payload: Record<string, unknown>, claim: string): number {
  const value = payload[claim];
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(`The "${claim}" claim must be a NumericDate.`, claim);
  return value;
}

function list<T>(payload: Record<string, unknown>, claim: string, item: (value: unknown) => T | undefined): T[] {
  const value = payload[claim];
  if (!Array.isArray(value) || value.length > MAX_LIST) throw invalid(`The "${claim}" claim must be a list.`, claim);
  return value.map((entry: unknown) => {
    const parsed = item(entry);
    if (parsed === undefined) throw invalid(`The "${claim}" claim holds an entry of the wrong shape.`, claim);
    return parsed;
  });
}

const word = (value: unknown): string | undefined => (typeof value === 'string' && value.length > 0 ? value : undefined);

function challenge(value: unknown): LivenessChallenge | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { id, passed } = value as Record<string, unknown>;
  const name = word(id);
  return name !== undefined && typeof passed === 'boolean' ? { id: name, passed } : undefined;
}

function assurance(value: unknown, hasSignals: boolean): Assurance {
  if (value === undefined) return hasSignals ? 'reduced' : 'high';
  if (value === 'high' || value === 'reduced') return value;
  throw invalid('The "assurance" claim must be "high" or "reduced".', 'assurance');
}

function kind(value: unknown): AttemptKind {
  // Tokens issued before re-checks were marked carry no kind, and were all full checks.
  if (value === undefined) return 'check';
  if (value === 'check' || value === 'recheck') return value;
  throw invalid('The "kind" claim must be "check" or "recheck".', 'kind');
}

/** High assurance: what the issuer's server saw of the face in the crops it asked for (absent without). */
function faces(value: unknown): FaceCheckSummary | undefined {
  if (value === undefined) return undefined;
  const claim = 'faces';
  if (typeof value !== 'object' || value === null) throw invalid('The "faces" claim must be an object.', claim);
  const v = value as Record<string, unknown>;
  if (v['policy'] !== 'on' && v['policy'] !== 'required') throw invalid('The "faces" claim\'s policy must be "on" or "required".', claim);
  if (typeof v['frames'] !== 'number' || !Number.isInteger(v['frames']) || v['frames'] < 0) throw invalid('The "faces" claim\'s frames must be a count.', claim);
  const summary: FaceCheckSummary = {
    policy: v['policy'],
    frames: v['frames'],
    checks: list(v, 'checks', word) as FaceCheckSummary['checks'],
    failed: list(v, 'failed', word) as FaceCheckSummary['failed'],
  };
  const continuity = v['continuity'] as Record<string, unknown> | undefined;
  if (continuity !== undefined) {
    if (typeof continuity !== 'object' || continuity === null || typeof continuity['similarity'] !== 'number' || typeof continuity['changed'] !== 'boolean') {
      throw invalid('The "faces" claim\'s continuity must hold a similarity and whether the face changed.', claim);
    }
    summary.continuity = { similarity: continuity['similarity'], changed: continuity['changed'] };
  }
  return summary;
}

/** Checks the shape of a JWT payload already verified by jose and returns it typed. */
export function parseLivenessClaims(payload: Record<string, unknown>): LivenessClaims {
  const result = payload['result'];
  if (result !== 'pass' && result !== 'fail') throw invalid('The "result" claim must be "pass" or "fail".', 'result');
  const iat = seconds(payload, 'iat');
  const exp = seconds(payload, 'exp');
  if (exp <= iat) throw invalid('The token expires before it was issued.', 'exp');
  return {
    iss: text(payload, 'iss'),
    aud: text(payload, 'aud'),
    sub: text(payload, 'sub'),
    jti: text(payload, 'jti'),
    iat,
    exp,
    sid: text(payload, 'sid'),
    // Absent for a check outside any interview (an employee's company laptop).
    ...(payload['interview_ref'] === undefined ? {} : { interview_ref: text(payload, 'interview_ref') }),
    result,
    kind: kind(payload['kind']),
    challenges: list(payload, 'challenges', challenge),
    reasons: list(payload, 'reasons', word),
    signals: list(payload, 'signals', word),
    // A token from before the claim existed: reduced when it carries any signal.
    assurance: assurance(payload['assurance'], list(payload, 'signals', word).length > 0),
    thresholds_version: text(payload, 'thresholds_version'),
    ...(payload['faces'] === undefined ? {} : { faces: faces(payload['faces'])! }),
  };
}
