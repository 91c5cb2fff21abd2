/**
 * The board document's shape, as the room reads and writes it.
 *
 * TEMPORARY: core/board-doc.ts (being written alongside) will own this shape; until it lands
 * these are the room's private helpers, written to the same shape so the switch is a change of
 * imports:
 *
 *   doc.getMap('jobs')   job id -> Y.Map of one job on this org-day:
 *       schedule (projected into libSQL): technicianId (string | null), start (UTC ms | null),
 *                                         durationMin (integer), status (core/lifecycle status)
 *       board only:                       order (number, position within the technician's lane)
 *       display (so the board needs no round trip): number, type, priority, description,
 *           customerName, address, city, lat, lng, requiredSkill, requiredLicenceClass,
 *           arrivalWindowStart, arrivalWindowEnd
 *   doc.getMap('meta')   orgId, date, timezone, seededAt
 *
 * The day's unassigned queue is the jobs of this day whose technicianId is null: they have a
 * start on this day but nobody yet. Jobs with no date at all are not on any day's board (they
 * live in libSQL and reach a board through the API, which calls the room).
 *
 * Churny data (who drags what, GPS) never goes in here: a Y.Map keeps every value written.
 */
import * as Y from 'yjs';

export const SCHEDULE_KEYS = ['technicianId', 'start', 'durationMin', 'status'] as const;
export const DISPLAY_KEYS = [
  'number',
  'type',
  'priority',
  'description',
  'customerName',
  'address',
  'city',
  'lat',
  'lng',
  'requiredSkill',
  'requiredLicenceClass',
  'arrivalWindowStart',
  'arrivalWindowEnd',
] as const;

export type DisplayFields = Partial<Record<(typeof DISPLAY_KEYS)[number], string | number | null>>;

/** A job's schedule as the records hold it (what the room projects). */
export interface Schedule {
  technicianId: string | null;
  start: number | null;
  durationMin: number;
  status: string;
}

/** A job's schedule as found in the doc: anything a client wrote, not yet checked. */
export type RawSchedule = Record<(typeof SCHEDULE_KEYS)[number], unknown>;

export const jobsOf = (doc: Y.Doc) => doc.getMap<Y.Map<unknown>>('jobs');
export const metaOf = (doc: Y.Doc) => doc.getMap<unknown>('meta');

export function readRawSchedule(doc: Y.Doc, jobId: string): RawSchedule | null {
  const job = jobsOf(doc).get(jobId);
  if (!(job instanceof Y.Map)) return null;
  return { technicianId: job.get('technicianId'), start: job.get('start'), durationMin: job.get('durationMin'), status: job.get('status') };
}

/** Puts a job on the board (or refreshes it), display fields included. Call inside a transaction. */
export function upsertJob(doc: Y.Doc, jobId: string, schedule: Schedule, display: DisplayFields, order?: number): void {
  const jobs = jobsOf(doc);
  let job = jobs.get(jobId);
  if (!(job instanceof Y.Map)) {
    job = new Y.Map<unknown>();
    jobs.set(jobId, job);
  }
  setFields(job, { ...display, ...schedule });
  if (order !== undefined && job.get('order') !== order) job.set('order', order);
  if (typeof job.get('order') !== 'number') job.set('order', 0);
}

/** Writes only the fields that differ, so a no-op leaves no Yjs history behind. */
export function setJobFields(doc: Y.Doc, jobId: string, fields: Partial<Schedule>): void {
  const job = jobsOf(doc).get(jobId);
  if (job instanceof Y.Map) setFields(job, fields);
}

function setFields(job: Y.Map<unknown>, fields: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    if (job.get(k) !== v || !job.has(k)) job.set(k, v);
  }
}

export function removeJob(doc: Y.Doc, jobId: string): void {
  jobsOf(doc).delete(jobId);
}

/**
 * The job ids a transaction touched: keys of the top-level jobs map (added, replaced, removed)
 * and the parents of any job map whose fields changed.
 */
export function touchedJobIds(doc: Y.Doc, tr: Y.Transaction): Set<string> {
  const jobs: Y.AbstractType<any> = jobsOf(doc);
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
