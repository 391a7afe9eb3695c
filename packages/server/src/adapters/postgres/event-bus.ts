/**
 * The session event bus over PostgreSQL NOTIFY/LISTEN (one dedicated connection listens), so a
 * viewer connected to any instance hears every instance's events. `schema` keeps deployments, and
 * test runs, that share a database server apart.
 */
import postgres from 'postgres';
import { Listeners, type BusEvent, type EventBus } from '../../event-bus.ts';

export async function createPostgresEventBus(options: { url: string; schema?: string }): Promise<EventBus> {
  const channel = `liveproof_events${options.schema ? `_${options.schema}` : ''}`.slice(0, 63);
  const sql = postgres(options.url, { max: 2, onnotice: () => {} });
  const listeners = new Listeners();
  const subscription = await sql.listen(channel, (payload) => {
    try {
      listeners.deliver(JSON.parse(payload) as BusEvent);
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
