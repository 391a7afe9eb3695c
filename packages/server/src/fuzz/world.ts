/**
 * The world the fuzz tests run in: the real app over one of the real stores (rate limits off, so
 * that the code behind them is what gets fuzzed; `api.test.ts` covers the limits), a hiring system
 * with sessions, attempts, results, viewer tokens, a re-check request and a webhook endpoint,
 * another integration with the same, and a third whose keys administrators may rotate and revoke.
 * From them come the pools the arbitraries draw on: ids (own and other integrations'), and
 * credentials of every kind, real, of the wrong kind, expired, revoked and forged.
 *
 * `send` makes one request and returns what the contract says is wrong with the answer.
 */
import { CompactSign, SignJWT, decodeProtectedHeader, exportJWK, generateKeyPair } from 'jose';
import { ErrorCode, ErrorStatus, type StartAttemptResponse } from '@liveproof/protocol';
import { createIntegration } from '../domain/integrations.ts';
import { createHarness, neutralTrace, type Harness, type Page } from '../testing/harness.ts';
import { issueClientToken } from '../tokens.ts';
import type { StoreTarget } from './targets.ts';

const ERROR_CODES = new Set<string>(Object.values(ErrorCode));

/** Every webhook host resolves to a public address, so registration goes through without a network. */
const PUBLIC_ADDRESS = [{ address: '93.184.216.34', family: 4 }];

export type CredentialKind =
  | 'none' | 'garbage' | 'forged' | 'apiKey' | 'otherApiKey' | 'victimApiKey' | 'adminKey' | 'clientToken' | 'otherClientToken'
  | 'expiredClientToken' | 'viewerToken' | 'recheckViewerToken' | 'revokedViewerToken' | 'otherViewerToken' | 'livenessToken' | 'planToken';

export interface Credential {
  kind: CredentialKind;
  token: string;
}

export interface Route {
  method: string;
  /** Hono's form: `/v1/sessions/:id`. */
  path: string;
  params: string[];
  operation: Record<string, unknown> | undefined;
}

export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

export interface Answer {
  status: number;
  json: { error?: { code?: unknown; message?: unknown } } & Record<string, unknown>;
  problems: string[];
}

export interface Tenant {
  integrationId: string;
  apiKey: string;
  audience: string;
  sessionIds: string[];
  attemptIds: string[];
  endpointIds: string[];
  keyIds: string[];
}

export interface World {
  target: StoreTarget;
  h: Harness;
  main: Tenant;
  other: Tenant;
  victim: Tenant;
  credentials: Credential[];
  /** Real attempt keys (public JWKs) for bodies that register one. */
  publicKeys: Record<string, unknown>[];
  recheckIds: string[];
  viewerTokenIds: string[];
  adminKeyIds: string[];
  routes: Route[];
  doc: { paths: Record<string, Record<string, Record<string, unknown>>>; components?: { schemas?: Record<string, unknown> } };
  /** Cases per route (`METHOD path`), and their statuses. */
  counts: Map<string, Map<number, number>>;
  send(route: string, request: FuzzRequest): Promise<Answer>;
  /** A fresh session, attempt and page of the main integration, for sequences. */
  startedAttempt(extra?: Record<string, unknown>): Promise<{ sessionId: string; clientToken: string; page: Page; start: StartAttemptResponse }>;
  close(): Promise<void>;
}

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** JWTs that look right and are not: unsigned, HMAC'd with a public key, signed by a stranger, tampered. */
async function forgeries(real: string, sessionId: string): Promise<string[]> {
  const [header, payload, signature] = real.split('.') as [string, string, string];
  const { kid } = decodeProtectedHeader(real);
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
  const attacker = await generateKeyPair('ES256', { extractable: true });
  const attackerJwk = await exportJWK(attacker.publicKey);
  const typ = 'liveproof-client+jwt';
  const signed = (protectedHeader: Record<string, unknown>, body: Record<string, unknown> = claims) =>
    new SignJWT(body).setProtectedHeader({ alg: 'ES256', ...protectedHeader }).sign(attacker.privateKey);
  return [
    `${b64({ alg: 'none', typ })}.${payload}.`,
    `${b64({ alg: 'none', kid, typ })}.${b64({ ...claims, sub: sessionId })}.`,
    `${b64({ alg: 'HS256', kid, typ })}.${payload}.${Buffer.from('forged-hmac-over-the-public-key').toString('base64url')}`,
    await signed({ kid, typ }),
    await signed({ kid, typ, jwk: attackerJwk }),
    await signed({ kid: "' OR 1=1 --", typ }),
    await signed({ kid: '../../keys/current', typ }),
    await signed({ kid: 'k'.repeat(3000), typ }),
    `${b64({ alg: 'ES256', kid, typ, crit: ['exp'] })}.${payload}.${signature}`,
    `${header}.${b64({ ...claims, sub: sessionId, exp: 4_102_444_800 })}.${signature}`,
    `${header}.${payload}.${signature.slice(0, -4)}AAAA`,
    `${header}.${payload}`,
    `${header}..${signature}`,
    `${header}.${payload}.${signature}.${signature}`,
    `%%%.${payload}.${signature}`,
    `${b64('not json')}.${payload}.${signature}`,
    `${b64({ alg: 'ES256', kid, typ: 'liveproof+jwt' })}.${payload}.${signature}`,
    `${b64({ alg: 'ES256', kid, typ, b64: false, crit: ['b64'] })}.${payload}.${signature}`,
    `${b64({ alg: 'ES256' })}.${b64({ sub: 'x'.repeat(6000) })}.${signature}`,
  ];
}

