/**
 * The server's signing keys (ES256), kept in the store so that every instance signs with, and
 * publishes, the same keys; their private parts sealed with the key-encryption key.
 *
 * Rotation never surprises a verifier: a new key is published in the JWKS `prepublishMs` before it
 * signs (verifiers that cache the JWKS have it by then), the newest active key signs, and a key
 * that stopped signing stays published until every token it signed has expired. Rotation happens
 * on a schedule (`rotateEveryMs`) and on command (`rotate()`; `immediately` for a key thought
 * compromised, which stops it signing at once).
 */
import { createPrivateKey, type JsonWebKey as NodeJsonWebKey, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JSONWebKeySet, type JWK } from 'jose';
import { SIGNING_ALG } from '@liveproof/protocol';
import type { Clock } from '../clock.ts';
import type { SigningKeyRecord, Store } from '../store.ts';
import type { Sealer } from './sealing.ts';

export interface Signer {
  kid: string;
  /** Node's own key object: node:crypto signs ES256 several times faster than WebCrypto does (`tokens.ts`). */
  key: KeyObject;
}

export interface KeyStatus {
  kid: string;
  createdAt: number;
  activatesAt: number;
  /** When it stopped (or stops) signing: retired, or superseded by a newer active key. */
  signsUntil: number | null;
  /** Removed from the JWKS after this. */
  publishedUntil: number | null;
  state: 'upcoming' | 'signing' | 'retiring' | 'unpublished';
}

export interface KeyRing {
  /** The key that signs new tokens. */
  signer(): Promise<Signer>;
  /** Public keys to publish at /.well-known/jwks.json. */
  jwks(): Promise<JSONWebKeySet>;
  /** The public key for `kid`, if it is still published. */
  publicKey(kid: string): Promise<CryptoKey | undefined>;
  /**
   * Adds a key that signs after the pre-publication period; `immediately`: signs now, and the
   * previous keys stop signing (they stay published until their tokens expire). Returns the kid.
   */
  rotate(options?: { immediately?: boolean }): Promise<string>;
  /** Adds the next key when the schedule says so; returns its kid, or null when none was due. */
  rotateIfDue(): Promise<string | null>;
  status(): Promise<KeyStatus[]>;
}

export interface KeyRingOptions {
  store: Store;
  clock: Clock;
  sealer: Sealer;
  /** Longest lifetime of any token the server issues: how long a retired key stays published. */
  maxTokenTtlSeconds: number;
  /** How often a new key takes over (default 30 days). */
  rotateEveryMs?: number;
  /** How long a new key is published before it signs (default 24 hours). */
  prepublishMs?: number;
  /** How often to re-read keys from the store, so rotation on one instance reaches the others. */
  refreshMs?: number;
}

interface LoadedKey {
  record: SigningKeyRecord;
  privateKey: KeyObject;
  publicKey: CryptoKey;
}

const UNKNOWN_KID_RELOAD_MS = 5000;
const DAY_MS = 24 * 3600 * 1000;
const sealContext = (kid: string) => `signing-key:${kid}`;

/** Seals the private parts of keys stored before sealing existed. Returns how many. */
export async function sealLegacySigningKeys(store: Store, sealer: Sealer): Promise<number> {
  const legacy = await store.listLegacySigningKeys();
  for (const key of legacy) await store.updateSigningKey(key.kid, { privateSealed: await sealer.seal(JSON.stringify(key.privateJwk), sealContext(key.kid)) });
  return legacy.length;
}

/** Seals every key's private part again with the sealer's current KEK (after a KEK rotation). */
export async function rewrapSigningKeys(store: Store, sealer: Sealer): Promise<number> {
  let count = 0;
  for (const key of await store.listSigningKeys()) {
    if (sealer.sealedWith(key.privateSealed) === sealer.keyId) continue;
    const plaintext = await sealer.open(key.privateSealed, sealContext(key.kid));
    await store.updateSigningKey(key.kid, { privateSealed: await sealer.seal(plaintext, sealContext(key.kid)) });
    count++;
  }
  return count;
}

