/**
 * The Yjs document of one org-day board: what the board room holds, persists and syncs, and what
 * every dispatcher's browser edits. Only these functions should touch its Y types; everyone else
 * reads plain snapshots (`readBoard`) and writes through `placeJob` and friends.
 *
 * Shape (BOARD_DOC_VERSION = 1):
 *
 *   meta: Y.Map   orgId, date ('YYYY-MM-DD' in the org's timezone), timezone, version
 *   jobs: Y.Map   job id -> Y.Map, one per job on this day, with the keys
 *     'placement'  [technicianId, start, durationMin]: technician id, UTC ms start, minutes;
 *                  technicianId and start are null while the job sits in the queue
 *     'status'     the lifecycle status (core/lifecycle.ts)
 *     'order'      optional: a dispatcher's manual position in the queue (see `unassignedQueue`)
 *     'card'       the display fields as a tuple in CARD_FIELDS order: number, type, priority,
 *                  customerName, address, lat, lng, requiredSkill, requiredLicenceClass, createdAt;
 *                  written only by the room, from libSQL records
 *
 * Why this shape and not one Y.Map key per field (the obvious layout). The budget is a stored doc
 * of at most 256 KB after 10,000 edits to 500 jobs (DESIGN.md). Two facts about yjs 13.6:
 * - Every write to a Y.Map key leaves a tombstone of about 13 bytes (V1 encoding) even after
 *   garbage collection: the new item names its left neighbour (a 5-byte client id plus a clock)
 *   and the delete set records the old one. 10,000 edits cost about 125-140 KB whatever the
 *   values are, and an edit that writes two keys costs twice that.
 * - A key's first write costs about 12 bytes plus its name on top of the value, per job, and a
 *   plain object value repeats its key names per job.
 * Measured by board-doc.test.ts on the same 500 jobs and 10,000 edits from three clients:
 *   one key per field (15 keys)                   loaded 238 KB, after the edits 410 KB
 *   the same plus warnings written by the room    after the edits 785 KB (26,000 warning writes)
 *   this layout (4 keys, tuples)                  loaded 110 KB, after the edits 236 KB
 *                                                 (182 KB in the V2 encoding)
 * The tuples matter: the card as an object adds about 50 KB over 500 jobs, the placement as an
 * object another 15 KB. The first two rows print only with BOARD_DOC_COMPARE=1 (slow).
 *
 * What that costs: a placement is one value, so two dispatchers changing the same job's
 * technician and time at the same moment do not merge field by field: one placement wins whole.
 * That is the right answer for a board (a merged technician-from-A and time-from-B is a slot
 * neither chose, and could double-book), and the card another dispatcher is dragging is
 * soft-locked through awareness anyway. Different keys still merge: a placement from one client
 * and a status or queue order from another both survive.
 *
 * Not in the doc:
 * - Warnings. They are derived from the doc plus the technicians, by the pure rules in
 *   core/schedule-rules.ts: the browser computes them (`ruleJobsFromBoard` + `evaluateDay`) and
 *   gets the same answer as the room, which computes them as the authority and stores them in
 *   libSQL with the projection. Writing them into the doc would add a tombstone per changed
 *   warning list forever.
 * - Technicians: records, loaded over REST by the board and from libSQL by the room.
 * - Churn: GPS positions, who is dragging which card, cursors. A Y.Map keeps a tombstone for
 *   every value ever written; those travel as awareness (`BoardAwareness`).
 *
 * The unassigned queue is derived, not stored: it is every schedulable job whose placement has
 * no technician. A separate Y.Array of queued ids would be a second copy of the same fact, and
 * two concurrent edits (one assigns, one reorders the queue) could leave a job both assigned and
 * queued, or queued twice. The optional 'order' number gives dispatchers a manual order without a
 * list: sorting is by priority, then order (defaulting to the job's creation time, i.e. its age),
 * then job number; moving a card between two others sets a number between theirs.
 *
 * Who writes what: the room creates and removes job entries (`upsertJobFromRecord`,
 * `removeJob`) and writes 'card'; dispatchers write 'placement' and 'order' (and 'status' as a
 * side effect of placing, per the lifecycle); status changes from technicians arrive through the
 * room (`setJobStatus`). Two clients creating the same job entry at once would each make their own
 * nested map and one would vanish whole, which is why creation is the room's alone.
 */
import * as Y from 'yjs';
import { isJobStatus, isSchedulable, rescheduleRefusal, statusAfterScheduleChange, type JobStatus } from './lifecycle.ts';
import { DEFAULT_PRIORITY, priorityRank } from './priorities.ts';
import type { RuleJob } from './schedule-rules.ts';
import { dayRange } from './time.ts';

export const BOARD_DOC_VERSION = 1;

export interface BoardMeta {
  orgId: string;
  date: string;
  timezone: string;
  version: number;
}

/** The display fields, in the order they are stored in a job's 'card' tuple. Append only. */
export const CARD_FIELDS = [
  'number',
  'type',
  'priority',
  'customerName',
  'address',
  'lat',
  'lng',
  'requiredSkill',
  'requiredLicenceClass',
  'createdAt',
] as const;
export type CardField = (typeof CARD_FIELDS)[number];

export interface BoardCard {
  number: number;
  type: string;
  priority: string;
  customerName: string;
  address: string;
  lat: number | null;
  lng: number | null;
  requiredSkill: string | null;
  requiredLicenceClass: string | null;
  createdAt: number;
}

