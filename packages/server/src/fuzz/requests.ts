/**
 * Requests to the routes of the world's app, as fast-check arbitraries: any route, any method now
 * and then, path parameters from the world's ids (its own, other integrations', made up and
 * mangled), the route's documented query parameters and stray ones, credentials of every kind in
 * well-formed and mangled Authorization headers, and bodies from the route's schema, bent, or not
 * JSON at all, under the right or a wrong content type.
 */
import fc from 'fast-check';
import { encodeCursor } from '../http/routes/hiring/records.ts';
import {
  CONTENT_TYPES,
  ORIGINS,
  authorization,
  bent,
  encodeSegment,
  headerText,
  hostileJson,
  nastySegment,
  nastyString,
  rawBody,
  validValue,
  type Hints,
  type JsonSchema,
} from './arbitraries.ts';
import type { Credential, CredentialKind, FuzzRequest, Route, World } from './world.ts';

export interface Drawn {
  route: Route;
  request: FuzzRequest;
  credential: Credential;
}

const WEBHOOK_URLS = [
  'https://hooks.example.com/liveproof', 'http://hooks.example.com/', 'https://user:pw@hooks.example.com/', 'ftp://hooks.example.com/', 'javascript:alert(1)',
  'https://[::1]/', 'https://10.0.0.1/', 'https://127.0.0.1:8787/v1/health', 'https://hooks.example.com/a\u0000b', 'https://hooks.example.com/\ud800', 'https:// hooks.example.com', '',
];

function hintsFor(world: World): Hints {
  const ids = [...world.main.sessionIds, ...world.main.attemptIds, ...world.other.sessionIds, ...world.other.attemptIds];
  return {
    publicKey: fc.constantFrom(...world.publicKeys),
    audience: fc.constantFrom('ats-test', 'other-ats', 'victim-ats', 'dev-ats'),
    audiences: fc.array(fc.constantFrom('ats-test', 'other-ats', 'victim-ats', 'fresh-ats', ' padded ', 'a\u0000b', '\ud800'), { maxLength: 3 }),
    origins: fc.array(fc.constantFrom('https://careers.example.com', '*', 'http://localhost:3000', 'not an origin', 'https://a.example/path', 'https://\u0000.example'), { maxLength: 3 }),
    url: fc.constantFrom(...WEBHOOK_URLS),
    token: fc.constantFrom(...world.credentials.map((c) => c.token)),
    access_token: fc.constantFrom(...world.credentials.map((c) => c.token)),
    recheckId: fc.constantFrom(...world.recheckIds, 'rck_nope0000', 'rck_' + 'a'.repeat(40)),
    sessionId: fc.constantFrom(...ids),
    integrationId: fc.constantFrom(world.main.integrationId, world.other.integrationId, world.victim.integrationId),
    cursor: fc.oneof(
      fc.constantFrom(...ids.map((id) => encodeCursor(world.h.clock.now(), id))),
      fc.constantFrom('', 'x', '%%', Buffer.from('-1.att_x').toString('base64url'), Buffer.from('99999999999999999999.att_x').toString('base64url'), Buffer.from('1.\u0000').toString('base64url'), Buffer.from([0xff, 0xfe, 0x2e]).toString('base64url')),
      nastyString,
    ),
    since: fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), fc.constantFrom('0000-01-01T00:00:00Z', '275760-09-13T00:00:00.000Z', '2026-13-45T99:99:99Z', '2026-11-25T12:00:00+99:99')),
    from: fc.constantFrom('2026-11-25T00:00:00Z', '1970-01-01T00:00:00Z', '+275760-09-13T00:00:00.000Z', 'yesterday'),
    to: fc.constantFrom('2026-11-26T00:00:00Z', '9999-12-31T23:59:59Z', '2026-02-30T00:00:00Z'),
    limit: fc.oneof(fc.integer({ min: -5, max: 600 }), fc.constantFrom('1e3', '0x10', ' 5', '5.5', 'NaN', '99999999999999999999')),
    reason: fc.oneof(fc.constantFrom('not_performed', 'trace_invalid', 'clock_mismatch', '%', "'"), nastyString),
  };
}

