/**
 * Where webhooks may go. A webhook URL is chosen by the integration, so without care the server
 * would POST wherever it is told: to its own loopback services, the cloud's metadata endpoint or
 * the private network it runs in (SSRF). Addresses are checked when an endpoint is registered and
 * again at connect time, after DNS resolution, on the very address the socket connects to, so a
 * name that resolves differently later (DNS rebinding) gains nothing.
 *
 * Refused: loopback, private (RFC 1918, unique-local), link-local (cloud metadata lives there),
 * shared address space (100.64/10), multicast, broadcast, unspecified, reserved and documentation
 * ranges, and IPv6 forms that embed an IPv4 address (mapped, NAT64, 6to4, Teredo). Plain `http` is
 * refused too. `allowPrivate` (development, or a deployment whose receivers live on its private
 * network) lifts both. Errors are reported in coarse categories, never as raw messages, so the
 * delivery log cannot serve as a port scanner.
 */
import { lookup as dnsLookup } from 'node:dns';
import type { LookupAddress, LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { Agent, fetch as undiciFetch } from 'undici';

export interface EgressPolicy {
  /** Allow plain http and loopback or private addresses (development, or receivers on a private network). */
  allowPrivate: boolean;
}

/** Why an address or URL is refused, or a delivery failed, in words safe to show the integration. */
export type EgressError = 'url_invalid' | 'scheme_not_allowed' | 'credentials_in_url' | 'address_not_allowed' | 'name_not_resolved' | 'timeout' | 'connection_failed' | 'redirect' | 'http_status';

/** Whether an address is a public unicast one a webhook may reach. */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  const parsed = ipaddr.process(address); // IPv4-mapped IPv6 becomes the IPv4 address it maps
  return parsed.range() === 'unicast';
}

type LookupFn = (hostname: string, options: LookupOptions & { all: true }) => Promise<LookupAddress[]>;

const systemLookup: LookupFn = (hostname, options) =>
  new Promise((resolve, reject) => dnsLookup(hostname, options, (error, addresses) => (error ? reject(error) : resolve(addresses))));

/** The host of a URL without IPv6 brackets. */
const bareHost = (url: URL) => url.hostname.replace(/^\[|\]$/g, '');

/**
 * Checks a webhook URL at registration: its form, its scheme and every address its name resolves
 * to now. Returns null when it may be used.
 */
export async function checkWebhookUrl(value: string, policy: EgressPolicy, lookup: LookupFn = systemLookup): Promise<EgressError | null> {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'url_invalid';
  }
  if (url.username || url.password) return 'credentials_in_url';
  if (url.protocol !== 'https:' && !(policy.allowPrivate && url.protocol === 'http:')) return 'scheme_not_allowed';
  if (policy.allowPrivate) return null;
  const host = bareHost(url);
  if (isIP(host)) return isPublicAddress(host) ? null : 'address_not_allowed';
  try {
    const addresses = await lookup(host, { all: true });
    if (addresses.length === 0) return 'name_not_resolved';
    return addresses.every((a) => isPublicAddress(a.address)) ? null : 'address_not_allowed';
  } catch {
    return 'name_not_resolved';
  }
}

export interface DeliveryResult {
  status: number | null;
  error: EgressError | null;
}

/** Posts one webhook; the response body is never read. */
export type WebhookSender = (url: string, init: { headers: Record<string, string>; body: string; timeoutMs: number }) => Promise<DeliveryResult>;

class RefusedAddress extends Error {}

/** A sender that connects only where the policy allows, checked on the resolved address itself. */
export function createWebhookSender(policy: EgressPolicy, lookup: LookupFn = systemLookup): WebhookSender {
  const agent = new Agent({
    connect: {
      // net and tls call this for names (not for IP literals, which are checked before the request).
      lookup: (hostname: string, options: LookupOptions, callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void) => {
        lookup(hostname, { ...options, all: true })
          .then((addresses) => {
            const allowed = policy.allowPrivate ? addresses : addresses.filter((a) => isPublicAddress(a.address));
            if (allowed.length === 0) return callback(new RefusedAddress(`no allowed address for ${hostname}`), '');
            if (options.all) return callback(null, allowed);
            return callback(null, allowed[0]!.address, allowed[0]!.family);
          })
          .catch((error: Error) => callback(error, ''));
      },
    },
    // Idle keep-alive sockets to receivers are closed quickly; nothing lingers.
    keepAliveTimeout: 4_000,
  });

  return async (value, init) => {
    const url = new URL(value);
    if (url.protocol !== 'https:' && !(policy.allowPrivate && url.protocol === 'http:')) return { status: null, error: 'scheme_not_allowed' };
    const host = bareHost(url);
    if (!policy.allowPrivate && isIP(host) && !isPublicAddress(host)) return { status: null, error: 'address_not_allowed' };
    try {
      const response = await undiciFetch(url, {
        method: 'POST',
        headers: init.headers,
        body: init.body,
        redirect: 'manual',
        dispatcher: agent,
        signal: AbortSignal.timeout(init.timeoutMs),
      });
      await response.body?.cancel();
      if (response.status >= 200 && response.status < 300) return { status: response.status, error: null };
      return { status: response.status, error: response.status >= 300 && response.status < 400 ? 'redirect' : 'http_status' };
    } catch (error) {
      return { status: null, error: classify(error) };
    }
  };
}

function classify(error: unknown): EgressError {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof RefusedAddress) return 'address_not_allowed';
    const name = (e as { name?: string }).name;
    if (name === 'TimeoutError' || name === 'AbortError') return 'timeout';
    const code = (e as { code?: string }).code;
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'name_not_resolved';
    if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT') return 'timeout';
  }
  return 'connection_failed';
}
