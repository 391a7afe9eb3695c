/**
 * Property-based fuzzing of every route the app serves, in-process (`app.request()`) over both real
 * stores, SQLite in a temporary file and PostgreSQL in a throwaway schema. Requests are random and
 * adversarial in every part (path, query, headers, credential, body); sequences on real attempts
 * (signed results of odd but valid traces, bent payloads, stops, strangers, races, expiry) make the
 * deep code run, not only the validators. Whatever arrives:
 *
 * - nothing answers 5xx, and every refusal is `{ error: { code, message } }` with one of the
 *   protocol's `ErrorCode` values, under the HTTP status the protocol gives that code;
 * - a credential of the wrong kind opens nothing, and another integration's ids are not found;
 * - an attempt takes one result, a stranger's signature changes nothing;
 * - afterwards the store's invariants hold (`invariants.ts`).
 *
 * Cases per route are printed for each store. FUZZ_RUNS scales every run count (default 1).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepSessions } from '../domain/maintenance.ts';
import { storeViolations } from './invariants.ts';
import { anyRequest, requestTo, schemesOf } from './requests.ts';
import { runSequence } from './sequences.ts';
import { postgresTarget, sqliteTarget, storeFingerprint, type StoreTarget } from './targets.ts';
import { createWorld, type Credential, type CredentialKind, type World } from './world.ts';

/** `path` with its `access_token` query parameter, if it has one, set to `token` (removed for none). */
function withQueryCredential(path: string, token: string): string {
  const [base, query] = path.split('?', 2) as [string, string | undefined];
  if (query === undefined) return path;
  const params = new URLSearchParams(query);
  if (!params.has('access_token')) return path;
  if (token) params.set('access_token', token);
  else params.delete('access_token');
  const rest = params.toString();
  return rest ? `${base}?${rest}` : base;
}

const SCALE = Number(process.env.FUZZ_RUNS ?? 1);
const runs = (n: number) => Math.max(1, Math.round(n * SCALE));

/** Credential kinds each security scheme takes; anything else must be refused as `unauthorized`. */
const TAKES: Record<string, CredentialKind[]> = {
  apiKey: ['apiKey', 'otherApiKey', 'victimApiKey'],
  clientToken: ['clientToken', 'otherClientToken'],
  viewerToken: ['viewerToken', 'recheckViewerToken', 'otherViewerToken'],
  adminKey: ['adminKey'],
};

/** Routes of the viewer group (`http/routes/viewer.ts`). */
const VIEWER_GROUP = /^\/v1\/(sessions\/:id\/(events|summary|rechecks)|attempts\/:id\/reference-image)$/;

