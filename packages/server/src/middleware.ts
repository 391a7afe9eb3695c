/** Authentication, limits and CORS for the two audiences: hiring systems (API key) and pages (client token). */
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { createMiddleware } from 'hono/factory';
import { rateLimiter } from 'hono-rate-limiter';
import { LiveproofError } from '@liveproof/protocol';
import { requestInfo, type AppEnv, type Deps } from './context.ts';
import { sha256Hex } from './ids.ts';
import type { IntegrationRecord } from './store.ts';
import { verifyClientToken } from './tokens.ts';

/** The token of an `Authorization: Bearer` header. */
export function bearer(c: Context): string | undefined {
  const header = c.req.header('authorization');
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return match?.[1];
}

/** The integration an API key belongs to; `unauthorized` when it belongs to none. */
export async function integrationForApiKey(deps: Deps, key: string): Promise<IntegrationRecord> {
  const integration = await deps.store.findIntegrationByKeyHash(await sha256Hex(key));
  if (!integration) throw new LiveproofError('unauthorized', 'The API key is not valid.');
  return integration;
}

/** Hiring-system endpoints: `Authorization: Bearer <API key>`. */
export function requireApiKey(deps: Deps): MiddlewareHandler<AppEnv> {
  return createMiddleware<AppEnv>(async (c, next) => {
    const key = bearer(c);
    if (!key) throw new LiveproofError('unauthorized', 'An API key is required: Authorization: Bearer <key>.');
    c.set('integration', await integrationForApiKey(deps, key));
    await next();
  });
}

/** Page endpoints: `Authorization: Bearer <client token>`, scoped to one session. */
export function requireClientToken(deps: Deps): MiddlewareHandler<AppEnv> {
  return createMiddleware<AppEnv>(async (c, next) => {
    const token = bearer(c);
    if (!token) throw new LiveproofError('unauthorized', 'A client token is required: Authorization: Bearer <token>.');
    c.set('clientSessionId', await verifyClientToken(deps.tokens, token));
    await next();
  });
}

/**
 * Notes which session or attempt a request is about before anything can refuse it, so that a
 * refusal (bad token, oversized body, malformed JSON) is still recorded against it.
 */
export function auditTarget(kind: 'session' | 'attempt'): MiddlewareHandler<AppEnv> {
  return createMiddleware<AppEnv>(async (c, next) => {
    const id = c.req.param('id');
    if (id) c.set(kind === 'session' ? 'auditSessionId' : 'auditAttemptId', id);
    await next();
  });
}

export function limitBody(deps: Deps): MiddlewareHandler<AppEnv> {
  return bodyLimit({
    maxSize: deps.config.maxBodyBytes,
    onError: () => {
      throw new LiveproofError('body_too_large', `The request body is larger than ${deps.config.maxBodyBytes} bytes.`);
    },
  });
}

/**
 * Requests per window per client address, checked before authentication so that guessing keys or
 * tokens is limited too. Page endpoints and hiring-system endpoints have separate budgets.
 */
export function rateLimit(deps: Deps, audience: 'client' | 'api'): MiddlewareHandler<AppEnv> {
  const settings = deps.config.rateLimit;
  if (!settings) return createMiddleware<AppEnv>((_c, next) => next());
  return rateLimiter<AppEnv>({
    windowMs: settings.windowMs,
    limit: audience === 'client' ? settings.clientLimit : settings.apiLimit,
    standardHeaders: 'draft-7',
    keyGenerator: (c) => `${audience}:${requestInfo(c, deps).ip ?? 'unknown'}`,
    handler: () => {
      throw new LiveproofError('rate_limited', 'Too many requests; slow down and retry shortly.');
    },
  });
}

export function pageCors(deps: Deps): MiddlewareHandler<AppEnv> {
  const allowed = deps.config.corsOrigins;
  return cors({
    origin: allowed === '*' ? '*' : (origin) => (allowed.includes(origin) ? origin : null),
    allowMethods: ['GET', 'POST', 'OPTIONS'],
    allowHeaders: ['Authorization', 'Content-Type'],
    maxAge: 600,
  });
}
