/** The audit log's one writer: what happened, about which session and attempt, from where. */
import type { RequestInfo } from '../context.ts';
import type { Store } from '../store.ts';

export interface AuditEntry {
  type: string;
  sessionId?: string | null;
  attemptId?: string | null;
  integrationId?: string | null;
  code?: string | null;
  info?: RequestInfo;
  detail?: Record<string, unknown>;
}

export function audit(store: Store, at: number, entry: AuditEntry): Promise<void> {
  return store.appendEvent({
    at,
    type: entry.type,
    sessionId: entry.sessionId ?? null,
    attemptId: entry.attemptId ?? null,
    integrationId: entry.integrationId ?? null,
    code: entry.code ?? null,
    ip: entry.info?.ip ?? null,
    userAgent: entry.info?.userAgent ?? null,
    detail: entry.detail ?? {},
  });
}
