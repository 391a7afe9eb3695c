/**
 * A scripted candidate's page and hiring system against a real server over HTTP, cheap enough to
 * drive thousands of attempts from one process: attempt keys and result signatures come from
 * node:crypto synchronously (ES256, compact JWS), and the trace is a still face of a chosen span,
 * which the server scores in full and fails (`not_performed`). For load and crash tests; checks
 * that must pass use the offline actor (`runOffline`) instead.
 */
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type { PublicEcJwk, ResultPayload, StartAttemptResponse, Trace, TraceFrame } from '@liveproof/protocol';

export interface AttemptKey {
  privateKey: KeyObject;
  publicJwk: PublicEcJwk;
}

export function attemptKey(): AttemptKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' }) as { x: string; y: string };
  return { privateKey, publicJwk: { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y } };
}

const b64url = (text: string) => Buffer.from(text).toString('base64url');
const HEADER = b64url(JSON.stringify({ alg: 'ES256' }));

/** A compact JWS (ES256) over `payload`, as the element signs results with its attempt key. */
export function signCompact(payload: unknown, key: KeyObject): string {
  const input = `${HEADER}.${b64url(JSON.stringify(payload))}`;
  return `${input}.${sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
}

/**
 * A still face at 30 frames a second from the positioning baseline (-1200 ms) to `spanMs`, with
 * the plan's steps spread over it. The server refuses a trace that spans more time than passed
 * since the attempt started (`clock_mismatch`), so post it no sooner than `spanMs` after the start.
 * `frameCount` instead packs that many frames into the span (for results of the largest size).
 */
export function stillTrace(challenges: readonly string[], spanMs = 6000, frameCount?: number): Trace {
  const frames: TraceFrame[] = [];
  const count = frameCount ?? Math.floor((spanMs + 1200) / 33.3) + 1;
  const step = (spanMs + 1200) / Math.max(1, count - 1);
  for (let i = 0; i < count; i++) {
    const t = -1200 + i * step;
    const wobble = Math.sin(t / 170) * 0.4;
    frames.push({
      t: Math.round(t * 10) / 10,
      n: 1,
      box: [0.35, 0.25, 0.3, 0.42],
      pose: [wobble, 2 + wobble / 2, 0.5],
      bs: [0.05, 0.05, 0.1, 0.1, 0.02, 0.02, 0.03, 0.1],
      luma: 120,
    });
  }
  const each = spanMs / challenges.length;
  return { v: 1, frames, steps: challenges.map((challenge, i) => ({ challenge: challenge as Trace['steps'][number]['challenge'], promptedAt: i * each + 100, endedAt: (i + 1) * each })) };
}

/** The payload the element signs for `start`, carrying `trace`. */
export function resultPayload(start: StartAttemptResponse, trace: Trace): ResultPayload {
  return {
    v: 1,
    attemptId: start.attemptId,
    nonce: start.plan.nonce,
    planToken: start.planToken,
    trace,
    device: { cameraLabel: 'Integrated Camera', width: 640, height: 480, frameRate: 30 },
    sentAt: Date.now(),
  };
}
