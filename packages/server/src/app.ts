/**
 * `createLiveproofApp`: the whole Liveproof API as one Hono app, with storage, keys, clock and
 * configuration injected so that tests drive it with `app.request()` and a frozen clock, and
 * production serves it on Node or any other Hono runtime.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { LiveproofError } from '@liveproof/protocol';
import { systemClock, type Clock } from './clock.ts';
import { MAX_TOKEN_TTL_SECONDS, resolveConfig, type LiveproofConfig } from './config.ts';
import type { AppEnv, Deps } from './context.ts';
import { createLocalEventBus, type EventBus } from './events.ts';
import { createErrorHandler } from './http-errors.ts';
import { cryptoRandom, type RandomSource } from './ids.ts';
import { createKeyRing, type KeyRing } from './keys.ts';
import { attemptRoutes } from './routes/attempts.ts';
import { eventRoutes } from './routes/events.ts';
import { sessionRoutes } from './routes/sessions.ts';
import { documentApi } from './openapi.ts';
import { recordRoutes } from './routes/records.ts';
import { webhookRoutes } from './routes/webhooks.ts';
import { wellKnownRoutes } from './routes/well-known.ts';
import type { Store } from './store.ts';

export interface LiveproofAppOptions {
  store: Store;
  /** Defaults to a key ring kept in `store`. */
  keys?: KeyRing;
  clock?: Clock;
  config: Partial<LiveproofConfig> & { issuer: string };
  /** Randomness for ids, nonces and challenge draws; seed it only for reproducible evaluations. */
  random?: RandomSource;
  peerAddress?: Deps['peerAddress'];
  /** Where session events go; in-process by default, PostgreSQL NOTIFY to reach other instances. */
  events?: EventBus;
}

export interface LiveproofApp {
  app: OpenAPIHono<AppEnv>;
  deps: Deps;
}

export async function createLiveproofApp(options: LiveproofAppOptions): Promise<LiveproofApp> {
  const clock = options.clock ?? systemClock;
  const config = resolveConfig(options.config);
  const keys = options.keys ?? (await createKeyRing({ store: options.store, clock, maxTokenTtlSeconds: MAX_TOKEN_TTL_SECONDS }));
  const deps: Deps = {
    store: options.store,
    keys,
    clock,
    config,
    random: options.random ?? cryptoRandom,
    peerAddress: options.peerAddress ?? (() => undefined),
    tokens: { keys, clock, issuer: config.issuer },
    events: options.events ?? createLocalEventBus(),
  };

  const app = new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        const issues = result.error.issues.slice(0, 20).map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
        throw new LiveproofError('invalid_request', 'The request does not have the expected shape.', { details: { issues } });
      }
    },
  });
  app.onError(createErrorHandler(deps));
  app.notFound(() => {
    throw new LiveproofError('not_found', 'No such endpoint.');
  });
  app.get('/v1/health', (c) => c.json({ ok: true }));
  app.route('/', wellKnownRoutes(deps));
  app.route('/', sessionRoutes(deps));
  app.route('/', attemptRoutes(deps));
  app.route('/', webhookRoutes(deps));
  app.route('/', recordRoutes(deps));
  app.route('/', eventRoutes(deps));
  documentApi(app, deps);
  return { app, deps };
}
