/** What every route can reach: injected dependencies and per-request facts. */
import type { Context } from 'hono';
import type { Clock } from './clock.ts';
import type { LiveproofConfig } from './config.ts';
import type { Scorer } from './domain/evidence.ts';
import type { FaceMeasurer } from './domain/faces.ts';
import type { EventBus } from './event-bus.ts';
import type { OriginPolicy } from './http/origins.ts';
import type { RefusalCounter } from './http/refusals.ts';
import type { StreamRegistry } from './http/streams.ts';
import type { KeyRing } from './keys/key-ring.ts';
import type { IceCandidate } from './network/ice.ts';
import type { IpIntel } from './network/ip-lists.ts';
import type { Sealer } from './keys/sealing.ts';
import type { RandomSource } from './random.ts';
import type { AdminKeyRecord, IntegrationRecord, Store } from './store.ts';
import type { TokenContext, Watcher } from './tokens.ts';
import type { checkWebhookUrl } from './webhooks/egress.ts';

export interface Deps {
  store: Store;
  keys: KeyRing;
  sealer: Sealer;
  clock: Clock;
  config: LiveproofConfig;
  random: RandomSource;
  /** The socket's peer address; runtime-specific, so injected (Node: getConnInfo). Undefined when there is no socket. */
  peerAddress: (c: Context) => string | undefined;
  tokens: TokenContext;
  /** Session events for live viewers. */
  events: EventBus;
  /** Where signed results are evaluated: inline, or in worker threads. */
  scorer: Scorer;
  /** High assurance: measures the face crops (in worker threads in the runnable server). */
  faces: FaceMeasurer;
  refusals: RefusalCounter;
  streams: StreamRegistry;
  origins: OriginPolicy;
  /** What the network signals read: the IP lists, the ICE probe's secret and candidates, this machine's addresses. */
  network: NetworkContext;
  /** Resolves a webhook URL's name when it is registered (injectable for tests). */
  lookup?: Parameters<typeof checkWebhookUrl>[2];
}

export interface NetworkContext {
  intel: IpIntel;
  /** The UDP probe; null when the server runs no ICE responder. */
  ice: { secret: Uint8Array; candidates: IceCandidate[] } | null;
  /** This machine's own addresses (a browser on the server's machine is not on "another network"). */
  localAddresses: ReadonlySet<string>;
  /** Round trips: the echo's sealing secret, and the trusted proxy's TCP round-trip header (null: none). */
  rtt: { secret: Uint8Array; tcpRttHeader: string | null };
  /** The key of the keyed hashes that link candidates (one per integration is derived from it by the hash's input). */
  links: { secret: Uint8Array };
}

export interface AppEnv {
  Variables: {
    /** The hiring system's integration (API-key routes) or the session's (page and viewer routes). */
    integration: IntegrationRecord;
    admin: AdminKeyRecord;
    /** The session a client token is scoped to. */
    clientSessionId: string;
    /** Who a viewer route's token lets watch what. */
    watcher: Watcher;
    /** The route group, for counted refusals. */
    group: string;
    /** Set once a request carried a valid credential: its refusals are then audited, not just counted. */
    authenticated: boolean;
    /** Set as soon as a route knows which session or attempt a request is about, for the audit log. */
    auditSessionId: string;
    auditAttemptId: string;
    /** Origins besides the server's own that may frame the page being answered (`security-headers.ts`). */
    frameAncestors: readonly string[];
  };
}

export interface RequestInfo {
  ip: string | null;
  userAgent: string | null;
}

/**
 * Replaces control characters and lone surrogates, which have no place in stored text (PostgreSQL
 * refuses NUL and unpaired surrogates in jsonb).
 */
export function printable(text: string, max: number): string {
  return text
    .slice(0, max)
    .replace(/[\u0000-\u001f\u007f]/g, '\ufffd')
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

/**
 * The client's address and user agent. Behind a proxy (`trustProxy`), the address is the last one
 * in X-Forwarded-For: the one our own proxy appended. Earlier entries are whatever the client sent.
 * A request with no socket (the app called in-process) has no address: null, never an error.
 */
export function requestInfo(c: Context, deps: Deps): RequestInfo {
  const forwarded = deps.config.trustProxy ? c.req.header('x-forwarded-for')?.split(',').at(-1)?.trim() : undefined;
  const userAgent = c.req.header('user-agent');
  let peer: string | undefined;
  try {
    peer = deps.peerAddress(c);
  } catch {
    peer = undefined;
  }
  return {
    ip: forwarded ? printable(forwarded, 100) : peer || null,
    userAgent: userAgent === undefined ? null : printable(userAgent, 500),
  };
}
