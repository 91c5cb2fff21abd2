/**
 * BoardRoom: the live schedule of one org and local day, as a Yjs doc served over the standard
 * y-partyserver / y-websocket sync protocol. Addressed by name `${orgId}:${YYYY-MM-DD}`
 * (rooms/board-name.ts); the Worker only ever routes an authenticated person to a room of
 * their own org (worker/rooms-route.ts).
 *
 * Life of an edit:
 *  1. A frame is checked (rooms/message-guard.ts): size, rate, and a full decode. Read-only
 *     connections' updates are dropped by y-partyserver (isReadOnly) before they touch the doc.
 *  2. Yjs applies it; our `update` handler then, in ONE storage transaction, appends the update
 *     (rooms/persistence.ts), checks every touched job against the last projected schedule
 *     (rooms/schedule-guard.ts) and writes an outbox row per accepted schedule change
 *     (rooms/outbox.ts). Refused values are repaired in the doc right after.
 *  3. y-partyserver broadcasts; the output gate holds those frames until the storage commit,
 *     so nobody sees an edit that is not durable.
 *  4. An alarm drains the outbox into libSQL, retrying with backoff while libSQL is away.
 *
 * After a wake the doc is empty: partyserver runs onStart -> onLoad (snapshot + updates)
 * inside blockConcurrencyWhile before any message, alarm or connection is handled.
 */
import { YServer } from 'y-partyserver';
import type { Connection, ConnectionContext, WSMessage } from 'partyserver';
import * as Y from 'yjs';
import { createClient, type Client } from '@libsql/client/web';
import { dayRange } from '../core/time.ts';
import { isSchedulable, statusAfterScheduleChange, type JobStatus } from '../core/lifecycle.ts';
import type { Env } from '../worker/env.ts';
import { parseBoardRoomName } from './board-name.ts';
import { jobsOf, metaOf, readRawSchedule, removeJob, setJobFields, touchedJobIds, upsertJob, type DisplayFields, type Schedule } from './board-shape.ts';
import { decide, sameSchedule } from './schedule-guard.ts';
import { identityFrom, type Identity } from './identity.ts';
import { allows } from '../worker/authz.ts';
import { CLOSE_POLICY, FloodGuard, byteLengthOf, inspectFrame } from './message-guard.ts';
import { appendUpdate, compactDoc, getMeta, hasStoredDoc, loadDoc, migrateDocStore, pendingUpdateCount, setMeta } from './persistence.ts';
import {
  allJobStates,
  backoffMs,
  drainOnce,
  enqueue,
  forgetJobState,
  migrateOutbox,
  nextVersion,
  outboxSize,
  readJobState,
  writeJobState,
  type JobState,
} from './outbox.ts';

/** Who a change is attributed to in job_events. */
export interface Actor {
  userId: string | null;
  name?: string;
}

/** A schedule change from outside the board (API, imports, technician status). Omitted fields stay. */
export interface Placement {
  technicianId?: string | null;
  /** UTC ms, on this room's day. */
  start?: number | null;
  durationMin?: number;
  status?: JobStatus;
}

export type ApplyResult = { ok: true; schedule: Schedule | null; version: number } | { ok: false; reason: string };

/** Compact the stored doc after this many appended updates (and on y-partyserver's debounced onSave). */
const COMPACT_EVERY = 200;
const DRAIN_BATCH = 100;
const LIBSQL_TIMEOUT_MS = 10_000;

/** Transaction origins the room itself uses; client transactions carry their Connection. */
class RoomOrigin {
  constructor(
    readonly kind: 'load' | 'rpc' | 'repair',
    readonly actor: Actor,
  ) {}
}
const LOAD = new RoomOrigin('load', { userId: null });

type Repair = { jobId: string; fields?: Partial<Schedule>; restore?: JobState; remove?: true };

interface ConnState {
  who?: Identity;
}

