/**
 * What the element reads of its client token (without trusting it: the server checks it): the
 * session it is for and when it expires, so that a page which can mint fresh ones (a
 * `tokenProvider`) is asked before the token runs out rather than after.
 */
import { decodeJwt } from 'jose';
import { LiveproofError } from '@liveproof/protocol';

/** Ask for a fresh token this long before the old one expires. */
export const REFRESH_AHEAD_MS = 60_000;

function claims(token: string): { sub?: string; exp?: number; ha?: unknown; pt?: unknown } {
  try {
    return decodeJwt(token);
  } catch {
    throw new LiveproofError('unauthorized', 'The client token is malformed.', { details: { reason: 'malformed' } });
  }
}

/** The session a client token is for (its `sub`). */
export function sessionIdOf(token: string): string {
  const sub = claims(token).sub;
  if (!sub) throw new LiveproofError('unauthorized', 'The client token is malformed.', { details: { reason: 'malformed' } });
  return sub;
}

/** When it expires (epoch ms), or Infinity when it does not say. */
export function expiresAtOf(token: string): number {
  const exp = claims(token).exp;
  return typeof exp === 'number' ? exp * 1000 : Infinity;
}

/** The session of a token that may be missing or malformed, or undefined. */
export function sessionIdOrNone(token: string): string | undefined {
  try {
    return token ? sessionIdOf(token) : undefined;
  } catch {
    return undefined;
  }
}

/** An element that holds a client token, and perhaps a way to get a fresh one. */
export interface TokenHolder extends Element {
  clientToken: string;
  tokenProvider: (() => Promise<string>) | undefined;
}

/** Tells the embedder in the console when a connected element has no token. */
export function warnIfNoToken(host: TokenHolder): void {
  if (!host.clientToken && host.isConnected) console.error(missingTokenAdvice(host));
}

/**
 * The host's token, replaced first by a fresh one from its `tokenProvider` when it expires soon;
 * a missing token is `client_token_missing` (and a console message for the embedder).
 */
export async function freshClientToken(host: TokenHolder): Promise<string> {
  if (!host.clientToken) {
    warnIfNoToken(host);
    throw new LiveproofError('client_token_missing', 'The page did not give the check its client token.');
  }
  if (host.tokenProvider && expiresSoon(host.clientToken)) host.clientToken = (await host.tokenProvider()) || host.clientToken;
  return host.clientToken;
}

/** A claim of the token, or undefined when it cannot be read. */
function claimOf(token: string, name: 'ha' | 'pt'): unknown {
  try {
    return claims(token)[name];
  } catch {
    return undefined;
  }
}

/** Whether the integration's plans hold a profile turn: the candidate is told before the check starts. */
export const profileTurnOf = (token: string): boolean => claimOf(token, 'pt') === true;

/** Whether the integration's high-assurance mode is on: the candidate is told before the check starts. */
export function highAssuranceOf(token: string): boolean {
  const ha = claimOf(token, 'ha');
  return ha === 'on' || ha === 'required';
}

export function expiresSoon(token: string, now = Date.now()): boolean {
  return expiresAtOf(token) - now < REFRESH_AHEAD_MS;
}

/** The message an embedder sees in the console when the page gave the element no token. */
export function missingTokenAdvice(element: Element): string {
  const lowercase = element.getAttribute('clienttoken') !== null;
  return [
    '<liveproof-check>: no client token was given, so the check cannot start.',
    'Set the `client-token` attribute, or the `clientToken` property, to the client token your backend got from POST /v1/sessions.',
    lowercase
      ? 'This element has a `clienttoken` attribute: a framework set it before the element was defined (React does this for an unknown element). Use `client-token`, or load @liveproof/element/define before rendering.'
      : '',
  ]
    .filter(Boolean)
    .join(' ');
}
