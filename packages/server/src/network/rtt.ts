/**
 * Application-level round trips, timed by the server. The element posts to
 * `/v1/attempts/{id}/rtt` again as soon as an answer arrives, carrying the answer's echo; the
 * server times from sending that answer to the next request's arrival. The running minimum goes
 * into the next echo, sealed with an HMAC under a secret every instance derives from the KEK, so
 * no state is kept between requests and any instance can take the next one.
 *
 * What the page can do with it: add delay (wait before the next request), never remove it; an
 * echo cannot be made without the secret, nor moved to another attempt, nor made from another
 * network than the attempt's start (a helper machine next to the server would otherwise time the
 * round trips for a page far away; one on the proxy's own exit network still can). The figure includes the
 * browser's own turnaround (a busy main thread), which is why the smallest of several counts.
 * Instances on different machines compare their own clocks: keep them synchronised (NTP).
 *
 * Behind a reverse proxy that passes its TCP round-trip time (`tcpRttHeader`, microseconds, e.g.
 * nginx's `$tcpinfo_rtt`), the smallest of those is kept beside it: a proxy that terminates the
 * candidate's TCP connection shows up as application round trips much longer than TCP's.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { networkOf, parseAddress } from './addresses.ts';

/** Samples an attempt's echo counts at most; more requests still answer but add none. */
export const MAX_RTT_SAMPLES = 8;

export interface RttEcho {
  attemptId: string;
  /** The network (IPv4 /24, IPv6 /48) the first request came from; '' when it had no address. */
  network: string;
  /** When the server sent the answer carrying this echo (ms, the server's clock). */
  sentAt: number;
  samples: number;
  /** Smallest application round trip so far, ms (null before the first sample). */
  minMs: number | null;
  /** Smallest TCP round trip the trusted proxy reported, ms. */
  tcpMinMs: number | null;
}

const b64 = (bytes: Buffer | string) => Buffer.from(bytes).toString('base64url');

function mac(secret: Uint8Array, body: string): Buffer {
  return createHmac('sha256', secret).update(`rtt:${body}`).digest();
}

export function sealEcho(secret: Uint8Array, echo: RttEcho): string {
  const body = b64(JSON.stringify([echo.attemptId, echo.network, echo.sentAt, echo.samples, echo.minMs, echo.tcpMinMs]));
  return `${body}.${b64(mac(secret, body))}`;
}

/** The echo's contents when it is the server's own and for `attemptId`; null otherwise. */
export function openEcho(secret: Uint8Array, text: string, attemptId: string): RttEcho | null {
  const [body, tag, extra] = text.split('.');
  if (!body || !tag || extra !== undefined) return null;
  const given = Buffer.from(tag, 'base64url');
  const expected = mac(secret, body);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const [id, network, sentAt, samples, minMs, tcpMinMs] = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as [string, string, number, number, number | null, number | null];
    return id === attemptId ? { attemptId: id, network, sentAt, samples, minMs, tcpMinMs } : null;
  } catch {
    return null;
  }
}

const lower = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.min(a, b));

/**
 * The echo to answer with: the request arrived at `arrivedAt` carrying `previous` (or none, the
 * first request), through a connection whose TCP round trip the proxy put at `tcpMs`; a `restart`
 * takes no sample.
 */
export function nextEcho(previous: RttEcho | null, attemptId: string, network: string, arrivedAt: number, sentAt: number, tcpMs: number | null, restart = false): RttEcho {
  if (!previous) return { attemptId, network, sentAt, samples: 0, minMs: null, tcpMinMs: tcpMs };
  // A restart only moves the clock: the page could always have added delay, so it gains nothing.
  const full = restart || previous.samples >= MAX_RTT_SAMPLES;
  const sample = Math.max(0, arrivedAt - previous.sentAt);
  return {
    attemptId,
    network: previous.network,
    sentAt,
    samples: full ? previous.samples : previous.samples + 1,
    minMs: full ? previous.minMs : lower(previous.minMs, sample),
    tcpMinMs: lower(previous.tcpMinMs, tcpMs),
  };
}

/** The network an echo is bound to: the address's /24 or /48, '' without one. */
export function echoNetwork(ip: string | null): string {
  const parsed = ip ? parseAddress(ip) : null;
  return parsed ? networkOf(parsed) : '';
}

/**
 * The echo a result carries, when it is this attempt's and was timed from the attempt's own
 * network (a helper machine elsewhere cannot time the round trips for the page); else null.
 */
export function openAttemptEcho(secret: Uint8Array, text: string, attempt: { id: string; ip: string | null }): RttEcho | null {
  const echo = openEcho(secret, text, attempt.id);
  return echo && echo.network === echoNetwork(attempt.ip) ? echo : null;
}

/** A TCP round trip from the trusted proxy's header (microseconds), as ms; null when absent or nonsense. */
export function tcpRttFromHeader(value: string | undefined): number | null {
  if (value === undefined || !/^\d{1,9}$/.test(value.trim())) return null;
  return Number(value.trim()) / 1000;
}
