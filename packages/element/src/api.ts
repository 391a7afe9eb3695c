/**
 * The element's side of the protocol over HTTP. Transport failures become `network_error`; error
 * bodies from the server keep their code. Nothing here decides a verdict.
 */
import { LiveproofError, type ChallengeId, type ErrorBody, type ProgressRequest, type ErrorCode, type ResultResponse, type StartAttemptRequest, type StartAttemptResponse } from '@liveproof/protocol';

export class ApiClient {
  readonly #base: string;
  readonly #token: string;

  constructor(base: string, clientToken: string) {
    this.#base = base.replace(/\/+$/, '');
    this.#token = clientToken;
  }

  startAttempt(sessionId: string, body: StartAttemptRequest, signal?: AbortSignal): Promise<StartAttemptResponse> {
    return this.#request('POST', `/v1/sessions/${encodeURIComponent(sessionId)}/attempts`, body, signal);
  }

  submitResult(attemptId: string, jws: string, signal?: AbortSignal): Promise<ResultResponse> {
    return this.#request('POST', `/v1/attempts/${encodeURIComponent(attemptId)}/result`, { result: jws }, signal);
  }

  /** Tells live viewers which prompt was just shown. Fire and forget: errors are ignored. */
  reportPrompt(attemptId: string, index: number, challenge: ChallengeId): void {
    this.#request('POST', `/v1/attempts/${encodeURIComponent(attemptId)}/progress`, { index, challenge } satisfies ProgressRequest).catch(() => undefined);
  }

  outcome(attemptId: string, signal?: AbortSignal): Promise<ResultResponse> {
    return this.#request('GET', `/v1/attempts/${encodeURIComponent(attemptId)}`, undefined, signal);
  }

  async #request<T>(method: string, path: string, body: unknown, signal?: AbortSignal): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.#base}${path}`, {
        method,
        headers: { authorization: `Bearer ${this.#token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? null : JSON.stringify(body),
        signal: signal ?? null,
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new LiveproofError('network_error', 'Could not reach the verification service. Check your connection.', { cause: error });
    }
    const text = await response.text().catch(() => '');
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (!response.ok) {
      const error = (json as ErrorBody | undefined)?.error;
      const code: ErrorCode = error?.code ?? (response.status >= 500 ? 'internal_error' : 'invalid_request');
      throw new LiveproofError(code, error?.message ?? `The service answered ${response.status}.`, error?.details ? { details: error.details } : undefined);
    }
    return json as T;
  }
}
