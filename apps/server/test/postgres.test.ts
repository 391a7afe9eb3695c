/**
 * Two server processes sharing one PostgreSQL database, as behind a load balancer: a session made
 * on one, an attempt started on the other, the result sent to the first. Keys, sessions, attempts
 * and single use must hold across instances. The result is a real trace recorded from footage,
 * played by the offline actor for whatever plan the server drew.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import postgres from 'postgres';
import { CompactSign, exportJWK, generateKeyPair } from 'jose';
import type { CreateSessionResponse, ResultPayload, StartAttemptResponse } from '@liveproof/protocol';
import { verifyLivenessToken } from '@liveproof/verify';
import { loadManifest, offlineScript, runOffline, startServer, type RunningServer } from '@liveproof/test-media';

const DATABASE_URL = process.env.LIVEPROOF_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SCHEMA = `liveproof_e2e_${process.pid}_${Date.now().toString(36)}`;
const ISSUER = 'https://liveproof.example';
const API_KEY = `lp_test_${Date.now().toString(36)}`;

let a: RunningServer;
let b: RunningServer;

async function call<T>(server: RunningServer, method: string, path: string, token: string, body?: unknown): Promise<{ status: number; json: T & { error?: { code: string } } }> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: (await response.json()) as T & { error?: { code: string } } };
}

async function cooperativeTrace(plan: StartAttemptResponse['plan']) {
  return runOffline(plan, await offlineScript(await loadManifest(), [450, 600, 750])).trace;
}

beforeAll(async () => {
  const env = { DATABASE_URL, LIVEPROOF_PG_SCHEMA: SCHEMA, LIVEPROOF_PUBLIC_URL: ISSUER, LIVEPROOF_API_KEY: API_KEY, LIVEPROOF_DEV_AUDIENCES: 'ats-pg' };
  a = await startServer(env);
  b = await startServer(env);
});

afterAll(async () => {
  await a?.stop();
  await b?.stop();
  const sql = postgres(DATABASE_URL, { onnotice: () => undefined });
  await sql.unsafe(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
  await sql.end();
});

describe('two instances on one PostgreSQL database', () => {
  it('share sessions, attempts, keys and single use', async () => {
    const session = (await call<CreateSessionResponse>(a, 'POST', '/v1/sessions', API_KEY, { candidateRef: 'cand-pg', interviewRef: 'int-pg', audience: 'ats-pg' })).json;
    expect(session.clientToken).toBeTruthy();

    // Instance B accepts the client token A signed, and registers the attempt key.
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const jwk = await exportJWK(publicKey);
    const started = await call<StartAttemptResponse>(b, 'POST', `/v1/sessions/${session.id}/attempts`, session.clientToken, {
      publicKey: { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y },
    });
    expect(started.status).toBe(201);
    const plan = started.json;

    // The candidate takes as long as the recorded check did, then instance A gets the result.
    const trace = await cooperativeTrace(plan.plan);
    await new Promise((resolve) => setTimeout(resolve, trace.frames[trace.frames.length - 1]!.t + 200));
    const payload: ResultPayload = {
      v: 1,
      attemptId: plan.attemptId,
      nonce: plan.plan.nonce,
      planToken: plan.planToken,
      trace,
      device: { cameraLabel: 'Integrated Camera', width: 640, height: 480 },
      sentAt: Date.now(),
    };
    const jws = await new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader({ alg: 'ES256' }).sign(privateKey);
    const result = await call<{ result: string; token: string }>(a, 'POST', `/v1/attempts/${plan.attemptId}/result`, session.clientToken, { result: jws });
    expect(result.status).toBe(200);
    expect(result.json.result).toBe('pass');

    // Single use holds across instances.
    const again = await call(b, 'POST', `/v1/attempts/${plan.attemptId}/result`, session.clientToken, { result: jws });
    expect([again.status, again.json.error?.code]).toEqual([409, 'result_already_submitted']);

    // The token A signed verifies against B's JWKS, and B sees the attempt A recorded.
    const verified = await verifyLivenessToken(result.json.token, { issuer: ISSUER, audience: 'ats-pg', jwks: new URL('/.well-known/jwks.json', b.url) });
    expect(verified).toMatchObject({ passed: true, candidateRef: 'cand-pg', attemptId: plan.attemptId });
    const record = await call<{ status: string; attempts: { status: string }[] }>(b, 'GET', `/v1/sessions/${session.id}`, API_KEY);
    expect(record.json.status).toBe('passed');
    expect(record.json.attempts.map((x) => x.status)).toEqual(['passed']);
  });
});
