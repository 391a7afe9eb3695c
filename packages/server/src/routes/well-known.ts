/** Public keys for anyone verifying Liveproof tokens. */
import { Hono } from 'hono';
import type { AppEnv, Deps } from '../context.ts';

export function wellKnownRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.get('/.well-known/jwks.json', async (c) => {
    c.header('Cache-Control', 'public, max-age=300');
    return c.json(await deps.keys.jwks());
  });
  return app;
}
