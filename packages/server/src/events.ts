/**
 * The session event stream's plumbing: a publish/subscribe bus keyed by session. In one process
 * (SQLite, one machine) it is a map of listeners. With PostgreSQL, several server instances share
 * one database and a viewer may be connected to any of them, so events go through NOTIFY on one
 * channel and every instance LISTENs and hands them to its own subscribers.
 */
import postgres from 'postgres';
import type { SessionEvent } from '@liveproof/protocol';

export type SessionListener = (event: SessionEvent) => void;

export interface EventBus {
  publish(event: SessionEvent): Promise<void>;
  /** Calls `listener` with each event of `sessionId` from now on; returns the unsubscribe. */
  subscribe(sessionId: string, listener: SessionListener): () => void;
  close(): Promise<void>;
}

class Listeners {
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

  deliver(event: SessionEvent): void {
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

/**
 * The bus over PostgreSQL NOTIFY/LISTEN (one dedicated connection listens). `schema` keeps
 * deployments, and test runs, that share a database server apart.
 */
export async function createPostgresEventBus(options: { url: string; schema?: string }): Promise<EventBus> {
  const channel = `liveproof_events${options.schema ? `_${options.schema}` : ''}`.slice(0, 63);
  const sql = postgres(options.url, { max: 2, onnotice: () => {} });
  const listeners = new Listeners();
  const subscription = await sql.listen(channel, (payload) => {
    try {
      listeners.deliver(JSON.parse(payload) as SessionEvent);
    } catch {
      // not one of ours
    }
  });
  return {
    async publish(event) {
      // NOTIFY payloads are limited to 8000 bytes; session events are a few hundred.
      await sql.notify(channel, JSON.stringify(event));
    },
    subscribe: (sessionId, listener) => listeners.add(sessionId, listener),
    async close() {
      await subscription.unlisten();
      await sql.end({ timeout: 5 });
    },
  };
}
