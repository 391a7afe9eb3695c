/**
 * Which pages may embed the check: each integration lists its embedding origins, and they drive
 * CORS (a browser may call the page and viewer routes from them) and `frame-ancestors` (they may
 * frame the server's hosted pages). A preflight carries no credential, so it is answered for any
 * origin some integration lists; the request itself is then held to its own session's integration.
 * `*` (any origin) is accepted for the development integration only, in development mode.
 */
import type { Clock } from '../clock.ts';
import type { IntegrationRecord, Store } from '../store.ts';

export interface OriginPolicy {
  /** For a preflight: whether any integration lists `origin` (or accepts any). */
  isKnown(origin: string): Promise<boolean>;
  /** Whether a request from `origin` may concern `integration`'s sessions. The server's own origin always may. */
  allows(integration: Pick<IntegrationRecord, 'origins'>, origin: string): boolean;
  /** Re-reads the integrations at the next request (after an administrator changed origins). */
  invalidate(): void;
}

/** An origin as a browser sends it: scheme, host and port, nothing else. Null if `value` is not one. */
export function normaliseOrigin(value: string): string | null {
  if (value === '*') return '*';
  try {
    const url = new URL(value);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
    if (url.pathname !== '/' || url.search || url.hash || url.username || url.password) return null;
    return url.origin;
  } catch {
    return null;
  }
}

export function createOriginPolicy(store: Store, clock: Clock, options: { issuer: string; refreshMs?: number }): OriginPolicy {
  const own = new URL(options.issuer).origin;
  const refreshMs = options.refreshMs ?? 10_000;
  let known = new Set<string>();
  let loadedAt = -Infinity;
  let loading: Promise<void> | undefined;

  async function load(): Promise<void> {
    const integrations = await store.listIntegrations();
    known = new Set(integrations.flatMap((i) => i.origins));
    loadedAt = clock.now();
  }

  return {
    async isKnown(origin) {
      if (origin === own) return true;
      if (clock.now() - loadedAt > refreshMs) await (loading ??= load().finally(() => (loading = undefined)));
      return known.has('*') || known.has(origin);
    },
    allows(integration, origin) {
      return origin === own || integration.origins.includes('*') || integration.origins.includes(origin);
    },
    invalidate() {
      loadedAt = -Infinity;
    },
  };
}
