/**
 * Two server processes sharing one PostgreSQL database, as behind a load balancer: a session made
 * on one, an attempt started on the other, the result sent to the first. Keys, sessions, attempts
 * and single use must hold across instances. The result is a real trace recorded from footage,
 * played by the offline actor for whatever plan the server drew. An interviewer watching the
 * session's event stream on one instance sees what happens on the other (LISTEN/NOTIFY), and the
 * hiring system's webhooks arrive once each though both instances deliver from the outbox.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import postgres from 'postgres';
import { CompactSign, exportJWK, generateKeyPair } from 'jose';
import type { CreateSessionResponse, ResultPayload, StartAttemptResponse } from '@liveproof/protocol';
import { verifyLivenessToken } from '@liveproof/verify';
import { createServer } from 'node:http';
import { verifyWebhook, type VerifiedWebhook } from '@liveproof/verify';
import { loadManifest, offlineScript, readServerSentEvents, runOffline, startServer, type RunningServer } from '@liveproof/eval';

const DATABASE_URL = process.env.LIVEPROOF_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SCHEMA = `liveproof_e2e_${process.pid}_${Date.now().toString(36)}`;
const ISSUER = 'https://liveproof.example';
const API_KEY = `lp_test_${Date.now().toString(36)}`;

let a: RunningServer;
let b: RunningServer;
const received: { headers: Record<string, string>; body: string }[] = [];
const hooks = createServer((req, res) => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (chunk: string) => (body += chunk));
  req.on('end', () => {
    received.push({ headers: req.headers as Record<string, string>, body });
    res.writeHead(204).end();
  });
});

async function call<T>(server: RunningServer, method: string, path: string, token: string, body?: unknown): Promise<{ status: number; json: T & { error?: { code: string } } }> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, json: (text ? JSON.parse(text) : {}) as T & { error?: { code: string } } };
}

async function cooperativeTrace(plan: StartAttemptResponse['plan']) {
  return runOffline(plan, await offlineScript(await loadManifest(), [450, 600, 750])).trace;
}

beforeAll(async () => {
  await new Promise<void>((resolve) => hooks.listen(0, '127.0.0.1', resolve));
  // Instances behind one load balancer share one database, one public URL, one key-encryption key
  // (it seals the signing keys they share) and, here, the development API key.
  const env = { DATABASE_URL, LIVEPROOF_PG_SCHEMA: SCHEMA, LIVEPROOF_PUBLIC_URL: ISSUER, LIVEPROOF_KEK: randomBytes(32).toString('base64'), LIVEPROOF_API_KEY: API_KEY, LIVEPROOF_DEV_AUDIENCES: 'ats-pg' };
  a = await startServer(env);
  b = await startServer(env);
});

afterAll(async () => {
  await a?.stop();
  await b?.stop();
  await new Promise((resolve) => hooks.close(resolve));
  const sql = postgres(DATABASE_URL, { onnotice: () => undefined });
  await sql.unsafe(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
  await sql.end();
});

describe('two instances on one PostgreSQL database', () => {
  it('share sessions, attempts, keys, single use, live events and the webhook outbox', async () => {
    const address = hooks.address();
    const hookUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/hooks`;
    const endpoint = (await call<{ secret: string }>(b, 'POST', '/v1/webhooks', API_KEY, { url: hookUrl })).json;
    const session = (await call<CreateSessionResponse>(a, 'POST', '/v1/sessions', API_KEY, { candidateRef: 'cand-pg', interviewRef: 'int-pg', audience: 'ats-pg' })).json;
    expect(session.clientToken).toBeTruthy();

    // The interviewer watches on instance B with a viewer token instance A issued.
    const viewer = (await call<{ viewerToken: string }>(a, 'POST', `/v1/sessions/${session.id}/viewer-tokens`, API_KEY)).json;
    const stream = readServerSentEvents(await fetch(`${b.url}/v1/sessions/${session.id}/events?access_token=${encodeURIComponent(viewer.viewerToken)}`));
    expect((await stream.next()).event).toBe('snapshot');

    // Instance B accepts the client token A signed, and registers the attempt key.
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const jwk = await exportJWK(publicKey);
    const started = await call<StartAttemptResponse>(b, 'POST', `/v1/sessions/${session.id}/attempts`, session.clientToken, {
      publicKey: { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y },
    });
    expect(started.status).toBe(201);
    const plan = started.json;
    expect(await stream.next()).toMatchObject({ event: 'attempt.started', data: { attemptId: plan.attemptId, challenges: plan.plan.challenges } });
    // The element reports its first prompt to instance A; the viewer on B sees it.
    expect((await call(a, 'POST', `/v1/attempts/${plan.attemptId}/progress`, session.clientToken, { index: 0, challenge: plan.plan.challenges[0] })).status).toBe(204);
    expect(await stream.next()).toMatchObject({ event: 'attempt.prompt', data: { attemptId: plan.attemptId, index: 0, challenge: plan.plan.challenges[0] } });

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
    expect(await stream.next()).toMatchObject({ event: 'attempt.completed', data: { attemptId: plan.attemptId, result: 'pass' } });
    await stream.cancel();

    // Single use holds across instances.
    const again = await call(b, 'POST', `/v1/attempts/${plan.attemptId}/result`, session.clientToken, { result: jws });
    expect([again.status, again.json.error?.code]).toEqual([409, 'result_already_submitted']);

    // The token A signed verifies against B's JWKS, and B sees the attempt A recorded.
    const verified = await verifyLivenessToken(result.json.token, { issuer: ISSUER, audience: 'ats-pg', jwks: new URL('/.well-known/jwks.json', b.url) });
    expect(verified).toMatchObject({ passed: true, candidateRef: 'cand-pg', attemptId: plan.attemptId });
    const record = await call<{ status: string; attempts: { status: string }[] }>(b, 'GET', `/v1/sessions/${session.id}`, API_KEY);
    expect(record.json.status).toBe('passed');
    expect(record.json.attempts.map((x) => x.status)).toEqual(['passed']);

    // Both instances poll the outbox; each message is delivered once, signed with the endpoint's secret.
    await expect.poll(() => received.length, { timeout: 10_000 }).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const events: VerifiedWebhook[] = received.map((r) => verifyWebhook(r.body, r.headers, endpoint.secret));
    expect(events.map((e) => e.type).sort()).toEqual(['attempt.completed', 'session.passed']);
    expect(new Set(events.map((e) => e.id)).size).toBe(2);
  });
});
