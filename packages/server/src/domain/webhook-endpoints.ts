/**
 * Webhook endpoints of an integration: registered (its URL checked against the egress policy, at
 * most `maxWebhookEndpoints` of them, the secret shown once and kept sealed), listed, switched on
 * and off, removed, and their delivery log.
 */
import { LiveproofError } from '@liveproof/protocol';
import type { Deps } from '../context.ts';
import { newId } from '../random.ts';
import type { IntegrationRecord, WebhookEndpointRecord, WebhookEventType, WebhookMessageRecord } from '../store.ts';
import { checkWebhookUrl } from '../webhooks/egress.ts';
import { WEBHOOK_EVENT_TYPES } from '../webhooks/messages.ts';
import { newWebhookSecret, secretContext } from '../webhooks/signing.ts';
import { audit } from './audit.ts';
import { endpointOfIntegration } from './access.ts';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export async function createEndpoint(
  deps: Deps,
  integration: IntegrationRecord,
  body: { url: string; events?: WebhookEventType[] },
): Promise<ReturnType<typeof endpointView> & { secret: string }> {
  const existing = await deps.store.listWebhookEndpoints(integration.id);
  if (existing.length >= deps.config.maxWebhookEndpoints) {
    throw new LiveproofError('webhook_limit_reached', `An integration has at most ${deps.config.maxWebhookEndpoints} webhook endpoints.`);
  }
  const refused = await checkWebhookUrl(body.url, { allowPrivate: deps.config.webhooksAllowPrivate }, deps.lookup);
  if (refused) {
    throw new LiveproofError(
      'webhook_url_not_allowed',
      'A webhook URL must be https, without credentials, to a public address' + (deps.config.webhooksAllowPrivate ? '.' : ' (plain http and private addresses only in development).'),
      { details: { reason: refused } },
    );
  }
  const id = newId('whe', deps.random);
  const secret = newWebhookSecret();
  const now = deps.clock.now();
  const endpoint: WebhookEndpointRecord = {
    id,
    integrationId: integration.id,
    url: body.url,
    secretSealed: await deps.sealer.seal(secret, secretContext(id)),
    events: body.events ?? [...WEBHOOK_EVENT_TYPES],
    createdAt: now,
    disabledAt: null,
    disabledReason: null,
    consecutiveFailures: 0,
  };
  await deps.store.insertWebhookEndpoint(endpoint);
  await audit(deps.store, now, { type: 'webhook_endpoint_created', integrationId: integration.id, detail: { endpointId: id, url: body.url } });
  return { ...endpointView(endpoint), secret };
}

export async function setEndpointEnabled(deps: Deps, integration: IntegrationRecord, id: string, enabled: boolean, by: string) {
  const endpoint = await endpointOfIntegration(deps.store, integration.id, id);
  const now = deps.clock.now();
  await deps.store.updateWebhookEndpoint(integration.id, endpoint.id, enabled ? { disabledAt: null, disabledReason: null } : { disabledAt: now, disabledReason: `disabled by ${by}` });
  await audit(deps.store, now, { type: enabled ? 'webhook_endpoint_enabled' : 'webhook_endpoint_disabled', integrationId: integration.id, detail: { endpointId: id, by } });
  return endpointView((await endpointOfIntegration(deps.store, integration.id, id))!);
}

export async function deleteEndpoint(deps: Deps, integration: IntegrationRecord, id: string): Promise<void> {
  if (!(await deps.store.deleteWebhookEndpoint(integration.id, id))) throw new LiveproofError('webhook_not_found', `No webhook endpoint ${id}.`);
  await audit(deps.store, deps.clock.now(), { type: 'webhook_endpoint_deleted', integrationId: integration.id, detail: { endpointId: id } });
}

export function endpointView(endpoint: WebhookEndpointRecord) {
  return {
    id: endpoint.id,
    url: endpoint.url,
    events: endpoint.events,
    createdAt: iso(endpoint.createdAt),
    enabled: endpoint.disabledAt === null,
    disabledAt: iso(endpoint.disabledAt),
    disabledReason: endpoint.disabledReason,
    consecutiveFailures: endpoint.consecutiveFailures,
  };
}

export function messageView(message: WebhookMessageRecord) {
  return {
    id: message.id,
    type: message.type,
    status: message.status,
    attempts: message.attempts,
    createdAt: iso(message.createdAt),
    nextAttemptAt: iso(message.nextAttemptAt),
    lastAttemptAt: iso(message.lastAttemptAt),
    lastResponseStatus: message.lastResponseStatus,
    lastError: message.lastError,
    deliveredAt: iso(message.deliveredAt),
    payload: JSON.parse(message.body) as unknown,
  };
}
