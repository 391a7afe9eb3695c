/**
 * What stands in front of each group of routes, in the order it runs: the group's name (for counted
 * refusals), its rate limit (before anything is read or written, so guessing keys and junk requests
 * are limited too), CORS for the groups browsers call, the body limit, and the group's credential.
 * `group.ts` attaches them to every route of a group, so no route exists without them.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { createMiddleware } from 'hono/factory';
import { rateLimiter } from 'hono-rate-limiter';
import { LiveproofError } from '@liveproof/protocol';
import type { RateLimitConfig } from '../config.ts';
import { requestInfo, type AppEnv, type Deps } from '../context.ts';
import { adminForKey, integrationForApiKey } from '../domain/integrations.ts';
import type { IntegrationRecord } from '../store.ts';
import { verifyClientToken, verifyWatchToken } from '../tokens.ts';

export type GroupName = keyof Omit<RateLimitConfig, 'windowMs'> | 'public';

/** The token of an `Authorization: Bearer` header. */
export function bearer(c: Context): string | undefined {
  const header = c.req.header('authorization');
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return match?.[1];
}

/**
 * Names the group (for counted refusals) and notes which session or attempt the path is about
 * before anything can refuse the request, so that a refusal after authentication (a malformed
 * body, say) is still audited against it.
 */
export function nameGroup(name: string): MiddlewareHandler<AppEnv> {
  return createMiddleware<AppEnv>(async (c, next) => {
    c.set('group', name);
    const id = c.req.param('id');
    if (id) {
      if (c.req.routePath.startsWith('/v1/sessions/')) c.set('auditSessionId', id);
      else if (c.req.routePath.startsWith('/v1/attempts/')) c.set('auditAttemptId', id);
    }
    await next();
  });
}

/** Requests per window per client address; an in-process request (no socket) counts as one client. */
export function rateLimit(deps: Deps, group: GroupName): MiddlewareHandler<AppEnv> {
  const settings = deps.config.rateLimit;
  if (!settings || group === 'public') return createMiddleware<AppEnv>((_c, next) => next());
  return rateLimiter<AppEnv>({
    windowMs: settings.windowMs,
    limit: settings[group],
    standardHeaders: 'draft-7',
    keyGenerator: (c) => `${group}:${requestInfo(c, deps).ip ?? 'in-process'}`,
    handler: () => {
      throw new LiveproofError('rate_limited', 'Too many requests; slow down and retry shortly.');
    },
  });
}

export function limitBody(maxSize: number): MiddlewareHandler<AppEnv> {
  return bodyLimit({
    maxSize,
    onError: () => {
      throw new LiveproofError('body_too_large', `The request body is larger than ${maxSize} bytes.`);
    },
  });
}

/** CORS for the routes pages and viewers call from a browser: the origins integrations registered. */
export function pageCors(deps: Deps): MiddlewareHandler<AppEnv> {
  return cors({
    origin: async (origin) => (origin && (await deps.origins.isKnown(origin)) ? origin : null),
    allowMethods: ['GET', 'POST', 'OPTIONS'],
    allowHeaders: ['Authorization', 'Content-Type'],
    exposeHeaders: ['Retry-After', 'RateLimit', 'RateLimit-Policy'],
    maxAge: 600,
  });
}

/** A browser request must come from a page the session's integration lets embed the check. */
function checkOrigin(deps: Deps, c: Context, integration: IntegrationRecord): void {
  const origin = c.req.header('origin');
  if (origin && !deps.origins.allows(integration, origin)) {
    throw new LiveproofError('origin_not_allowed', `This integration does not let ${origin} embed the check.`);
  }
}

const authenticated = (c: Context<AppEnv>) => c.set('authenticated', true);

/** Hiring-system routes: `Authorization: Bearer <API key>`. */
export function apiKeyAuth(deps: Deps): MiddlewareHandler<AppEnv> {
  return createMiddleware<AppEnv>(async (c, next) => {
    const key = bearer(c);
    if (!key) throw new LiveproofError('unauthorized', 'An API key is required: Authorization: Bearer <key>.');
    const integration = await integrationForApiKey(deps.store, key, deps.clock.now());
    if (!integration) throw new LiveproofError('unauthorized', 'The API key is not valid (unknown, expired or revoked).');
    c.set('integration', integration);
    authenticated(c);
    await next();
  });
}

/** Admin routes: `Authorization: Bearer <admin key>`. */
export function adminAuth(deps: Deps): MiddlewareHandler<AppEnv> {
  return createMiddleware<AppEnv>(async (c, next) => {
    const key = bearer(c);
    if (!key) throw new LiveproofError('unauthorized', 'An admin key is required: Authorization: Bearer <admin key>.');
    const admin = await adminForKey(deps.store, key);
    if (!admin) throw new LiveproofError('unauthorized', 'The admin key is not valid.');
    c.set('admin', admin);
    authenticated(c);
    await next();
  });
}

async function sessionIntegration(deps: Deps, sessionId: string): Promise<IntegrationRecord> {
  const session = await deps.store.getSession(sessionId);
  const integration = session ? await deps.store.getIntegration(session.integrationId) : null;
  if (!integration) throw new LiveproofError('unauthorized', 'The token is for a session that no longer exists.');
  return integration;
}

/** Page routes: `Authorization: Bearer <client token>`, scoped to one session, from an allowed origin. */
export function clientTokenAuth(deps: Deps): MiddlewareHandler<AppEnv> {
  return createMiddleware<AppEnv>(async (c, next) => {
    const token = bearer(c);
    if (!token) throw new LiveproofError('unauthorized', 'A client token is required: Authorization: Bearer <token>.', { details: { reason: 'missing' } });
    const sessionId = await verifyClientToken(deps.tokens, token);
    const integration = await sessionIntegration(deps, sessionId);
    checkOrigin(deps, c, integration);
    c.set('clientSessionId', sessionId);
    c.set('integration', integration);
    authenticated(c);
    await next();
  });
}

/**
 * Viewer routes: a viewer token (or the session's client token, for the candidate's element in
 * interview mode) in the Authorization header, or as `access_token` in the query (RFC 6750) for
 * EventSource, which cannot set headers. Revoked viewer tokens are refused.
 */
export function watchTokenAuth(deps: Deps): MiddlewareHandler<AppEnv> {
  return createMiddleware<AppEnv>(async (c, next) => {
    const token = bearer(c) ?? c.req.query('access_token');
    if (!token) throw new LiveproofError('unauthorized', 'A viewer or client token is required: Authorization: Bearer <token>, or ?access_token=<token>.');
    const watcher = await verifyWatchToken(deps.tokens, token);
    if (watcher.as === 'viewer' && (await deps.store.isTokenRevoked(watcher.jti, watcher.sessionId))) {
      throw new LiveproofError('unauthorized', 'This viewer token was revoked.', { details: { reason: 'revoked' } });
    }
    const integration = await sessionIntegration(deps, watcher.sessionId);
    checkOrigin(deps, c, integration);
    c.set('watcher', watcher);
    c.set('integration', integration);
    authenticated(c);
    await next();
  });
}
