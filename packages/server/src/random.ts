/** Randomness: identifiers and nonces from WebCrypto, and a seeded source for evaluation runs only. */
import { base64url } from './encoding.ts';

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

export function newNonce(random: RandomSource = cryptoRandom): string {
  return base64url(random(18));
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

/**
 * A seeded random source, for reproducible evaluation runs only: sfc32 (a small, fast counter
 * generator with a period of about 2^128), seeded by hashing the seed string. Never for anything
 * an attacker must not predict.
 */
export function seededRandom(seed: string): RandomSource {
  // cyrb128: four 32-bit words from the seed string.
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < seed.length; i++) {
    const k = seed.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  let [a, b, c, d] = [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
  const next = () => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
  for (let i = 0; i < 15; i++) next();
  return (n) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i += 4) {
      const word = next();
      for (let j = 0; j < 4 && i + j < n; j++) out[i + j] = (word >>> (8 * j)) & 0xff;
    }
    return out;
  };
}
