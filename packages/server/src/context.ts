/** What every route can reach: injected dependencies and per-request facts. */
import type { Context } from 'hono';
import type { Clock } from './clock.ts';
import type { EventBus } from './events.ts';
import type { LiveproofConfig } from './config.ts';
import type { RandomSource } from './ids.ts';
import type { KeyRing } from './keys.ts';
import type { IntegrationRecord, Store } from './store.ts';
import type { TokenContext } from './tokens.ts';

export interface Deps {
  store: Store;
  keys: KeyRing;
  clock: Clock;
  config: LiveproofConfig;
  random: RandomSource;
  /** The socket's peer address; runtime-specific, so injected (Node: getConnInfo). */
  peerAddress: (c: Context) => string | undefined;
  tokens: TokenContext;
  /** Session events for live viewers. */
  events: EventBus;
}

export interface AppEnv {
  Variables: {
    integration: IntegrationRecord;
    /** The session a client token is scoped to. */
    clientSessionId: string;
    /** Set as soon as a route knows which session or attempt a request is about, for the audit log. */
    auditSessionId: string;
    auditAttemptId: string;
  };
}

export interface RequestInfo {
  ip: string | null;
  userAgent: string | null;
}

/** Replaces control characters, which have no place in stored text (PostgreSQL refuses NUL). */
export function printable(text: string, max: number): string {
  return text.slice(0, max).replace(/[\u0000-\u001f\u007f]/g, '\ufffd');
}

/**
 * The client's address and user agent. Behind a proxy (`trustProxy`), the address is the last one
 * in X-Forwarded-For: the one our own proxy appended. Earlier entries are whatever the client sent.
 */
export function requestInfo(c: Context, deps: Deps): RequestInfo {
  const forwarded = deps.config.trustProxy ? c.req.header('x-forwarded-for')?.split(',').at(-1)?.trim() : undefined;
  const userAgent = c.req.header('user-agent');
  return {
    ip: forwarded ? printable(forwarded, 100) : deps.peerAddress(c) || null,
    userAgent: userAgent === undefined ? null : printable(userAgent, 500),
  };
}