/** Ids for a path parameter: this world's own, other integrations', or made up. */
function segmentFor(world: World, route: Route, param: string, realOnly: boolean): fc.Arbitrary<string> {
  const t = [world.main, world.other, world.victim];
  const admin = route.path.startsWith('/v1/admin/');
  const real = admin
    ? param === 'keyId'
      ? [...world.victim.keyIds, ...world.other.keyIds]
      : route.path.startsWith('/v1/admin/admin-keys')
        ? world.adminKeyIds
        : param === 'endpointId'
          ? [...world.victim.endpointIds, ...world.other.endpointIds]
          : [world.victim.integrationId, world.other.integrationId]
    : [...t.flatMap((x) => [...x.sessionIds, ...x.attemptIds, ...x.endpointIds]), ...world.viewerTokenIds];
  return realOnly ? fc.constantFrom(...real) : fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...real) }, { weight: 1, arbitrary: nastySegment });
}

function schemaOf(route: Route, type: string): JsonSchema | undefined {
  const body = route.operation?.requestBody as { content?: Record<string, { schema?: JsonSchema }> } | undefined;
  return body?.content?.[type]?.schema;
}

const resolver = (world: World) => (ref: string) => (world.doc.components?.schemas?.[ref.split('/').at(-1)!] ?? {}) as JsonSchema;

function bodyFor(world: World, route: Route, hints: Hints): fc.Arbitrary<{ body?: string | Uint8Array; type?: string }> {
  const schema = schemaOf(route, 'application/json');
  const form = schemaOf(route, 'application/x-www-form-urlencoded');
  const typed = (type: fc.Arbitrary<string>) => (body: string | Uint8Array) => type.map((t) => ({ body, type: t }));
  const json = fc.oneof({ weight: 6, arbitrary: fc.constant('application/json') }, { weight: 1, arbitrary: fc.constantFrom(...CONTENT_TYPES) });
  const anyType = fc.constantFrom(...CONTENT_TYPES);
  const options: fc.WeightedArbitrary<{ body?: string | Uint8Array; type?: string }>[] = [
    { weight: 1, arbitrary: fc.constant({}) },
    { weight: 2, arbitrary: rawBody.chain(typed(anyType)) },
    { weight: 1, arbitrary: hostileJson.map((v) => JSON.stringify(v) ?? 'null').chain(typed(json)) },
  ];
  if (schema) {
    const valid = validValue(schema, resolver(world), hints);
    options.push({ weight: 4, arbitrary: valid.map((v) => JSON.stringify(v)).chain(typed(json)) }, { weight: 4, arbitrary: bent(valid).map((v) => JSON.stringify(v) ?? 'null').chain(typed(json)) });
  }
  if (form) {
    const token = fc.oneof(hints.token as fc.Arbitrary<string>, nastyString);
    options.push({ weight: 3, arbitrary: fc.tuple(token, fc.boolean()).map(([t, twice]) => ({ body: `token=${encodeSegment(t)}${twice ? `&token=${encodeSegment(t)}` : ''}`, type: 'application/x-www-form-urlencoded' })) });
  }
  return fc.oneof(...options);
}

function queryFor(route: Route, hints: Hints): fc.Arbitrary<string> {
  const params = ((route.operation?.parameters as { name: string; in: string; schema: JsonSchema }[] | undefined) ?? []).filter((p) => p.in === 'query');
  const pair = (name: string, schema: JsonSchema) =>
    fc.oneof(validValue(schema, () => ({}), hints, name), nastyString).map((value) => `${encodeSegment(name)}=${encodeSegment(String(value))}`);
  const documented = params.map((p) => fc.option(pair(p.name, p.schema), { freq: 2 }));
  const stray = rarely(fc.tuple(fc.constantFrom('__proto__', 'access_token', 'limit', 'trace', 'x'), nastyString).map(([k, v]) => `${k}=${encodeSegment(v)}`));
  return fc.tuple(fc.tuple(...documented), stray).map(([pairs, extra]) => {
    const all = [...pairs, extra].filter((p): p is string => p !== null);
    return all.length ? `?${all.join('&')}` : '';
  });
}

