/** The hiring system's webhook endpoints: register, list, switch on or off, remove, and read their delivery log. */
import { createRoute, z } from '@hono/zod-openapi';
import { idSchema, plainText } from '@liveproof/protocol';
import type { Deps } from '../../../context.ts';
import { endpointOfIntegration } from '../../../domain/access.ts';
import { createEndpoint, deleteEndpoint, endpointView, messageView, setEndpointEnabled } from '../../../domain/webhook-endpoints.ts';
import type { WebhookEventType } from '../../../store.ts';
import { WEBHOOK_EVENT_TYPES } from '../../../webhooks/messages.ts';
import type { RouteGroup } from '../../group.ts';
import { API_KEY, errorResponses, json } from '../../openapi.ts';

const eventType = z.enum(WEBHOOK_EVENT_TYPES as [WebhookEventType, ...WebhookEventType[]]);

export const createEndpointSchema = z
  .strictObject({
    url: plainText(2000).openapi({ example: 'https://hiring.example.com/hooks/liveproof' }),
    events: z.array(eventType).min(1).max(WEBHOOK_EVENT_TYPES.length).optional().openapi({ description: 'Defaults to every event' }),
  })
  .openapi('CreateWebhookEndpoint');

export const endpointStateSchema = z.strictObject({ enabled: z.boolean() });

const idParams = z.object({ id: idSchema });

const create = createRoute({
  method: 'post',
  path: '/v1/webhooks',
  security: API_KEY,
  summary: 'Register a webhook endpoint (https, public address); the response carries its signing secret, shown only once',
  request: { body: { content: { 'application/json': { schema: createEndpointSchema } }, required: true } },
  responses: { 201: json('The endpoint with its secret'), ...errorResponses },
});

const list = createRoute({
  method: 'get',
  path: '/v1/webhooks',
  security: API_KEY,
  summary: "This integration's webhook endpoints (without secrets), with whether each is enabled and why not",
  responses: { 200: json('The endpoints'), ...errorResponses },
});

const setState = createRoute({
  method: 'post',
  path: '/v1/webhooks/{id}/state',
  security: API_KEY,
  summary: 'Switch an endpoint on (after it was disabled for failing) or off',
  request: { params: idParams, body: { content: { 'application/json': { schema: endpointStateSchema } }, required: true } },
  responses: { 200: json('The endpoint'), ...errorResponses },
});

const remove = createRoute({
  method: 'delete',
  path: '/v1/webhooks/{id}',
  security: API_KEY,
  summary: 'Remove a webhook endpoint; its undelivered messages are given up',
  request: { params: idParams },
  responses: { 204: { description: 'Removed' }, ...errorResponses },
});

const messages = createRoute({
  method: 'get',
  path: '/v1/webhooks/{id}/messages',
  security: API_KEY,
  summary: "An endpoint's messages and how their delivery went (coarse error categories), newest first",
  request: { params: idParams, query: z.object({ limit: z.coerce.number().int().min(1).max(500).optional() }) },
  responses: { 200: json('The messages'), ...errorResponses },
});

export function hiringWebhookRoutes(deps: Deps, group: RouteGroup): void {
  group.openapi(create, async (c) => c.json(await createEndpoint(deps, c.get('integration'), c.req.valid('json')), 201));
  group.openapi(list, async (c) => c.json({ endpoints: (await deps.store.listWebhookEndpoints(c.get('integration').id)).map(endpointView) }, 200));
  group.openapi(setState, async (c) => c.json(await setEndpointEnabled(deps, c.get('integration'), c.req.valid('param').id, c.req.valid('json').enabled, 'the integration'), 200));
  group.openapi(remove, async (c) => {
    await deleteEndpoint(deps, c.get('integration'), c.req.valid('param').id);
    return c.body(null, 204);
  });
  group.openapi(messages, async (c) => {
    const integrationId = c.get('integration').id;
    const endpoint = await endpointOfIntegration(deps.store, integrationId, c.req.valid('param').id);
    const { limit } = c.req.valid('query');
    const found = await deps.store.listWebhookMessages(integrationId, { endpointId: endpoint.id, ...(limit ? { limit } : {}) });
    return c.json({ messages: found.map(messageView) }, 200);
  });
}
