/**
 * Routes grouped by who calls them (the public, the candidate's page, a viewer, the hiring system,
 * an administrator). A group is the only way to add a route, and it puts the group's guards in
 * front of every route it is given, so a route cannot exist without its group's rate limit and
 * credential. Groups a browser calls also answer CORS preflights for each of their paths.
 */
import { OpenAPIHono, type RouteConfig } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { LiveproofError } from '@liveproof/protocol';
import type { AppEnv } from '../context.ts';
import { nameGroup } from './guards.ts';

export interface RouteGroup {
  readonly name: string;
  /** Adds a route (a `createRoute` definition and its handler) behind the group's guards. */
  readonly openapi: OpenAPIHono<AppEnv>['openapi'];
  /** The routes, for `app.route('/', …)`. */
  readonly app: Pick<OpenAPIHono<AppEnv>, 'fetch' | 'routes' | 'openAPIRegistry'>;
}

/** Validation failures become `invalid_request` with the first issues, in every group. */
export function validationHook(result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }): void {
  if (!result.success) {
    const issues = (result.error?.issues ?? []).slice(0, 20).map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
    throw new LiveproofError('invalid_request', 'The request does not have the expected shape.', { details: { issues } });
  }
}

const honoPath = (path: string) => path.replace(/\{([^}]+)\}/g, ':$1');

export function routeGroup(name: string, guards: MiddlewareHandler<AppEnv>[], options: { cors?: MiddlewareHandler<AppEnv> } = {}): RouteGroup {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  const preflights = new Set<string>();
  // CORS first, so that even a refusal (401, 429) reaches the page with its code and Retry-After.
  const before = [nameGroup(name), ...(options.cors ? [options.cors] : []), ...guards];
  const openapi = ((config: RouteConfig, handler: never, hook?: never) => {
    const own = config.middleware === undefined ? [] : Array.isArray(config.middleware) ? config.middleware : [config.middleware];
    const path = honoPath(config.path);
    if (options.cors && !preflights.has(path)) {
      preflights.add(path);
      app.options(path, nameGroup(name), options.cors, (c) => c.body(null, 204));
    }
    return app.openapi({ ...config, middleware: [...before, ...own] }, handler, hook);
  }) as OpenAPIHono<AppEnv>['openapi'];
  return { name, app, openapi };
}
