/**
 * The attempt key: a fresh, non-extractable ECDSA P-256 key pair per attempt. The server keeps the
 * public half; the result is signed with the private half, which never leaves WebCrypto. It proves
 * that the result comes from the page that started the attempt and was not altered on the way. It
 * does not prove that the page was honest: that is what the server's own scoring is for.
 */
import { CompactSign } from 'jose';
import { SIGNING_ALG, type FrameRequestPayload, type PublicEcJwk, type ResultPayload, type StopPayload } from '@liveproof/protocol';

export interface AttemptKey {
  publicJwk: PublicEcJwk;
  sign(payload: ResultPayload | StopPayload | FrameRequestPayload): Promise<string>;
}

export async function createAttemptKey(): Promise<AttemptKey> {
  const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
  const jwk = await crypto.subtle.exportKey('jwk', pair.publicKey);
  const publicJwk: PublicEcJwk = { kty: 'EC', crv: 'P-256', x: jwk.x!, y: jwk.y! };
  return {
    publicJwk,
    sign(payload) {
      return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
        .setProtectedHeader({ alg: SIGNING_ALG })
        .sign(pair.privateKey);
    },
  };
}
