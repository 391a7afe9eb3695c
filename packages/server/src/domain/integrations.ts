/**
 * Administering integrations: creating them, their API keys (added, rotated with an overlap,
 * revoked at once), their audiences (unique across integrations), embedding origins, policies (per
 * risk signal too) and
 * reference-image retention, and the administrators' own credentials. The admin API and the
 * `liveproof admin` command both call these; neither writes a rule of its own.
 */
import { HIGH_ASSURANCE_POLICIES, LiveproofError, MOTION_CHALLENGE_IDS, type ChallengeId, type HighAssurancePolicy } from '@liveproof/protocol';
import { base64url, sha256Hex } from '../encoding.ts';
import { normaliseOrigin } from '../http/origins.ts';
import { cryptoRandom, newId, type RandomSource } from '../random.ts';
import { PROFILE_TURN_POLICIES, type AdminKeyRecord, type ApiKeyRecord, type IntegrationPatch, type IntegrationPurpose, type IntegrationRecord, type Policy, type ProfileTurnPolicy, type SignalPolicy, type Store } from '../store.ts';
import { LINK_SIGNALS } from './links.ts';
import { POLICY_SIGNALS } from './signals.ts';

/** API keys an integration may hold at once: the current one and, during a rotation, the next. */
export const MAX_ACTIVE_API_KEYS = 2;
/** How long the old key keeps working after a rotation, unless told otherwise. */
export const DEFAULT_ROTATION_OVERLAP_MS = 24 * 3600 * 1000;

const AUDIENCE = /^[\x21-\x7e]{1,200}$/;

export interface IntegrationSettings {
  name: string;
  audiences: string[];
  origins?: string[];
  virtualCameraPolicy?: Policy;
  lightOptOutPolicy?: Policy;
  /** Per signal: record, flag or reject; merged into the current ones on update (null removes one). */
  signalPolicies?: Record<string, SignalPolicy | null>;
  referenceImageDays?: number | null;
  highAssurance?: HighAssurancePolicy;
  frameEvidenceDays?: number | null;
  excludedChallenges?: ChallengeId[];
  profileTurn?: ProfileTurnPolicy;
  faceMatchDays?: number | null;
  purpose?: IntegrationPurpose | null;
}

/** Movements a plan must still be able to draw from: a check of three plus the opt-out's extra one. */
export const MIN_MOVEMENTS = 4;

/** The challenges an integration leaves out: movements only, and enough left for any plan. */
export function checkExcludedChallenges(excluded: readonly string[]): ChallengeId[] {
  const clean = [...new Set(excluded)];
  for (const id of clean) {
    if (!(MOTION_CHALLENGE_IDS as readonly string[]).includes(id)) {
      throw new LiveproofError('invalid_request', `"${id}" is not a movement challenge that can be left out (known: ${MOTION_CHALLENGE_IDS.join(', ')}).`, { details: { challenge: id } });
    }
  }
  if (MOTION_CHALLENGE_IDS.length - clean.length < MIN_MOVEMENTS) {
    throw new LiveproofError('invalid_request', `At least ${MIN_MOVEMENTS} movement challenges must stay, so plans remain unpredictable.`, { details: { excluded: clean } });
  }
  return clean as ChallengeId[];
}

/** `value` if it is one of `choices`; `invalid_request` naming them otherwise. */
function checkChoice<T extends string>(value: string, choices: readonly T[], what: string): T {
  if (!(choices as readonly string[]).includes(value)) throw new LiveproofError('invalid_request', `${what} is ${choices.join(', ')} (got "${value}").`);
  return value as T;
}

const checkHighAssurance = (policy: string): HighAssurancePolicy => checkChoice(policy, HIGH_ASSURANCE_POLICIES, 'High assurance');
const checkProfileTurn = (policy: string): ProfileTurnPolicy => checkChoice(policy, PROFILE_TURN_POLICIES, 'The profile turn');