/** Null most of the time. */
const rarely = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ weight: 5, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: arb });

const SCHEME_KINDS: Record<string, CredentialKind[]> = {
  apiKey: ['apiKey'],
  clientToken: ['clientToken'],
  viewerToken: ['viewerToken', 'recheckViewerToken'],
  adminKey: ['adminKey'],
};

/** The route's security schemes, as the OpenAPI document states them (none for public routes). */
export function schemesOf(route: Route): string[] {
  return ((route.operation?.security as Record<string, unknown>[] | undefined) ?? []).flatMap((s) => Object.keys(s));
}

/** Mostly a credential the route takes, else any of the world's. */
function likelyCredential(world: World, route: Route): fc.Arbitrary<Credential> {
  const kinds = schemesOf(route).flatMap((s) => SCHEME_KINDS[s] ?? []);
  const fitting = world.credentials.filter((c) => kinds.includes(c.kind));
  const any = fc.constantFrom(...world.credentials);
  return fitting.length ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...fitting) }, { weight: 2, arbitrary: any }) : any;
}

export interface RequestOptions {
  /** Default: mostly one the route takes. */
  credential?: fc.Arbitrary<Credential>;
  /** Only real ids in the path, so that the route matches. */
  realIds?: boolean;
}

/** A request to `route`. */
export function requestTo(world: World, route: Route, options: RequestOptions = {}): fc.Arbitrary<Drawn> {
  const { credential, realIds = false } = options;
  const hints = hintsFor(world);
  const segments = route.params.map((p) => segmentFor(world, route, p, realIds));
  return fc
    .record({
      method: fc.oneof({ weight: 12, arbitrary: fc.constant(route.method) }, { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD') }),
      segments: fc.tuple(...segments),
      query: queryFor(route, hints),
      credential: credential ?? likelyCredential(world, route),
      mangle: fc.nat({ max: 9 }),
      scheme: fc.nat(),
      body: bodyFor(world, route, hints),
      origin: rarely(fc.constantFrom(...ORIGINS)),
      agent: rarely(headerText),
    })
    .chain((r) => (r.credential.token ? authorization(r.credential.token).map((mangled) => ({ ...r, mangled })) : fc.constant({ ...r, mangled: '' })))
    .map((r) => {
      let i = 0;
      const path = route.path.replace(/:([A-Za-z]+)/g, () => r.segments[i++]!) + r.query;
      const headers: Record<string, string> = {};
      if (r.credential.token) headers.authorization = r.mangle === 0 ? r.mangled : `Bearer ${r.credential.token}`;
      if (r.body.type !== undefined) headers['content-type'] = r.body.type;
      if (r.origin !== null) headers.origin = r.origin;
      if (r.agent !== null) headers['user-agent'] = r.agent;
      const request: FuzzRequest = { method: r.method, path, headers, ...(r.body.body !== undefined ? { body: r.body.body } : {}) };
      return { route, credential: r.credential, request, [fc.toStringMethod]: () => describe(request) };
    });
}

/** A request as a counterexample shows it: short enough to read. */
export function describe(request: FuzzRequest): string {
  const body = typeof request.body === 'string' ? request.body : request.body ? `<${request.body.length} bytes>` : '';
  const shown = (text: string) => JSON.stringify(text.length > 400 ? `${text.slice(0, 400)}… (${text.length} chars)` : text);
  return `${request.method} ${shown(request.path)} ${JSON.stringify(Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, v.length > 80 ? `${v.slice(0, 80)}…` : v])))} ${shown(body)}`;
}

/** A request to any route of the app, or to a path it does not serve. */
export function anyRequest(world: World): fc.Arbitrary<Drawn> {
  const unserved: Route = { method: 'GET', path: '/v1/:x/:y', params: ['x', 'y'], operation: undefined };
  return fc.oneof(...world.routes.map((route) => requestTo(world, route)), requestTo(world, unserved));
}
