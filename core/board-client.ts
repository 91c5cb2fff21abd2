/**
 * A board document as a client uses it (the dispatcher's browser, and the room reading its own
 * doc): plain snapshots to read, changes to observe, and the dispatcher's edits (place a job
 * on a technician and a time, send it back to the queue, order the queue, set a status),
 * checked here against the lifecycle and the board's day for instant feedback. The board room
 * checks every edit again as the authority (rooms/schedule-guard.ts).
 */
import * as Y from 'yjs';
import { isSchedulable, rescheduleRefusal, statusAfterScheduleChange, type JobStatus } from './lifecycle.ts';
import { priorityRank } from './priorities.ts';
import type { RuleJob } from './schedule-rules.ts';
import { dayRange } from './time.ts';
import {
  BOARD_DOC_VERSION,
  decodePlacement,
  encodePlacement,
  jobMap,
  jobsMap,
  num,
  readJobMap,
  samePlacement,
  setIfChanged,
  str,
  type StoredPlacement,
  CARD_FIELDS,
  type BoardField,
  type BoardJob,
  type BoardMeta,
  type BoardSnapshot,
} from './board-doc.ts';

// ---------------------------------------------------------------------------------------------
// Reading

export function readMeta(doc: Y.Doc): BoardMeta | null {
  const m = doc.getMap('meta');
  const orgId = str(m.get('orgId'));
  const date = str(m.get('date'));
  const timezone = str(m.get('timezone'));
  if (!orgId || !date || !timezone) return null;
  return { orgId, date, timezone, version: num(m.get('version')) ?? BOARD_DOC_VERSION };
}

export function readJob(doc: Y.Doc, jobId: string): BoardJob | null {
  const m = jobMap(doc, jobId);
  return m ? readJobMap(jobId, m) : null;
}

/** The whole board as plain objects. Entries that do not decode (junk from a bad client) are left out. */
export function readBoard(doc: Y.Doc): BoardSnapshot {
  const jobs: Record<string, BoardJob> = {};
  for (const [id, m] of jobsMap(doc).entries()) {
    if (!(m instanceof Y.Map)) continue;
    const job = readJobMap(id, m);
    if (job) jobs[id] = job;
  }
  return { meta: readMeta(doc), jobs, queue: unassignedQueue(Object.values(jobs)).map((j) => j.id) };
}

/** Jobs waiting for a technician, in display order: priority, then manual order or age, then number. */
export function unassignedQueue(jobs: Iterable<BoardJob>): BoardJob[] {
  const queued: BoardJob[] = [];
  for (const j of jobs) if (j.technicianId == null && isSchedulable(j.status)) queued.push(j);
  return queued.sort(
    (a, b) =>
      priorityRank(a.priority) - priorityRank(b.priority) || (a.order ?? a.createdAt) - (b.order ?? b.createdAt) || a.number - b.number,
  );
}

/** The jobs in the shape the scheduling rules take, so browser and room feed them identically. */
export function ruleJobsFromBoard(jobs: Iterable<BoardJob>): RuleJob[] {
  const out: RuleJob[] = [];
  for (const j of jobs) {
    out.push({
      id: j.id,
      number: j.number,
      address: j.address,
      lat: j.lat,
      lng: j.lng,
      requiredSkill: j.requiredSkill,
      requiredLicenceClass: j.requiredLicenceClass,
      technicianId: j.technicianId,
      start: j.start,
      durationMin: j.durationMin,
      status: j.status,
    });
  }
  return out;
}

/** The board day's instants, remembered: dayRange costs a dozen Intl calls and a drop should not. */
let lastDay: { key: string; range: { start: number; end: number } } | null = null;
function dayOf(meta: BoardMeta): { start: number; end: number } {
  const key = `${meta.timezone}|${meta.date}`;
  if (lastDay?.key !== key) lastDay = { key, range: dayRange(meta.date, meta.timezone) };
  return lastDay.range;
}

const MAX_DURATION_MIN = 24 * 60;

