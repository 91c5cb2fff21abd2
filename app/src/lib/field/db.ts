/**
 * The phone's IndexedDB (idb): the outbox, the days and jobs last seen, and a few things kept for
 * offline use (who is signed in, the truck's stock, the price book, when the phone last synced).
 * One database, opened once per context (the page and the service worker each open their own).
 * Photos wait in the outbox as Blobs, which IndexedDB stores as they are, so they survive the
 * app being closed or the phone restarting.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { OutboxEntry, OutboxStore } from './outbox.ts';

export interface CachedDay<J = unknown> {
  /** `${userId}:${date}` */
  key: string;
  userId: string;
  date: string;
  jobs: J[];
  savedAt: number;
}

export interface CachedJob<D = unknown> {
  id: string;
  userId: string;
  detail: D;
  savedAt: number;
}

interface FieldDB extends DBSchema {
  outbox: { key: string; value: OutboxEntry; indexes: { seq: number } };
  days: { key: string; value: CachedDay };
  jobs: { key: string; value: CachedJob };
  kv: { key: string; value: unknown };
}

const NAME = 'switchboard-field';
let opening: Promise<IDBPDatabase<FieldDB>> | undefined;

export function fieldDb(): Promise<IDBPDatabase<FieldDB>> {
  opening ??= openDB<FieldDB>(NAME, 1, {
    upgrade(db) {
      const outbox = db.createObjectStore('outbox', { keyPath: 'key' });
      outbox.createIndex('seq', 'seq');
      db.createObjectStore('days', { keyPath: 'key' });
      db.createObjectStore('jobs', { keyPath: 'id' });
      db.createObjectStore('kv');
    },
  });
  return opening;
}

/** The outbox in IndexedDB (outbox.ts' OutboxStore). */
export const idbOutbox: OutboxStore = {
  async all() {
    return (await fieldDb()).getAllFromIndex('outbox', 'seq');
  },
  async put(entry) {
    await (await fieldDb()).put('outbox', entry);
  },
  async deleteMany(keys) {
    // One transaction for a replay's whole run, not one per entry.
    const tx = (await fieldDb()).transaction('outbox', 'readwrite');
    await Promise.all([...keys.map((k) => tx.store.delete(k)), tx.done]);
  },
  async delete(key) {
    await (await fieldDb()).delete('outbox', key);
  },
};

export async function readDay<J>(userId: string, date: string): Promise<CachedDay<J> | undefined> {
  return (await (await fieldDb()).get('days', `${userId}:${date}`)) as CachedDay<J> | undefined;
}

export async function saveDay<J>(userId: string, date: string, jobs: J[]): Promise<void> {
  await (await fieldDb()).put('days', { key: `${userId}:${date}`, userId, date, jobs, savedAt: Date.now() });
}

export async function readJob<D>(userId: string, id: string): Promise<D | undefined> {
  const row = await (await fieldDb()).get('jobs', id);
  return row && row.userId === userId ? (row.detail as D) : undefined;
}

export async function saveJob<D>(userId: string, id: string, detail: D): Promise<void> {
  await (await fieldDb()).put('jobs', { id, userId, detail, savedAt: Date.now() });
}

export async function readKv<T>(key: string): Promise<T | undefined> {
  return (await (await fieldDb()).get('kv', key)) as T | undefined;
}

export async function writeKv(key: string, value: unknown): Promise<void> {
  await (await fieldDb()).put('kv', value, key);
}
