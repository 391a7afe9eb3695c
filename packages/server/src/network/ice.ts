/**
 * ICE credentials for the browser's UDP probe. Each attempt gets its own username fragment
 * (random, in the signed plan); its password is an HMAC of it under a secret every instance
 * derives from the KEK, so any instance's responder can check a binding request without a
 * database read, and only a holder of the plan can make one the server accepts.
 */
import { createHmac } from 'node:crypto';
import { randomInt, type RandomSource } from '../random.ts';

/** Where browsers reach the responder: the server's ICE candidate(s) in the plan. */
export interface IceCandidate {
  address: string;
  port: number;
}

export interface IceConfig {
  candidates: IceCandidate[];
}

export interface IceCredentials {
  ufrag: string;
  pwd: string;
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
/** The server's ufrags: 16 lower-case letters and digits (ICE allows 4 to 256 ice-chars). */
export const UFRAG_PATTERN = /^[a-z0-9]{16}$/;

export function newUfrag(random: RandomSource): string {
  let ufrag = '';
  for (let i = 0; i < 16; i++) ufrag += ALPHABET[randomInt(ALPHABET.length, random)];
  return ufrag;
}

/** The ICE password of `ufrag` (32 hex characters: ICE asks for at least 22). */
export function icePassword(secret: Uint8Array, ufrag: string): string {
  return createHmac('sha256', secret).update(`ice-pwd:${ufrag}`).digest('hex').slice(0, 32);
}

export function iceCredentials(secret: Uint8Array, random: RandomSource): IceCredentials {
  const ufrag = newUfrag(random);
  return { ufrag, pwd: icePassword(secret, ufrag) };
}
