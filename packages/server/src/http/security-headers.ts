/**
 * Security headers on every response. All: `nosniff`, `Referrer-Policy: no-referrer` (tokens travel
 * in some URLs, and must not leak to other sites), HSTS when the public URL is https. The server's
 * own pages get a strict Content-Security-Policy: scripts, styles and connections only from this
 * origin (WebAssembly for MediaPipe), no plugins, no inline script, framed only by this origin and
 * by the origins a route puts in the `frameAncestors` variable (the hosted check page puts its
 * session's integration's embedding origins there). API responses get `default-src 'none'`, and
 * are never framed.
 */
import type { MiddlewareHandler } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../context.ts';

export interface SecurityHeaderOptions {
  /** The server's public URL: HSTS when it is https. */
  issuer: string;
}

export const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  // MediaPipe's usage log is sent to an inert data: URL (see the element's build).
  "connect-src 'self' data:",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

/** Sets the headers on a response about to go out (the middleware's and the error handler's). */
export function applySecurityHeaders(headers: Headers, options: SecurityHeaderOptions, frameAncestors: readonly string[] = []): void {
  headers.set('x-content-type-options', 'nosniff');
  headers.set('referrer-policy', 'no-referrer');
  if (options.issuer.startsWith('https:')) headers.set('strict-transport-security', 'max-age=31536000; includeSubDomains');
  const type = headers.get('content-type') ?? '';
  if (type.startsWith('text/html')) {
    const ancestors = ["'self'", ...frameAncestors];
    headers.set('content-security-policy', `${PAGE_CSP}; frame-ancestors ${ancestors.join(' ')}`);
    headers.set('permissions-policy', 'camera=(self), microphone=(), geolocation=()');
    headers.set('cross-origin-opener-policy', 'same-origin');
  } else if (!headers.has('content-security-policy')) {
    headers.set('content-security-policy', "default-src 'none'; frame-ancestors 'none'");
  }
}

export function securityHeaders(options: SecurityHeaderOptions): MiddlewareHandler<AppEnv> {
  return createMiddleware<AppEnv>(async (c, next) => {
    await next();
    applySecurityHeaders(c.res.headers, options, c.get('frameAncestors'));
  });
}