// ---------------------------------------------------------------------------------------------
// Writing. `origin` marks the transaction: an UndoManager tracking that origin undoes exactly
// this client's moves, and the room's observer can tell its own writes from clients'.

export type Refusal = 'unknown-job' | 'not-schedulable' | 'other-day' | 'invalid';
export type PlaceResult = { ok: true; changed: boolean } | { ok: false; reason: Refusal; message: string };

const refuse = (reason: Refusal, message: string): PlaceResult => ({ ok: false, reason, message });

function checkSchedulable(doc: Y.Doc, jobId: string): { m: Y.Map<unknown>; job: BoardJob } | PlaceResult {
  const m = jobMap(doc, jobId);
  const job = m && readJobMap(jobId, m);
  if (!m || !job) return refuse('unknown-job', 'This job is not on this day’s board.');
  const refusal = rescheduleRefusal(job.status, job.number);
  if (refusal) return refuse('not-schedulable', refusal);
  return { m, job };
}

/** Put a job on a technician at a start (UTC ms) for a duration; the status follows the lifecycle. */
export function placeJob(
  doc: Y.Doc,
  jobId: string,
  placement: { technicianId: string; start: number; durationMin: number },
  origin?: unknown,
): PlaceResult {
  const { technicianId, start, durationMin } = placement;
  if (typeof technicianId !== 'string' || !technicianId) return refuse('invalid', 'Choose a technician.');
  if (!Number.isSafeInteger(start)) return refuse('invalid', 'The start time is not a valid instant.');
  if (!Number.isInteger(durationMin) || durationMin < 1 || durationMin > MAX_DURATION_MIN)
    return refuse('invalid', `A job lasts from 1 to ${MAX_DURATION_MIN} minutes.`);
  const meta = readMeta(doc);
  if (meta) {
    // Another day's jobs live in another room: a cross-day move goes through the rooms, not a doc edit.
    const day = dayOf(meta);
    if (start < day.start || start >= day.end)
      return refuse('other-day', `That time is not on ${meta.date}; move the job to another day from its details.`);
  }
  const found = checkSchedulable(doc, jobId);
  if (!('m' in found)) return found;
  const { m, job } = found;
  let changed = false;
  doc.transact(() => {
    const next: StoredPlacement = { technicianId, start, durationMin };
    if (!samePlacement(decodePlacement(m.get('placement')), next)) {
      m.set('placement', encodePlacement(next));
      changed = true;
    }
    changed = setIfChanged(m, 'status', statusAfterScheduleChange(job.status, { technicianId, scheduledStart: start })) || changed;
  }, origin);
  return { ok: true, changed };
}

/** Send a job back to the queue, keeping its duration. */
export function unassignJob(doc: Y.Doc, jobId: string, origin?: unknown): PlaceResult {
  const found = checkSchedulable(doc, jobId);
  if (!('m' in found)) return found;
  const { m, job } = found;
  let changed = false;
  doc.transact(() => {
    const current = decodePlacement(m.get('placement'));
    if (current.technicianId != null || current.start != null) {
      m.set('placement', encodePlacement({ technicianId: null, start: null, durationMin: current.durationMin }));
      changed = true;
    }
    changed = setIfChanged(m, 'status', statusAfterScheduleChange(job.status, { technicianId: null, scheduledStart: null })) || changed;
  }, origin);
  return { ok: true, changed };
}

/** A status decided elsewhere (the Worker validated a technician's change against the lifecycle). */
export function setJobStatus(doc: Y.Doc, jobId: string, status: JobStatus, origin?: unknown): boolean {
  const m = jobMap(doc, jobId);
  if (!m) return false;
  let changed = false;
  doc.transact(() => {
    changed = setIfChanged(m, 'status', status);
  }, origin);
  return changed;
}

