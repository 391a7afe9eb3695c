/**
 * The route table against the OpenAPI document and the public list: every route the app serves
 * (`app.routes`, CORS preflights and the `*` middleware aside) is documented, every documented
 * operation is served, and every route but the documented public ones (`PUBLIC_PATHS`) refuses a
 * request without credentials with a 4xx and a stable code, leaving the store as it was. The
 * routes come from the app itself, so a route added later is checked without touching this file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair, CompactSign } from 'jose';
import { createAdminKey, createIntegration } from '../domain/integrations.ts';
import { sqliteTarget, storeFingerprint, type StoreTarget } from '../fuzz/targets.ts';
import { createHarness, neutralTrace, type Harness } from '../testing/harness.ts';
import { PUBLIC_PATHS } from './routes/public.ts';
import { ATTEMPT_ID_PATHS } from './openapi.ts';

interface Served {
  method: string;
  path: string;
}

/** The routes that serve the API's description itself: public, and not operations of the API. */
const DESCRIPTION_PATHS = ['/v1/openapi.json', '/v1/docs', '/v1/docs.css'];

const openapiPath = (path: string) => path.replace(/:([A-Za-z]+)/g, '{$1}');

let target: StoreTarget;
let h: Harness;
let served: Served[];
let doc: { paths: Record<string, Record<string, { security?: Record<string, unknown>[] }>> };
/** A real id for each path parameter, so that a refusal is about the credential, not the id. */
let ids: Record<string, string>;

beforeAll(async () => {
  target = sqliteTarget();
  h = await createHarness({}, { store: target.store, app: { lookup: async () => [{ address: '93.184.216.34', family: 4 }] } });
  const seen = new Set<string>();
  served = h.app.routes
    .filter((r) => r.method !== 'OPTIONS' && r.method !== 'ALL')
    .filter((r) => !seen.has(`${r.method} ${r.path}`) && seen.add(`${r.method} ${r.path}`))
    .map((r) => ({ method: r.method, path: r.path }));
  doc = (await (await h.app.request('/v1/openapi.json')).json()) as typeof doc;

  const auth = { authorization: `Bearer ${h.apiKey}` };
  const session = await h.createSession();
  const page = await h.page(session.clientToken);
  const start = (await page.start(session.id)).json;
  const done = await h.createSession();
  const donePage = await h.page(done.clientToken);
  const doneStart = (await donePage.start(done.id)).json;
  // Its device says automation drives it: a flagged signal, so the session has a review case.
  const flagged = { ...donePage.payload(doneStart, neutralTrace(doneStart.plan.challenges, 1000)), device: { cameraLabel: 'Integrated Camera', width: 640, height: 480, webdriver: true } };
  await donePage.submit(doneStart.attemptId, await donePage.sign(flagged));
  const [reviewCase] = await h.store.listCases({ limit: 1 });
  const viewer = await h.api('POST', `/v1/sessions/${session.id}/viewer-tokens`, {}, auth);
  const endpoint = await h.api('POST', '/v1/webhooks', { url: 'https://hooks.example.com/liveproof' }, auth);
  const other = await createIntegration(h.store, { name: 'Other ATS', audiences: ['other-ats'] }, { now: h.clock.now() });
  const otherKey = (await h.store.listApiKeys(other.integration.id))[0]!;
  const adminKey = await createAdminKey(h.store, { label: 'second', now: h.clock.now() });
  ids = {
    // Routes under /v1/sessions/:id take a session, under /v1/attempts/:id an attempt, and so on.
    session: session.id,
    attempt: start.attemptId,
    completedAttempt: doneStart.attemptId,
    attemptId: doneStart.attemptId,
    tokenId: viewer.json.id as string,
    endpoint: endpoint.json.id as string,
    integration: other.integration.id,
    keyId: otherKey.id,
    adminKey: adminKey.record.id,
    case: reviewCase!.id,
  };
});

afterAll(async () => {
  await h.close();
  await target.dispose();
});

/** The path with a real id of the right kind in every parameter. */
function realPath({ path }: Served): string {
  return path.replace(/:([A-Za-z]+)/g, (_, param: string) => {
    if (param === 'id') {
      if (path.startsWith('/v1/sessions/')) return ids.session!;
      if (path.startsWith('/v1/attempts/')) return path.endsWith('/revoke') || path.endsWith('/reference-image') ? ids.completedAttempt! : ids.attempt!;
      if (path.startsWith('/v1/webhooks/')) return ids.endpoint!;
      if (path.startsWith('/v1/admin/admin-keys/')) return ids.adminKey!;
      if (path.startsWith('/v1/admin/integrations/')) return ids.integration!;
      if (path.startsWith('/v1/admin/attempts/')) return ids.completedAttempt!;
      if (path.startsWith('/v1/cases/') || path.startsWith('/v1/admin/cases/')) return ids.case!;
    }
    if (param === 'endpointId') return ids.endpoint!;
    const id = ids[param];
    if (!id) throw new Error(`no real id for :${param} in ${path}`);
    return id;
  });
}