async function newKeyRecord(sealer: Sealer, now: number, activatesAt: number): Promise<SigningKeyRecord> {
  const { privateKey, publicKey } = await generateKeyPair(SIGNING_ALG, { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: SIGNING_ALG };
  return {
    kid,
    alg: SIGNING_ALG,
    publicJwk: { ...publicJwk, kid, alg: SIGNING_ALG, use: 'sig' },
    privateSealed: await sealer.seal(JSON.stringify(privateJwk), sealContext(kid)),
    createdAt: now,
    activatesAt,
    retiredAt: null,
  };
}

export async function createKeyRing(options: KeyRingOptions): Promise<KeyRing> {
  const { store, clock, sealer, maxTokenTtlSeconds } = options;
  const rotateEveryMs = options.rotateEveryMs ?? 30 * DAY_MS;
  const prepublishMs = options.prepublishMs ?? DAY_MS;
  const refreshMs = options.refreshMs ?? 60_000;
  let keys: LoadedKey[] = [];
  let loadedAt = -Infinity;

  async function load(): Promise<void> {
    const records = await store.listSigningKeys();
    const known = new Map(keys.map((k) => [k.record.kid, k]));
    keys = await Promise.all(
      records.map(async (record) => {
        const cached = known.get(record.kid);
        if (cached) return { ...cached, record };
        const privateJwk = JSON.parse(await sealer.open(record.privateSealed, sealContext(record.kid))) as JWK;
        return {
          record,
          privateKey: createPrivateKey({ key: privateJwk as NodeJsonWebKey, format: 'jwk' }),
          publicKey: (await importJWK(record.publicJwk as JWK, SIGNING_ALG)) as CryptoKey,
        };
      }),
    );
    // Newest activation first: the first active one signs.
    keys.sort((a, b) => b.record.activatesAt - a.record.activatesAt || b.record.createdAt - a.record.createdAt);
    loadedAt = clock.now();
  }

  async function fresh(): Promise<LoadedKey[]> {
    if (clock.now() - loadedAt > refreshMs) await load();
    return keys;
  }

  /** When each key stops signing: its retirement, or the activation of the next newer key. */
  function lifetimes(list: readonly LoadedKey[], now: number): KeyStatus[] {
    const statuses: KeyStatus[] = [];
    let supersededAt: number | null = null;
    let signerFound = false;
    for (const { record } of list) {
      const active = record.activatesAt <= now;
      const ends = [record.retiredAt, active ? supersededAt : null].filter((v): v is number => v !== null);
      const signsUntil = ends.length ? Math.min(...ends) : null;
      const publishedUntil = signsUntil === null ? null : signsUntil + maxTokenTtlSeconds * 1000;
      let state: KeyStatus['state'];
      if (!active) state = 'upcoming';
      else if (!signerFound && (signsUntil === null || signsUntil > now)) {
        state = 'signing';
        signerFound = true;
      } else state = publishedUntil !== null && publishedUntil <= now ? 'unpublished' : 'retiring';
      statuses.push({ kid: record.kid, createdAt: record.createdAt, activatesAt: record.activatesAt, signsUntil, publishedUntil, state });
      if (active && record.retiredAt === null) supersededAt = supersededAt === null ? record.activatesAt : Math.min(supersededAt, record.activatesAt);
    }
    return statuses;
  }

  const published = (status: KeyStatus) => status.state !== 'unpublished';

  async function active(): Promise<LoadedKey> {
    const list = await fresh();
    const now = clock.now();
    const signing = lifetimes(list, now).find((s) => s.state === 'signing');
    const current = signing && list.find((k) => k.record.kid === signing.kid);
    if (current) return current;
    // First start (or every key retired): a key that signs at once. Two instances racing here both
    // insert one; both stay published and the newest signs on every instance after the next refresh.
    await store.insertSigningKey(await newKeyRecord(sealer, now, now));
    await load();
    return active();
  }

  async function rotate(immediately: boolean): Promise<string> {
    const now = clock.now();
    const previous = (await fresh()).filter((k) => k.record.retiredAt === null && k.record.activatesAt <= now);
    const record = await newKeyRecord(sealer, now, immediately ? now : now + prepublishMs);
    await store.insertSigningKey(record);
    if (immediately) for (const key of previous) await store.updateSigningKey(key.record.kid, { retiredAt: now });
    await load();
    return record.kid;
  }

  await active();

  return {
    async signer() {
      const key = await active();
      return { kid: key.record.kid, key: key.privateKey };
    },
    async jwks() {
      const list = await fresh();
      const statuses = lifetimes(list, clock.now());
      return { keys: list.filter((_, i) => published(statuses[i]!)).map((k) => k.record.publicJwk as JWK) };
    },
    async publicKey(kid) {
      const now = clock.now();
      let list = await fresh();
      // Perhaps signed by a key another instance has just created: look again, but at most once
      // every few seconds, so tokens with made-up kids cannot turn into a stream of reads.
      if (!list.some((k) => k.record.kid === kid) && now - loadedAt > UNKNOWN_KID_RELOAD_MS) {
        await load();
        list = keys;
      }
      const index = list.findIndex((k) => k.record.kid === kid);
      if (index < 0) return undefined;
      const status = lifetimes(list, now)[index]!;
      // An upcoming key verifies nothing yet: nothing it signed can be genuine.
      return status.state === 'signing' || status.state === 'retiring' ? list[index]!.publicKey : undefined;
    },
    rotate: (opts = {}) => rotate(opts.immediately === true),
    async rotateIfDue() {
      const list = await fresh();
      const now = clock.now();
      if (list.some((k) => k.record.activatesAt > now)) return null;
      const signing = lifetimes(list, now).find((s) => s.state === 'signing');
      if (signing && signing.activatesAt + rotateEveryMs - prepublishMs > now) return null;
      return rotate(false);
    },
    async status() {
      return lifetimes(await fresh(), clock.now());
    },
  };
}
