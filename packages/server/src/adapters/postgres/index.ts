/** `@liveproof/server/postgres`: the shared store and the event bus for several server instances. */
export { createPostgresStore } from './store.ts';
export type { PostgresStoreOptions } from './store.ts';
export { createPostgresEventBus } from './event-bus.ts';
