/**
 * The admin API through the real app, with a frozen clock: integrations, their API keys (rotated
 * with an overlap, revoked at once, at most two working), audiences unique across integrations,
 * embedding origins that drive CORS at once, signing keys, counted refusals and admin keys.
 */
import { describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../testing/harness.ts';

const as = (key: string) => ({ authorization: `Bearer ${key}` });
const admin = (h: Harness) => as(h.adminKey);

async function newIntegration(h: Harness, body: Record<string, unknown> = {}) {
  const created = await h.api('POST', '/v1/admin/integrations', { name: 'Acme ATS', audiences: ['https://ats.acme.example'], origins: ['https://careers.acme.example'], ...body }, admin(h));
  expect(created.status, JSON.stringify(created.json)).toBe(201);
  return created.json as { integration: { id: string; audiences: string[] }; apiKey: string };
}

const works = async (h: Harness, apiKey: string) => (await h.api('GET', '/v1/sessions', undefined, as(apiKey))).status === 200;

describe('the admin API', () => {
  it("needs an administrator's key: not an API key, not nothing", async () => {
    const h = await createHarness();
    expect((await h.api('GET', '/v1/admin/integrations')).json.error?.code).toBe('unauthorized');
    expect((await h.api('GET', '/v1/admin/integrations', undefined, as(h.apiKey))).json.error?.code).toBe('unauthorized');
    const listed = await h.api('GET', '/v1/admin/integrations', undefined, admin(h));
    expect((listed.json.integrations as { name: string }[]).map((i) => i.name)).toEqual(['Test ATS']);
  });

  it('creates an integration whose first key works at once, with its audiences its own', async () => {
    const h = await createHarness();
    const { integration, apiKey } = await newIntegration(h);
    expect(apiKey).toMatch(/^lp_/);
    const session = await h.api('POST', '/v1/sessions', { candidateRef: 'c', interviewRef: 'i', audience: 'https://ats.acme.example' }, as(apiKey));
    expect(session.status).toBe(201);
    // The test integration cannot issue tokens for Acme's audience, nor see Acme's session.
    expect((await h.api('POST', '/v1/sessions', { candidateRef: 'c', interviewRef: 'i', audience: 'https://ats.acme.example' }, as(h.apiKey))).json.error?.code).toBe('audience_not_allowed');
    expect((await h.api('GET', `/v1/sessions/${session.json.id}`, undefined, as(h.apiKey))).json.error?.code).toBe('session_not_found');
    expect(integration.audiences).toEqual(['https://ats.acme.example']);
  });

  it('keeps audiences unique across integrations, refuses the reserved ones, and takes only real origins', async () => {
    const h = await createHarness();
    await newIntegration(h);
    const taken = await h.api('POST', '/v1/admin/integrations', { name: 'Copycat', audiences: ['https://ats.acme.example'] }, admin(h));
    expect([taken.status, taken.json.error?.code, taken.json.error?.details]).toEqual([409, 'audience_taken', { audiences: ['https://ats.acme.example'] }]);
    expect((await h.api('POST', '/v1/admin/integrations', { name: 'Sneaky', audiences: ['liveproof:client'] }, admin(h))).json.error?.code).toBe('invalid_request');
    for (const origin of ['*', 'https://careers.example.com/jobs', 'javascript:alert(1)', 'careers.example.com']) {
      const refused = await h.api('POST', '/v1/admin/integrations', { name: 'Origins', audiences: ['o'], origins: [origin] }, admin(h));
      expect(refused.json.error?.code, origin).toBe('invalid_request');
    }
  });

  it('rotates an API key: the new one works now, the old one until the overlap ends', async () => {
    const h = await createHarness();
    const { integration, apiKey: first } = await newIntegration(h);
    const rotated = await h.api('POST', `/v1/admin/integrations/${integration.id}/api-keys/rotate`, { overlapSeconds: 3600 }, admin(h));
    expect(rotated.status).toBe(201);
    const second = rotated.json.apiKey as string;
    expect(await works(h, first)).toBe(true);
    expect(await works(h, second)).toBe(true);
    h.clock.advance(3600_000);
    expect(await works(h, first)).toBe(false);
    expect(await works(h, second)).toBe(true);
    const keys = (await h.api('GET', `/v1/admin/integrations/${integration.id}`, undefined, admin(h))).json.apiKeys as { active: boolean; hint: string }[];
    expect(keys.map((k) => [k.hint, k.active]).sort()).toEqual([[`…${first.slice(-4)}`, false], [`…${second.slice(-4)}`, true]].sort());
  });

  it('revokes a key at once, and holds at most two working keys', async () => {
    const h = await createHarness();
    const { integration, apiKey: first } = await newIntegration(h);
    const added = await h.api('POST', `/v1/admin/integrations/${integration.id}/api-keys`, { label: 'ci' }, admin(h));
    expect(added.status).toBe(201);
    const third = await h.api('POST', `/v1/admin/integrations/${integration.id}/api-keys`, {}, admin(h));
    expect([third.status, third.json.error?.code]).toEqual([409, 'key_limit_reached']);
    const keys = (await h.api('GET', `/v1/admin/integrations/${integration.id}`, undefined, admin(h))).json.apiKeys as { id: string; hint: string }[];
    const firstKey = keys.find((k) => k.hint === `…${first.slice(-4)}`)!;
    expect((await h.api('POST', `/v1/admin/integrations/${integration.id}/api-keys/${firstKey.id}/revoke`, undefined, admin(h))).status).toBe(200);
    expect(await works(h, first)).toBe(false);
    expect(await works(h, added.json.apiKey as string)).toBe(true);
    expect((await h.api('POST', `/v1/admin/integrations/${integration.id}/api-keys/key_nope/revoke`, undefined, admin(h))).json.error?.code).toBe('api_key_not_found');
  });

  it('changes embedding origins, and CORS follows at once', async () => {
    const h = await createHarness();
    const { integration } = await newIntegration(h);
    const preflight = async (origin: string) =>
      (await h.app.request('/v1/sessions/x/attempts', { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } })).headers.get('access-control-allow-origin');
    expect(await preflight('https://careers.acme.example')).toBe('https://careers.acme.example');
    expect(await preflight('https://jobs.acme.example')).toBeNull();
    const updated = await h.api('PATCH', `/v1/admin/integrations/${integration.id}`, { origins: ['https://jobs.acme.example'], lightOptOutPolicy: 'reject' }, admin(h));
    expect(updated.json.integration).toMatchObject({ origins: ['https://jobs.acme.example'], lightOptOutPolicy: 'reject' });
    expect(await preflight('https://jobs.acme.example')).toBe('https://jobs.acme.example');
    expect(await preflight('https://careers.acme.example')).toBeNull();
  });

  it("registers an integration's webhooks, reports signing keys and rotates them, and lists counted refusals", async () => {
    const h = await createHarness({}, { app: { lookup: async () => [{ address: '93.184.215.14', family: 4 }] } });
    const { integration } = await newIntegration(h);
    const hook = await h.api('POST', `/v1/admin/integrations/${integration.id}/webhooks`, { url: 'https://hooks.acme.example/x' }, admin(h));
    expect([hook.status, hook.json.secret]).toEqual([201, expect.stringMatching(/^whsec_/)]);
    const off = await h.api('POST', `/v1/admin/integrations/${integration.id}/webhooks/${hook.json.id}/state`, { enabled: false }, admin(h));
    expect(off.json).toMatchObject({ enabled: false, disabledReason: expect.stringContaining('disabled by admin') });

    const before = (await h.api('GET', '/v1/admin/signing-keys', undefined, admin(h))).json.keys as { state: string }[];
    expect(before.map((k) => k.state)).toEqual(['signing']);
    expect((await h.api('POST', '/v1/admin/signing-keys/rotate', {}, admin(h))).status).toBe(201);
    const after = (await h.api('GET', '/v1/admin/signing-keys', undefined, admin(h))).json.keys as { state: string }[];
    expect(after.map((k) => k.state)).toEqual(['upcoming', 'signing']);

    for (let i = 0; i < 5; i++) await h.api('GET', '/v1/sessions', undefined, as('lp_wrong'));
    const refusals = (await h.api('GET', '/v1/admin/refusals', undefined, admin(h))).json.refusals as { route: string; code: string; count: number }[];
    expect(refusals).toContainEqual(expect.objectContaining({ route: 'hiring', code: 'unauthorized', count: 5 }));
    // Every change is in the audit log, with who made it.
    const audit = await h.store.listEvents({ integrationId: integration.id });
    expect(audit.map((e) => e.type)).toEqual(expect.arrayContaining(['admin.integration_created', 'webhook_endpoint_created', 'webhook_endpoint_disabled']));
  });

  it('creates and revokes admin keys, but not the one in use', async () => {
    const h = await createHarness();
    const created = await h.api('POST', '/v1/admin/admin-keys', { label: 'second' }, admin(h));
    const second = created.json.key as string;
    expect((await h.api('GET', '/v1/admin/integrations', undefined, as(second))).status).toBe(200);
    const mine = ((await h.api('GET', '/v1/admin/admin-keys', undefined, admin(h))).json.adminKeys as { id: string; label: string }[]).find((k) => k.label === 'test')!;
    expect((await h.api('POST', `/v1/admin/admin-keys/${mine.id}/revoke`, undefined, admin(h))).json.error?.code).toBe('forbidden');
    expect((await h.api('POST', `/v1/admin/admin-keys/${mine.id}/revoke`, undefined, as(second))).status).toBe(200);
    expect((await h.api('GET', '/v1/admin/integrations', undefined, admin(h))).json.error?.code).toBe('unauthorized');
  });
});
