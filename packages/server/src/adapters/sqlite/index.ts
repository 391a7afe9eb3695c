/** `@liveproof/server/sqlite`: the embedded store (one file, one server instance). */
export { createSqliteStore } from './store.ts';
export type { SqliteStoreOptions } from './store.ts';
