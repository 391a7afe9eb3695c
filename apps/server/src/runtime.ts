/**
 * The parts a start and the admin command share: the store (SQLite under the data directory, or
 * PostgreSQL when DATABASE_URL is set), the session event bus, the sealer, and the app itself.
 */
import { join } from 'node:path';
import type { Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import { createLiveproofApp, createLocalEventBus, seededRandom, type EventBus, type IceConfig, type IpIntel, type FaceMeasurer, type LiveproofApp, type Scorer, type Store } from '@liveproof/server';
import { createPostgresEventBus, createPostgresStore } from '@liveproof/server/postgres';
import { createSqliteStore } from '@liveproof/server/sqlite';
import { loadSealer } from './secrets.ts';
import type { Settings } from './settings.ts';

export function openStore(settings: Settings): { store: Store; description: string } {
  if (settings.databaseUrl) {
    return {
      store: createPostgresStore({ url: settings.databaseUrl, ...(settings.pgSchema ? { schema: settings.pgSchema } : {}) }),
      description: `PostgreSQL (DATABASE_URL${settings.pgSchema ? `, schema ${settings.pgSchema}` : ''})`,
    };
  }
  const path = join(settings.dataDir, 'liveproof.db');
  return { store: createSqliteStore({ path, synchronous: settings.sqliteSynchronous }), description: `SQLite at ${path}` };
}

/** The socket's peer address on Node; an in-process request (no socket) has none. */
export function peerAddress(c: Context): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined;
  }
}

export interface Runtime {
  live: LiveproofApp;
  store: Store;
  storeDescription: string;
  events: EventBus;
  kekSource: string;
}

export async function openRuntime(settings: Settings, issuer: string, extra: { scorer?: Scorer; faces?: FaceMeasurer; ipIntel?: IpIntel; ice?: IceConfig } = {}): Promise<Runtime> {
  const { store, description } = openStore(settings);
  await store.migrate();
  const { sealer, source } = await loadSealer(settings);
  // Session events reach viewers connected to any instance: through PostgreSQL when it is shared.
  const events = settings.databaseUrl ? await createPostgresEventBus({ url: settings.databaseUrl, ...(settings.pgSchema ? { schema: settings.pgSchema } : {}) }) : createLocalEventBus();
  const live = await createLiveproofApp({
    store,
    events,
    sealer,
    config: { issuer, ...settings.config },
    ...(settings.seed ? { random: seededRandom(settings.seed) } : {}),
    ...(extra.scorer ? { scorer: extra.scorer } : {}),
    ...(extra.faces ? { faces: extra.faces } : {}),
    ...(extra.ipIntel ? { ipIntel: extra.ipIntel } : {}),
    ...(extra.ice ? { ice: extra.ice } : {}),
    peerAddress,
  });
  return { live, store, storeDescription: description, events, kekSource: source };
}
