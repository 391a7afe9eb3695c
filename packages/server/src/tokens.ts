/**
 * The three kinds of JWT the server signs, each with its own `typ` and audience so that none can
 * stand in for another (RFC 8725 section 3.11): the page's client token, the attempt's plan, and
 * the verification token a hiring system checks.
 */
import { sign as signEcdsa } from 'node:crypto';
import { errors as joseErrors, jwtVerify, type JWTPayload, type ProtectedHeaderParameters } from 'jose';
import {
  CLIENT_TOKEN_TYPE,
  LIVENESS_TOKEN_TYPE,
  VIEWER_TOKEN_TYPE,
  LiveproofError,
  PLAN_TOKEN_TYPE,
  SIGNING_ALG,
  type CheckResult,
  type HighAssurancePolicy,
  type LivenessTokenClaims,
} from '@liveproof/protocol';
import type { Clock } from './clock.ts';
import { planClaims, planFacts, type PlanFacts } from './domain/plan.ts';
import { assuranceOf } from './domain/signals.ts';
import type { AttemptRecord, SessionRecord } from './store.ts';
import type { KeyRing } from './keys/key-ring.ts';

export const CLIENT_AUDIENCE = 'liveproof:client';
export const PLAN_AUDIENCE = 'liveproof:plan';

export interface TokenContext {
  keys: KeyRing;
  clock: Clock;
  issuer: string;
}

const encodePart = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * A compact JWS (RFC 7515) of `payload`, ES256 with the signing key: the header and payload as
 * base64url JSON, and the signature as the raw r || s pair JWS asks for (`ieee-p1363`). node:crypto
 * signs synchronously in about a sixth of WebCrypto's time, and a token is signed for almost every
 * request. What this writes is verified with jose, here (`verifyOwn`) and by every hiring system.
 */
