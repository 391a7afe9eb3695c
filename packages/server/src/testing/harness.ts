/**
 * A test harness for the API: a real app over a real (in-memory SQLite) store with a frozen clock,
 * the shipped defaults (rate limits on), a hiring system with an API key, and a scripted page that
 * registers a real attempt key and signs results with it. Used by this package's tests only.
 */
import { CompactSign, generateKeyPair, exportJWK, type CryptoKey } from 'jose';
import type {
  CreateSessionResponse,
  ErrorBody,
  PublicEcJwk,
  ResultPayload,
  ResultResponse,
  StartAttemptResponse,
  Trace,
  TraceFrame,
} from '@liveproof/protocol';
import { createSqliteStore } from '../adapters/sqlite/store.ts';
import { createLiveproofApp, type LiveproofApp, type LiveproofAppOptions } from '../app.ts';
import { manualClock } from '../clock.ts';
import type { LiveproofConfig } from '../config.ts';
import { createAdminKey, createIntegration, integrationForApiKey, type IntegrationSettings } from '../domain/integrations.ts';
import type { Sealer } from '../keys/sealing.ts';
import type { Store } from '../store.ts';

export const ISSUER = 'https://liveproof.test';

/** A JSON response body: an error body, or the route's own shape (cast where a test reads it). */
export interface ApiJson {
  error?: ErrorBody['error'];
  [key: string]: unknown;
}

export interface ApiResponse<T = ApiJson> {
  status: number;
  json: T;
}

export interface Harness extends LiveproofApp {
  clock: ReturnType<typeof manualClock>;
  store: Store;
  apiKey: string;
  integrationId: string;
  adminKey: string;
  api(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse>;
  createSession(extra?: Record<string, unknown>): Promise<CreateSessionResponse>;
  page(clientToken: string): Promise<Page>;
}

export interface Page {
  publicJwk: PublicEcJwk;
  privateKey: CryptoKey;
  start(sessionId: string, device?: Record<string, unknown>, extra?: Record<string, unknown>): Promise<ApiResponse<StartAttemptResponse & ApiJson>>;
  sign(payload: unknown, key?: CryptoKey): Promise<string>;
  submit(attemptId: string, jws: string): Promise<ApiResponse<ResultResponse & ApiJson>>;
  payload(start: StartAttemptResponse, trace: Trace): ResultPayload;
}

export interface HarnessOptions {
  store?: Store;
  /** Seals secrets at rest; pass the one of an earlier harness to reopen its database. */
  sealer?: Sealer;
  /** The test integration already exists in `store` with this API key (a restart). */
  apiKey?: string;
  referenceImageDays?: number;
  /** Settings of the test integration beyond its name and audience. */
  integration?: Partial<IntegrationSettings>;
  app?: Partial<Pick<LiveproofAppOptions, 'scorer' | 'lookup' | 'events' | 'random' | 'ipIntel' | 'ice'>>;
  peerAddress?: string;
}

export async function createHarness(config: Partial<LiveproofConfig> = {}, options: HarnessOptions = {}): Promise<Harness> {
  const clock = manualClock();
  const store = options.store ?? createSqliteStore({ path: ':memory:' });
  await store.migrate();
  const { apiKey, integration } = options.apiKey
    ? { apiKey: options.apiKey, integration: (await integrationForApiKey(store, options.apiKey, clock.now()))! }
    : await createIntegration(
        store,
        { name: 'Test ATS', audiences: ['ats-test'], referenceImageDays: options.referenceImageDays ?? null, origins: ['https://careers.example.com'], ...options.integration },
        { now: clock.now() },
      );
  const { key: adminKey } = await createAdminKey(store, { label: 'test', now: clock.now() });
  const live = await createLiveproofApp({
    store,
    clock,
    ...(options.sealer ? { sealer: options.sealer } : {}),
    config: { issuer: ISSUER, ...config },
    peerAddress: () => options.peerAddress ?? '203.0.113.7',
    ...options.app,
  });

  async function api<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
    const init: RequestInit = { method, headers: { 'user-agent': 'harness/1', ...headers } };
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
    }
    const response = await live.app.request(path, init);
    const text = await response.text();
    return { status: response.status, json: (text ? JSON.parse(text) : {}) as T };
  }

  return {
    ...live,
    clock,
    store,
    apiKey,
    integrationId: integration.id,
    adminKey,
    api,
    async createSession(extra = {}) {
      const { status, json } = await api(
        'POST',
        '/v1/sessions',
        { candidateRef: 'cand-1', interviewRef: 'int-1', audience: 'ats-test', ...extra },
        { authorization: `Bearer ${apiKey}` },
      );
      if (status !== 201) throw new Error(`createSession: ${status} ${JSON.stringify(json)}`);
      return json as unknown as CreateSessionResponse;
    },
    async page(clientToken) {
      const { publicKey, privateKey } = await generateKeyPair('ES256');
      const jwk = await exportJWK(publicKey);
      const publicJwk: PublicEcJwk = { kty: 'EC', crv: 'P-256', x: jwk.x!, y: jwk.y! };
      const auth = { authorization: `Bearer ${clientToken}` };
      return {
        publicJwk,
        privateKey,
        start: (sessionId, device, extra = {}) =>
          api<StartAttemptResponse & ApiJson>('POST', `/v1/sessions/${sessionId}/attempts`, { publicKey: publicJwk, ...(device ? { device } : {}), ...extra }, auth),
        sign: (payload, key = privateKey) =>
          new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader({ alg: 'ES256' }).sign(key),
        submit: (attemptId, jws) => api<ResultResponse & ApiJson>('POST', `/v1/attempts/${attemptId}/result`, { result: jws }, auth),
        payload: (start, trace) => ({
          v: 1,
          attemptId: start.attemptId,
          nonce: start.plan.nonce,
          planToken: start.planToken,
          trace,
          device: { cameraLabel: 'Integrated Camera', width: 640, height: 480, frameRate: 30 },
          sentAt: Date.now(),
        }),
      };
    },
  };
}

/** A well-formed trace of a still, neutral face: it scores, and fails, because nothing is done. */
export function neutralTrace(challenges: readonly string[], spanMs = 6000): Trace {
  const frames: TraceFrame[] = [];
  for (let t = -1200; t <= spanMs; t += 33.3) {
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
  const step = spanMs / challenges.length;
  return {
    v: 1,
    frames,
    steps: challenges.map((challenge, i) => ({ challenge: challenge as Trace['steps'][number]['challenge'], promptedAt: i * step + 100, endedAt: (i + 1) * step })),
  };
}
