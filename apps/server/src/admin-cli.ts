/**
 * `liveproof admin …`: administering a deployment from its own machine, on its database directly
 * (the same DATABASE_URL or data directory, and the same LIVEPROOF_KEK, as the server). Remote
 * administration uses the admin API (`/v1/admin/*`) with an admin key this command creates.
 * Every command prints what it did in plain lines, or JSON with --json.
 */
import { parseArgs } from 'node:util';
import { LiveproofError, type ChallengeId, type HighAssurancePolicy } from '@liveproof/protocol';
import {
  addApiKey,
  apiKeyView,
  createAdminKey,
  createIntegration,
  integrationView,
  purgeExpired,
  revokeApiKey,
  rewrapSigningKeys,
  rewrapWebhookSecrets,
  rotateApiKey,
  updateIntegration,
  type Deps,
  type Policy,
  type ProfileTurnPolicy,
  type SignalPolicy,
} from '@liveproof/server';
import { createEndpoint, deleteEndpoint, endpointView, setEndpointEnabled } from '@liveproof/server';
import { openRuntime } from './runtime.ts';
import type { Settings } from './settings.ts';

export const ADMIN_USAGE = `liveproof admin <command>

  integrations list
  integrations show <integration>
  integrations create --name N --audience A [--audience B…] [--origin https://site…]
                      [--virtual-camera flag|reject] [--light-opt-out flag|reject] [--reference-image-days N]
                      [--high-assurance off|on|required] [--frame-evidence-days N|none] [--exclude blink --exclude smile…|none]
                      [--profile-turn off|on] [--face-match-days N|none]
                      [--signal datacenter_ip=reject --signal timezone_mismatch=record…]  (record|flag|reject|default)
  integrations update <integration> [the same options; --audience and --origin replace the lists]
  keys add <integration> [--label L]              a new API key (at most two work at once)
  keys rotate <integration> [--overlap-hours H]   a new key now; the old one stops after H hours (default 24)
  keys revoke <integration> <key>                 stops working at once
  webhooks list <integration>
  webhooks add <integration> --url https://… [--event attempt.completed…]
  webhooks enable|disable|remove <integration> <endpoint>
  admin-keys create [--label L] | list | revoke <id>
  signing-keys status
  signing-keys rotate [--immediately]             published now, signing after a day (--immediately: now)
  rewrap                                          seal every secret again with the current LIVEPROOF_KEK
  purge                                           delete what is past its retention period now

Add --json for JSON output. The command uses the server's own settings (DATABASE_URL or
LIVEPROOF_DATA_DIR, LIVEPROOF_KEK).`;

/** `--signal name=policy`, repeated; `default` removes the integration's own setting. */
function signalPolicies(entries: readonly string[]): Record<string, SignalPolicy | null> {
  const policies: Record<string, SignalPolicy | null> = {};
  for (const entry of entries) {
    const [name, value] = entry.split('=');
    if (!name || !value || !['off', 'record', 'flag', 'reject', 'default'].includes(value)) {
      throw new LiveproofError('invalid_request', `--signal takes name=off|record|flag|reject|default (got ${JSON.stringify(entry)}).`);
    }
    policies[name] = value === 'default' ? null : (value as SignalPolicy);
  }
  return policies;
}