/** Checks a change of signal policies and merges it into `current`. */
export function mergeSignalPolicies(current: Record<string, SignalPolicy>, change: Record<string, SignalPolicy | null>): Record<string, SignalPolicy> {
  const merged = { ...current };
  for (const [signal, policy] of Object.entries(change)) {
    if (!(POLICY_SIGNALS as string[]).includes(signal)) {
      throw new LiveproofError('invalid_request', `"${signal}" is not a risk signal (known: ${POLICY_SIGNALS.join(', ')}).`, { details: { signal } });
    }
    const link = LINK_SIGNALS.includes(signal);
    if (policy !== null && !(link ? ['off', 'record', 'flag'] : ['record', 'flag', 'reject']).includes(policy)) {
      // A link never fails a check on its own: shared offices and carrier NAT make honest ones common.
      const allowed = link ? 'off, record or flag (a link never rejects a check)' : 'record, flag or reject';
      throw new LiveproofError('invalid_request', `The policy of "${signal}" must be ${allowed}.`, { details: { signal, policy } });
    }
    if (policy === null) delete merged[signal];
    else merged[signal] = policy;
  }
  return merged;
}

export function checkAudiences(audiences: readonly string[]): string[] {
  const clean = [...new Set(audiences.map((a) => a.trim()))];
  for (const audience of clean) {
    if (!AUDIENCE.test(audience)) throw new LiveproofError('invalid_request', `Audience "${audience}" must be 1 to 200 printable characters without spaces.`);
    if (audience.toLowerCase().startsWith('liveproof:')) throw new LiveproofError('invalid_request', `Audiences starting with "liveproof:" are reserved for the server's own tokens.`);
  }
  return clean;
}

/** Embedding origins as browsers send them; `*` only for the development integration. */
export function checkOrigins(origins: readonly string[], purpose: IntegrationPurpose | null): string[] {
  const clean = new Set<string>();
  for (const value of origins) {
    const origin = normaliseOrigin(value.trim());
    if (!origin) throw new LiveproofError('invalid_request', `"${value}" is not an origin (scheme, host and optional port, e.g. https://careers.example.com).`);
    if (origin === '*' && purpose !== 'development') throw new LiveproofError('invalid_request', 'Only the development integration may accept any origin (*); list the pages that embed the check.');
    clean.add(origin);
  }
  return [...clean];
}

function checkRetention(days: number | null | undefined, what = 'Reference images'): number | null {
  if (days === null || days === undefined) return null;
  if (!Number.isInteger(days) || days < 1 || days > 365) throw new LiveproofError('invalid_request', `${what} are kept for 1 to 365 days (or null for none).`);
  return days;
}

function newSecret(prefix: string, random: RandomSource): string {
  return `${prefix}_${base64url(random(32))}`;
}

function taken(audiences: string[]): LiveproofError {
  return new LiveproofError('audience_taken', `These audiences belong to another integration: ${audiences.join(', ')}.`, { details: { audiences } });
}

/**
 * Creates an integration and its first API key, which is returned once and never stored
 * (`apiKey: null`: none, for an integration only the server itself uses, like the demo's).
 */
export async function createIntegration(
  store: Store,
  settings: IntegrationSettings,
  options: { now?: number; apiKey?: string | null; random?: RandomSource } = {},
): Promise<{ integration: IntegrationRecord; apiKey: string }> {
  const random = options.random ?? cryptoRandom;
  const now = options.now ?? Date.now();
  const purpose = settings.purpose ?? null;
  const audiences = checkAudiences(settings.audiences);
  const record = {
    id: newId('int', random),
    name: settings.name.trim().slice(0, 200) || 'Integration',
    purpose,
    origins: checkOrigins(settings.origins ?? [], purpose),
    virtualCameraPolicy: settings.virtualCameraPolicy ?? 'flag',
    lightOptOutPolicy: settings.lightOptOutPolicy ?? 'flag',
    signalPolicies: mergeSignalPolicies({}, settings.signalPolicies ?? {}),
    referenceImageDays: checkRetention(settings.referenceImageDays),
    highAssurance: checkHighAssurance(settings.highAssurance ?? 'off'),
    frameEvidenceDays: checkRetention(settings.frameEvidenceDays, 'High-assurance crops'),
    excludedChallenges: checkExcludedChallenges(settings.excludedChallenges ?? []),
    profileTurn: checkProfileTurn(settings.profileTurn ?? 'off'),
    faceMatchDays: checkRetention(settings.faceMatchDays, 'Faces for the cross-candidate match'),
    createdAt: now,
    updatedAt: now,
  } satisfies Omit<IntegrationRecord, 'audiences'>;
  const result = await store.insertIntegration(record, audiences);
  if (result.taken.length) throw taken(result.taken);
  if (options.apiKey === null) return { integration: { ...record, audiences }, apiKey: '' };
  const { apiKey } = await addApiKey(store, record.id, { label: 'first key', now, random, ...(options.apiKey ? { apiKey: options.apiKey } : {}) });
  return { integration: { ...record, audiences }, apiKey };
}

