/**
 * What the development start (`liveproof dev`, the README's start command) sets up beside the API:
 * - the development integration, for trying the API by hand: audience `dev-ats` and those in
 *   LIVEPROOF_DEV_AUDIENCES, any embedding origin unless LIVEPROOF_CORS_ORIGINS lists them, and its
 *   API key from LIVEPROOF_API_KEY or `<data dir>/dev-api-key`;
 * - an administrator's key in `<data dir>/dev-admin-key`, for the admin API and the demo's admin page;
 * - the demo's own integration (audience `demo-ats`, this server's origin, no API key at all: the
 *   demo's backend calls the domain in-process), which can never see another integration's data.
 * The environment variables configure these two integrations only; real ones are administered
 * with `liveproof admin` or the admin API.
 */
import {
  addApiKey,
  createAdminKey,
  createIntegration,
  integrationForApiKey,
  sha256Hex,
  updateIntegration,
  type IntegrationRecord,
  type Store,
} from '@liveproof/server';
import { keptSecret, type KeptSecret } from './secrets.ts';
import type { Settings } from './settings.ts';

export const DEV_AUDIENCE = 'dev-ats';
export const DEMO_AUDIENCE = 'demo-ats';

export interface DevCredential {
  value: string;
  /** Where it is kept (a file under the data directory, or the environment variable). */
  source: string;
  created: boolean;
}

const newKey = (prefix: string) => `${prefix}_${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url')}`;

async function revokeOtherKeys(store: Store, integrationId: string, now: number): Promise<void> {
  for (const key of await store.listApiKeys(integrationId)) if (key.revokedAt === null) await store.updateApiKey(integrationId, key.id, { revokedAt: now });
}

export async function ensureDevIntegration(store: Store, settings: Settings, now: number): Promise<{ integration: IntegrationRecord; apiKey: DevCredential }> {
  const audiences = [...new Set([DEV_AUDIENCE, ...settings.dev.audiences])];
  const wanted = {
    name: 'Development',
    audiences,
    origins: settings.dev.origins ?? ['*'],
    virtualCameraPolicy: settings.dev.virtualCameraPolicy,
    referenceImageDays: settings.dev.referenceImageDays,
    highAssurance: settings.dev.highAssurance,
    profileTurn: settings.dev.profileTurn,
  };
  const kept: KeptSecret | undefined = settings.dev.apiKey ? undefined : keptSecret(settings.dataDir, 'dev-api-key', () => newKey('lp'));
  const apiKey: DevCredential = kept ? { value: kept.value, source: kept.file, created: kept.created } : { value: settings.dev.apiKey!, source: 'LIVEPROOF_API_KEY', created: false };

  let integration = await store.findIntegrationByPurpose('development');
  if (!integration) {
    ({ integration } = await createIntegration(store, { ...wanted, purpose: 'development' }, { now, apiKey: apiKey.value }));
    return { integration, apiKey };
  }
  integration = await updateIntegration(store, integration, wanted, now);
  // The key in use is the one configured: added if the integration does not hold it yet.
  if ((await integrationForApiKey(store, apiKey.value, now))?.id !== integration.id) {
    if (await store.findApiKey(sha256Hex(apiKey.value), now)) throw new Error(`${apiKey.source} holds the API key of another integration.`);
    await revokeOtherKeys(store, integration.id, now);
    await addApiKey(store, integration.id, { now, apiKey: apiKey.value, label: `from ${apiKey.source}` });
  }
  return { integration, apiKey };
}

export async function ensureDevAdminKey(store: Store, settings: Settings, now: number): Promise<DevCredential> {
  const kept = keptSecret(settings.dataDir, 'dev-admin-key', () => newKey('lpadm'));
  if (!(await store.findAdminKey(sha256Hex(kept.value)))) await createAdminKey(store, { now, key: kept.value, label: 'development' });
  return { value: kept.value, source: kept.file, created: kept.created };
}

export async function ensureDemoIntegration(store: Store, settings: Settings, origin: string, now: number): Promise<IntegrationRecord> {
  const wanted = {
    name: 'Demo',
    audiences: [DEMO_AUDIENCE],
    origins: [origin],
    virtualCameraPolicy: settings.dev.virtualCameraPolicy,
    referenceImageDays: settings.dev.referenceImageDays,
    highAssurance: settings.dev.highAssurance,
    profileTurn: settings.dev.profileTurn,
  };
  // A database from before the demo had an integration of its own: its development integration
  // held the demo's audience. Take it back.
  for (const other of await store.listIntegrations()) {
    if (other.purpose !== 'demo' && other.audiences.includes(DEMO_AUDIENCE) && other.name === 'Development') {
      await store.setAudiences(other.id, other.audiences.filter((a) => a !== DEMO_AUDIENCE), now);
    }
  }
  const existing = await store.findIntegrationByPurpose('demo');
  if (existing) return updateIntegration(store, existing, wanted, now);
  return (await createIntegration(store, { ...wanted, purpose: 'demo' }, { now, apiKey: null })).integration;
}
