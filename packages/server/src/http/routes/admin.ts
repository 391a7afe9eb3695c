/**
 * The admin API, behind an administrator's key: integrations (create, list, read, change), their
 * API keys (add, rotate with an overlap, revoke), audiences, embedding origins, policies,
 * reference-image retention and webhook endpoints; every integration's attempts; the signing keys
 * (status, rotate); counted refusals; the administrators' own keys; and the review queue (cases,
 * with reference images, and decisions). `liveproof admin` does the same from the command line.
 * Every change is audited with the administrator's key id.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { LiveproofError, idSchema, plainText } from '@liveproof/protocol';
import type { Context } from 'hono';
import { requestInfo, type AppEnv, type Deps } from '../../context.ts';
import { integrationById } from '../../domain/access.ts';
import { audit } from '../../domain/audit.ts';
import { CASE_DECISIONS, caseById, caseDetail, decideCase, type CaseDecision } from '../../domain/cases.ts';
import { addApiKey, apiKeyView, createAdminKey, createIntegration, integrationView, iso, revokeApiKey, rotateApiKey, updateIntegration } from '../../domain/integrations.ts';
import { createEndpoint, deleteEndpoint, endpointView, setEndpointEnabled } from '../../domain/webhook-endpoints.ts';
import { adminAuth, limitBody, rateLimit } from '../guards.ts';
import { routeGroup } from '../group.ts';
import { ADMIN_KEY, errorResponses, json } from '../openapi.ts';
import { attemptQuery, attemptView, encodeCursor, listFilter } from './hiring/records.ts';
import { caseQuery, listCasesPage } from './hiring/cases.ts';
import { createEndpointSchema, endpointStateSchema } from './hiring/webhooks.ts';

const policy = z.enum(['flag', 'reject']);
const text = (max: number) => plainText(max).min(1);
const label = plainText(100).optional();
const settings = z.strictObject({
  name: text(200),
  audiences: z.array(text(200)).max(20),
  origins: z.array(text(300)).max(50).optional().openapi({ description: 'Origins of the pages that embed the check, e.g. `https://careers.example.com`' }),
  virtualCameraPolicy: policy.optional(),
  lightOptOutPolicy: policy.optional(),
  signalPolicies: z
    .record(plainText(40), z.enum(['off', 'record', 'flag', 'reject']).nullable())
    .optional()
    .openapi({ description: 'Per risk signal (`datacenter_ip`, `vpn_ip`, `network_path_mismatch`, `timezone_mismatch`…): `record`, `flag` (the default) or `reject`; the links (`shared_network`, `shared_device`) take `off` (no link keys kept), `record` or `flag`, never `reject`. Null removes a setting. Merged into the current policies.' }),
  referenceImageDays: z.number().int().min(1).max(365).nullable().optional(),
  highAssurance: z
    .enum(['off', 'on', 'required'])
    .optional()
    .openapi({ description: 'High assurance: `on` has the element send a few face crops the server measures itself (a result without them is flagged `no_frames`), `required` fails a result without them, `off` (the default) keeps every image on the candidate\'s machine. The candidate is told before the check starts.' }),
  frameEvidenceDays: z.number().int().min(1).max(365).nullable().optional().openapi({ description: 'Keep the high-assurance crops for reviewers this many days; null (the default): deleted once scored.' }),
  excludedChallenges: z
    .array(z.enum(['blink', 'smile', 'open_mouth', 'turn_left', 'turn_right', 'look_up']))
    .max(2)
    .optional()
    .openapi({ description: 'Movement challenges this integration\'s plans never draw (an accommodation, say); at least four stay.' }),
  faceMatchDays: z
    .number()
    .int()
    .min(1)
    .max(365)
    .nullable()
    .optional()
    .openapi({ description: 'The cross-candidate face match (high assurance only): keep each passed check\'s face embeddings this many days and flag `shared_face` when a later check of another candidate reference shows the same face. For review only, never a failure; the model matches strangers too (docs/high-assurance.md). Null (the default): off; setting null deletes the kept faces.' }),
  profileTurn: z
    .enum(['off', 'on'])
    .optional()
    .openapi({ description: 'The profile turn (`profile_left`, `profile_right`): with `on`, every plan, check and re-check, holds one, the head turned about 28° and held 0.6 s, aimed at real-time face swaps, which degrade at large angles. `off` (the default) for candidates who cannot turn that far. The token\'s `challenges` names it when drawn.' }),
});
const idParams = z.object({ id: idSchema });
const keyParams = z.object({ id: idSchema, keyId: idSchema });
const endpointParams = z.object({ id: idSchema, endpointId: idSchema });

const route = <P extends string, S extends 200 | 201 = 200>(method: 'get' | 'post' | 'patch' | 'delete', path: P, summary: string, request?: Record<string, unknown>, status?: S) =>
  createRoute({
    method,
    path,
    security: ADMIN_KEY,
    summary,
    ...(request ? { request } : {}),
    responses: { ...errorResponses, ...({ [status ?? 200]: json(summary) } as Record<S, ReturnType<typeof json>>) },
  });

const body = (schema: z.ZodType) => ({ body: { content: { 'application/json': { schema } }, required: true } });

const routes = {
  listIntegrations: route('get', '/v1/admin/integrations', 'Every integration'),
  createIntegration: route('post', '/v1/admin/integrations', 'Create an integration; the response carries its first API key, shown once', body(settings), 201),
  readIntegration: route('get', '/v1/admin/integrations/{id}', 'One integration, with its API keys (hints only) and webhook endpoints', { params: idParams }),
  updateIntegration: route('patch', '/v1/admin/integrations/{id}', "Change an integration's name, audiences, origins, policies or reference-image retention", {
    params: idParams,
    ...body(settings.partial()),
  }),
  addKey: route('post', '/v1/admin/integrations/{id}/api-keys', 'Add an API key (at most two work at once); shown once', { params: idParams, ...body(z.strictObject({ label })) }, 201),
  rotateKey: route(
    'post',
    '/v1/admin/integrations/{id}/api-keys/rotate',
    'Rotate: a new key now; the older working key stops after the overlap (default a day)',
    { params: idParams, ...body(z.strictObject({ overlapSeconds: z.number().int().min(0).max(30 * 86_400).optional(), label })) },
    201,
  ),
  revokeKey: route('post', '/v1/admin/integrations/{id}/api-keys/{keyId}/revoke', 'Revoke an API key: it stops working at once', { params: keyParams }),
  createWebhook: route('post', '/v1/admin/integrations/{id}/webhooks', "Register a webhook endpoint for the integration; its secret is shown once", { params: idParams, ...body(createEndpointSchema) }, 201),
  setWebhookState: route('post', '/v1/admin/integrations/{id}/webhooks/{endpointId}/state', 'Switch a webhook endpoint on or off', { params: endpointParams, ...body(endpointStateSchema) }),
  deleteWebhook: route('delete', '/v1/admin/integrations/{id}/webhooks/{endpointId}', 'Remove a webhook endpoint', { params: endpointParams }),
  attempts: route('get', '/v1/admin/attempts', "Attempts of every integration (or one), newest first, filtered like the hiring system's list", {
    query: attemptQuery.extend({ integrationId: idSchema.optional() }),
  }),
  signingKeys: route('get', '/v1/admin/signing-keys', 'The signing keys: upcoming, signing, retiring, with when each signs and stays published'),
  rotateSigningKey: route(
    'post',
    '/v1/admin/signing-keys/rotate',
    'Add a signing key: published now, signing after a day; `immediately` for a key thought compromised',
    body(z.strictObject({ immediately: z.boolean().optional() })),
    201,
  ),
  refusals: route('get', '/v1/admin/refusals', 'Refusals counted per minute, route group and code (requests without a valid credential, rate-limited)', {
    query: z.object({ since: z.iso.datetime({ offset: true }).optional() }),
  }),
  adminKeys: route('get', '/v1/admin/admin-keys', "The administrators' keys (hints only)"),
  createAdminKey: route('post', '/v1/admin/admin-keys', 'Create another admin key; shown once', body(z.strictObject({ label })), 201),
  revokeAdminKey: route('post', '/v1/admin/admin-keys/{id}/revoke', 'Revoke an admin key (not the one making the request)', { params: idParams }),
  cases: route('get', '/v1/admin/cases', 'The review queue: cases of every integration (or one), newest first; `status=open` for those waiting', {
    query: caseQuery.extend({ integrationId: idSchema.optional() }),
  }),
  readCase: route('get', '/v1/admin/cases/{id}', "One case with what a reviewer weighs: signals and facts, the session's attempts and claims, linked sessions, reference images", { params: idParams }),
  decideCase: route('post', '/v1/admin/cases/{id}/decision', 'Decide a case: cleared, confirmed fraud, or an in-person check needed, with a note (audited; sent as `case.decided`)', {
    params: idParams,
    ...body(z.strictObject({ decision: z.enum(CASE_DECISIONS as [CaseDecision, ...CaseDecision[]]), note: plainText(2000).optional() })),
  }),
  referenceImage: route('get', '/v1/admin/attempts/{id}/reference-image', "An attempt's reference image (JPEG), while it is kept", { params: idParams }),
  frames: route('get', '/v1/admin/attempts/{id}/frames', "High assurance: an attempt's face crops (JPEG, base64) with the moments they answered and what the server measured in each, while the integration keeps them (`frameEvidenceDays`)", { params: idParams }),
};

export function adminRoutes(deps: Deps) {
  const group = routeGroup('admin', [rateLimit(deps, 'admin'), limitBody(deps.config.maxBodyBytes), adminAuth(deps)]);
  const now = () => deps.clock.now();
  const by = (c: Context<AppEnv>) => `admin ${c.get('admin').id}`;
  const adminAudit = (c: Context<AppEnv>, type: string, integrationId: string | null, detail: Record<string, unknown> = {}) =>
    audit(deps.store, now(), { type, integrationId, detail: { ...detail, by: c.get('admin').id } });
  const param = (c: Context<AppEnv>, name: string) => c.req.param(name) as string;
  const bodyOf = async <T>(c: Context<AppEnv>) => (c.req as unknown as { valid(target: 'json'): T }).valid('json');

  group.openapi(routes.listIntegrations, async (c) => c.json({ integrations: (await deps.store.listIntegrations()).map(integrationView) }, 200));

  group.openapi(routes.createIntegration, async (c) => {
    const input = await bodyOf<z.infer<typeof settings>>(c);
    const { integration, apiKey } = await createIntegration(deps.store, { ...input, origins: input.origins ?? [] }, { now: now(), random: deps.random });
    deps.origins.invalidate();
    await adminAudit(c, 'admin.integration_created', integration.id, { name: integration.name });
    return c.json({ integration: integrationView(integration), apiKey }, 201);
  });

  group.openapi(routes.readIntegration, async (c) => {
    const integration = await integrationById(deps.store, param(c, 'id'));
    const keys = await deps.store.listApiKeys(integration.id);
    const endpoints = await deps.store.listWebhookEndpoints(integration.id);
    return c.json({ integration: integrationView(integration), apiKeys: keys.map((k) => apiKeyView(k, now())), webhooks: endpoints.map(endpointView) }, 200);
  });

  group.openapi(routes.updateIntegration, async (c) => {
    const integration = await integrationById(deps.store, param(c, 'id'));
    const change = await bodyOf<Partial<z.infer<typeof settings>>>(c);
    const updated = await updateIntegration(deps.store, integration, change, now());
    deps.origins.invalidate();
    await adminAudit(c, 'admin.integration_updated', integration.id, { fields: Object.keys(change) });
    return c.json({ integration: integrationView(updated) }, 200);
  });

  group.openapi(routes.addKey, async (c) => {
    const integration = await integrationById(deps.store, param(c, 'id'));
    const { label } = await bodyOf<{ label?: string }>(c);
    const { key, apiKey } = await addApiKey(deps.store, integration.id, { now: now(), random: deps.random, ...(label ? { label } : {}) });
    await adminAudit(c, 'admin.api_key_added', integration.id, { keyId: key.id });
    return c.json({ key: apiKeyView(key, now()), apiKey }, 201);
  });

  group.openapi(routes.rotateKey, async (c) => {
    const integration = await integrationById(deps.store, param(c, 'id'));
    const input = await bodyOf<{ overlapSeconds?: number; label?: string }>(c);
    const rotated = await rotateApiKey(deps.store, integration.id, {
      now: now(),
      random: deps.random,
      ...(input.overlapSeconds !== undefined ? { overlapMs: input.overlapSeconds * 1000 } : {}),
      ...(input.label ? { label: input.label } : {}),
    });
    await adminAudit(c, 'admin.api_key_rotated', integration.id, { keyId: rotated.key.id, expiring: rotated.expiring.map((k) => k.id) });
    return c.json({ key: apiKeyView(rotated.key, now()), apiKey: rotated.apiKey, expiring: rotated.expiring.map((k) => apiKeyView(k, now())) }, 201);
  });

  group.openapi(routes.revokeKey, async (c) => {
    const integration = await integrationById(deps.store, param(c, 'id'));
    await revokeApiKey(deps.store, integration.id, param(c, 'keyId'), now());
    await adminAudit(c, 'admin.api_key_revoked', integration.id, { keyId: param(c, 'keyId') });
    const key = (await deps.store.listApiKeys(integration.id)).find((k) => k.id === param(c, 'keyId'))!;
    return c.json({ key: apiKeyView(key, now()) }, 200);
  });

  group.openapi(routes.createWebhook, async (c) => {
    const integration = await integrationById(deps.store, param(c, 'id'));
    return c.json(await createEndpoint(deps, integration, await bodyOf(c)), 201);
  });

  group.openapi(routes.setWebhookState, async (c) => {
    const integration = await integrationById(deps.store, param(c, 'id'));
    const { enabled } = await bodyOf<{ enabled: boolean }>(c);
    return c.json(await setEndpointEnabled(deps, integration, param(c, 'endpointId'), enabled, by(c)), 200);
  });

  group.openapi(routes.deleteWebhook, async (c) => {
    const integration = await integrationById(deps.store, param(c, 'id'));
    await deleteEndpoint(deps, integration, param(c, 'endpointId'));
    return c.json({ deleted: true }, 200);
  });

  group.openapi(routes.attempts, async (c) => {
    const query = (c.req as unknown as { valid(target: 'query'): z.infer<typeof attemptQuery> & { integrationId?: string } }).valid('query');
    const filter = listFilter(query);
    const found = await deps.store.findAttempts({ ...filter, ...(query.integrationId ? { integrationId: query.integrationId } : {}) });
    const names = new Map((await deps.store.listIntegrations()).map((i) => [i.id, i.name]));
    const last = found.at(-1)?.attempt;
    return c.json(
      {
        attempts: found.map(({ attempt, session }) => ({
          ...attemptView(attempt, session, now()),
          integrationId: session.integrationId,
          integrationName: names.get(session.integrationId) ?? null,
        })),
        next: found.length === filter.limit && last ? encodeCursor(last.createdAt, last.id) : null,
      },
      200,
    );
  });

  group.openapi(routes.signingKeys, async (c) => {
    const keys = await deps.keys.status();
    return c.json({ keys: keys.map((k) => ({ ...k, createdAt: iso(k.createdAt), activatesAt: iso(k.activatesAt), signsUntil: iso(k.signsUntil), publishedUntil: iso(k.publishedUntil) })) }, 200);
  });

  group.openapi(routes.rotateSigningKey, async (c) => {
    const { immediately } = await bodyOf<{ immediately?: boolean }>(c);
    const kid = await deps.keys.rotate({ immediately: immediately === true });
    await adminAudit(c, 'admin.signing_key_rotated', null, { kid, immediately: immediately === true });
    return c.json({ kid }, 201);
  });

  group.openapi(routes.refusals, async (c) => {
    const since = c.req.query('since');
    await deps.refusals.flush();
    const counts = await deps.store.listRefusalCounts(since ? Date.parse(since) : now() - 24 * 3600 * 1000);
    return c.json({ refusals: counts.map((r) => ({ ...r, windowStart: iso(r.windowStart) })) }, 200);
  });

  group.openapi(routes.adminKeys, async (c) =>
    c.json({ adminKeys: (await deps.store.listAdminKeys()).map((k) => ({ id: k.id, hint: `…${k.hint}`, label: k.label, createdAt: iso(k.createdAt), revokedAt: iso(k.revokedAt) })) }, 200),
  );

  group.openapi(routes.createAdminKey, async (c) => {
    const { label } = await bodyOf<{ label?: string }>(c);
    const { record, key } = await createAdminKey(deps.store, { now: now(), random: deps.random, ...(label ? { label } : {}) });
    await adminAudit(c, 'admin.admin_key_created', null, { keyId: record.id });
    return c.json({ id: record.id, key }, 201);
  });

  group.openapi(routes.revokeAdminKey, async (c) => {
    const id = param(c, 'id');
    if (id === c.get('admin').id) throw new LiveproofError('forbidden', 'An administrator cannot revoke the key they are using; use another admin key.');
    if (!(await deps.store.revokeAdminKey(id, now()))) throw new LiveproofError('not_found', `No admin key ${id}.`);
    await adminAudit(c, 'admin.admin_key_revoked', null, { keyId: id });
    return c.json({ revoked: id }, 200);
  });

  group.openapi(routes.cases, async (c) => {
    const query = (c.req as unknown as { valid(target: 'query'): z.infer<typeof caseQuery> & { integrationId?: string } }).valid('query');
    return c.json(await listCasesPage(deps, query, query.integrationId), 200);
  });

  group.openapi(routes.readCase, async (c) => {
    const record = await caseById(deps, param(c, 'id'));
    return c.json(await caseDetail(deps, record, (attemptId) => `/v1/admin/attempts/${attemptId}/reference-image`), 200);
  });

  group.openapi(routes.decideCase, async (c) => {
    const record = await caseById(deps, param(c, 'id'));
    const input = await bodyOf<{ decision: CaseDecision; note?: string }>(c);
    return c.json({ case: await decideCase(deps, record, input, `admin ${c.get('admin').id}`, requestInfo(c, deps)) }, 200);
  });

  group.openapi(routes.referenceImage, async (c) => {
    const id = param(c, 'id');
    const image = /^att_[a-z0-9]{8,40}$/.test(id) ? await deps.store.getReferenceImage(id, now()) : null;
    if (!image) throw new LiveproofError('not_found', `No reference image for attempt ${id}.`);
    await adminAudit(c, 'admin.reference_image_viewed', null, { attemptId: id });
    return c.body(image.data.slice().buffer as ArrayBuffer, 200, { 'content-type': image.contentType, 'cache-control': 'private, no-store' }) as never;
  });

  group.openapi(routes.frames, async (c) => {
    const id = param(c, 'id');
    const evidence = /^att_[a-z0-9]{8,40}$/.test(id) ? await deps.store.getFrameEvidence(id, now()) : null;
    if (!evidence) throw new LiveproofError('not_found', `No face crops are kept for attempt ${id}.`);
    const attempt = await deps.store.getAttempt(id);
    await adminAudit(c, 'admin.frames_viewed', null, { attemptId: id });
    c.header('cache-control', 'private, no-store');
    const measured = (attempt?.diagnostics?.frames as { crops?: unknown[] } | undefined)?.crops ?? [];
    return c.json({ attemptId: id, faces: attempt?.faces ?? null, expiresAt: new Date(evidence.expiresAt).toISOString(), crops: evidence.frames.map((f, i) => ({ ...f, contentType: 'image/jpeg', measured: measured[i] ?? null })) }, 200);
  });

  return group;
}
