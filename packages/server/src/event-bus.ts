/**
 * The session event stream's plumbing: a publish/subscribe bus keyed by session. In one process
 * (SQLite, one machine) it is a map of listeners. With PostgreSQL, several server instances share
 * one database and a viewer may be connected to any of them (`adapters/postgres/event-bus.ts`).
 */
import type { SessionEvent } from '@liveproof/protocol';

/**
 * What travels on the bus: the session's events for viewers, and notices for the streams
 * themselves that never reach a client (a viewer token was revoked).
 */
export type BusEvent = SessionEvent | { type: 'viewer.revoked'; sessionId: string; jti: string; at: string };

export type SessionListener = (event: BusEvent) => void;

export interface EventBus {
  publish(event: BusEvent): Promise<void>;
  /** Calls `listener` with each event of `sessionId` from now on; returns the unsubscribe. */
  subscribe(sessionId: string, listener: SessionListener): () => void;
  close(): Promise<void>;
}

/** The listeners of one process, by session. */
export class Listeners {
  readonly #bySession = new Map<string, Set<SessionListener>>();

  add(sessionId: string, listener: SessionListener): () => void {
    let set = this.#bySession.get(sessionId);
    if (!set) this.#bySession.set(sessionId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.#bySession.delete(sessionId);
    };
  }

  deliver(event: BusEvent): void {
    for (const listener of this.#bySession.get(event.sessionId) ?? []) {
      try {
        listener(event);
      } catch {
        // One broken subscriber does not keep the event from the others.
      }
    }
  }
}

export function createLocalEventBus(): EventBus {
  const listeners = new Listeners();
  return {
    async publish(event) {
      listeners.deliver(event);
    },
    subscribe: (sessionId, listener) => listeners.add(sessionId, listener),
    async close() {},
  };
}
