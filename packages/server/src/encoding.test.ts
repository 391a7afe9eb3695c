/** The digests the server computes with node:crypto agree with the standards' (and jose's) results. */
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { ecThumbprint, sha256Hex } from './encoding.ts';

describe('digests', () => {
  it("gives a P-256 key's RFC 7638 thumbprint as jose does, whatever the JWK's other members", async () => {
    for (let i = 0; i < 20; i++) {
      const { publicKey } = await generateKeyPair('ES256', { extractable: true });
      const jwk = { ...(await exportJWK(publicKey)), kid: 'ignored', use: 'sig' } as { kty: string; crv: string; x: string; y: string };
      expect(ecThumbprint(jwk)).toBe(await calculateJwkThumbprint(jwk as never));
    }
  });

  it('hashes text as SHA-256 in hex (FIPS 180-2 test vector)', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