describe.each([
  ['SQLite', sqliteTarget],
  ['PostgreSQL', postgresTarget],
] as [string, () => StoreTarget][])('fuzzing every route over %s', (name, makeTarget) => {
  let world: World;

  beforeAll(async () => {
    world = await createWorld(makeTarget());
  }, 60_000);

  afterAll(async () => {
    const rows = [...world.counts].sort(([a], [b]) => a.localeCompare(b));
    const total = rows.reduce((sum, [, statuses]) => sum + [...statuses.values()].reduce((a, b) => a + b, 0), 0);
    const lines = rows.map(([route, statuses]) => {
      const n = [...statuses.values()].reduce((a, b) => a + b, 0);
      const by = [...statuses].sort(([a], [b]) => a - b).map(([s, c]) => `${s}×${c}`).join(' ');
      return `  ${String(n).padStart(5)}  ${route.padEnd(58)} ${by}`;
    });
    console.log(`fuzz over ${name}: ${total} requests to ${rows.length} routes\n${lines.join('\n')}`);
    await world?.close();
    await world?.target.dispose();
  });

  async function expectSoundStore() {
    await sweepSessions(world.h.deps);
    const keys = new Map([world.main, world.other].map((t) => [t.integrationId, t.apiKey]));
    const violations = await storeViolations(world.target, {
      now: world.h.clock.now(),
      reportedAttemptsUsed: async (sessionId, integrationId) => {
        const key = keys.get(integrationId);
        if (!key) return undefined;
        const { json } = await world.h.api('GET', `/v1/sessions/${sessionId}`, undefined, { authorization: `Bearer ${key}` });
        return json.attemptsUsed as number;
      },
    });
    expect(violations).toEqual([]);
  }

  it('answers any request to any route without a 5xx, refusing with a JSON error of a known code', async () => {
    await fc.assert(
      fc.asyncProperty(anyRequest(world), async ({ route, request }) => {
        const answer = await world.send(`${route.method} ${route.path}`, request);
        expect(answer.problems).toEqual([]);
      }),
      { numRuns: runs(2000) },
    );
    await expectSoundStore();
  }, 120_000);

  it('opens nothing for a credential of the wrong kind (tokens, keys, forged, expired, revoked)', async () => {
    const guarded = world.routes.filter((r) => schemesOf(r).some((s) => s in TAKES));
    const cases = fc.constantFrom(...guarded).chain((route) => {
      const takes = schemesOf(route).flatMap((s) => TAKES[s] ?? []);
      const wrong = world.credentials.filter((c) => !takes.includes(c.kind));
      return requestTo(world, route, { credential: fc.constantFrom(...wrong), realIds: true });
    });
    await fc.assert(
      fc.asyncProperty(cases, async ({ route, request, credential }) => {
        // A well-formed header, so that the credential, not the header's form, is what is judged.
        if (credential.token) request.headers.authorization = `Bearer ${credential.token}`;
        // The viewer group also reads a credential from the query (`access_token`, for EventSource):
        // there it must be this wrong one too, not a right one the query drew.
        request.path = withQueryCredential(request.path, credential.token);
        // Only the documented method (another one is a different route), and no Origin: the
        // credential is what is judged here.
        request.method = route.method;
        delete request.headers.origin;
        const before = await storeFingerprint(world.target);
        const answer = await world.send(`${route.method} ${route.path}`, request);
        expect(answer.problems).toEqual([]);
        // The body limit comes before the credential. The viewer group authenticates the session's
        // client token too (the candidate's element watches), and its routes that do not take one
        // refuse it after that: forbidden, or not found, or the request's own malformed input
        // (a random over-long `access_token` in the query, say), which is judged after the credential.
        const viewerClient = VIEWER_GROUP.test(route.path) && (credential.kind === 'clientToken' || credential.kind === 'otherClientToken');
        const refusals = ['unauthorized', 'body_too_large', ...(viewerClient ? ['forbidden', 'not_found', 'invalid_request'] : [])];
        expect(refusals, `${credential.kind} on ${route.method} ${route.path}: ${answer.status} ${JSON.stringify(answer.json)}`).toContain(answer.json.error?.code);
        expect(await storeFingerprint(world.target)).toEqual(before);
      }),
      { numRuns: runs(300) },
    );
  }, 120_000);

  it("finds none of another integration's sessions, attempts, endpoints or viewer tokens, and changes none", async () => {
    const scoped = world.routes.filter((r) => r.params.length > 0 && schemesOf(r).some((s) => s === 'apiKey' || s === 'clientToken' || s === 'viewerToken') && !r.path.startsWith('/v1/admin/'));
    const own: Record<string, Credential[]> = {
      apiKey: world.credentials.filter((c) => c.kind === 'apiKey'),
      clientToken: world.credentials.filter((c) => c.kind === 'clientToken'),
      viewerToken: world.credentials.filter((c) => c.kind === 'viewerToken' || c.kind === 'recheckViewerToken'),
    };
    const theirs = [...world.other.sessionIds, ...world.other.attemptIds, ...world.other.endpointIds];
    const cases = fc.constantFrom(...scoped).chain((route) =>
      fc.record({
        drawn: requestTo(world, route, { credential: fc.constantFrom(...schemesOf(route).flatMap((s) => own[s] ?? [])), realIds: true }),
        ids: fc.array(fc.constantFrom(...theirs), { minLength: route.params.length, maxLength: route.params.length }),
      }),
    );
    await fc.assert(
      fc.asyncProperty(cases, async ({ drawn: { route, request, credential }, ids }) => {
        let i = 0;
        request.path = route.path.replace(/:([A-Za-z]+)/g, () => ids[i++]!) + (request.path.includes('?') ? `?${request.path.split('?')[1]}` : '');
        request.method = route.method;
        request.headers.authorization = `Bearer ${credential.token}`;
        delete request.headers.origin;
        const before = await storeFingerprint(world.target);
        const answer = await world.send(`${route.method} ${route.path}`, request);
        expect(answer.problems).toEqual([]);
        expect(answer.status, `${route.method} ${request.path}: ${JSON.stringify(answer.json)}`).toBeGreaterThanOrEqual(400);
        expect(await storeFingerprint(world.target)).toEqual(before);
      }),
      { numRuns: runs(300) },
    );
  }, 120_000);

  it('takes one result per attempt whatever the page, a stranger or a race sends, and keeps the store sound', async () => {
    await fc.assert(fc.asyncProperty(fc.gen(), (g) => runSequence(world, g)), { numRuns: runs(150) });
    await expectSoundStore();
  }, 180_000);
});
