/** The hiring system's view of the review queue: its cases, and each with the reviewer's decision. */
import { createRoute, z } from '@hono/zod-openapi';
import { idSchema } from '@liveproof/protocol';
import type { Deps } from '../../../context.ts';
import { caseById, caseDetail, caseSummaries } from '../../../domain/cases.ts';
import type { RouteGroup } from '../../group.ts';
import { API_KEY, errorResponses, json } from '../../openapi.ts';
import { decodeCursor, encodeCursor } from './records.ts';

export const caseQuery = z.object({
  status: z.enum(['open', 'decided']).optional(),
  limit: z.coerce.number().int().min(1).max(200).optional().openapi({ description: 'Default 50' }),
  cursor: z.string().max(200).optional().openapi({ description: 'The `next` of the previous page' }),
});

const list = createRoute({
  method: 'get',
  path: '/v1/cases',
  security: API_KEY,
  summary: "Review cases (sessions with a flagged signal), newest first, with the reviewer's decision once made",
  request: { query: caseQuery },
  responses: { 200: json('A page of cases and the cursor of the next one'), ...errorResponses },
});

const read = createRoute({
  method: 'get',
  path: '/v1/cases/{id}',
  security: API_KEY,
  summary: "One case: its signals, the decision and note, the session's attempts with their facts, and the linked sessions",
  request: { params: z.object({ id: idSchema }) },
  responses: { 200: json('The case'), ...errorResponses },
});

/** A page of cases for a list query, as the store takes it, and the page's `next`. */
export async function listCasesPage(deps: Deps, query: z.infer<typeof caseQuery>, integrationId?: string) {
  const limit = query.limit ?? 50;
  const before = decodeCursor(query.cursor);
  const records = await deps.store.listCases({ limit, ...(integrationId ? { integrationId } : {}), ...(query.status ? { status: query.status } : {}), ...(before ? { before } : {}) });
  const last = records.at(-1);
  return { cases: await caseSummaries(deps, records), next: records.length === limit && last ? encodeCursor(last.openedAt, last.id) : null };
}

export function hiringCaseRoutes(deps: Deps, group: RouteGroup): void {
  group.openapi(list, async (c) => c.json(await listCasesPage(deps, c.req.valid('query'), c.get('integration').id), 200));
  group.openapi(read, async (c) => {
    const record = await caseById(deps, c.req.valid('param').id, c.get('integration').id);
    c.set('auditSessionId', record.sessionId);
    return c.json(await caseDetail(deps, record, (attemptId) => `/v1/attempts/${attemptId}/reference-image`), 200);
  });
}
