/**
 * The board room's side of a board document: creating it, writing the jobs it decided (from
 * the records, or after refusing a client's edit), and reading what clients wrote without
 * trusting it. Only the room (and tests standing in for it) writes through these: clients
 * create no job entries and write no cards (core/board-doc.ts, "Who writes what").
 */
import * as Y from 'yjs';
import { isJobStatus } from './lifecycle.ts';
import {
  BOARD_DOC_VERSION,
  encodeCard,
  encodePlacement,
  jobMap,
  jobsMap,
  num,
  sameTuple,
  setIfChanged,
  type BoardCard,
  type BoardJobRecord,
  type BoardMeta,
  type StoredPlacement,
} from './board-doc.ts';

export function createBoardDoc(meta: Omit<BoardMeta, 'version'>, records: readonly BoardJobRecord[] = []): Y.Doc {
  const doc = new Y.Doc();
  doc.transact(() => {
    writeMeta(doc, meta);
    for (const r of records) upsertJobFromRecord(doc, r);
  });
  return doc;
}

/** Sets the meta keys that differ (the room calls it on every load; usually it writes nothing). */
export function writeMeta(doc: Y.Doc, meta: Omit<BoardMeta, 'version'>, origin?: unknown): void {
  doc.transact(() => {
    const m = doc.getMap('meta');
    setIfChanged(m, 'orgId', meta.orgId);
    setIfChanged(m, 'date', meta.date);
    setIfChanged(m, 'timezone', meta.timezone);
    setIfChanged(m, 'version', BOARD_DOC_VERSION);
  }, origin);
}

export interface UpsertOptions {
  origin?: unknown;
  /**
   * Also overwrite placement and status of a job already in the doc. Off by default: once a job
   * is in the room, the doc is the newer copy of its schedule (the outbox may not have reached
   * libSQL yet), so refreshing a job after a details edit must not roll its schedule back.
   */
  overwriteSchedule?: boolean;
}

/** Add a job from its libSQL record, or refresh its display fields. Writes only what differs. */
export function upsertJobFromRecord(doc: Y.Doc, record: BoardJobRecord, opts: UpsertOptions = {}): 'added' | 'updated' | 'unchanged' {
  const jobs = jobsMap(doc);
  let result: 'added' | 'updated' | 'unchanged' = 'unchanged';
  doc.transact(() => {
    const card = encodeCard(record);
    const placement: StoredPlacement = {
      technicianId: record.technicianId,
      start: record.scheduledStart,
      durationMin: record.durationMin,
    };
    const status = isJobStatus(record.status) ? record.status : 'unscheduled';
    let m = jobMap(doc, record.id);
    if (!m) {
      m = new Y.Map<unknown>();
      jobs.set(record.id, m);
      m.set('card', card);
      m.set('placement', encodePlacement(placement));
      m.set('status', status);
      result = 'added';
      return;
    }
    let changed = false;
    if (!sameTuple(m.get('card'), card)) {
      m.set('card', card);
      changed = true;
    }
    if (opts.overwriteSchedule) {
      // Compared as stored, not decoded: decoding forgives junk (a bad duration reads as 60), so
      // [12345, 'tomorrow', -5] on a queued job of 60 minutes would read as equal and stay.
      const stored = encodePlacement(placement);
      if (!sameTuple(m.get('placement'), stored)) {
        m.set('placement', stored);
        changed = true;
      }
      changed = setIfChanged(m, 'status', status) || changed;
    }
    if (changed) result = 'updated';
  }, opts.origin);
  return result;
}

/** Take a job off this day's board (cancelled and hidden, or moved to another day). */
export function removeJob(doc: Y.Doc, jobId: string, origin?: unknown): boolean {
  const jobs = jobsMap(doc);
  if (!jobs.has(jobId)) return false;
  doc.transact(() => jobs.delete(jobId), origin);
  return true;
}

// ---------------------------------------------------------------------------------------------
// The room's side: reading what clients wrote without trusting it, and writing its decisions.

/** A job entry as stored, undecoded: what a client wrote, before the room has checked it. */
export interface RawJobEntry {
  technicianId: unknown;
  start: unknown;
  durationMin: unknown;
  status: unknown;
  card: unknown;
  order: unknown;
  /** Keys that are not part of the shape (junk from a bad or newer client). */
  strayKeys: string[];
}

const ENTRY_KEYS = new Set(['placement', 'status', 'order', 'card']);

export function readRawJob(doc: Y.Doc, jobId: string): RawJobEntry | null {
  const m = jobMap(doc, jobId);
  if (!m) return null;
  const p = m.get('placement');
  const [technicianId, start, durationMin] = Array.isArray(p) && p.length === 3 ? (p as unknown[]) : [undefined, undefined, undefined];
  const strayKeys: string[] = [];
  for (const k of m.keys()) if (!ENTRY_KEYS.has(k)) strayKeys.push(k);
  return { technicianId, start, durationMin, status: m.get('status'), card: m.get('card'), order: m.get('order'), strayKeys };
}

/** True when a stored card is exactly the one the room would write for these fields. */
export function cardMatches(stored: unknown, card: BoardCard): boolean {
  return sameTuple(stored, encodeCard(card));
}

/** Ids of every entry in the jobs map, decodable or not. */
export function jobIdsOf(doc: Y.Doc): string[] {
  return [...jobsMap(doc).keys()];
}

/**
 * The room's write of a job as it decided it: card, placement and status exactly as given, a
 * bad 'order' dropped, stray keys deleted. Writes only what differs (each write is a tombstone).
 */
export function writeJobEntry(doc: Y.Doc, record: BoardJobRecord, origin?: unknown): void {
  doc.transact(() => {
    upsertJobFromRecord(doc, record, { overwriteSchedule: true });
    const m = jobMap(doc, record.id);
    if (!m) return;
    const order = m.get('order');
    if (order !== undefined && num(order) == null) m.delete('order');
    for (const k of [...m.keys()]) if (!ENTRY_KEYS.has(k)) m.delete(k);
  }, origin);
}

/**
 * The job ids a transaction touched: keys of the jobs map (added, replaced, removed) and the
 * parents of any job entry whose keys changed. The room reads it inside the doc's 'update'
 * event, in the same storage transaction that appends the update.
 */
export function jobsTouchedBy(doc: Y.Doc, tr: Y.Transaction): Set<string> {
  const jobs: Y.AbstractType<any> = jobsMap(doc);
  const ids = new Set<string>();
  for (const [type, keys] of tr.changed) {
    if (type === jobs) {
      for (const k of keys) if (k !== null) ids.add(k);
    } else if (type._item?.parent === jobs && typeof type._item.parentSub === 'string') {
      ids.add(type._item.parentSub);
    }
  }
  return ids;
}