async function sign(ctx: TokenContext, typ: string, payload: JWTPayload): Promise<string> {
  const { kid, key } = await ctx.keys.signer();
  const input = `${encodePart({ alg: SIGNING_ALG, kid, typ })}.${encodePart(payload)}`;
  return `${input}.${signEcdsa('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
}

async function verifyOwn(ctx: TokenContext, token: string, typ: string, audience: string | string[]): Promise<JWTPayload> {
  const getKey = async (header: ProtectedHeaderParameters) => {
    const key = header.kid ? await ctx.keys.publicKey(header.kid) : undefined;
    if (!key) throw new joseErrors.JWKSNoMatchingKey();
    return key;
  };
  const { payload } = await jwtVerify(token, getKey, {
    algorithms: [SIGNING_ALG],
    typ,
    issuer: ctx.issuer,
    audience,
    currentDate: new Date(ctx.clock.now()),
    clockTolerance: 5,
    requiredClaims: ['sub', 'exp', 'iat'],
  });
  return payload;
}

const seconds = (ms: number) => Math.floor(ms / 1000);

/**
 * The short-lived token the scheduling page hands to the element: it may start attempts in one
 * session. `ha` tells the element, before any attempt, that the integration's high-assurance mode is
 * on, and `pt` that its plans hold a profile turn (so the candidate is told first); the plan's own
 * claims are what the server goes by.
 */
export function issueClientToken(ctx: TokenContext, sessionId: string, expiresAt: number, jti: string, highAssurance: HighAssurancePolicy = 'off', profileTurn = false): Promise<string> {
  return sign(ctx, CLIENT_TOKEN_TYPE, {
    iss: ctx.issuer,
    aud: CLIENT_AUDIENCE,
    sub: sessionId,
    jti,
    ...(highAssurance !== 'off' ? { ha: highAssurance } : {}),
    ...(profileTurn ? { pt: true } : {}),
    iat: seconds(ctx.clock.now()),
    exp: seconds(expiresAt),
  });
}

/** The session id a valid client token is for; `unauthorized` otherwise. */
export async function verifyClientToken(ctx: TokenContext, token: string): Promise<string> {
  return (await verifyClientTokenClaims(ctx, token)).sessionId;
}

/** A valid client token's session and expiry; `unauthorized` otherwise. */
export async function verifyClientTokenClaims(ctx: TokenContext, token: string): Promise<{ sessionId: string; expiresAt: number }> {
  try {
    const payload = await verifyOwn(ctx, token, CLIENT_TOKEN_TYPE, CLIENT_AUDIENCE);
    return { sessionId: payload.sub!, expiresAt: payload.exp! * 1000 };
  } catch (error) {
    const expired = error instanceof joseErrors.JWTExpired;
    throw new LiveproofError('unauthorized', expired ? 'The client token has expired.' : 'The client token is not valid.', {
      cause: error,
      details: { reason: expired ? 'expired' : 'invalid' },
    });
  }
}

/** The signed plan: proof that this server drew these challenges, in this order, for this attempt. */
export function issuePlanToken(ctx: TokenContext, plan: PlanFacts): Promise<string> {
  return sign(ctx, PLAN_TOKEN_TYPE, { ...planClaims(plan), iss: ctx.issuer, aud: PLAN_AUDIENCE });
}

export function verifyPlanToken(ctx: TokenContext, token: string): Promise<JWTPayload> {
  return verifyOwn(ctx, token, PLAN_TOKEN_TYPE, PLAN_AUDIENCE);
}

/** The verification token a hiring system checks offline against the JWKS. */
export function issueLivenessToken(ctx: TokenContext, claims: Omit<LivenessTokenClaims, 'iss'>): Promise<string> {
  return sign(ctx, LIVENESS_TOKEN_TYPE, { ...claims, iss: ctx.issuer });
}

/**
 * A verification token this server issued, for one of `audiences`, still within its lifetime: its
 * claims, or null for anything else (introspection answers "not active" without saying why).
 */
export async function verifyLivenessTokenFor(ctx: TokenContext, token: string, audiences: readonly string[]): Promise<JWTPayload | null> {
  if (audiences.length === 0) return null;
  try {
    return await verifyOwn(ctx, token, LIVENESS_TOKEN_TYPE, [...audiences]);
  } catch {
    return null;
  }
}

export const VIEWER_AUDIENCE = 'liveproof:viewer';

export type ViewerRight = 'watch' | 'recheck';

/** A token for an interviewer's badge: it may watch one session's events, and perhaps ask for re-checks. */
export function issueViewerToken(ctx: TokenContext, sessionId: string, expiresAt: number, jti: string, rights: readonly ViewerRight[] = ['watch']): Promise<string> {
  return sign(ctx, VIEWER_TOKEN_TYPE, { iss: ctx.issuer, aud: VIEWER_AUDIENCE, sub: sessionId, jti, rights: [...rights], iat: seconds(ctx.clock.now()), exp: seconds(expiresAt) });
}

/** Who may watch a session's events, as a verified token says. */
export interface Watcher {
  sessionId: string;
  as: 'viewer' | 'candidate';
  rights: ViewerRight[];
  /** The token's id (viewer tokens can be revoked by it) and expiry: a stream closes then. */
  jti: string;
  expiresAt: number;
}

/**
 * The session a viewer token, or the session's own client token (the candidate's element in
 * interview mode), lets its bearer watch; `unauthorized` otherwise. Revocation is checked by the caller.
 */
export async function verifyWatchToken(ctx: TokenContext, token: string): Promise<Watcher> {
  let payload: JWTPayload;
  try {
    payload = await verifyOwn(ctx, token, VIEWER_TOKEN_TYPE, VIEWER_AUDIENCE);
  } catch (viewerError) {
    try {
      const client = await verifyOwn(ctx, token, CLIENT_TOKEN_TYPE, CLIENT_AUDIENCE);
      return { sessionId: client.sub!, as: 'candidate', rights: ['watch'], jti: String(client.jti ?? ''), expiresAt: client.exp! * 1000 };
    } catch {
      const expired = viewerError instanceof joseErrors.JWTExpired;
      throw new LiveproofError('unauthorized', expired ? 'The viewer token has expired.' : 'The token is not a valid viewer or client token.', {
        details: { reason: expired ? 'expired' : 'invalid' },
      });
    }
  }
  const rights = Array.isArray(payload.rights) ? (payload.rights.filter((r) => r === 'watch' || r === 'recheck') as ViewerRight[]) : ['watch' as const];
  return { sessionId: payload.sub!, as: 'viewer', rights, jti: String(payload.jti ?? ''), expiresAt: payload.exp! * 1000 };
}

/** The verification token for a completed attempt, as the result response and the event stream hand it out. */
export async function livenessTokenFor(
  ctx: TokenContext,
  session: SessionRecord,
  attempt: AttemptRecord,
  now: number,
): Promise<{ token: string; expiresAt: number; result: CheckResult }> {
  const completedAt = attempt.completedAt ?? now;
  const expiresAt = completedAt + session.tokenTtlSeconds * 1000;
  const result: CheckResult = attempt.status === 'passed' ? 'pass' : 'fail';
  const token = await issueLivenessToken(ctx, {
    aud: session.audience,
    sub: session.candidateRef,
    jti: attempt.id,
    iat: Math.floor(completedAt / 1000),
    exp: Math.floor(expiresAt / 1000),
    sid: session.id,
    ...(session.interviewRef ? { interview_ref: session.interviewRef } : {}),
    result,
    kind: attempt.kind,
    challenges: attempt.challenges.map((id, i) => ({ id, passed: attempt.steps[i]?.passed ?? false })),
    reasons: attempt.reasons,
    signals: attempt.signals,
    assurance: assuranceOf(attempt.signals),
    ...(attempt.risk ? { risk: attempt.risk } : {}),
    thresholds_version: planFacts(attempt).thresholds.version,
    ...(attempt.faces ? { faces: attempt.faces } : {}),
  });
  return { token, expiresAt, result };
}
