/** The hiring system's routes, one group behind its API key. */
import type { Deps } from '../../../context.ts';
import { apiKeyAuth, limitBody, rateLimit } from '../../guards.ts';
import { routeGroup } from '../../group.ts';
import { hiringCaseRoutes } from './cases.ts';
import { hiringRecordRoutes } from './records.ts';
import { hiringSessionRoutes } from './sessions.ts';
import { hiringWebhookRoutes } from './webhooks.ts';

export function hiringRoutes(deps: Deps) {
  const group = routeGroup('hiring', [rateLimit(deps, 'hiring'), limitBody(deps.config.maxBodyBytes), apiKeyAuth(deps)]);
  hiringSessionRoutes(deps, group);
  hiringRecordRoutes(deps, group);
  hiringWebhookRoutes(deps, group);
  hiringCaseRoutes(deps, group);
  return group;
}
