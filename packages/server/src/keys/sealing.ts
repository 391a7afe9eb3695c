/**
 * Secrets at rest: signing keys' private parts and webhook secrets are sealed with a
 * key-encryption key (KEK) from configuration, AES-256-GCM through WebCrypto, and bound to the row
 * they belong to (the additional data), so a sealed value copied to another row does not open.
 * Someone with a copy of the database but not the KEK can neither mint tokens nor sign webhooks.
 *
 * Sealed text: `lps1.<kek id>.<iv>.<ciphertext>` (base64url). Several KEKs may be given: the first
 * seals, every one opens, which is how a KEK is rotated (`liveproof admin rewrap`).
 */
import { LiveproofError } from '@liveproof/protocol';
import { base64url, fromBase64, fromBase64url } from '../encoding.ts';

const PREFIX = 'lps1';

/** A stored secret that the configured key-encryption keys cannot open: the operator's settings are wrong, or the record was altered. */
export class SealingError extends LiveproofError {
  constructor(message: string, cause?: unknown) {
    super('internal_error', message, cause === undefined ? {} : { cause });
  }
}
const KEK_BYTES = 32;

export interface Sealer {
  /** The id of the KEK that seals. */
  readonly keyId: string;
  seal(plaintext: string, context: string): Promise<string>;
  open(sealed: string, context: string): Promise<string>;
  /** Whether `value` is sealed text, and with which KEK. */
  sealedWith(value: string): string | null;
  /** A secret for `purpose` derived from the current KEK (HKDF-SHA256): the same on every instance. */
  derive(purpose: string): Promise<Uint8Array>;
}

/** A KEK from its configuration form: 32 bytes in base64 or base64url. */
export function parseKek(text: string, name = 'LIVEPROOF_KEK'): Uint8Array {
  const trimmed = text.trim();
  let bytes: Uint8Array | undefined;
  for (const decode of [fromBase64url, fromBase64]) {
    try {
      bytes = decode(trimmed);
      break;
    } catch {
      // try the other alphabet
    }
  }
  if (!bytes || bytes.length !== KEK_BYTES) throw new TypeError(`${name} must be ${KEK_BYTES} random bytes in base64 (e.g. \`openssl rand -base64 32\`).`);
  return bytes;
}

export function newKek(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(KEK_BYTES)));
}

async function kekId(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  return base64url(digest).slice(0, 10);
}

/** A sealer over one or more KEKs; the first one seals. */
export async function createSealer(keks: readonly Uint8Array[]): Promise<Sealer> {
  if (keks.length === 0) throw new TypeError('At least one key-encryption key is needed.');
  const hkdf = await crypto.subtle.importKey('raw', keks[0]! as Uint8Array<ArrayBuffer>, 'HKDF', false, ['deriveBits']);
  const keys = await Promise.all(
    keks.map(async (bytes) => ({
      id: await kekId(bytes),
      key: await crypto.subtle.importKey('raw', bytes as Uint8Array<ArrayBuffer>, 'AES-GCM', false, ['encrypt', 'decrypt']),
    })),
  );
  const current = keys[0]!;
  const encoder = new TextEncoder();

  return {
    keyId: current.id,
    async seal(plaintext, context) {
      const iv = crypto.getRandomValues(new Uint8Array(12));
      const ciphertext = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: encoder.encode(context) }, current.key, encoder.encode(plaintext));
      return [PREFIX, current.id, base64url(iv), base64url(new Uint8Array(ciphertext))].join('.');
    },
    async open(sealed, context) {
      const [prefix, id, iv, ciphertext] = sealed.split('.');
      const key = keys.find((k) => k.id === id);
      if (prefix !== PREFIX || !key || !iv || !ciphertext) {
        throw new SealingError(`A stored secret is sealed with a key-encryption key this server was not given (${id ?? 'unknown'}): set LIVEPROOF_KEK to the key it was sealed with (during a change of key, the old one in LIVEPROOF_KEK_PREVIOUS).`);
      }
      try {
        const plaintext = await crypto.subtle.decrypt(
          { name: 'AES-GCM', iv: fromBase64url(iv) as Uint8Array<ArrayBuffer>, additionalData: encoder.encode(context) },
          key.key,
          fromBase64url(ciphertext) as Uint8Array<ArrayBuffer>,
        );
        return new TextDecoder().decode(plaintext);
      } catch (error) {
        throw new SealingError('A stored secret does not open: it was altered or moved to another record.', error);
      }
    },
    sealedWith(value) {
      const [prefix, id] = value.split('.');
      return prefix === PREFIX && id ? id : null;
    },
    async derive(purpose) {
      const bits = await crypto.subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: encoder.encode(`liveproof:${purpose}`) }, hkdf, 256);
      return new Uint8Array(bits);
    },
  };
}