/** One job as the board sees it: a plain object, safe to keep in Svelte state. */
export interface BoardJob extends BoardCard {
  id: string;
  /** Both set (on a technician's row) or both null (in the queue); never one without the other. */
  technicianId: string | null;
  start: number | null;
  durationMin: number;
  status: JobStatus;
  order: number | null;
}

export interface BoardSnapshot {
  meta: BoardMeta | null;
  jobs: Record<string, BoardJob>;
  /** Ids of the unassigned queue, in display order. */
  queue: string[];
}

/** What the room loads from libSQL (the jobs row joined with its customer's name and location). */
export interface BoardJobRecord extends BoardCard {
  id: string;
  status: JobStatus;
  technicianId: string | null;
  scheduledStart: number | null;
  durationMin: number;
}

/** Logical fields a change can touch; the room projects a job when any of SCHEDULE_FIELDS changed. */
export type BoardField = 'technicianId' | 'start' | 'durationMin' | 'status' | 'order' | CardField;
export const SCHEDULE_FIELDS: readonly BoardField[] = ['technicianId', 'start', 'durationMin', 'status'];

/**
 * Awareness state of a board client (y-protocols awareness, not the doc): who is here, what they
 * are dragging (others show that card soft-locked with their name), and for a technician's phone
 * its position, throttled. Re-announce it after every sync: a client joining an occupied room may
 * otherwise miss existing peers (see STACK.md).
 */
export interface BoardAwareness {
  user: { id: string; name: string; colour: string; role: string };
  dragging?: { jobId: string; technicianId: string | null; start: number | null } | null;
  position?: { technicianId: string; lat: number; lng: number; at: number } | null;
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
// Encoding. Values arrive from other clients, so decoding never trusts a type.

interface StoredPlacement {
  technicianId: string | null;
  start: number | null;
  durationMin: number;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function encodeCard(c: BoardCard): unknown[] {
  return CARD_FIELDS.map((f) => c[f]);
}

function decodeCard(v: unknown): BoardCard | null {
  if (!Array.isArray(v) || v.length < CARD_FIELDS.length) return null;
  const [number, type, priority, customerName, address, lat, lng, requiredSkill, requiredLicenceClass, createdAt] = v as unknown[];
  const n = num(number);
  if (n == null) return null;
  return {
    number: n,
    type: str(type) ?? '',
    priority: str(priority) ?? DEFAULT_PRIORITY,
    customerName: str(customerName) ?? '',
    address: str(address) ?? '',
    lat: num(lat),
    lng: num(lng),
    requiredSkill: str(requiredSkill),
    requiredLicenceClass: str(requiredLicenceClass),
    createdAt: num(createdAt) ?? 0,
  };
}

/** Stored as a tuple [technicianId, start, durationMin]: an object would repeat its three key names per job (15 KB over 500 jobs). */
function encodePlacement(p: StoredPlacement): unknown[] {
  return [p.technicianId, p.start, p.durationMin];
}

function decodePlacement(v: unknown): StoredPlacement {
  const [technicianId, start, durationMin] = Array.isArray(v) ? (v as unknown[]) : [];
  const minutes = num(durationMin);
  return {
    technicianId: str(technicianId) || null,
    start: num(start),
    durationMin: minutes != null && minutes > 0 ? minutes : 60,
  };
}

function samePlacement(a: StoredPlacement, b: StoredPlacement): boolean {
  return a.technicianId === b.technicianId && a.start === b.start && a.durationMin === b.durationMin;
}

function sameTuple(a: unknown, b: readonly unknown[]): boolean {
  return Array.isArray(a) && a.length === b.length && a.every((x, i) => x === b[i]);
}

function jobsMap(doc: Y.Doc): Y.Map<Y.Map<unknown>> {
  return doc.getMap('jobs');
}

function jobMap(doc: Y.Doc, jobId: string): Y.Map<unknown> | null {
  const m = jobsMap(doc).get(jobId);
  return m instanceof Y.Map ? m : null;
}

/** Write only when the value differs: every write is a tombstone forever. */
function setIfChanged(m: Y.Map<unknown>, key: string, value: unknown): boolean {
  if (m.get(key) === value) return false;
  m.set(key, value);
  return true;
}

// ---------------------------------------------------------------------------------------------
// Reading

function readJobMap(id: string, m: Y.Map<unknown>): BoardJob | null {
  const card = decodeCard(m.get('card'));
  if (!card) return null;
  const p = decodePlacement(m.get('placement'));
  const stored = str(m.get('status'));
  const status = stored && isJobStatus(stored) ? stored : 'unscheduled';
  const order = num(m.get('order'));
  // A placement and a status written by two clients at once can disagree (a move wins the
  // placement, an unassign wins the status); the lifecycle decides what the status must be.
  const placed = p.technicianId != null && p.start != null;
  return {
    id,
    ...card,
    technicianId: placed ? p.technicianId : null,
    start: placed ? p.start : null,
    durationMin: p.durationMin,
    status: statusAfterScheduleChange(status, { technicianId: p.technicianId, scheduledStart: p.start }),
    order,
  };
}

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

// ---------------------------------------------------------------------------------------------
// Writing. `origin` marks the transaction: an UndoManager tracking that origin undoes exactly
// this client's moves, and the room's observer can tell its own writes from clients'.

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
