/**
 * The element's side of the protocol over HTTP. Transport failures become `network_error`; error
 * bodies from the server keep their code, and a `Retry-After` the server sent travels in
 * `details.retryAfterMs`. Nothing here decides a verdict.
 *
 * A signed result is sent with `submitWithRetry`: kept until the server acknowledges it, and sent
 * again after a network failure, a rate limit (429, waiting as long as `Retry-After` says) or a
 * server error (5xx), with backoff, until the attempt's plan has expired. A refusal that will not
 * change (a recorded but failed result, an unknown attempt) ends it.
 */
import {
  LiveproofError,
  RetryableCodes,
  type ChallengeId,
  type ErrorBody,
  type ErrorCode,
  type FrameRequestResponse,
  type ProgressRequest,
  type ResultResponse,
  type StartAttemptRequest,
  type StartAttemptResponse,
} from '@liveproof/protocol';
import type { PendingResult } from './pending-result.ts';

/** A `Retry-After` header in milliseconds (seconds or an HTTP date), or undefined. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}

/** Waits after the `attempt`-th failure (0-based): 0.5 s doubling to 15 s, or what the server asked (at most 60 s). */
export function retryDelayMs(attempt: number, serverAskedMs?: number): number {
  if (serverAskedMs !== undefined) return Math.min(60_000, Math.max(250, serverAskedMs));
  return Math.min(15_000, 500 * 2 ** attempt);
}

/** A result posted later than this after its attempt expired is given up (the server would record it as expired). */
const GIVE_UP_AFTER_EXPIRY_MS = 60_000;

export interface RetryOptions {
  signal?: AbortSignal;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Told before each wait, for the candidate ("Connection lost, retrying in 4 s"). */
  onRetry?: (error: LiveproofError, delayMs: number) => void;
}

const defaultSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });

export class ApiClient {
  readonly #base: string;
  #token: string;

  constructor(base: string, clientToken: string) {
    this.#base = base.replace(/\/+$/, '');
    this.#token = clientToken;
  }

  /** After the page handed the element a fresh client token. */
  set token(value: string) {
    this.#token = value;
  }

  startAttempt(sessionId: string, body: StartAttemptRequest, signal?: AbortSignal): Promise<StartAttemptResponse> {
    return this.#request('POST', `/v1/sessions/${encodeURIComponent(sessionId)}/attempts`, body, signal);
  }

  /** Posts a signed result (or stop) once. Authorised by its signature, not by the client token. */
  submit(pending: Pick<PendingResult, 'attemptId' | 'jws' | 'purpose'>, signal?: AbortSignal): Promise<ResultResponse> {
    return this.#request('POST', `/v1/attempts/${encodeURIComponent(pending.attemptId)}/${pending.purpose}`, { result: pending.jws }, signal);
  }

  /** Sends a signed result until the server acknowledges it; reads back a result already recorded. */
  async submitWithRetry(pending: PendingResult, options: RetryOptions = {}): Promise<ResultResponse> {
    const now = options.now ?? Date.now;
    const sleep = options.sleep ?? defaultSleep;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.submit(pending, options.signal);
      } catch (error) {
        if (options.signal?.aborted) throw error;
        if (!(error instanceof LiveproofError)) throw error;
        // Already recorded (our earlier post arrived, only its answer was lost): read it back.
        if (error.code === 'result_already_submitted') return this.outcome(pending.attemptId, options.signal);
        const retryable = RetryableCodes.has(error.code);
        const delay = retryDelayMs(attempt, error.details?.retryAfterMs as number | undefined);
        if (!retryable || now() + delay > pending.expiresAt + GIVE_UP_AFTER_EXPIRY_MS) throw error;
        options.onRetry?.(error, delay);
        await sleep(delay, options.signal);
      }
    }
  }

  /** High assurance: sends the signed commitment to the trace and receives the moments the server drew. */
  requestFrames(attemptId: string, commitment: string, signal?: AbortSignal): Promise<FrameRequestResponse> {
    return this.#request('POST', `/v1/attempts/${encodeURIComponent(attemptId)}/frames`, { commitment }, signal);
  }

  /** Tells live viewers which prompt was just shown. Fire and forget: errors are ignored. */
  reportPrompt(attemptId: string, index: number, challenge: ChallengeId): void {
    this.#request('POST', `/v1/attempts/${encodeURIComponent(attemptId)}/progress`, { index, challenge } satisfies ProgressRequest).catch(() => undefined);
  }

  /** Where the round trips the server times go (they may run in a worker; the attempt id is their only credential). */
  rttJob(attemptId: string): { url: string } {
    return { url: `${this.#base}/v1/attempts/${encodeURIComponent(attemptId)}/rtt` };
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
      const code: ErrorCode = error?.code ?? (response.status >= 500 ? 'internal_error' : response.status === 429 ? 'rate_limited' : 'invalid_request');
      const wait = retryAfterMs(response.headers.get('retry-after'));
      const details = { ...(error?.details ?? {}), status: response.status, ...(wait !== undefined ? { retryAfterMs: wait } : {}) };
      throw new LiveproofError(code, error?.message ?? `The service answered ${response.status}.`, { details });
    }
    return json as T;
  }
}
