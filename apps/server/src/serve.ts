/**
 * Starting the server: `liveproof serve` (production: LIVEPROOF_PUBLIC_URL and LIVEPROOF_KEK
 * required, no development integration, no demo unless LIVEPROOF_DEMO=on) and `liveproof dev`
 * (the README's start: development and demo integrations, an admin key, a KEK under ./data).
 * Beside the API each instance delivers webhooks from the outbox, sweeps sessions, purges what is
 * past its retention and rotates signing keys on schedule.
 */
import type { AddressInfo } from 'node:net';
import { serve, type Http2Bindings, type HttpBindings } from '@hono/node-server';
import { createMaintenance, createWebhookDispatcher, createWebhookSender, type Store } from '@liveproof/server';
import { assetRoutes } from './assets.ts';
import { demoRoutes } from './demo.ts';
import { DEMO_AUDIENCE, ensureDemoIntegration, ensureDevAdminKey, ensureDevIntegration, type DevCredential } from './dev-integration.ts';
import { hostedRoutes } from './hosted.ts';
import { startIce } from './ice.ts';
import { loadIpIntel } from './ipintel.ts';
import { HOSTED_DIR, PUBLIC_DIR } from './paths.ts';
import { openRuntime, peerAddress } from './runtime.ts';
import { createScoringPool } from './scoring.ts';
import { createFacePool } from './faces.ts';
import { SettingsError, type Settings } from './settings.ts';

type Bindings = HttpBindings | Http2Bindings;
type Handler = (request: Request, bindings: Bindings) => Response | Promise<Response>;

function credentialLines(label: string, credential: DevCredential): string[] {
  const pad = `${label}:`.padEnd(22);
  if (credential.created) return [`  ${pad}${credential.value}`, `  ${''.padEnd(22)}(new; kept in ${credential.source}, printed only now)`];
  return [`  ${pad}in ${credential.source}`];
}

export async function startServer(settings: Settings): Promise<void> {
  if (settings.mode === 'production' && !settings.publicUrl) {
    throw new SettingsError('LIVEPROOF_PUBLIC_URL is required: the public https address of this server, the issuer of every token it signs.');
  }
  // Listen first (PORT=0 picks a free port), so the development issuer can name the real address.
  let handle: Handler = () => new Response('starting', { status: 503, headers: { 'retry-after': '1' } });
  const { server, port } = await new Promise<{ server: ReturnType<typeof serve>; port: number }>((resolve) => {
    const listening = serve({ fetch: (request, bindings: Bindings) => handle(request, bindings), port: settings.port, hostname: settings.host }, (info: AddressInfo) =>
      resolve({ server: listening, port: info.port }),
    );
  });
  const base = `http://localhost:${port}`;
  const issuer = settings.publicUrl ?? base;
  const pool = createScoringPool(settings.scoringThreads);
  const facePool = createFacePool(settings.faceThreads ?? (settings.scoringThreads === 0 ? 0 : undefined));
  const ipintel = loadIpIntel(settings);
  let opened: Store | null = null;
  const ice = await startIce(settings, issuer, () => opened);
  const { live, store, storeDescription, events, kekSource } = await openRuntime(settings, issuer, { scorer: pool.scorer, faces: facePool.faces, ipIntel: ipintel.intel, ...(ice.config ? { ice: ice.config } : {}) });
  opened = store;
  const { app, deps } = live;
  ice.setSecret(deps.network.ice?.secret ?? null);
  const now = Date.now();

  const lines: string[] = [];
  if (settings.mode === 'development') {
    const dev = await ensureDevIntegration(store, settings, now);
    const admin = await ensureDevAdminKey(store, settings, now);
    lines.push(...credentialLines('Development API key', dev.apiKey), `  ${''.padEnd(22)}(audiences: ${dev.integration.audiences.join(', ')}; origins: ${dev.integration.origins.join(', ')})`);
    lines.push(...credentialLines('Admin key', admin));
  }
  app.route('/', assetRoutes(settings.demo ? { publicDir: PUBLIC_DIR } : {}));
  app.route('/', hostedRoutes(deps, HOSTED_DIR));
  if (settings.demo) {
    const demo = await ensureDemoIntegration(store, settings, new URL(issuer).origin, now);
    const dev = await store.findIntegrationByPurpose('development');
    const audiences = [DEMO_AUDIENCE, ...(settings.mode === 'development' && dev ? dev.audiences : [])];
    app.route('/', demoRoutes({ deps, integration: demo, audiences, jwksUrl: issuer.startsWith('https:') ? `${issuer}/.well-known/jwks.json` : `http://127.0.0.1:${port}/.well-known/jwks.json`, address: (c) => peerAddress(c) ?? 'unknown' }));
  }
  deps.origins.invalidate();

  // Webhooks go out from the store's outbox; every instance sharing a database helps deliver them.
  const webhooks = createWebhookDispatcher({
    store,
    clock: deps.clock,
    sealer: deps.sealer,
    send: createWebhookSender({ allowPrivate: deps.config.webhooksAllowPrivate }),
    ...(settings.webhooks.retryScheduleMs ? { retryScheduleMs: settings.webhooks.retryScheduleMs } : {}),
    ...(settings.webhooks.pollMs ? { pollMs: settings.webhooks.pollMs } : {}),
    ...(settings.webhooks.timeoutMs ? { timeoutMs: settings.webhooks.timeoutMs } : {}),
    onError: (error) => console.error('liveproof: webhook delivery:', error),
    onDisabled: (id) => console.warn(`liveproof: webhook endpoint ${id} disabled after failing repeatedly`),
  });
  webhooks.start();
  const maintenance = createMaintenance(deps, { onError: (error) => console.error('liveproof: maintenance:', error) });
  maintenance.start();

  handle = (request, bindings) => app.fetch(request, bindings);
  console.log(
    [
      `Liveproof is running (${settings.mode})`,
      ...(settings.demo ? [`  Demo page:            ${base}/`, `  Admin page:           ${base}/demo/admin.html`] : []),
      `  API:                  ${base}/v1  (reference: ${base}/v1/docs; health: ${base}/v1/health)`,
      `  JWKS:                 ${base}/.well-known/jwks.json`,
      `  Token issuer:         ${issuer}`,
      `  Storage:              ${storeDescription}`,
      `  Key-encryption key:   ${kekSource}`,
      `  IP lists:             ${ipintel.description}`,
      `  ICE responder:        ${ice.description}`,
      `  Scoring:              ${pool.threads === 0 ? 'on the event loop' : `${pool.threads} worker thread${pool.threads === 1 ? '' : 's'}`}`,
      `  Face crops:           ${facePool.threads === 0 ? 'on the event loop' : `up to ${facePool.threads} worker thread${facePool.threads === 1 ? '' : 's'}`} (high assurance)`,
      ...lines,
      ...(settings.seed ? [`  Challenge draws are SEEDED (${settings.seed}): evaluation runs only.`] : []),
    ].join('\n'),
  );

  let closing = false;
  async function shutdown(signal: string) {
    if (closing) return;
    closing = true;
    console.log(`liveproof: ${signal}, shutting down`);
    server.close();
    await ice.responder?.close();
    maintenance.stop();
    // Deliveries under way finish and are recorded, so none is sent twice after a restart.
    await webhooks.stop();
    await live.close();
    await pool.close();
    await facePool.close();
    await events.close();
    await store.close();
    process.exit(0);
  }
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}
