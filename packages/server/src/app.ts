/**
 * `createLiveproofApp`: the whole Liveproof API as one Hono app, with storage, keys, clock and
 * configuration injected so that tests drive it with `app.request()` and a frozen clock, and
 * production serves it on Node or any other Hono runtime. Routes come in groups by who calls them
 * (`http/routes/*`), each behind its own guards.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { LiveproofError } from '@liveproof/protocol';
import { systemClock, type Clock } from './clock.ts';
import { MAX_TOKEN_TTL_SECONDS, resolveConfig, type LiveproofConfig } from './config.ts';
import type { AppEnv, Deps } from './context.ts';
import { inlineScorer, type Scorer } from './domain/evidence.ts';
import { inlineFaceMeasurer, type FaceMeasurer } from './domain/faces.ts';
import { createLocalEventBus, type EventBus } from './event-bus.ts';
import { createErrorHandler } from './http/errors.ts';
import { validationHook } from './http/group.ts';
import { documentApi } from './http/openapi.ts';
import { createOriginPolicy } from './http/origins.ts';
import { createRefusalCounter } from './http/refusals.ts';
import { adminRoutes } from './http/routes/admin.ts';
import { hiringRoutes } from './http/routes/hiring/index.ts';
import { pageRoutes } from './http/routes/page.ts';
import { publicRoutes } from './http/routes/public.ts';
import { resultRoutes } from './http/routes/results.ts';
import { viewerRoutes } from './http/routes/viewer.ts';
import { applySecurityHeaders, securityHeaders } from './http/security-headers.ts';
import { createStreamRegistry } from './http/streams.ts';
import { createKeyRing, sealLegacySigningKeys, type KeyRing } from './keys/key-ring.ts';
import { createSealer, newKek, parseKek, type Sealer } from './keys/sealing.ts';
import type { IceConfig } from './network/ice.ts';
import { createIpIntel, type IpIntel } from './network/ip-lists.ts';
import { localAddresses } from './network/local.ts';
import { cryptoRandom, type RandomSource } from './random.ts';
import type { Store } from './store.ts';
import { sealLegacyWebhookSecrets } from './webhooks/signing.ts';

export interface LiveproofAppOptions {
  store: Store;
  config: Partial<LiveproofConfig> & { issuer: string };
  /** Seals private signing keys and webhook secrets at rest. Tests get one over a fresh random KEK. */
  sealer?: Sealer;
  /** Defaults to a key ring kept in `store`. */
  keys?: KeyRing;
  clock?: Clock;
  /** Randomness for ids, nonces and challenge draws; seed it only for reproducible evaluations. */
  random?: RandomSource;
  peerAddress?: Deps['peerAddress'];
  /** Where session events go; in-process by default, PostgreSQL NOTIFY to reach other instances. */
  events?: EventBus;
  /** Where results are evaluated; inline by default (the runnable server uses worker threads). */
  scorer?: Scorer;
  /** Where high-assurance crops are measured; inline (loaded on first use) by default. */
  faces?: FaceMeasurer;
  /** DNS for webhook URLs at registration (tests). */
  lookup?: Deps['lookup'];
  /** The dated IP lists (none by default: every address is on no list). */
  ipIntel?: IpIntel;
  /** Where browsers reach the ICE-lite responder; without it, plans carry no UDP probe. */
  ice?: IceConfig;
  /** This machine's addresses; the network interfaces' by default. */
  localAddresses?: ReadonlySet<string>;
}

export interface LiveproofApp {
  app: OpenAPIHono<AppEnv>;
  deps: Deps;
  /** Writes what is still counted in memory; call before closing the store. */
  close(): Promise<void>;
}

export async function createLiveproofApp(options: LiveproofAppOptions): Promise<LiveproofApp> {
  const clock = options.clock ?? systemClock;
  const config = resolveConfig(options.config);
  const sealer = options.sealer ?? (await createSealer([parseKek(newKek())]));
  // Secrets stored before sealing existed are sealed now, once.
  await sealLegacySigningKeys(options.store, sealer);
  await sealLegacyWebhookSecrets(options.store, sealer);
  const keys = options.keys ?? (await createKeyRing({ store: options.store, clock, sealer, maxTokenTtlSeconds: MAX_TOKEN_TTL_SECONDS }));
  const refusals = createRefusalCounter(options.store, clock, { onError: (error) => console.error('liveproof: writing refusal counts:', error) });
  const deps: Deps = {
    store: options.store,
    keys,
    sealer,
    clock,
    config,
    random: options.random ?? cryptoRandom,
    peerAddress: options.peerAddress ?? (() => undefined),
    tokens: { keys, clock, issuer: config.issuer },
    events: options.events ?? createLocalEventBus(),
    scorer: options.scorer ?? inlineScorer,
    faces: options.faces ?? inlineFaceMeasurer(),
    refusals,
    streams: createStreamRegistry(config.streams),
    origins: createOriginPolicy(options.store, clock, { issuer: config.issuer }),
    network: {
      intel: options.ipIntel ?? createIpIntel(null, null),
      ice: options.ice && options.ice.candidates.length ? { secret: await sealer.derive('ice'), candidates: options.ice.candidates } : null,
      localAddresses: options.localAddresses ?? localAddresses(),
      // A TCP round trip in a header means something only from a proxy the deployment runs.
      rtt: { secret: await sealer.derive('rtt'), tcpRttHeader: config.trustProxy ? config.tcpRttHeader : null },
      links: { secret: await sealer.derive('links') },
    },
    ...(options.lookup ? { lookup: options.lookup } : {}),
  };

  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  const headers = { issuer: config.issuer };
  app.use('*', securityHeaders(headers));
  // Refusals get the same headers as answers (an error can leave the middleware chain early).
  const onError = createErrorHandler(deps);
  app.onError(async (error, c) => {
    const response = await onError(error, c);
    applySecurityHeaders(response.headers, headers, c.get('frameAncestors'));
    return response;
  });
  app.notFound(() => {
    throw new LiveproofError('not_found', 'No such endpoint.');
  });
  for (const group of [publicRoutes(deps), pageRoutes(deps), resultRoutes(deps), ...viewerRoutes(deps), hiringRoutes(deps), adminRoutes(deps)]) {
    app.route('/', group.app as OpenAPIHono<AppEnv>);
  }
  documentApi(app, deps);
  return { app, deps, close: () => refusals.stop() };
}
