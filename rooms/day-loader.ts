/**
 * How a board room gets its day back after a wake: its tables, the stored doc (snapshot and the
 * rows of updates behind it), or on the first load of a day, a doc seeded from the records the
 * day's board owns. The room runs this in onLoad, inside blockConcurrencyWhile, before any
 * message, alarm or connection is handled; after it the doc and the job states agree with what
 * the room last accepted (the room reconciles whatever a crash left apart).
 */
import * as Y from 'yjs';
import type { Client } from '@libsql/client/web';
import { dayRange } from '../core/time.ts';
import { writeJobEntry, writeMeta } from '../core/board-doc-room.ts';
import { compactDoc, getMeta, hasStoredDoc, loadDoc, migrateDocStore, pendingUpdateCount, setMeta, wipeDocStore } from './persistence.ts';
import { migrateOutbox } from './outbox-store.ts';
import { migratePositions } from './positions-store.ts';
import { stateOf, type JobStates } from './job-states.ts';
import { loadDayJobs, loadTechnicians } from './board-records.ts';
import type { GroupCommit } from './group-commit.ts';
import type { TechnicianCache } from './technician-cache.ts';
import { LOAD } from './origins.ts';

/**
 * Version of what this room keeps in its own SQLite. Rooms written before version 2 (the doc
 * shape of core/board-doc.ts) exist only in local development state; they are reseeded.
 */
const STORE_VERSION = 2;

/** The org and local day a board room holds. */
export interface BoardDay {
  orgId: string;
  /** YYYY-MM-DD, in the org's timezone. */
  date: string;
  timezone: string;
  /** The day's instants (UTC ms, end excluded): a placement's start must fall in it. */
  range: { start: number; end: number };
}

/** What loading a day reads and writes: the room's storage and doc, and what it keeps in memory in front of them. */
export interface DayStore {
  sql: SqlStorage;
  doc: Y.Doc;
  commits: GroupCommit;
  states: JobStates;
}

/** Creates the room's tables, or brings them up to date. */
export function migrateStore(sql: SqlStorage): void {
  migrateDocStore(sql);
  migrateOutbox(sql);
  migratePositions(sql);
}

/** Storage from an older layout (local development only): start again from the records. */
export function wipeOlderStore({ sql, commits, states }: DayStore, name: string): void {
  if (Number(getMeta(sql, 'storeVersion') ?? 0) === STORE_VERSION) return;
  if (hasStoredDoc(sql)) console.warn(`board room ${name}: stored layout is older than ${STORE_VERSION}; reseeding from libSQL`);
  commits.txn(() => {
    wipeDocStore(sql);
    sql.exec(`delete from job_state`);
    sql.exec(`drop table if exists outbox`);
    migrateOutbox(sql);
    setMeta(sql, 'storeVersion', STORE_VERSION);
  });
  states.reset();
}

/**
 * The stored doc, or on the first load of the day a seeded one. Returns the day, and how many
 * rows of updates the stored doc has behind its snapshot (compaction counts on from there).
 */
export async function loadDay(
  store: DayStore,
  { orgId, date }: { orgId: string; date: string },
  techs: TechnicianCache,
  libsql: () => Client,
): Promise<{ day: BoardDay; updateRows: number }> {
  let updateRows = 0;
  if (hasStoredDoc(store.sql)) {
    loadDoc(store.sql, store.doc, LOAD);
    updateRows = pendingUpdateCount(store.sql);
  } else {
    await seed(store, orgId, date, techs, libsql());
  }
  const timezone = String(getMeta(store.sql, 'timezone'));
  return { day: { orgId, date, timezone, range: dayRange(date, timezone) }, updateRows };
}

/** First load of a day: the doc starts equal to the records the day's board owns. */
async function seed(
  { sql, doc, commits, states }: DayStore,
  orgId: string,
  date: string,
  techs: TechnicianCache,
  db: Client,
): Promise<void> {
  const org = await db.execute({ sql: `select timezone from orgs where id = ?`, args: [orgId] });
  const timezone = org.rows[0]?.timezone;
  if (typeof timezone !== 'string') throw new Error(`No org ${orgId}`);
  const day = dayRange(date, timezone);
  const [loaded, technicians] = await Promise.all([loadDayJobs(db, orgId, date, day), loadTechnicians(db, orgId)]);
  commits.txn(() => {
    Y.transact(
      doc,
      () => {
        writeMeta(doc, { orgId, date, timezone });
        for (const job of loaded) {
          writeJobEntry(doc, job.record);
          states.put(stateOf(job));
        }
      },
      LOAD,
    );
    setMeta(sql, 'timezone', timezone);
    setMeta(sql, 'storeVersion', STORE_VERSION);
    techs.store(technicians);
    compactDoc(sql, doc);
  });
}