const isPublic = (route: Served) => (PUBLIC_PATHS as readonly string[]).includes(route.path);
/** Routes whose only credential is the attempt id (the round trips the server times). */
const byAttemptId = (route: Served) => (ATTEMPT_ID_PATHS as readonly string[]).includes(route.path);
/** Routes authorised by the attempt key's signature in the body rather than a bearer credential. */
const signedByAttemptKey = (route: Served) => doc.paths[openapiPath(route.path)]?.[route.method.toLowerCase()]?.security?.some((s) => 'attemptKey' in s) === true;

describe('the route table', () => {
  it('documents every route the app serves, and serves every documented operation', () => {
    const undocumented = served.filter((r) => !doc.paths[openapiPath(r.path)]?.[r.method.toLowerCase()]).map((r) => `${r.method} ${r.path}`);
    // The description's own routes are public and are not operations of the API.
    expect(undocumented.sort()).toEqual(DESCRIPTION_PATHS.map((p) => `GET ${p}`).sort());
    for (const path of DESCRIPTION_PATHS) expect(PUBLIC_PATHS).toContain(path);
    const servedNames = new Set(served.map((r) => `${r.method.toLowerCase()} ${openapiPath(r.path)}`));
    const unserved = Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method} ${path}`)).filter((op) => !servedNames.has(op));
    expect(unserved).toEqual([]);
    console.log(`route table: ${served.length} routes served, ${served.filter(isPublic).length} public`);
  });

  it('lists as public only routes it serves, and they answer without credentials', async () => {
    for (const path of PUBLIC_PATHS) {
      expect(served.some((r) => r.path === path && r.method === 'GET'), path).toBe(true);
      expect((await h.app.request(path)).status, path).toBe(200);
    }
  });

  it('answers the round-trip route with the attempt id alone, for a started attempt only, and writes nothing', async () => {
    const routes = served.filter(byAttemptId);
    expect(routes.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /v1/attempts/:id/rtt']);
    for (const route of routes) {
      const before = await storeFingerprint(target);
      const ask = (path: string) => h.app.request(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      const open = await ask(realPath(route));
      expect([open.status, typeof ((await open.json()) as { echo?: unknown }).echo]).toEqual([200, 'string']);
      const unknown = await ask(route.path.replace(':id', 'att_nosuchattempt0000000000'));
      expect([unknown.status, ((await unknown.json()) as { error?: { code?: string } }).error?.code]).toEqual([404, 'attempt_not_found']);
      const done = await ask(route.path.replace(':id', ids.completedAttempt!));
      expect(((await done.json()) as { error?: { code?: string } }).error?.code).toBe('result_already_submitted');
      expect(await storeFingerprint(target)).toEqual(before);
    }
  });

  it('refuses every other route without credentials with a 4xx and a stable code, and writes nothing', async () => {
    const guarded = served.filter((r) => !isPublic(r) && !byAttemptId(r));
    expect(guarded.length).toBeGreaterThan(30);
    const stranger = await generateKeyPair('ES256');
    const refusals: string[] = [];
    for (const route of guarded) {
      const path = realPath(route);
      // A body of the right shape where the route takes one, so that only the credential is missing;
      // for results, the JWS of a key that is not the attempt's.
      const body = signedByAttemptKey(route)
        ? JSON.stringify({
            // The commitment of a high-assurance check, or a result (or stop): a JWS in either field.
            [route.path.endsWith('/frames') ? 'commitment' : 'result']: await new CompactSign(new TextEncoder().encode('{"v":1}')).setProtectedHeader({ alg: 'ES256' }).sign(stranger.privateKey),
          })
        : route.method === 'GET' || route.method === 'DELETE' ? undefined : '{}';
      const before = await storeFingerprint(target);
      const response = await h.app.request(path, {
        method: route.method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body }),
      });
      const json = (await response.json()) as { error?: { code?: string } };
      refusals.push(`${route.method} ${route.path}: ${response.status} ${json.error?.code}`);
      const expected = signedByAttemptKey(route) ? 'invalid_signature' : 'unauthorized';
      expect([route.method, route.path, response.status, json.error?.code]).toEqual([route.method, route.path, 401, expected]);
      expect(await storeFingerprint(target), `${route.method} ${route.path} wrote to the store`).toEqual(before);
    }
    // The attempt a stranger's results went to is still open.
    expect((await h.store.getAttempt(ids.attempt!))?.status).toBe('started');
    console.log(`route table: ${refusals.length} guarded routes refused a request without credentials`);
  });
});