/** A manual queue position (any number; see `unassignedQueue`), or null for the natural order. */
export function setQueueOrder(doc: Y.Doc, jobId: string, order: number | null, origin?: unknown): boolean {
  const m = jobMap(doc, jobId);
  if (!m || (order != null && !Number.isFinite(order))) return false;
  let changed = false;
  doc.transact(() => {
    if (order == null) {
      if (m.has('order')) {
        m.delete('order');
        changed = true;
      }
    } else changed = setIfChanged(m, 'order', order);
  }, origin);
  return changed;
}

// ---------------------------------------------------------------------------------------------
// Observing

export interface JobChange {
  /** 'added' also covers an entry replaced whole; 'removed' has no fields. */
  kind: 'added' | 'updated' | 'removed';
  fields: BoardField[];
}

export interface BoardChange {
  jobs: Map<string, JobChange>;
  /** Meta keys that changed. */
  meta: string[];
  origin: unknown;
  /** True when the transaction ran on this doc; false for updates applied from elsewhere (Y.applyUpdate). */
  local: boolean;
}

const ALL_FIELDS: readonly BoardField[] = ['technicianId', 'start', 'durationMin', 'status', 'order', ...CARD_FIELDS];

function changedFields(key: string, before: unknown, after: unknown): BoardField[] {
  switch (key) {
    case 'placement': {
      const a = decodePlacement(before);
      const b = decodePlacement(after);
      const out: BoardField[] = [];
      if (a.technicianId !== b.technicianId) out.push('technicianId');
      if (a.start !== b.start) out.push('start');
      if (a.durationMin !== b.durationMin) out.push('durationMin');
      return out;
    }
    case 'card': {
      const a = Array.isArray(before) ? before : [];
      const b = Array.isArray(after) ? after : [];
      return CARD_FIELDS.filter((_, i) => a[i] !== b[i]);
    }
    case 'status':
    case 'order':
      return before === after ? [] : [key];
    default:
      return []; // unknown keys from a newer or misbehaving client are not part of the board
  }
}

/**
 * Calls `listener` once per transaction that changed the board, with the job ids touched and,
 * per job, the logical fields whose values changed. The room uses it to fill its outbox: project
 * a job when any of SCHEDULE_FIELDS is among its fields. Returns a function that stops observing.
 */
export function observeBoard(doc: Y.Doc, listener: (change: BoardChange) => void): () => void {
  const jobs = jobsMap(doc);
  const meta = doc.getMap('meta');
  let pending: BoardChange | null = null;
  const current = (txn: Y.Transaction): BoardChange => (pending ??= { jobs: new Map(), meta: [], origin: txn.origin, local: txn.local });

  const onJobs = (events: Y.YEvent<Y.AbstractType<unknown>>[], txn: Y.Transaction) => {
    const change = current(txn);
    for (const event of events) {
      if (event.target === jobs) {
        for (const [id, { action }] of event.changes.keys) {
          change.jobs.set(id, action === 'delete' ? { kind: 'removed', fields: [] } : { kind: 'added', fields: [...ALL_FIELDS] });
        }
        continue;
      }
      const id = event.path[0];
      if (typeof id !== 'string' || change.jobs.get(id)?.kind === 'added') continue;
      const target = event.target as Y.Map<unknown>;
      const fields = new Set(change.jobs.get(id)?.fields);
      for (const [key, { oldValue }] of event.changes.keys) for (const f of changedFields(key, oldValue, target.get(key))) fields.add(f);
      if (fields.size) change.jobs.set(id, { kind: 'updated', fields: [...fields] });
    }
  };
  const onMeta = (event: Y.YMapEvent<unknown>, txn: Y.Transaction) => {
    current(txn).meta.push(...event.keysChanged);
  };
  // Observers run during the transaction's cleanup, before 'afterTransaction': gather there, report once.
  const onAfter = () => {
    const change = pending;
    pending = null;
    if (change && (change.jobs.size || change.meta.length)) listener(change);
  };
  jobs.observeDeep(onJobs);
  meta.observe(onMeta);
  doc.on('afterTransaction', onAfter);
  return () => {
    jobs.unobserveDeep(onJobs);
    meta.unobserve(onMeta);
    doc.off('afterTransaction', onAfter);
  };
}