/** Changes an integration's settings; audiences are replaced as a whole. */
export async function updateIntegration(
  store: Store,
  integration: IntegrationRecord,
  change: Partial<Omit<IntegrationSettings, 'purpose'>>,
  now: number,
): Promise<IntegrationRecord> {
  if (change.audiences !== undefined) {
    const result = await store.setAudiences(integration.id, checkAudiences(change.audiences), now);
    if (result.taken.length) throw taken(result.taken);
  }
  const patch: IntegrationPatch = {};
  if (change.name !== undefined) patch.name = change.name.trim().slice(0, 200) || integration.name;
  if (change.origins !== undefined) patch.origins = checkOrigins(change.origins, integration.purpose);
  if (change.virtualCameraPolicy !== undefined) patch.virtualCameraPolicy = change.virtualCameraPolicy;
  if (change.lightOptOutPolicy !== undefined) patch.lightOptOutPolicy = change.lightOptOutPolicy;
  if (change.signalPolicies !== undefined) patch.signalPolicies = mergeSignalPolicies(integration.signalPolicies, change.signalPolicies);
  if (change.referenceImageDays !== undefined) patch.referenceImageDays = checkRetention(change.referenceImageDays);
  if (change.highAssurance !== undefined) patch.highAssurance = checkHighAssurance(change.highAssurance);
  if (change.frameEvidenceDays !== undefined) patch.frameEvidenceDays = checkRetention(change.frameEvidenceDays, 'High-assurance crops');
  if (change.excludedChallenges !== undefined) patch.excludedChallenges = checkExcludedChallenges(change.excludedChallenges);
  if (change.profileTurn !== undefined) patch.profileTurn = checkProfileTurn(change.profileTurn);
  if (change.faceMatchDays !== undefined) patch.faceMatchDays = checkRetention(change.faceMatchDays, 'Faces for the cross-candidate match');
  const updated = await store.updateIntegration(integration.id, patch, now);
  if (!updated) throw new LiveproofError('integration_not_found', `No integration ${integration.id}.`);
  // The match turned off: the faces it kept go at once, not when their days run out.
  if (patch.faceMatchDays === null && integration.faceMatchDays !== null) await store.deleteIntegrationFaces(integration.id);
  return updated;
}

const isActive = (key: ApiKeyRecord, now: number) => key.revokedAt === null && (key.expiresAt === null || key.expiresAt > now);

/** Adds an API key, if the integration holds fewer than `MAX_ACTIVE_API_KEYS` working ones. */
export async function addApiKey(
  store: Store,
  integrationId: string,
  options: { label?: string; now: number; random?: RandomSource; apiKey?: string },
): Promise<{ key: ApiKeyRecord; apiKey: string }> {
  const active = (await store.listApiKeys(integrationId)).filter((k) => isActive(k, options.now));
  if (active.length >= MAX_ACTIVE_API_KEYS) {
    throw new LiveproofError('key_limit_reached', `An integration holds at most ${MAX_ACTIVE_API_KEYS} working API keys; revoke one, or rotate.`);
  }
  const random = options.random ?? cryptoRandom;
  const apiKey = options.apiKey ?? newSecret('lp', random);
  const key: ApiKeyRecord = {
    id: newId('key', random),
    integrationId,
    hash: sha256Hex(apiKey),
    hint: apiKey.slice(-4),
    label: (options.label ?? '').slice(0, 100),
    createdAt: options.now,
    expiresAt: null,
    revokedAt: null,
  };
  await store.insertApiKey(key);
  return { key, apiKey };
}

