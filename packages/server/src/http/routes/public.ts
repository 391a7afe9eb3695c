/** Routes anyone may call: health, readiness and the public keys for verifying Liveproof tokens. */
import { createRoute, z } from '@hono/zod-openapi';
import type { Deps } from '../../context.ts';
import { rateLimit } from '../guards.ts';
import { routeGroup } from '../group.ts';

const health = createRoute({
  method: 'get',
  path: '/v1/health',
  summary: 'Liveness of this server process (no database round trip)',
  responses: { 200: { description: 'The process answers', content: { 'application/json': { schema: z.object({ ok: z.literal(true) }) } } } },
});

const ready = createRoute({
  method: 'get',
  path: '/v1/ready',
  summary: 'Readiness: the server answers and reaches its database',
  responses: { 200: { description: 'Ready', content: { 'application/json': { schema: z.object({ ok: z.literal(true) }) } } } },
});

const jwks = createRoute({
  method: 'get',
  path: '/.well-known/jwks.json',
  summary: "The server's public signing keys (JWKS), for verifying its tokens; a new key appears here a day before it signs",
  responses: { 200: { description: 'A JSON Web Key Set', content: { 'application/json': { schema: z.object({ keys: z.array(z.record(z.string(), z.unknown())) }) } } } },
});

/** The documented public routes: the route-table test lets only these answer without a credential. */
export const PUBLIC_PATHS = ['/v1/health', '/v1/ready', '/.well-known/jwks.json', '/v1/openapi.json', '/v1/docs', '/v1/docs.css'] as const;

export function publicRoutes(deps: Deps) {
  const group = routeGroup('public', [rateLimit(deps, 'public')]);
  group.openapi(health, (c) => c.json({ ok: true as const }, 200));
  group.openapi(ready, async (c) => {
    await deps.store.ping();
    return c.json({ ok: true as const }, 200);
  });
  group.openapi(jwks, async (c) => {
    c.header('Cache-Control', 'public, max-age=300');
    // Anyone may fetch the keys from anywhere.
    c.header('Access-Control-Allow-Origin', '*');
    return c.json(await deps.keys.jwks(), 200);
  });
  return group;
}
