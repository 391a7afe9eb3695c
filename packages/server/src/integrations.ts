/** Integrations: one per hiring system, each with its own API key (only its hash is stored). */
import { base64url, cryptoRandom, newId, sha256Hex, type RandomSource } from './ids.ts';
import type { IntegrationRecord, Store, VirtualCameraPolicy } from './store.ts';

/**
 * Creates an integration and returns it with its API key, which is shown once and never stored.
 * `audiences` lists the verifiers it may issue tokens for (a session's audience must be one of them).
 */
export async function createIntegration(
  store: Store,
  name: string,
  options: {
    audiences: string[];
    virtualCameraPolicy?: VirtualCameraPolicy;
    lightOptOutPolicy?: VirtualCameraPolicy;
    /** Opt in to reference images, kept this many days (1 to 365). */
    referenceImageDays?: number | null;
    now?: number;
    apiKey?: string;
    random?: RandomSource;
  },
): Promise<{ integration: IntegrationRecord; apiKey: string }> {
  const random = options.random ?? cryptoRandom;
  const apiKey = options.apiKey ?? `lp_${base64url(random(32))}`;
  const integration: IntegrationRecord = {
    id: newId('int', random),
    name,
    apiKeyHash: await sha256Hex(apiKey),
    audiences: options.audiences,
    virtualCameraPolicy: options.virtualCameraPolicy ?? 'flag',
    lightOptOutPolicy: options.lightOptOutPolicy ?? 'flag',
    referenceImageDays: options.referenceImageDays ?? null,
    createdAt: options.now ?? Date.now(),
  };
  await store.insertIntegration(integration);
  return { integration, apiKey };
}