const OPTIONS = {
  name: { type: 'string' },
  audience: { type: 'string', multiple: true },
  origin: { type: 'string', multiple: true },
  'virtual-camera': { type: 'string' },
  'light-opt-out': { type: 'string' },
  'reference-image-days': { type: 'string' },
  'high-assurance': { type: 'string' },
  'frame-evidence-days': { type: 'string' },
  exclude: { type: 'string', multiple: true },
  'profile-turn': { type: 'string' },
  'face-match-days': { type: 'string' },
  signal: { type: 'string', multiple: true },
  label: { type: 'string' },
  'overlap-hours': { type: 'string' },
  url: { type: 'string' },
  event: { type: 'string', multiple: true },
  immediately: { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

const policy = (value: string | undefined, flag: string): Policy | undefined => {
  if (value === undefined) return undefined;
  if (value !== 'flag' && value !== 'reject') throw new LiveproofError('invalid_request', `--${flag} must be flag or reject.`);
  return value;
};

export async function runAdmin(argv: string[], settings: Settings, out: (line: string) => void = console.log): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  const [group, verb, ...rest] = positionals;
  if (!group || group === 'help') {
    out(ADMIN_USAGE);
    return group ? 0 : 2;
  }
  const runtime = await openRuntime(settings, settings.publicUrl ?? `http://localhost:${settings.port}`);
  const deps: Deps = runtime.live.deps;
  const now = Date.now();
  const print = (human: string | string[], json: unknown) => out(values.json ? JSON.stringify(json, null, 2) : Array.isArray(human) ? human.join('\n') : human);
  const integrationArg = async () => {
    const id = rest[0];
    const integration = id ? await deps.store.getIntegration(id) : null;
    if (!integration) throw new LiveproofError('integration_not_found', `No integration ${id ?? '(missing)'}: see \`liveproof admin integrations list\`.`);
    return integration;
  };
  const settingsFromFlags = () => ({
    ...(values.name ? { name: values.name } : {}),
    ...(values.audience ? { audiences: values.audience } : {}),
    ...(values.origin ? { origins: values.origin } : {}),
    ...(values['virtual-camera'] ? { virtualCameraPolicy: policy(values['virtual-camera'], 'virtual-camera')! } : {}),
    ...(values['light-opt-out'] ? { lightOptOutPolicy: policy(values['light-opt-out'], 'light-opt-out')! } : {}),
    ...(values.signal?.length ? { signalPolicies: signalPolicies(values.signal) } : {}),
    ...(values['reference-image-days'] !== undefined
      ? { referenceImageDays: values['reference-image-days'] === 'none' ? null : Number(values['reference-image-days']) }
      : {}),
    ...(values['high-assurance'] !== undefined ? { highAssurance: values['high-assurance'] as HighAssurancePolicy } : {}),
    ...(values['frame-evidence-days'] !== undefined
      ? { frameEvidenceDays: values['frame-evidence-days'] === 'none' ? null : Number(values['frame-evidence-days']) }
      : {}),
    // `--exclude none` clears the list; otherwise each --exclude names a challenge left out.
    ...(values.exclude ? { excludedChallenges: values.exclude.filter((c) => c !== 'none') as ChallengeId[] } : {}),
    ...(values['profile-turn'] !== undefined ? { profileTurn: values['profile-turn'] as ProfileTurnPolicy } : {}),
    ...(values['face-match-days'] !== undefined ? { faceMatchDays: values['face-match-days'] === 'none' ? null : Number(values['face-match-days']) } : {}),
  });

  try {
    switch (`${group} ${verb ?? ''}`.trim()) {
      case 'integrations list': {
        const all = (await deps.store.listIntegrations()).map(integrationView);
        print(all.map((i) => `${i.id}  ${i.name}${i.purpose ? ` (${i.purpose})` : ''}  audiences: ${i.audiences.join(', ')}  origins: ${i.origins.join(', ') || 'none'}`), all);
        break;
      }
      case 'integrations show': {
        const integration = await integrationArg();
        const keys = (await deps.store.listApiKeys(integration.id)).map((k) => apiKeyView(k, now));
        const hooks = (await deps.store.listWebhookEndpoints(integration.id)).map(endpointView);
        print(
          [
            JSON.stringify(integrationView(integration), null, 2),
            'API keys:',
            ...keys.map((k) => `  ${k.id} ${k.hint} ${k.active ? 'working' : 'not working'}${k.expiresAt ? ` until ${k.expiresAt}` : ''}${k.revokedAt ? ` revoked ${k.revokedAt}` : ''}`),
            'Webhooks:',
            ...hooks.map((h) => `  ${h.id} ${h.url} ${h.enabled ? 'enabled' : `disabled (${h.disabledReason})`}`),
          ],
          { integration: integrationView(integration), apiKeys: keys, webhooks: hooks },
        );
        break;
      }
      case 'integrations create': {
        const flags = settingsFromFlags();
        if (!flags.name || !flags.audiences) throw new LiveproofError('invalid_request', 'integrations create needs --name and at least one --audience.');
        const { integration, apiKey } = await createIntegration(deps.store, { ...flags, name: flags.name, audiences: flags.audiences }, { now });
        print([`Created ${integration.id} (${integration.name}).`, `API key (shown once, keep it in the hiring system's secrets): ${apiKey}`], { integration: integrationView(integration), apiKey });
        break;
      }
      case 'integrations update': {
        const updated = await updateIntegration(deps.store, await integrationArg(), settingsFromFlags(), now);
        print(`Updated ${updated.id}.`, { integration: integrationView(updated) });
        break;
      }
      case 'keys add': {
        const integration = await integrationArg();
        const { key, apiKey } = await addApiKey(deps.store, integration.id, { now, ...(values.label ? { label: values.label } : {}) });
        print([`Added ${key.id} to ${integration.id}.`, `API key (shown once): ${apiKey}`], { key: apiKeyView(key, now), apiKey });
        break;
      }
      case 'keys rotate': {
        const integration = await integrationArg();
        const hours = values['overlap-hours'] === undefined ? 24 : Number(values['overlap-hours']);
        if (!Number.isFinite(hours) || hours < 0) throw new LiveproofError('invalid_request', '--overlap-hours must be a number of hours.');
        const rotated = await rotateApiKey(deps.store, integration.id, { now, overlapMs: hours * 3600_000, ...(values.label ? { label: values.label } : {}) });
        print(
          [`New API key (shown once): ${rotated.apiKey}`, ...rotated.expiring.map((k) => `The previous key ${k.id} keeps working until ${new Date(k.expiresAt!).toISOString()}.`)],
          { key: apiKeyView(rotated.key, now), apiKey: rotated.apiKey, expiring: rotated.expiring.map((k) => apiKeyView(k, now)) },
        );
        break;
      }
      case 'keys revoke': {
        const integration = await integrationArg();
        await revokeApiKey(deps.store, integration.id, rest[1] ?? '', now);
        print(`Revoked ${rest[1]}: it stops working at once.`, { revoked: rest[1] });
        break;
      }
      case 'webhooks list': {
        const hooks = (await deps.store.listWebhookEndpoints((await integrationArg()).id)).map(endpointView);
        print(hooks.map((h) => `${h.id} ${h.url} ${h.events.join(',')} ${h.enabled ? 'enabled' : `disabled (${h.disabledReason})`}`), hooks);
        break;
      }
      case 'webhooks add': {
        if (!values.url) throw new LiveproofError('invalid_request', 'webhooks add needs --url.');
        const created = await createEndpoint(deps, await integrationArg(), { url: values.url, ...(values.event ? { events: values.event as never } : {}) });
        print([`Added ${created.id}.`, `Signing secret (shown once): ${created.secret}`], created);
        break;
      }
      case 'webhooks enable':
      case 'webhooks disable': {
        const view = await setEndpointEnabled(deps, await integrationArg(), rest[1] ?? '', verb === 'enable', 'an administrator');
        print(`${view.id} is ${view.enabled ? 'enabled' : 'disabled'}.`, view);
        break;
      }
      case 'webhooks remove': {
        await deleteEndpoint(deps, await integrationArg(), rest[1] ?? '');
        print(`Removed ${rest[1]}.`, { removed: rest[1] });
        break;
      }
      case 'admin-keys create': {
        const { record, key } = await createAdminKey(deps.store, { now, ...(values.label ? { label: values.label } : {}) });
        print([`Created admin key ${record.id}.`, `Admin key (shown once): ${key}`], { id: record.id, key });
        break;
      }
      case 'admin-keys list': {
        const keys = await deps.store.listAdminKeys();
        print(keys.map((k) => `${k.id} …${k.hint} ${k.label}${k.revokedAt ? ' (revoked)' : ''}`), keys.map(({ hash: _hash, ...k }) => k));
        break;
      }
      case 'admin-keys revoke': {
        if (!(await deps.store.revokeAdminKey(rest[0] ?? '', now))) throw new LiveproofError('not_found', `No working admin key ${rest[0]}.`);
        print(`Revoked admin key ${rest[0]}.`, { revoked: rest[0] });
        break;
      }
      case 'signing-keys status': {
        const keys = await deps.keys.status();
        const iso = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString());
        print(keys.map((k) => `${k.kid}  ${k.state}  signs from ${iso(k.activatesAt)} until ${iso(k.signsUntil)}, published until ${iso(k.publishedUntil)}`), keys);
        break;
      }
      case 'signing-keys rotate': {
        const kid = await deps.keys.rotate({ immediately: values.immediately === true });
        print(values.immediately ? `${kid} signs from now; the previous keys stopped signing.` : `${kid} is published now and signs in 24 hours.`, { kid });
        break;
      }
      case 'rewrap': {
        const keys = await rewrapSigningKeys(deps.store, deps.sealer);
        const secrets = await rewrapWebhookSecrets(deps.store, deps.sealer);
        print(`Sealed again with the current key-encryption key: ${keys} signing keys, ${secrets} webhook secrets.`, { signingKeys: keys, webhookSecrets: secrets });
        break;
      }
      case 'purge': {
        const counts = await purgeExpired(deps);
        print(Object.entries(counts).map(([k, v]) => `${k}: ${v}`), counts);
        break;
      }
      default:
        out(ADMIN_USAGE);
        return 2;
    }
    return 0;
  } catch (error) {
    if (error instanceof LiveproofError) {
      out(`error ${error.code}: ${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    await runtime.live.close();
    await runtime.events.close();
    await runtime.store.close();
  }
}
