/** Random identifiers and secrets from WebCrypto. */

const ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';

/** Fills `n` random bytes; injectable so that draws can be seeded for evaluation runs. */
export type RandomSource = (n: number) => Uint8Array;

export const cryptoRandom: RandomSource = (n) => crypto.getRandomValues(new Uint8Array(n));

/** A readable id such as `ses_k3v9...` with 120 bits of randomness. */
export function newId(prefix: string, random: RandomSource = cryptoRandom): string {
  const bytes = random(24);
  let id = '';
  for (const byte of bytes) id += ALPHABET[byte & 31];
  return `${prefix}_${id}`;
}

export function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function newNonce(random: RandomSource = cryptoRandom): string {
  return base64url(random(18));
}

export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** A uniformly random integer in [0, bound), without modulo bias. */
export function randomInt(bound: number, random: RandomSource = cryptoRandom): number {
  const limit = Math.floor(0x1_0000_0000 / bound) * bound;
  for (;;) {
    const [a, b, c, d] = random(4);
    const value = ((a! << 24) | (b! << 16) | (c! << 8) | d!) >>> 0;
    if (value < limit) return value % bound;
  }
}

/** A seeded random source (xorshift128+ over a string seed), for reproducible evaluation runs only. */
export function seededRandom(seed: string): RandomSource {
  let s0 = 0x9e3779b9;
  let s1 = 0x243f6a88;
  for (let i = 0; i < seed.length; i++) {
    s0 = Math.imul(s0 ^ seed.charCodeAt(i), 0x85ebca6b) >>> 0;
    s1 = Math.imul(s1 + seed.charCodeAt(i), 0xc2b2ae35) >>> 0;
  }
  return (n) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      let x = s0;
      const y = s1;
      s0 = y;
      x ^= x << 23;
      x ^= x >>> 17;
      x ^= y ^ (y >>> 26);
      s1 = x >>> 0;
      out[i] = (s0 + s1) & 0xff;
    }
    return out;
  };
}