const SEED_SQL = `select j.id, j.number, j.type, j.priority, j.description, j.status, j.required_skill, j.required_licence_class,
    j.scheduled_start, j.duration_min, j.technician_id, j.arrival_window_start, j.arrival_window_end, j.schedule_version,
    c.name as customer_name, l.address, l.city, l.lat, l.lng
  from jobs j join customers c on c.id = j.customer_id join locations l on l.id = j.location_id
  where j.org_id = ?`;

export class BoardRoom extends YServer<Env> {
  static options = { hibernate: true };
  static callbackOptions = { debounceWait: 2_000, debounceMaxWait: 10_000 };

  #orgId = '';
  #date = '';
  #day = { start: 0, end: 0 };
  #loaded = false;
  #flood = new FloodGuard();
  #sinceCompaction = 0;
  #draining = false;
  #drainFailures = 0;
  #client: Client | undefined;

  get #sql(): SqlStorage {
    return this.ctx.storage.sql;
  }

  /** Upgrades reach the room only from worker/rooms-route.ts, which sets the identity headers. */
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get('upgrade')?.toLowerCase() === 'websocket' && !identityFrom(request.headers)) {
      return new Response('Connect through /api/rooms', { status: 403 });
    }
    return super.fetch(request);
  }

  override async onLoad(): Promise<void> {
    migrateDocStore(this.#sql);
    migrateOutbox(this.#sql);
    ({ orgId: this.#orgId, date: this.#date } = parseBoardRoomName(this.name));
    if (hasStoredDoc(this.#sql)) {
      loadDoc(this.#sql, this.document, LOAD);
      this.#sinceCompaction = pendingUpdateCount(this.#sql);
    } else {
      await this.#seed();
    }
    const timezone = String(getMeta(this.#sql, 'timezone'));
    this.#day = dayRange(this.#date, timezone);
    this.#drainFailures = Number(getMeta(this.#sql, 'drainFailures') ?? 0);
    this.document.on('update', this.#onUpdate);
    this.#loaded = true;
    // A crash between an accepted edit and its repair (or an RPC's state write and its doc
    // write) leaves them apart; bring the doc back to what the room last accepted.
    this.#reconcile();
    if (outboxSize(this.#sql) > 0) this.#kickDrain();
  }

  /** First load of a day: the doc starts equal to the records of that day. */
  async #seed(): Promise<void> {
    const db = this.#libsql();
    const org = await db.execute({ sql: `select timezone from orgs where id = ?`, args: [this.#orgId] });
    const timezone = org.rows[0]?.timezone;
    if (typeof timezone !== 'string') throw new Error(`No org ${this.#orgId}`);
    const day = dayRange(this.#date, timezone);
    const rows = (await db.execute({ sql: `${SEED_SQL} and j.scheduled_start >= ? and j.scheduled_start < ? order by j.scheduled_start, j.number`, args: [this.#orgId, day.start, day.end] })).rows;
    this.ctx.storage.transactionSync(() => {
      Y.transact(
        this.document,
        () => {
          const meta = metaOf(this.document);
          meta.set('orgId', this.#orgId);
          meta.set('date', this.#date);
          meta.set('timezone', timezone);
          meta.set('seededAt', Date.now());
          rows.forEach((r, i) => {
            const state = stateFromRecord(r);
            upsertJob(this.document, state.jobId, state.schedule, state.display, i);
            writeJobState(this.#sql, state);
          });
        },
        LOAD,
      );
      setMeta(this.#sql, 'timezone', timezone);
      compactDoc(this.#sql, this.document);
    });
  }

  #libsql(): Client {
    // One HTTP client per instance: it holds no connection of its own (fetch pools them).
    this.#client ??= createClient({ url: this.env.LIBSQL_URL, authToken: this.env.LIBSQL_AUTH_TOKEN });
    return this.#client;
  }

  /** RPC callers do not pass through partyserver's fetch, which is what runs onStart. */
  async #ready(): Promise<void> {
    if (!this.#loaded) await this.setName(this.name);
  }

  // ---- connections -------------------------------------------------------------------------

  override onConnect(conn: Connection, ctx: ConnectionContext): void {
    const who = identityFrom(ctx.request.headers);
    // Kept in the socket attachment, so it survives hibernation (y-partyserver keeps its own
    // keys next to ours through setState(prev => ...)).
    conn.setState((prev: unknown) => ({ ...(prev as object), who }));
    super.onConnect(conn, ctx);
  }

  override isReadOnly(conn: Connection): boolean {
    const who = (conn.state as ConnState | null)?.who;
    // Who may change the board is in the policy table with every route (worker/authz.ts).
    return !who || !allows(who.role, 'board.edit');
  }

  override onMessage(conn: Connection, message: WSMessage): void {
    if (!this.#flood.take(conn.id, byteLengthOf(message))) {
      conn.close(CLOSE_POLICY, 'too many messages');
      return;
    }
    const verdict = inspectFrame(message);
    if (!verdict.ok) {
      conn.close(verdict.code, verdict.reason);
      return;
    }
    if (verdict.kind === 'ignored' || verdict.kind === 'custom') return;
    super.onMessage(conn, message);
  }

  override onCustomMessage(): void {
    // The board defines no custom messages yet (presence arrives with a later change).
  }

  override onClose(conn: Connection, code: number, reason: string, wasClean: boolean): void {
    this.#flood.forget(conn.id);
    super.onClose(conn, code, reason, wasClean);
  }

  // ---- the update path -----------------------------------------------------------------------

  #onUpdate = (update: Uint8Array, origin: unknown, doc: Y.Doc, tr: Y.Transaction): void => {
    const actor = actorOf(origin);
    const now = Date.now();
    const repairs: Repair[] = [];
    let enqueued = 0;
    try {
      this.ctx.storage.transactionSync(() => {
        appendUpdate(this.#sql, update);
        for (const jobId of touchedJobIds(doc, tr)) enqueued += this.#project(jobId, actor, now, repairs);
      });
    } catch (e) {
      // The doc in memory now holds an update storage does not: drop this instance so the
      // next request reloads from storage rather than serve state that a restart would lose.
      console.error('board room: could not persist an update; resetting', e);
      this.ctx.abort('persistence failed');
      return;
    }
    if (repairs.length) {
      if (origin instanceof RoomOrigin && origin.kind === 'repair') console.error('board room: a repair needed repairing', repairs);
      else queueMicrotask(() => this.#applyRepairs(repairs, actor));
    }
    if (enqueued) this.#kickDrain();
    if (++this.#sinceCompaction >= COMPACT_EVERY) queueMicrotask(() => this.#compact());
  };

  /** Checks one touched job; returns how many outbox rows it wrote. Runs inside the storage transaction. */
  #project(jobId: string, actor: Actor, now: number, repairs: Repair[]): number {
    const state = readJobState(this.#sql, jobId);
    const raw = readRawSchedule(this.document, jobId);
    // Jobs enter and leave a board through the room (applySchedule), which loads the record
    // first; a client can neither invent a job nor delete one.
    if (!state) {
      if (raw) repairs.push({ jobId, remove: true });
      return 0;
    }
    if (!raw) {
      repairs.push({ jobId, restore: state });
      return 0;
    }
    const d = decide(state.schedule, raw, this.#day);
    if (Object.keys(d.repair).length) repairs.push({ jobId, fields: d.repair });
    if (sameSchedule(d.next, state.schedule)) return 0;
    this.#record(state, d.next, actor, now);
    return 1;
  }

  /** One accepted schedule change: new version, outbox row, last-projected state. */
  #record(state: JobState, next: Schedule, actor: Actor, now: number): number {
    const version = nextVersion(state.version, now);
    const moved = next.technicianId !== state.schedule.technicianId || next.start !== state.schedule.start || next.durationMin !== state.schedule.durationMin;
    enqueue(this.#sql, { jobId: state.jobId, version, eventId: crypto.randomUUID(), actorUserId: actor.userId, at: now, kind: moved ? 'rescheduled' : 'status_changed', before: state.schedule, after: next });
    writeJobState(this.#sql, { ...state, schedule: next, version });
    return version;
  }

  #applyRepairs(repairs: Repair[], actor: Actor): void {
    Y.transact(
      this.document,
      () => {
        for (const r of repairs) {
          if (r.remove) removeJob(this.document, r.jobId);
          else if (r.restore) upsertJob(this.document, r.jobId, r.restore.schedule, r.restore.display);
          else if (r.fields) setJobFields(this.document, r.jobId, r.fields);
        }
      },
      new RoomOrigin('repair', actor),
    );
  }

  #reconcile(): void {
    const repairs: Repair[] = [];
    const known = new Set<string>();
    for (const state of allJobStates(this.#sql)) {
      known.add(state.jobId);
      const raw = readRawSchedule(this.document, state.jobId);
      if (!raw) repairs.push({ jobId: state.jobId, restore: state });
      else {
        const d = decide(state.schedule, raw, this.#day);
        if (Object.keys(d.repair).length) repairs.push({ jobId: state.jobId, fields: d.repair });
      }
    }
    for (const jobId of jobsOf(this.document).keys()) if (!known.has(jobId)) repairs.push({ jobId, remove: true });
    if (repairs.length) this.#applyRepairs(repairs, { userId: null });
  }

  #compact(): void {
    if (this.#sinceCompaction === 0) return;
    this.ctx.storage.transactionSync(() => compactDoc(this.#sql, this.document));
    this.#sinceCompaction = 0;
  }

  /** y-partyserver's debounced save (2 s after the last edit, at most every 10 s): compact. */
  override async onSave(): Promise<void> {
    this.#compact();
  }

  // ---- projection into libSQL ----------------------------------------------------------------

  #kickDrain(): void {
    // While backing off, the alarm is already set for the next attempt; edits do not hurry it.
    if (this.#drainFailures > 0) return;
    this.ctx.storage.setAlarm(Date.now()).catch((e) => console.error('board room: could not set the drain alarm', e));
  }

  override async onAlarm(): Promise<void> {
    await this.#drain();
  }

  async #drain(): Promise<void> {
    if (this.#draining) return;
    this.#draining = true;
    try {
      const outcome = await drainOnce(this.#sql, this.#libsql(), this.#orgId, DRAIN_BATCH, LIBSQL_TIMEOUT_MS);
      if (outcome.kind === 'retry') {
        this.#drainFailures++;
        setMeta(this.#sql, 'drainFailures', this.#drainFailures);
        const wait = backoffMs(this.#drainFailures);
        console.warn(`board room ${this.name}: libSQL unavailable (${outcome.error}); retry ${this.#drainFailures} in ${wait} ms`);
        await this.ctx.storage.setAlarm(Date.now() + wait);
        return;
      }
      if (this.#drainFailures) {
        this.#drainFailures = 0;
        setMeta(this.#sql, 'drainFailures', 0);
      }
      if (outboxSize(this.#sql) > 0) await this.ctx.storage.setAlarm(Date.now());
    } finally {
      this.#draining = false;
    }
  }

  // ---- RPC: changes from outside the board ---------------------------------------------------

  /**
   * Puts a job on this board, moves it on it, or (placement null) takes it off this day into
   * the unscheduled queue. The job is loaded from libSQL if the board does not have it yet.
   * The change is checked like a board edit; a refused change changes nothing. Returns the
   * schedule the records will hold and its version once the outbox drains.
   */
  async applySchedule(jobId: string, placement: Placement | null, actor: Actor): Promise<ApplyResult> {
    await this.#ready();
    let state = readJobState(this.#sql, jobId);
    let adopt = false;
    if (!state) {
      if (placement === null) return { ok: false, reason: 'That job is not on this board.' };
      const record = await this.#loadRecord(jobId);
      if (!record) return { ok: false, reason: 'No such job.' };
      // Re-read: a concurrent call may have adopted it while we waited for libSQL.
      state = readJobState(this.#sql, jobId) ?? record;
      adopt = !readJobState(this.#sql, jobId);
    }
    if (placement === null) {
      const prev = state.schedule;
      if (!isSchedulable(prev.status as JobStatus)) return { ok: false, reason: `A job that is ${prev.status.replace('_', ' ')} can no longer be rescheduled.` };
      const next: Schedule = { ...prev, technicianId: null, start: null, status: statusAfterScheduleChange(prev.status as JobStatus, { technicianId: null, scheduledStart: null }) };
      const leaving = state;
      let version = 0;
      this.ctx.storage.transactionSync(() => {
        version = this.#record(leaving, next, actor, Date.now());
        forgetJobState(this.#sql, jobId);
      });
      // No state and no doc entry: the update handler projects nothing more for it.
      Y.transact(this.document, () => removeJob(this.document, jobId), new RoomOrigin('rpc', actor));
      this.#kickDrain();
      return { ok: true, schedule: next, version };
    }
    const current = adopt ? { ...state.schedule } : (readRawSchedule(this.document, jobId) ?? { ...state.schedule });
    const wanted = { ...current, ...placement };
    if (placement.status === undefined) wanted.status = state.schedule.status;
    const d = decide(state.schedule, wanted, this.#day);
    if (d.reasons.length) return { ok: false, reason: d.reasons.join('; ') };
    const base = state;
    // Adopting: the last projected state is the record as read; the doc entry is written with
    // the new schedule, so the update handler projects record -> placement as one change.
    if (adopt) writeJobState(this.#sql, base);
    Y.transact(
      this.document,
      () => (adopt ? upsertJob(this.document, jobId, d.next, base.display, jobsOf(this.document).size) : setJobFields(this.document, jobId, d.next)),
      new RoomOrigin('rpc', actor),
    );
    const after = readJobState(this.#sql, jobId)!;
    return { ok: true, schedule: after.schedule, version: after.version };
  }

  async #loadRecord(jobId: string): Promise<JobState | null> {
    const r = await this.#libsql().execute({ sql: `${SEED_SQL} and j.id = ?`, args: [this.#orgId, jobId] });
    return r.rows[0] ? stateFromRecord(r.rows[0]) : null;
  }
}

function actorOf(origin: unknown): Actor {
  if (origin instanceof RoomOrigin) return origin.actor;
  const who = ((origin as Connection | null)?.state as ConnState | null | undefined)?.who;
  return who ? { userId: who.userId, name: who.name } : { userId: null };
}

type Row = Record<string, unknown>;
const num = (v: unknown) => (v == null ? null : Number(v));
const str = (v: unknown) => (v == null ? null : String(v));

function stateFromRecord(r: Row): JobState {
  const display: DisplayFields = {
    number: num(r.number),
    type: str(r.type),
    priority: str(r.priority),
    description: str(r.description),
    customerName: str(r.customer_name),
    address: str(r.address),
    city: str(r.city),
    lat: num(r.lat),
    lng: num(r.lng),
    requiredSkill: str(r.required_skill),
    requiredLicenceClass: str(r.required_licence_class),
    arrivalWindowStart: num(r.arrival_window_start),
    arrivalWindowEnd: num(r.arrival_window_end),
  };
  return {
    jobId: String(r.id),
    schedule: { technicianId: str(r.technician_id), start: num(r.scheduled_start), durationMin: Number(r.duration_min), status: String(r.status) },
    display,
    version: Number(r.schedule_version ?? 0),
  };
}
