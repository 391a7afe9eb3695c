/**
 * A signed result the server has not acknowledged yet. It is kept in the tab's sessionStorage as
 * well as in memory, so that a reload, a crash of the page or a lost connection does not lose the
 * evidence: the next time the element starts for the same session, it sends the result first.
 * Only the signed result is kept (no video, no key): it is what the server will be sent anyway.
 */
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
