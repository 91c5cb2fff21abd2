/**
 * The Yjs document of one org-day board: what the board room holds, persists and syncs, and what
 * every dispatcher's browser edits: its shape and how a job is stored (this module), what clients
 * read and write (board-client.ts: `readBoard`, `placeJob` and friends) and what only the room
 * writes (board-doc-room.ts). Only these modules touch its Y types; everyone else reads plain
 * snapshots.
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
import { isJobStatus, statusAfterScheduleChange, type JobStatus } from './lifecycle.ts';
import { DEFAULT_PRIORITY } from './priorities.ts';

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

// ---------------------------------------------------------------------------------------------
// Encoding, for the board modules (board-client.ts, board-doc-room.ts) only: everyone else
// reads snapshots and writes through them. Values arrive from other clients, so decoding never
// trusts a type.

export interface StoredPlacement {
  technicianId: string | null;
  start: number | null;
  durationMin: number;
}

export const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
export const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export function encodeCard(c: BoardCard): unknown[] {
  return CARD_FIELDS.map((f) => c[f]);
}

export function decodeCard(v: unknown): BoardCard | null {
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
export function encodePlacement(p: StoredPlacement): unknown[] {
  return [p.technicianId, p.start, p.durationMin];
}

export function decodePlacement(v: unknown): StoredPlacement {
  const [technicianId, start, durationMin] = Array.isArray(v) ? (v as unknown[]) : [];
  const minutes = num(durationMin);
  return {
    technicianId: str(technicianId) || null,
    start: num(start),
    durationMin: minutes != null && minutes > 0 ? minutes : 60,
  };
}

export function samePlacement(a: StoredPlacement, b: StoredPlacement): boolean {
  return a.technicianId === b.technicianId && a.start === b.start && a.durationMin === b.durationMin;
}

export function sameTuple(a: unknown, b: readonly unknown[]): boolean {
  return Array.isArray(a) && a.length === b.length && a.every((x, i) => x === b[i]);
}

export function jobsMap(doc: Y.Doc): Y.Map<Y.Map<unknown>> {
  return doc.getMap('jobs');
}

export function jobMap(doc: Y.Doc, jobId: string): Y.Map<unknown> | null {
  const m = jobsMap(doc).get(jobId);
  return m instanceof Y.Map ? m : null;
}

/** Write only when the value differs: every write is a tombstone forever. */
export function setIfChanged(m: Y.Map<unknown>, key: string, value: unknown): boolean {
  if (m.get(key) === value) return false;
  m.set(key, value);
  return true;
}

export function readJobMap(id: string, m: Y.Map<unknown>): BoardJob | null {
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