export async function createWorld(target: StoreTarget): Promise<World> {
  const h = await createHarness({ rateLimit: false }, { store: target.store, app: { lookup: async () => PUBLIC_ADDRESS } });
  const auth = (key: string) => ({ authorization: `Bearer ${key}` });
  const tenant = (integrationId: string, apiKey: string, audience: string): Tenant => ({ integrationId, apiKey, audience, sessionIds: [], attemptIds: [], endpointIds: [], keyIds: [] });
  const main = tenant(h.integrationId, h.apiKey, 'ats-test');
  const otherIntegration = await createIntegration(h.store, { name: 'Other ATS', audiences: ['other-ats'], origins: ['https://other.example'] }, { now: h.clock.now() });
  const other = tenant(otherIntegration.integration.id, otherIntegration.apiKey, 'other-ats');
  const victimIntegration = await createIntegration(h.store, { name: 'Victim ATS', audiences: ['victim-ats'] }, { now: h.clock.now() });
  const victim = tenant(victimIntegration.integration.id, victimIntegration.apiKey, 'victim-ats');

  const credentials: Credential[] = [
    { kind: 'none', token: '' },
    { kind: 'garbage', token: 'lp_not-a-key' },
    { kind: 'garbage', token: 'lpadm_not-a-key' },
    { kind: 'garbage', token: 'a.b.c' },
    { kind: 'garbage', token: 'x'.repeat(9000) },
    { kind: 'apiKey', token: main.apiKey },
    { kind: 'otherApiKey', token: other.apiKey },
    { kind: 'victimApiKey', token: victim.apiKey },
    { kind: 'adminKey', token: h.adminKey },
  ];
  const recheckIds: string[] = [];
  const viewerTokenIds: string[] = [];

  async function populate(t: Tenant, own: boolean) {
    const create = async (extra: Record<string, unknown> = {}) => {
      const { status, json } = await h.api('POST', '/v1/sessions', { candidateRef: 'cand-fuzz', interviewRef: 'int-fuzz', audience: t.audience, ...extra }, auth(t.apiKey));
      if (status !== 201) throw new Error(`seed session: ${status} ${JSON.stringify(json)}`);
      t.sessionIds.push(json.id as string);
      return { id: json.id as string, clientToken: json.clientToken as string };
    };
    const hook = await h.api('POST', '/v1/webhooks', { url: `https://hooks.${own ? 'main' : 'other'}.example/liveproof` }, auth(t.apiKey));
    t.endpointIds.push(hook.json.id as string);
    // A session with an attempt under way, one with a failed result (its token), one that is over.
    const running = await create();
    const page = await h.page(running.clientToken);
    const started = (await page.start(running.id)).json;
    t.attemptIds.push(started.attemptId);
    const done = await create({ attemptLimit: 1 });
    const donePage = await h.page(done.clientToken);
    const doneStart = (await donePage.start(done.id)).json;
    t.attemptIds.push(doneStart.attemptId);
    const result = await donePage.submit(doneStart.attemptId, await donePage.sign(donePage.payload(doneStart, neutralTrace(doneStart.plan.challenges, 1000))));
    const viewer = await h.api('POST', `/v1/sessions/${running.id}/viewer-tokens`, { recheck: true }, auth(t.apiKey));
    const revoked = await h.api('POST', `/v1/sessions/${running.id}/viewer-tokens`, {}, auth(t.apiKey));
    await h.api('POST', `/v1/sessions/${running.id}/viewer-tokens/${revoked.json.id as string}/revoke`, undefined, auth(t.apiKey));
    viewerTokenIds.push(viewer.json.id as string, revoked.json.id as string);
    const recheck = await h.api('POST', `/v1/sessions/${running.id}/rechecks`, undefined, auth(viewer.json.viewerToken as string));
    if (recheck.json.recheckId) recheckIds.push(recheck.json.recheckId as string);
    const expired = await issueClientToken(h.deps.tokens, running.id, h.clock.now() - 60_000, 'ct_expired');
    if (own) {
      credentials.push(
        { kind: 'clientToken', token: running.clientToken },
        { kind: 'clientToken', token: done.clientToken },
        { kind: 'expiredClientToken', token: expired },
        { kind: 'viewerToken', token: (await h.api('POST', `/v1/sessions/${running.id}/viewer-tokens`, {}, auth(t.apiKey))).json.viewerToken as string },
        { kind: 'recheckViewerToken', token: viewer.json.viewerToken as string },
        { kind: 'revokedViewerToken', token: revoked.json.viewerToken as string },
        { kind: 'livenessToken', token: result.json.token },
        { kind: 'planToken', token: started.planToken },
        ...(await forgeries(running.clientToken, running.id)).map((token) => ({ kind: 'forged' as const, token })),
        ...(await forgeries(viewer.json.viewerToken as string, running.id)).map((token) => ({ kind: 'forged' as const, token })),
      );
    } else {
      credentials.push({ kind: 'otherClientToken', token: running.clientToken }, { kind: 'otherViewerToken', token: viewer.json.viewerToken as string });
    }
  }
  await populate(main, true);
  await populate(other, false);
  for (const t of [main, other, victim]) t.keyIds.push(...(await h.store.listApiKeys(t.integrationId)).map((k) => k.id));
  const adminKeyIds = (await h.store.listAdminKeys()).map((k) => k.id);

  const doc = (await (await h.app.request('/v1/openapi.json')).json()) as World['doc'];
  const seen = new Set<string>();
  const routes: Route[] = [];
  for (const r of h.app.routes) {
    if (r.method === 'OPTIONS' || r.method === 'ALL' || seen.has(`${r.method} ${r.path}`)) continue;
    seen.add(`${r.method} ${r.path}`);
    const openapiPath = r.path.replace(/:([A-Za-z]+)/g, '{$1}');
    routes.push({ method: r.method, path: r.path, params: [...r.path.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]!), operation: doc.paths[openapiPath]?.[r.method.toLowerCase()] });
  }

  const counts = new Map<string, Map<number, number>>();
  async function send(route: string, request: FuzzRequest): Promise<Answer> {
    const init: RequestInit = { method: request.method, headers: request.headers };
    if (request.body !== undefined && request.method !== 'GET' && request.method !== 'HEAD') init.body = request.body as NonNullable<RequestInit['body']>;
    const response = await h.app.request(request.path, init);
    const statuses = counts.get(route) ?? counts.set(route, new Map()).get(route)!;
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    const problems: string[] = [];
    if (response.headers.get('content-type')?.startsWith('text/event-stream')) {
      await response.body?.cancel();
      return { status: response.status, json: {}, problems };
    }
    const text = await response.text();
    if (response.status >= 500) problems.push(`answered ${response.status}: ${text.slice(0, 300)}`);
    if (response.status < 400 || request.method === 'HEAD') return { status: response.status, json: {}, problems };
    let json: Answer['json'] = {};
    try {
      json = JSON.parse(text) as Answer['json'];
    } catch {
      problems.push(`a ${response.status} refusal that is not JSON: ${text.slice(0, 200)}`);
    }
    if (!response.headers.get('content-type')?.startsWith('application/json')) problems.push(`a refusal as ${response.headers.get('content-type')}`);
    const { code, message } = json.error ?? {};
    if (typeof code !== 'string' || !ERROR_CODES.has(code)) problems.push(`a refusal whose code is not an ErrorCode: ${text.slice(0, 200)}`);
    if (typeof message !== 'string') problems.push(`a refusal without a message: ${text.slice(0, 200)}`);
    const expected = typeof code === 'string' ? ErrorStatus[code as ErrorCode] : undefined;
    if (expected !== undefined && expected !== response.status) problems.push(`${code} answered with ${response.status}, not ${expected}`);
    return { status: response.status, json, problems };
  }

  return {
    target,
    h,
    main,
    other,
    victim,
    credentials,
    publicKeys: await Promise.all([1, 2, 3].map(async () => (await h.page('')).publicJwk as unknown as Record<string, unknown>)),
    recheckIds,
    viewerTokenIds,
    adminKeyIds,
    routes,
    doc,
    counts,
    send,
    async startedAttempt(extra = {}) {
      const session = await h.createSession(extra);
      main.sessionIds.push(session.id);
      const page = await h.page(session.clientToken);
      const start = await page.start(session.id);
      if (start.status !== 201) throw new Error(`start: ${start.status} ${JSON.stringify(start.json)}`);
      main.attemptIds.push(start.json.attemptId);
      return { sessionId: session.id, clientToken: session.clientToken, page, start: start.json };
    },
    close: () => h.close(),
  };
}

/** A stranger's signature over a well-formed payload: the attempt key alone may end an attempt. */
export async function strangerJws(payload: unknown): Promise<string> {
  const { privateKey } = await generateKeyPair('ES256');
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader({ alg: 'ES256' }).sign(privateKey);
}
