/**
 * The hosted check page, for a hiring system that would rather frame the check (or link to it)
 * than embed the element in its own page:
 *
 *   /check/<session id>#client_token=<token>&origin=<the embedding page's origin>
 *
 * It may be framed by the server's own pages and by the embedding origins of the session's
 * integration (CSP `frame-ancestors`), by nobody else. The page (hosted/check.js) runs the check
 * and tells its embedder what happens by postMessage, to the origin the fragment names. The route
 * reads the store, so it is rate-limited like the page routes.
 */
import { Hono } from 'hono';
import { rateLimit, type AppEnv, type Deps } from '@liveproof/server';
import { respond, liveFiles } from './static-files.ts';

export function hostedRoutes(deps: Deps, dir: string) {
  const files = liveFiles(dir);
  const app = new Hono<AppEnv>();
  app.get('/check/:sessionId', rateLimit(deps, 'page'), async (c) => {
    const id = c.req.param('sessionId');
    const session = id.length <= 64 ? await deps.store.getSession(id) : null;
    const integration = session ? await deps.store.getIntegration(session.integrationId) : null;
    // An unknown session gets the page too (the element then says the link is not valid), framed by no one else.
    if (integration) c.set('frameAncestors', integration.origins);
    return respond(c.req.raw, (await files('check.html'))!);
  });
  app.get('/hosted/*', async (c, next) => {
    const file = await files(c.req.path.slice('/hosted/'.length));
    return file ? respond(c.req.raw, file) : next();
  });
  return app;
}
