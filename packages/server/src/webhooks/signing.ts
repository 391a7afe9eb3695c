/**
 * Webhook signatures as the Standard Webhooks specification describes them: each message has an
 * id (`webhook-id`, the same on every retry, so receivers can drop repeats), a timestamp and an
 * HMAC-SHA256 signature over `id.timestamp.body` with the endpoint's `whsec_` secret. Signing uses
 * `standardwebhooks`, the specification's reference library, so our signatures and every
 * receiver's verification agree byte for byte. Secrets are sealed at rest (`keys/sealing.ts`).
 */
import { Webhook } from 'standardwebhooks';
import { cryptoRandom } from '../random.ts';
import { toBase64 } from '../encoding.ts';
import type { Sealer } from '../keys/sealing.ts';
import type { Store } from '../store.ts';

/**
 * A fresh endpoint secret: `whsec_` and base64 of 32 random bytes (24 to 64 bytes, says the
 * specification). Always from WebCrypto, even when a seeded source draws ids for an evaluation.
 */
export function newWebhookSecret(): string {
  return `whsec_${toBase64(cryptoRandom(32))}`;
}

/** The three headers of one delivery attempt. */
export function webhookHeaders(secret: string, id: string, at: Date, body: string): Record<string, string> {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(id, at, body),
  };
}

export const secretContext = (endpointId: string) => `webhook-secret:${endpointId}`;

/** Seals the secrets of endpoints registered before secrets were sealed. Returns how many. */
export async function sealLegacyWebhookSecrets(store: Store, sealer: Sealer): Promise<number> {
  const legacy = await store.listLegacyWebhookSecrets();
  for (const { id, secret } of legacy) {
    const endpoint = await findEndpoint(store, id);
    if (endpoint) await store.updateWebhookEndpoint(endpoint.integrationId, id, { secretSealed: await sealer.seal(secret, secretContext(id)) });
  }
  return legacy.length;
}

/** Seals every endpoint secret again with the sealer's current KEK (after a KEK rotation). */
export async function rewrapWebhookSecrets(store: Store, sealer: Sealer): Promise<number> {
  let count = 0;
  for (const integration of await store.listIntegrations()) {
    for (const endpoint of await store.listWebhookEndpoints(integration.id)) {
      if (sealer.sealedWith(endpoint.secretSealed) === sealer.keyId) continue;
      const secret = await sealer.open(endpoint.secretSealed, secretContext(endpoint.id));
      await store.updateWebhookEndpoint(integration.id, endpoint.id, { secretSealed: await sealer.seal(secret, secretContext(endpoint.id)) });
      count++;
    }
  }
  return count;
}

async function findEndpoint(store: Store, id: string) {
  for (const integration of await store.listIntegrations()) {
    const endpoint = (await store.listWebhookEndpoints(integration.id)).find((e) => e.id === id);
    if (endpoint) return endpoint;
  }
  return undefined;
}
