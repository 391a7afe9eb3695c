/**
 * The one place errors become HTTP responses: a JSON body with a stable code, and, for anything
 * about a session or an attempt, an entry in the audit log, so a refused request is still on record.
 */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { ErrorCode, LiveproofError, type ErrorBody } from '@liveproof/protocol';
import { printable, requestInfo, type AppEnv, type Deps } from './context.ts';

const STATUS_CODES: Record<number, ErrorCode> = {
  400: 'invalid_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  413: 'body_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

export function toLiveproofError(error: unknown): LiveproofError {
  if (error instanceof LiveproofError) return error;
  if (error instanceof HTTPException) {
    const code = STATUS_CODES[error.status] ?? 'internal_error';
    return new LiveproofError(code, error.message || 'The request was refused.', { cause: error });
  }
  return new LiveproofError(ErrorCode.Internal, 'Something went wrong on our side.', { cause: error });
}

export function errorBody(error: LiveproofError): ErrorBody {
  const body: ErrorBody = { error: { code: error.code, message: error.message } };
  if (error.details) body.error.details = error.details;
  return body;
}

export function createErrorHandler(deps: Deps) {
  return async (thrown: unknown, c: Context<AppEnv>) => {
    const error = toLiveproofError(thrown);
    if (error.code === 'internal_error') console.error('liveproof: unhandled error', thrown);
    const sessionId = c.get('auditSessionId') ?? null;
    const attemptId = c.get('auditAttemptId') ?? null;
    // Ids come from the path as the client sent them: keep them, but only as printable text.
    const clean = (id: string | null) => (id === null ? null : printable(id, 100));
    if (sessionId || attemptId) {
      const info = requestInfo(c, deps);
      try {
        await deps.store.appendEvent({
          at: deps.clock.now(),
          type: 'request_refused',
          sessionId: clean(sessionId),
          attemptId: clean(attemptId),
          integrationId: c.get('integration')?.id ?? null,
          code: error.code,
          ip: info.ip,
          userAgent: info.userAgent,
          detail: { method: c.req.method, path: printable(c.req.path, 300), message: error.message },
        });
      } catch (logError) {
        console.error('liveproof: could not record a refused request', logError);
      }
    }
    return c.json(errorBody(error), error.status as 400);
  };
}
