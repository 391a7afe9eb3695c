/** Hiring-system endpoints for webhooks: register an endpoint, list and remove them, read their delivery log. */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { LiveproofError, idSchema } from '@liveproof/protocol';
import type { AppEnv, Deps } from '../context.ts';
import { API_KEY } from '../openapi.ts';
import { newId } from '../ids.ts';
import { limitBody, rateLimit, requireApiKey } from '../middleware.ts';
import type { WebhookEndpointRecord, WebhookMessageRecord } from '../store.ts';
import { iso } from '../views.ts';
import { WEBHOOK_EVENT_TYPES, newWebhookSecret } from '../webhooks.ts';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** HTTPS anywhere; plain HTTP only to this machine (development and tests). */
function allowedUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.username || url.password) return false;
  return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
}

const eventType = z.enum(WEBHOOK_EVENT_TYPES as [string, ...string[]]);

const createEndpointSchema = z
  .strictObject({
    url: z.string().max(2000).openapi({ example: 'https://hiring.example.com/hooks/liveproof' }),
    events: z.array(eventType).min(1).max(WEBHOOK_EVENT_TYPES.length).optional().openapi({ description: 'Defaults to every event' }),
  })
  .openapi('CreateWebhookEndpoint');

const idParams = z.object({ id: idSchema });

const createEndpoint = createRoute({
  method: 'post',
  path: '/v1/webhooks',
  security: API_KEY,
  summary: 'Register a webhook endpoint; the response carries its signing secret, shown only once',
  request: { body: { content: { 'application/json': { schema: createEndpointSchema } }, required: true } },
  responses: { 201: { description: 'The endpoint with its secret' } },
});

const listEndpoints = createRoute({
  method: 'get',
  path: '/v1/webhooks',
  security: API_KEY,
  summary: "This integration's webhook endpoints (without secrets)",
  responses: { 200: { description: 'The endpoints' } },
});

const deleteEndpoint = createRoute({
  method: 'delete',
  path: '/v1/webhooks/{id}',
  security: API_KEY,
  summary: 'Remove a webhook endpoint; its undelivered messages are given up',
  request: { params: idParams },
  responses: { 204: { description: 'Removed' } },
});

const listMessages = createRoute({
  method: 'get',
  path: '/v1/webhooks/{id}/messages',
  security: API_KEY,
  summary: "An endpoint's messages and how their delivery went, newest first",
  request: { params: idParams, query: z.object({ limit: z.coerce.number().int().min(1).max(500).optional() }) },
  responses: { 200: { description: 'The messages' } },
});

function endpointView(endpoint: WebhookEndpointRecord) {
  return { id: endpoint.id, url: endpoint.url, events: endpoint.events, createdAt: iso(endpoint.createdAt) };
}

function messageView(message: WebhookMessageRecord) {
  const at = (ms: number | null) => (ms === null ? null : iso(ms));
  return {
    id: message.id,
    type: message.type,
    status: message.status,
    attempts: message.attempts,
    createdAt: iso(message.createdAt),
    nextAttemptAt: at(message.nextAttemptAt),
    lastAttemptAt: at(message.lastAttemptAt),
    lastResponseStatus: message.lastResponseStatus,
    lastError: message.lastError,
    deliveredAt: at(message.deliveredAt),
    payload: JSON.parse(message.body) as unknown,
  };
}

export function webhookRoutes(deps: Deps) {
  const app = new OpenAPIHono<AppEnv>();
  for (const path of ['/v1/webhooks', '/v1/webhooks/:id', '/v1/webhooks/:id/messages']) {
    app.use(path, rateLimit(deps, 'api'), limitBody(deps), requireApiKey(deps));
  }

  async function ownEndpoint(integrationId: string, id: string): Promise<WebhookEndpointRecord> {
    const endpoint = (await deps.store.listWebhookEndpoints(integrationId)).find((e) => e.id === id);
    if (!endpoint) throw new LiveproofError('webhook_not_found', `No webhook endpoint ${id}.`);
    return endpoint;
  }

  app.openapi(createEndpoint, async (c) => {
    const body = c.req.valid('json');
    if (!allowedUrl(body.url)) {
      throw new LiveproofError('webhook_url_not_allowed', 'A webhook URL must be https (plain http only to localhost), without credentials in it.');
    }
    const endpoint: WebhookEndpointRecord = {
      id: newId('whe', deps.random),
      integrationId: c.get('integration').id,
      url: body.url,
      secret: newWebhookSecret(),
      events: (body.events ?? WEBHOOK_EVENT_TYPES) as WebhookEndpointRecord['events'],
      createdAt: deps.clock.now(),
    };
    await deps.store.insertWebhookEndpoint(endpoint);
    return c.json({ ...endpointView(endpoint), secret: endpoint.secret }, 201);
  });

  app.openapi(listEndpoints, async (c) => {
    const endpoints = await deps.store.listWebhookEndpoints(c.get('integration').id);
    return c.json({ endpoints: endpoints.map(endpointView) }, 200);
  });

  app.openapi(deleteEndpoint, async (c) => {
    const { id } = c.req.valid('param');
    if (!(await deps.store.deleteWebhookEndpoint(c.get('integration').id, id))) {
      throw new LiveproofError('webhook_not_found', `No webhook endpoint ${id}.`);
    }
    return c.body(null, 204);
  });

  app.openapi(listMessages, async (c) => {
    const integrationId = c.get('integration').id;
    const endpoint = await ownEndpoint(integrationId, c.req.valid('param').id);
    const { limit } = c.req.valid('query');
    const messages = await deps.store.listWebhookMessages(integrationId, { endpointId: endpoint.id, ...(limit ? { limit } : {}) });
    return c.json({ messages: messages.map(messageView) }, 200);
  });

  return app;
}
