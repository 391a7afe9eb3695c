/**
 * The server's signing keys (ES256), kept in the store so that every instance signs with, and
 * publishes, the same keys. The newest unretired key signs; retired keys stay in the JWKS until
 * every token they signed has expired, then drop out.
 */
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JSONWebKeySet, type JWK } from 'jose';
import { SIGNING_ALG } from '@liveproof/protocol';
import type { Clock } from './clock.ts';
import type { SigningKeyRecord, Store } from './store.ts';

export interface Signer {
  kid: string;
  key: CryptoKey;
}

export interface KeyRing {
  /** The key that signs new tokens. */
  signer(): Promise<Signer>;
  /** Public keys to publish at /.well-known/jwks.json. */
  jwks(): Promise<JSONWebKeySet>;
  /** The public key for `kid`, if it is still published. */
  publicKey(kid: string): Promise<CryptoKey | undefined>;
  /** Starts signing with a fresh key; the previous one stays published. Returns the new kid. */
  rotate(): Promise<string>;
}

export interface KeyRingOptions {
  store: Store;
  clock: Clock;
  /** Longest lifetime of any token the server issues: how long a retired key stays published. */
  maxTokenTtlSeconds: number;
  /** How often to re-read keys from the store, so rotation on one instance reaches the others. */
  refreshMs?: number;
}

interface LoadedKey {
  record: SigningKeyRecord;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
}

const UNKNOWN_KID_RELOAD_MS = 5000;

async function newKeyRecord(now: number): Promise<SigningKeyRecord> {
  const { privateKey, publicKey } = await generateKeyPair(SIGNING_ALG, { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  return {
    kid,
    alg: SIGNING_ALG,
    publicJwk: { ...publicJwk, kid, alg: SIGNING_ALG, use: 'sig' },
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg: SIGNING_ALG },
    createdAt: now,
    retiredAt: null,
  };
}

export async function createKeyRing(options: KeyRingOptions): Promise<KeyRing> {
  const { store, clock, maxTokenTtlSeconds, refreshMs = 60_000 } = options;
  let keys: LoadedKey[] = [];
  let loadedAt = -Infinity;

  const isPublished = (record: SigningKeyRecord, now: number) =>
    record.retiredAt === null || record.retiredAt + maxTokenTtlSeconds * 1000 > now;

  async function load(): Promise<void> {
    const records = await store.listSigningKeys();
    const known = new Map(keys.map((k) => [k.record.kid, k]));
    keys = await Promise.all(
      records.map(async (record) => {
        const cached = known.get(record.kid);
        if (cached) return { ...cached, record };
        return {
          record,
          privateKey: (await importJWK(record.privateJwk as JWK, SIGNING_ALG)) as CryptoKey,
          publicKey: (await importJWK(record.publicJwk as JWK, SIGNING_ALG)) as CryptoKey,
        };
      }),
    );
    loadedAt = clock.now();
  }

  async function fresh(): Promise<LoadedKey[]> {
    if (clock.now() - loadedAt > refreshMs) await load();
    return keys;
  }

  async function active(): Promise<LoadedKey> {
    const current = (await fresh()).find((k) => k.record.retiredAt === null);
    if (current) return current;
    // First start: create a key. Two instances racing here both insert one; both stay published
    // and the newest signs on every instance after the next refresh.
    await store.insertSigningKey(await newKeyRecord(clock.now()));
    await load();
    return keys.find((k) => k.record.retiredAt === null)!;
  }

  await active();

  return {
    async signer() {
      const key = await active();
      return { kid: key.record.kid, key: key.privateKey };
    },
    async jwks() {
      const now = clock.now();
      return { keys: (await fresh()).filter((k) => isPublished(k.record, now)).map((k) => k.record.publicJwk as JWK) };
    },
    async publicKey(kid) {
      const now = clock.now();
      let key = (await fresh()).find((k) => k.record.kid === kid);
      // Perhaps signed by a key another instance has just created: look again, but at most once
      // every few seconds, so tokens with made-up kids cannot turn into a stream of reads.
      if (!key && now - loadedAt > UNKNOWN_KID_RELOAD_MS) {
        await load();
        key = keys.find((k) => k.record.kid === kid);
      }
      return key && isPublished(key.record, now) ? key.publicKey : undefined;
    },
    async rotate() {
      const now = clock.now();
      const previous = (await fresh()).filter((k) => k.record.retiredAt === null);
      const record = await newKeyRecord(now);
      await store.insertSigningKey(record);
      for (const key of previous) await store.retireSigningKey(key.record.kid, now);
      await load();
      return record.kid;
    },
  };
}
