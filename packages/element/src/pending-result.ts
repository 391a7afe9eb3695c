/**
 * A signed result the server has not acknowledged yet. It is kept in the tab's sessionStorage as
 * well as in memory, so that a reload, a crash of the page or a lost connection does not lose the
 * evidence: the next time the element starts for the same session, it sends the result first.
 * Only the signed result is kept (no video, no key): it is what the server will be sent anyway.
 */
import { sessionIdOf as sessionOf } from './client-token.ts';

export interface PendingResult {
  sessionId: string;
  attemptId: string;
  /** `result`: the check's evidence. `stop`: the candidate stopped the flashing colours. */
  purpose: 'result' | 'stop';
  jws: string;
  /** The attempt's plan expiry (epoch ms): the server records a later result as expired. */
  expiresAt: number;
}

const key = (sessionId: string) => `liveproof:pending:${sessionId}`;

function storage(): Storage | undefined {
  try {
    return globalThis.sessionStorage;
  } catch {
    return undefined; // storage blocked: memory only
  }
}

export function savePending(pending: PendingResult): void {
  try {
    storage()?.setItem(key(pending.sessionId), JSON.stringify(pending));
  } catch {
    // full or blocked: the element still holds it in memory
  }
}

export function loadPending(sessionId: string): PendingResult | undefined {
  try {
    const text = storage()?.getItem(key(sessionId));
    const value = text ? (JSON.parse(text) as PendingResult) : undefined;
    return value && value.sessionId === sessionId && typeof value.jws === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

export function clearPending(sessionId: string): void {
  try {
    storage()?.removeItem(key(sessionId));
  } catch {
    // nothing to clear
  }
}

/** The element's pending results: the one in memory, backed by the tab's storage. */
export class PendingResults {
  #current: PendingResult | undefined;

  keep(pending: PendingResult): void {
    this.#current = pending;
    savePending(pending);
  }

  forget(pending: PendingResult): void {
    if (this.#current?.attemptId === pending.attemptId) this.#current = undefined;
    clearPending(pending.sessionId);
  }

  /** The session's unacknowledged result or stop, if any. */
  load(sessionId: string): PendingResult | undefined {
    return this.#current?.sessionId === sessionId ? this.#current : loadPending(sessionId);
  }

  /** Whether the session of `clientToken` has a signed result waiting to be sent. */
  hasResult(clientToken: string): boolean {
    try {
      return loadPending(sessionOf(clientToken))?.purpose === 'result';
    } catch {
      return false;
    }
  }

  /** Whether a new client token is for another session than the previous one (a fresh token for the same session is not). */
  sessionChanged(previous: string | undefined, current: string): boolean {
    try {
      return !previous || !current || sessionOf(previous) !== sessionOf(current);
    } catch {
      return true;
    }
  }
}
