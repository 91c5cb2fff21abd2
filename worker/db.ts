import { createClient, type Client } from '@libsql/client/web';
import { drizzle } from 'drizzle-orm/libsql/web';
import type { RoomEnv } from '../rooms/env.ts';

/**
 * Query builders only: nothing here uses drizzle's relational API (`db.query`), and giving
 * drizzle the schema makes it work out every table's relations again for each request's
 * instance (about 1 to 2 ms of CPU a request, measured with bench/field's replay in mind).
 */
export type Db = ReturnType<typeof drizzle>;

/** Counts what a request costs in libSQL: each execute/batch/transaction is one round trip. */
export interface DbStats {
  roundTrips: number;
  ms: number;
}

function counted(client: Client, stats: DbStats): Client {
  for (const method of ['execute', 'batch', 'executeMultiple', 'transaction', 'migrate'] as const) {
    const original = (client[method] as (...args: unknown[]) => Promise<unknown>).bind(client);
    (client as unknown as Record<string, unknown>)[method] = async (...args: unknown[]) => {
      stats.roundTrips++;
      const t = performance.now();
      try {
        return await original(...args);
      } finally {
        stats.ms += performance.now() - t;
      }
    };
  }
  return client;
}

/**
 * One client per request: the HTTP client holds no connection of its own (fetch pools them),
 * and a per-request instance lets us count round trips without shared mutable state. It takes
 * only the libSQL bindings (declared with the rooms'): worker/env.ts names Db for Hono's
 * variables, so importing the Worker's Env here would make the two modules import each other.
 */
export function openDb(env: Pick<RoomEnv, 'LIBSQL_URL' | 'LIBSQL_AUTH_TOKEN'>): { db: Db; stats: DbStats } {
  const stats: DbStats = { roundTrips: 0, ms: 0 };
  const client = counted(createClient({ url: env.LIBSQL_URL, authToken: env.LIBSQL_AUTH_TOKEN }), stats);
  return { db: drizzle(client), stats };
}
