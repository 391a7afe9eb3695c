/**
 * The one place errors become HTTP responses: a JSON body with a stable code. A refusal of a
 * request that carried a valid credential is written to the audit log against its session or
 * attempt; anything else (no or a bad credential, rate-limited, a stranger's result) is only
 * counted per window, so refusals cannot be used to fill the database.
 */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { ErrorCode, LiveproofError, type ErrorBody } from '@liveproof/protocol';
import { printable, requestInfo, type AppEnv, type Deps } from '../context.ts';
import { audit } from '../domain/audit.ts';

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
  // A body that is not valid JSON reaches us as a SyntaxError from the validator.
  if (error instanceof SyntaxError) return new LiveproofError('invalid_request', 'The body is not valid JSON.', { cause: error });
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
    const sessionId = c.get('auditSessionId');
    const attemptId = c.get('auditAttemptId');
    if (c.get('authenticated') && (sessionId || attemptId)) {
      try {
        await audit(deps.store, deps.clock.now(), {
          type: 'request_refused',
          sessionId: sessionId ? printable(sessionId, 100) : null,
          attemptId: attemptId ? printable(attemptId, 100) : null,
          integrationId: c.get('integration')?.id ?? null,
          code: error.code,
          info: requestInfo(c, deps),
          detail: { method: c.req.method, path: printable(c.req.path, 300), message: printable(error.message, 300) },
        });
      } catch (logError) {
        console.error('liveproof: could not record a refused request', logError);
      }
    } else {
      deps.refusals.count(c.get('group') ?? 'other', error.code);
    }
    return c.json(errorBody(error), error.status as 400);
  };
}
