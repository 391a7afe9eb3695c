/**
 * The runnable Liveproof server: the API, the built element, MediaPipe's WASM files and model, and
 * the demo pages, on Node. SQLite under ./data by default; PostgreSQL when DATABASE_URL is set.
 */
import { join } from 'node:path';
import { serve, type Http2Bindings, type HttpBindings } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import {
  createLiveproofApp,
  createLocalEventBus,
  createPostgresEventBus,
  createPostgresStore,
  createSqliteStore,
  createWebhookDispatcher,
  seededRandom,
  type Store,
} from '@liveproof/server';
import { assetRoutes } from './assets.ts';
import { DEMO_AUDIENCE, demoRoutes } from './demo.ts';
import { ensureDevIntegration } from './dev-integration.ts';
import { ELEMENT_DIST, MEDIAPIPE_WASM_DIR, MODEL_PATH, PUBLIC_DIR } from './paths.ts';

import type { AddressInfo } from 'node:net';

const env = process.env;
const host = env.HOST ?? '0.0.0.0';
const dataDir = env.LIVEPROOF_DATA_DIR ?? join(env.INIT_CWD ?? process.cwd(), 'data');

const store: Store = env.DATABASE_URL
  ? createPostgresStore({ url: env.DATABASE_URL, ...(env.LIVEPROOF_PG_SCHEMA ? { schema: env.LIVEPROOF_PG_SCHEMA } : {}) })
  : createSqliteStore({ path: join(dataDir, 'liveproof.db') });
await store.migrate();
// Session events reach viewers connected to any instance: through PostgreSQL when it is shared.
const events = env.DATABASE_URL
  ? await createPostgresEventBus({ url: env.DATABASE_URL, ...(env.LIVEPROOF_PG_SCHEMA ? { schema: env.LIVEPROOF_PG_SCHEMA } : {}) })
  : createLocalEventBus();

// Listen first (PORT=0 picks a free port), so the token issuer can name the real address.
type Bindings = HttpBindings | Http2Bindings;
type Handler = (request: Request, bindings: Bindings) => Response | Promise<Response>;
let handle: Handler = () => new Response('starting', { status: 503, headers: { 'retry-after': '1' } });
const { server, port } = await new Promise<{ server: ReturnType<typeof serve>; port: number }>((resolve) => {
  const listening = serve({ fetch: (request, bindings: Bindings) => handle(request, bindings), port: Number(env.PORT ?? 8787), hostname: host }, (info: AddressInfo) =>
    resolve({ server: listening, port: info.port }),
  );
});
const issuer = (env.LIVEPROOF_PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/+$/, '');

if (env.LIVEPROOF_SEED) console.warn(`liveproof: challenge draws are SEEDED (${env.LIVEPROOF_SEED}); use this only for evaluation runs.`);

const { app } = await createLiveproofApp({
  store,
  events,
  config: {
    issuer,
    ...(env.LIVEPROOF_CORS_ORIGINS ? { corsOrigins: env.LIVEPROOF_CORS_ORIGINS.split(',').map((o) => o.trim()) } : {}),
    ...(env.LIVEPROOF_RATE_LIMIT === 'off' ? { rateLimit: false as const } : {}),
    trustProxy: env.LIVEPROOF_TRUST_PROXY === '1',
  },
  ...(env.LIVEPROOF_SEED ? { random: seededRandom(env.LIVEPROOF_SEED) } : {}),
  peerAddress: (c) => getConnInfo(c).remote.address,
});

const devAudiences = [DEMO_AUDIENCE, ...(env.LIVEPROOF_DEV_AUDIENCES ?? '').split(',').map((a) => a.trim()).filter(Boolean)];
const devPolicy = env.LIVEPROOF_DEV_VIRTUAL_CAMERA_POLICY === 'reject' ? 'reject' : 'flag';
const referenceImageDays = env.LIVEPROOF_DEV_REFERENCE_IMAGE_DAYS ? Number(env.LIVEPROOF_DEV_REFERENCE_IMAGE_DAYS) : null;
const dev = await ensureDevIntegration(store, dataDir, [...new Set(devAudiences)], env.LIVEPROOF_API_KEY, devPolicy, referenceImageDays);
app.route('/', assetRoutes({ elementDist: ELEMENT_DIST, wasmDir: MEDIAPIPE_WASM_DIR, modelPath: MODEL_PATH, publicDir: PUBLIC_DIR }));
if (env.LIVEPROOF_DEMO !== 'off') {
  app.route('/', demoRoutes({ api: (path, init) => Promise.resolve(app.request(path, init)), apiKey: dev.apiKey, issuer }));
}

// Webhooks go out from the store's outbox; every instance sharing a database helps deliver them.
const retrySchedule = env.LIVEPROOF_WEBHOOK_RETRY_MS?.split(',').map((ms) => Number(ms.trim()));
if (retrySchedule?.some((ms) => !Number.isFinite(ms) || ms < 0)) throw new Error('LIVEPROOF_WEBHOOK_RETRY_MS: comma-separated milliseconds, e.g. 5000,300000');
const webhooks = createWebhookDispatcher({
  store,
  clock: { now: () => Date.now() },
  ...(retrySchedule ? { retryScheduleMs: retrySchedule } : {}),
  ...(env.LIVEPROOF_WEBHOOK_POLL_MS ? { pollMs: Number(env.LIVEPROOF_WEBHOOK_POLL_MS) } : {}),
  onError: (error) => console.error('liveproof: webhook delivery:', error),
});
webhooks.start();

// Reference images are kept only for their integration's retention period.
const purge = () => void store.purgeReferenceImages(Date.now()).catch((error: unknown) => console.error('liveproof: purging reference images:', error));
purge();
const purgeTimer = setInterval(purge, 60 * 60 * 1000);
purgeTimer.unref();

handle = (request, bindings) => app.fetch(request, bindings);
const base = `http://localhost:${port}`;
console.log(
  [
    'Liveproof is running',
    `  Demo page:            ${base}/`,
    `  API:                  ${base}/v1  (health: ${base}/v1/health)`,
    `  JWKS:                 ${base}/.well-known/jwks.json`,
    `  Token issuer:         ${issuer}`,
    `  Storage:              ${env.DATABASE_URL ? 'PostgreSQL (DATABASE_URL)' : `SQLite at ${join(dataDir, 'liveproof.db')}`}`,
    `  Development API key:  ${dev.apiKey}`,
    `                        (from ${dev.source}; audiences: ${[...new Set(devAudiences)].join(', ')}; virtual cameras: ${devPolicy})`,
  ].join('\n'),
);

let closing = false;
async function shutdown(signal: string) {
  if (closing) return;
  closing = true;
  console.log(`liveproof: ${signal}, shutting down`);
  server.close();
  // Deliveries under way finish and are recorded, so none is sent twice after a restart.
  await webhooks.stop();
  await events.close();
  await store.close();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