/**
 * Rotation: a new key now, and the integration's other working keys stop after `overlapMs`, so
 * the hiring system can deploy the new one without downtime.
 */
export async function rotateApiKey(
  store: Store,
  integrationId: string,
  options: { now: number; overlapMs?: number; label?: string; random?: RandomSource },
): Promise<{ key: ApiKeyRecord; apiKey: string; expiring: ApiKeyRecord[] }> {
  const overlapMs = options.overlapMs ?? DEFAULT_ROTATION_OVERLAP_MS;
  const until = options.now + overlapMs;
  const active = (await store.listApiKeys(integrationId)).filter((k) => isActive(k, options.now));
  // The oldest working keys end first; what is left fits beside the new key.
  for (const key of active.slice(0, Math.max(0, active.length - MAX_ACTIVE_API_KEYS + 1))) await store.updateApiKey(integrationId, key.id, { revokedAt: options.now });
  const kept = active.slice(Math.max(0, active.length - MAX_ACTIVE_API_KEYS + 1));
  for (const key of kept) if (key.expiresAt === null || key.expiresAt > until) await store.updateApiKey(integrationId, key.id, { expiresAt: until });
  const added = await addApiKey(store, integrationId, { now: options.now, label: options.label ?? 'rotated', ...(options.random ? { random: options.random } : {}) });
  const expiring = (await store.listApiKeys(integrationId)).filter((k) => kept.some((old) => old.id === k.id));
  return { ...added, expiring };
}

export async function revokeApiKey(store: Store, integrationId: string, keyId: string, now: number): Promise<void> {
  if (!(await store.updateApiKey(integrationId, keyId, { revokedAt: now }))) throw new LiveproofError('api_key_not_found', `No API key ${keyId}.`);
}

/** The integration a presented API key belongs to, if the key works now. */
export async function integrationForApiKey(store: Store, key: string, now: number): Promise<IntegrationRecord | null> {
  return (await store.findApiKey(sha256Hex(key), now))?.integration ?? null;
}

export async function createAdminKey(store: Store, options: { label?: string; now: number; random?: RandomSource; key?: string }): Promise<{ record: AdminKeyRecord; key: string }> {
  const random = options.random ?? cryptoRandom;
  const key = options.key ?? newSecret('lpadm', random);
  const record: AdminKeyRecord = { id: newId('adm', random), hash: sha256Hex(key), hint: key.slice(-4), label: (options.label ?? '').slice(0, 100), createdAt: options.now, revokedAt: null };
  await store.insertAdminKey(record);
  return { record, key };
}

export async function adminForKey(store: Store, key: string): Promise<AdminKeyRecord | null> {
  return store.findAdminKey(sha256Hex(key));
}

export const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function integrationView(integration: IntegrationRecord) {
  return {
    id: integration.id,
    name: integration.name,
    purpose: integration.purpose,
    audiences: integration.audiences,
    origins: integration.origins,
    virtualCameraPolicy: integration.virtualCameraPolicy,
    lightOptOutPolicy: integration.lightOptOutPolicy,
    signalPolicies: integration.signalPolicies,
    referenceImageDays: integration.referenceImageDays,
    highAssurance: integration.highAssurance,
    frameEvidenceDays: integration.frameEvidenceDays,
    excludedChallenges: integration.excludedChallenges,
    profileTurn: integration.profileTurn,
    faceMatchDays: integration.faceMatchDays,
    createdAt: iso(integration.createdAt),
    updatedAt: iso(integration.updatedAt),
  };
}

export function apiKeyView(key: ApiKeyRecord, now: number) {
  return {
    id: key.id,
    hint: `…${key.hint}`,
    label: key.label,
    createdAt: iso(key.createdAt),
    expiresAt: iso(key.expiresAt),
    revokedAt: iso(key.revokedAt),
    active: isActive(key, now),
  };
}
