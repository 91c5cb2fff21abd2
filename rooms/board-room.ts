/**
 * BoardRoom: the live schedule of one org and local day, as a Yjs doc served over the standard
 * y-partyserver / y-websocket sync protocol. Addressed by name `${orgId}:${YYYY-MM-DD}`
 * (rooms/board-name.ts); the Worker only ever routes an authenticated person to a room of
 * their own org (worker/rooms-route.ts).
 *
 * Life of an edit:
 *  1. A frame is checked (rooms/message-guard.ts): size, rate, and a full decode. Read-only
 *     connections' updates are dropped by y-partyserver (isReadOnly) before they touch the doc.
 *  2. Yjs applies it; the update handler (rooms/board-projection.ts) then checks every touched
 *     job against the last projected schedule (rooms/schedule-guard.ts) and accepts it in memory,
 *     queuing the writes: the update itself (rooms/persistence.ts), an outbox row per accepted
 *     schedule change (rooms/outbox-store.ts), the job's new state. Refused values are repaired
 *     in the doc right after.
 *  3. Group commit: before anything shows an edit outside the room (the fan-out of updates, a
 *     sync reply, an RPC answer, a feed push), every queued write is stored in ONE storage
 *     transaction (#commit). The fan-out sends a lone edit at once and merges a burst over a
 *     few milliseconds (rooms/fan-out.ts), so a burst of edits costs one transaction. The
 *     output gate holds the frames until that commit, so nobody sees an edit that is not
 *     durable; an edit lost in a crash before its commit was never shown to anyone but its
 *     sender, whose provider sends it again when it reconnects (the Yjs sync handshake).
 *  4. An alarm drains the outbox into libSQL, retrying with backoff while libSQL is away
 *     (rooms/outbox.ts); the scheduling rules run just before (rooms/warnings-refresh.ts).
 *
 * After a wake the doc is empty: partyserver runs onStart -> onLoad (rooms/day-loader.ts: the
 * stored doc, or the day seeded from libSQL) inside blockConcurrencyWhile before any message,
 * alarm or connection is handled.
 */
import { YServer } from 'y-partyserver';
import type { Connection, ConnectionContext, WSMessage } from 'partyserver';
import * as Y from 'yjs';
import { createClient, type Client } from '@libsql/client/web';
import { isBilled, label, rescheduleRefusal, statusAfterScheduleChange } from '../core/lifecycle.ts';
import type { BoardJobRecord } from '../core/board-doc.ts';
import { readRawJob, removeJob, writeJobEntry } from '../core/board-doc-room.ts';
import type { RoomEnv as Env } from './env.ts';
import { parseBoardRoomName } from './board-name.ts';
import { decide, sameSchedule, type Schedule } from './schedule-guard.ts';
import { identityFrom, type Identity } from './identity.ts';
import { allows } from '../core/permissions.ts';
import type { RoomClose } from '../core/room-close.ts';
import { closeMatching, SessionWatch, type ConnectionMatch } from './session-watch.ts';
import { FloodGuard, screenFrame } from './message-guard.ts';
import { DRAIN_BATCH, DrainSchedule, drainOnce, LIBSQL_TIMEOUT_MS } from './outbox.ts';
import type { JobState } from './outbox-store.ts';
import { JobStates, recordOf, stateOf } from './job-states.ts';
import { GroupCommit } from './group-commit.ts';
import { windowFor, wrapFanOut } from './fan-out.ts';
import { loadJob, type LoadedJob } from './board-records.ts';
import { AwarenessOwners } from './presence.ts';
import { isSubscribe, type BoardNotice, type TechnicianPosition } from '../core/board-notices.ts';
import { technicianRoomName } from './board-name.ts';
import type { Actor, ApplyResult, HandOff, Placement } from './board-contract.ts';
import { TechnicianCache } from './technician-cache.ts';
import { Feeds } from './feeds.ts';
import { readPositions, recordPosition } from './positions-store.ts';
import { loadDay, migrateStore, wipeOlderStore, type BoardDay, type DayStore } from './day-loader.ts';
import { Compaction } from './compaction.ts';
import { RoomOrigin } from './origins.ts';
import { WarningsRefresh } from './warnings-refresh.ts';
import { BoardProjection } from './board-projection.ts';

interface ConnState {
  who?: Identity;
  /** The client asked for the room's custom frames (technicians' positions); see onCustomMessage. */
  notices?: boolean;
}

export class BoardRoom extends YServer<Env> {
  static options = { hibernate: true };
  static callbackOptions = { debounceWait: 2_000, debounceMaxWait: 10_000 };

  /** The org and day this room holds (set in onLoad). */
  #day!: BoardDay;
  #loaded = false;
  #flood = new FloodGuard();
  #client: Client | undefined;
  /** Whether y-partyserver's sender went through batchedFanOut and the group commit (onStart). */
  #fanOut = { wrapped: false };
  /** What the room last accepted per job, in memory in front of SQLite (set in onLoad). */
  #states!: JobStates;
  /** The org's active technicians: for the rules, and the only ids a placement may name (set in onLoad). */
  #techs!: TechnicianCache;
  /** The stored warnings kept up to date (set in onLoad). */
  #warnings!: WarningsRefresh;
  /** The update path: every change to the doc checked, recorded or repaired (set in onLoad). */
  #projection!: BoardProjection;
  /** Clients' updates accepted, and storage transactions that stored them (tests, diagnostics). */
  readonly edits = { accepted: 0, commits: 0 };

  get #sql(): SqlStorage {
    return this.ctx.storage.sql;
  }

  /** The group commit (rooms/group-commit.ts): what edits wait in memory, and the one transaction that stores them. */
  #commits = new GroupCommit(this.ctx.storage, () => this.#states, {
    committedClientEdits: () => {
      this.edits.commits++;
    },
    appended: () => this.#compaction.appended(),
    abort: (reason) => this.ctx.abort(reason),
  });

  #compaction = new Compaction(this.ctx.storage, this.document, this.#commits);

  #txn<T>(fn: () => T): T {
    return this.#commits.txn(fn);
  }

  #commit(): boolean {
    return this.#commits.commit();
  }

  /** Upgrades reach the room only from worker/rooms-route.ts, which sets the identity headers. */
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get('upgrade')?.toLowerCase() === 'websocket' && !identityFrom(request.headers)) {
      return new Response('Connect through /api/rooms', { status: 403 });
    }
    return super.fetch(request);
  }

  /**
   * y-partyserver's onStart registers the handler that sends each update to every connection;
   * wrapFanOut (rooms/fan-out.ts) batches that one (after our onLoad, whose own handler is the
   * projection's) and puts the group commit (#commit) in front of every send.
   */
  override async onStart(props?: Record<string, unknown>): Promise<void> {
    await wrapFanOut(
      this.document,
      // Registered before the projection exists, a handler cannot be the projection's.
      (f) => f !== this.#projection?.onUpdate,
      // The group commit runs right before each send: nothing leaves before it is stored.
      (send) => (update) => {
        if (this.#commit()) send(update);
      },
      (rate) => windowFor(this.#socketCount(), rate),
      () => {
        this.#fanOut.wrapped = true;
      },
      async () => {
        await super.onStart(props);
      },
    );
  }

  override async onLoad(): Promise<void> {
    const sql = this.#sql;
    migrateStore(sql);
    this.#states = new JobStates(sql);
    const store: DayStore = { sql, doc: this.document, commits: this.#commits, states: this.#states };
    const name = parseBoardRoomName(this.name);
    wipeOlderStore(store, this.name);
    this.#techs = new TechnicianCache(
      sql,
      () => this.#libsql(),
      name.orgId,
      // New technicians' data: the rules must look at every row again.
      () => this.#warnings?.everyRow(),
      (p) => this.ctx.waitUntil(p),
    );
    const { day, updateRows } = await loadDay(store, name, this.#techs, () => this.#libsql());
    this.#compaction.resume(updateRows);
    this.#day = day;
    const warnings = (this.#warnings = new WarningsRefresh(sql, day, store.states, this.#techs, this.#commits, this.name));
    this.#drains = new DrainSchedule(this.ctx.storage, this.name, {
      send: () => drainOnce(sql, this.#libsql(), day.orgId, day.date, DRAIN_BATCH, LIBSQL_TIMEOUT_MS),
      // Everything accepted is stored, and the warnings brought up to date, before a drain.
      before: async () => {
        this.#commit();
        await warnings.refresh();
      },
    });
    this.#feeds = new Feeds(
      this.#sql,
      () => this.#commit(),
      (t) => this.#pushFeed(t),
    );
    this.#projection = new BoardProjection({
      ...store,
      day,
      techs: this.#techs,
      drains: this.#drains,
      feeds: this.#feeds,
      warnings,
      edits: this.edits,
      fanOut: this.#fanOut,
    });
    this.document.on('update', this.#projection.onUpdate);
    this.#loaded = true;
    this.#projection.reconcile();
    this.#drains.kick();
  }

  #libsql(): Client {
    // One HTTP client per instance: it holds no connection of its own (fetch pools them).
    this.#client ??= createClient({ url: this.env.LIBSQL_URL, authToken: this.env.LIBSQL_AUTH_TOKEN });
    return this.#client;
  }

  /** RPC callers do not pass through partyserver's fetch, which is what runs onStart. An RPC may show edits: commit them first. */
  async #ready(): Promise<void> {
    if (!this.#loaded) await this.setName(this.name);
    this.#commit();
  }

  // ---- connections -------------------------------------------------------------------------

  /** How many sockets the room has (the fan-out's window follows it); counted again after a connect or close. */
  #sockets: number | null = null;

  #socketCount(): number {
    return (this.#sockets ??= this.ctx.getWebSockets().length);
  }

  /** Re-checks each connection's session as its frames arrive (rooms/session-watch.ts). */
  readonly sessionWatch = new SessionWatch(
    'board.view',
    () => this.#libsql(),
    (p) => this.ctx.waitUntil(p),
  );

  override onConnect(conn: Connection, ctx: ConnectionContext): void {
    this.#sockets = null;
    this.#commit();
    const who = identityFrom(ctx.request.headers);
    // Kept in the socket attachment, so it survives hibernation (y-partyserver keeps its own
    // keys next to ours through setState(prev => ...)). The Worker checked the session just
    // now, at the upgrade: that is its first check (rooms/session-watch.ts).
    conn.setState((prev: unknown) => ({ ...(prev as object), who, sessionCheckedAt: Date.now() }));
    super.onConnect(conn, ctx);
  }

  override isReadOnly(conn: Connection): boolean {
    const who = (conn.state as ConnState | null)?.who;
    // Who may change the board is in the policy table with every route (core/permissions.ts).
    return !who || !allows(who.role, 'board.edit');
  }

  /** Sockets partyserver has checked and wrapped in this instance (see webSocketMessage). */
  #known = new WeakSet<object>();

  /**
   * partyserver checks every incoming frame's socket by deserializing its attachment, a
   * structured-clone read per frame (about 6% of the room's time per edit in bench/realtime's
   * profile at 100 clients). workerd hands the room the same WebSocket object for every frame
   * of a socket while the instance is awake, and partyserver's wrapper is that object itself,
   * so a socket it has passed to onMessage once goes straight there afterwards. A new instance
   * (after a wake) starts with an empty set and lets partyserver check again.
   */
  override async webSocketMessage(ws: WebSocket, message: WSMessage): Promise<void> {
    if (!this.#known.has(ws)) return super.webSocketMessage(ws, message);
    try {
      this.onMessage(ws as unknown as Connection, message);
    } catch (e) {
      console.error(`board room ${this.name}: webSocketMessage`, e);
    }
  }

  override onMessage(conn: Connection, message: WSMessage): void {
    this.#known.add(conn);
    const verdict = screenFrame(conn, message, this.#flood);
    if (!verdict) return;
    this.sessionWatch.frame(conn);
    if (verdict.kind === 'ignored') return;
    // y-partyserver's own dispatch of `__YPS:` frames is skipped here with the rest of its handler.
    if (verdict.kind === 'custom') {
      this.onCustomMessage(conn, (message as string).slice('__YPS:'.length));
      return;
    }
    // The answer to a sync step 1 carries the doc as it is: store what it holds first.
    if (verdict.kind === 'sync-step1') this.#commit();
    // Dropped, not closed: a stale state after a reconnect is an honest mistake.
    if (verdict.kind === 'awareness' && !this.#owners.admit(conn, verdict.entries)) return;
    super.onMessage(conn, message);
  }

  /**
   * Custom (`__YPS:` text) frames go only to clients that ask for them: a stock y-websocket
   * provider parses every frame as binary Yjs and throws on text. Switchboard's board asks with
   * `{"type":"subscribe","notices":["positions"]}` once connected (rooms/presence.ts).
   */
  override onCustomMessage(conn: Connection, message: string): void {
    if (!isSubscribe(message) || (conn.state as ConnState | null)?.notices) return;
    conn.setState((prev: unknown) => ({ ...(prev as object), notices: true }));
    const positions = readPositions(this.#sql);
    if (positions.length) this.sendCustomMessage(conn, JSON.stringify({ type: 'positions', positions } satisfies BoardNotice));
  }

  override onClose(conn: Connection, code: number, reason: string, wasClean: boolean): void {
    this.#sockets = null;
    this.#flood.forget(conn.id);
    this.#owners.forget(conn.id);
    super.onClose(conn, code, reason, wasClean);
  }

  /** The Worker ended these sessions or changed these people's access (worker/room-connections.ts). */
  async closeConnections(match: ConnectionMatch, close: RoomClose): Promise<number> {
    return closeMatching(this.getConnections(), match, close);
  }

  /** Which connection owns each awareness client id (rooms/presence.ts). */
  #owners = new AwarenessOwners(() => this.getConnections());

  /** y-partyserver's debounced save (2 s after the last edit, at most every 10 s): compact. */
  override async onSave(): Promise<void> {
    this.#compaction.compact();
  }

  // ---- warnings (rooms/warnings-refresh.ts) --------------------------------------------------

  /** The warnings the room last computed, per job of the day (for tests and the API). */
  async warnings(): Promise<Record<string, JobState['warnings']>> {
    await this.#ready();
    return this.#warnings.current();
  }

  // ---- projection into libSQL (rooms/outbox.ts) ---------------------------------------------

  /** When the outbox drains (set in onLoad). */
  #drains!: DrainSchedule;

  override async onAlarm(): Promise<void> {
    await this.#drains.onAlarm();
  }

  // ---- RPC: changes from outside the board ---------------------------------------------------

  /**
   * Puts a job on this board or changes it there: technician, start, duration, status. A job
   * the board does not hold yet is loaded from libSQL, if the records say no other day owns it.
   * `placement` null sends the job to the backlog (no day). The change is checked like a board
   * edit; a refused change changes nothing. Answers once libSQL has it, or (libSQL away) once
   * it is durable in the outbox (`projected: false`).
   */
  async applySchedule(jobId: string, placement: Placement | null, actor: Actor, note?: string | null): Promise<ApplyResult> {
    await this.#ready();
    await this.#techs.know(placement?.technicianId);
    let state = this.#states.get(jobId);
    let adopt = false;
    if (!state) {
      if (placement === null) return { ok: false, code: 'not-found', reason: 'That job is not on this board.' };
      const loaded = await loadJob(this.#libsql(), this.#day.orgId, jobId);
      if (!loaded) return { ok: false, code: 'not-found', reason: 'No such job.' };
      if (!this.#mayAdopt(loaded)) return { ok: false, code: 'other-day', reason: `The job is on the board of ${loaded.boardDate}.` };
      // Re-read: a concurrent call may have adopted it while we waited for libSQL.
      state = this.#states.get(jobId) ?? stateOf(loaded);
      adopt = !this.#states.get(jobId);
    }
    const result = placement === null ? this.#release(state, actor, note) : this.#place(state, placement, actor, adopt, false, note);
    if (!result.ok) return result;
    // A cancelled job takes no place on a board; the records keep it (and which day it was on).
    if (result.schedule.status === 'cancelled') this.#drop(jobId, actor);
    return { ...result, projected: await this.#drains.projectNow(jobId) };
  }

  #drop(jobId: string, actor: Actor): void {
    const state = this.#states.get(jobId);
    this.#txn(() => this.#states.forget(jobId));
    Y.transact(this.document, () => removeJob(this.document, jobId), new RoomOrigin('rpc', actor));
    if (state) this.#projection.markDirty(state.schedule.technicianId);
  }

  #mayAdopt(job: LoadedJob): boolean {
    if (job.boardDate != null) return job.boardDate === this.#day.date;
    const start = job.record.scheduledStart;
    return start == null || (start >= this.#day.range.start && start < this.#day.range.end);
  }

  #release(state: JobState, actor: Actor, note?: string | null): ApplyResult {
    const prev = state.schedule;
    const refusal = rescheduleRefusal(prev.status);
    if (refusal) return { ok: false, code: 'refused', reason: refusal };
    // The backlog has no day; a technician already named for the job stays named.
    const next: Schedule = {
      ...prev,
      start: null,
      status: statusAfterScheduleChange(prev.status, { technicianId: prev.technicianId, scheduledStart: null }),
    };
    let version = 0;
    this.#txn(() => {
      version = this.#projection.record(state, next, actor, Date.now(), { boardDate: null, note });
      this.#states.forget(state.jobId);
    });
    // No state and no doc entry: the update handler projects nothing more for it.
    Y.transact(this.document, () => removeJob(this.document, state.jobId), new RoomOrigin('rpc', actor));
    this.#drains.kick();
    return { ok: true, schedule: next, version, boardDate: null, projected: false };
  }

  #place(
    state: JobState,
    { ifStatus, ...placement }: Placement,
    actor: Actor,
    adopt: boolean,
    takeOver: boolean,
    note?: string | null,
  ): ApplyResult {
    if (ifStatus !== undefined && ifStatus !== state.schedule.status)
      return { ok: false, code: 'conflict', reason: `The job is ${label(state.schedule.status)} now.` };
    const current = adopt ? { ...state.schedule } : (readRawJob(this.document, state.jobId) ?? { ...state.schedule });
    const wanted = {
      technicianId: current.technicianId,
      start: current.start,
      durationMin: current.durationMin,
      status: state.schedule.status,
      ...placement,
    };
    const d = decide(state.schedule, wanted, this.#day.range, this.#techs.has);
    if (d.reasons.length) return { ok: false, code: 'refused', reason: d.reasons.join('; ') };
    const base = state;
    if (adopt || takeOver || note) {
      // Written here rather than by the update handler: the hand-over flag and the note ride on
      // the outbox row, and an adopted job must have its last projected state before the doc
      // entry appears.
      this.#txn(() => {
        if (adopt || takeOver) this.#states.put(base);
        if (!sameSchedule(d.next, base.schedule) || takeOver) this.#projection.record(base, d.next, actor, Date.now(), { takeOver, note });
      });
    }
    const entry = this.#states.get(state.jobId) ?? base;
    Y.transact(this.document, () => writeJobEntry(this.document, recordOf({ ...entry, schedule: d.next })), new RoomOrigin('rpc', actor));
    this.#drains.kick();
    const after = this.#states.get(state.jobId)!;
    return { ok: true, schedule: after.schedule, version: after.version, boardDate: this.#day.date, projected: false };
  }

  /**
   * First half of a move to another day: takes the job off this board and returns what the
   * room last accepted for it, for `takeOver` on the other day's room. Nothing is written to
   * libSQL here: the records change once, when the new room projects the hand-over.
   */
  async handOff(jobId: string): Promise<HandOff> {
    await this.#ready();
    let state = this.#states.get(jobId);
    if (!state) {
      // Owned by this day in the records but not on the board (a creation whose call to the
      // room failed, say): the records are what this room accepted.
      const loaded = await loadJob(this.#libsql(), this.#day.orgId, jobId);
      if (!loaded || !this.#mayAdopt(loaded)) return { ok: false, code: 'not-found', reason: 'That job is not on this board.' };
      state = stateOf(loaded);
    }
    const refusal = rescheduleRefusal(state.schedule.status);
    if (refusal) return { ok: false, code: 'refused', reason: refusal };
    this.#drop(jobId, { userId: null });
    return { ok: true, state };
  }

  /** Second half of a move: this room becomes the job's owner with `placement` on its day. */
  async takeOver(state: JobState, placement: Placement, actor: Actor): Promise<ApplyResult> {
    await this.#ready();
    await this.#techs.know(placement.technicianId ?? state.schedule.technicianId);
    const result = this.#place({ ...state, warnings: [] }, placement, actor, true, true);
    if (!result.ok) return result;
    return { ...result, projected: await this.#drains.projectNow(state.jobId) };
  }

  /** Undoes a hand-over whose take-over was refused: the job is back as it was. */
  async restore(state: JobState): Promise<void> {
    await this.#ready();
    if (this.#states.get(state.jobId)) return;
    this.#txn(() => this.#states.put(state));
    Y.transact(this.document, () => writeJobEntry(this.document, recordOf(state)), new RoomOrigin('rpc', { userId: null }));
    this.#projection.markDirty(state.schedule.technicianId);
  }

  /** Re-reads a job's card from libSQL after its details changed (customer, address, priority…). */
  async refreshJob(jobId: string): Promise<void> {
    await this.#ready();
    const state = this.#states.get(jobId);
    if (!state) return;
    const loaded = await loadJob(this.#libsql(), this.#day.orgId, jobId);
    if (!loaded) return;
    const { card } = stateOf(loaded);
    // Billing moves a status outside the room (completed -> invoiced -> paid, and back to
    // completed when an invoice is voided): take the record's status when either side is billed.
    const fromBilling = isBilled(loaded.record.status) || isBilled(state.schedule.status);
    const next: JobState = { ...state, card, schedule: fromBilling ? { ...state.schedule, status: loaded.record.status } : state.schedule };
    this.#txn(() => this.#states.put(next));
    Y.transact(this.document, () => writeJobEntry(this.document, recordOf(next)), new RoomOrigin('rpc', { userId: null }));
    this.#feeds.touch(next.schedule.technicianId);
  }

  // ---- presence: technicians' positions -----------------------------------------------------

  /** A technician's phone reported where it is (through its feed room): tell the boards that subscribed, at most every POSITION_EVERY_MS. */
  async reportPosition(p: TechnicianPosition): Promise<boolean> {
    await this.#ready();
    if (!recordPosition(this.#sql, p)) return false;
    const notice = JSON.stringify({ type: 'positions', positions: [p] } satisfies BoardNotice);
    for (const conn of this.getConnections()) if ((conn.state as ConnState | null)?.notices) this.sendCustomMessage(conn, notice);
    return true;
  }

  // ---- technicians' feeds --------------------------------------------------------------------

  /** A technician's jobs on this day, as records, for their feed room (rooms/technician-room.ts). */
  async jobsForTechnician(technicianId: string): Promise<BoardJobRecord[]> {
    await this.#ready();
    return this.#states
      .all()
      .filter((s) => s.schedule.technicianId === technicianId)
      .map(recordOf);
  }

  /** A feed room with phones connected asks for pushes; one with none stops asking (rooms/feeds.ts). */
  async subscribeFeed(technicianId: string, on: boolean): Promise<void> {
    await this.#ready();
    this.#feeds.subscribe(technicianId, on);
  }

  /** Technicians' feeds (set in onLoad). */
  #feeds!: Feeds;

  async #pushFeed(technicianId: string): Promise<void> {
    const records = this.#states
      .all()
      .filter((s) => s.schedule.technicianId === technicianId)
      .map(recordOf);
    try {
      await this.env.TECHNICIAN_ROOM.getByName(technicianRoomName(this.#day.orgId, technicianId, this.#day.date)).replaceJobs(records);
    } catch (e) {
      // The feed reloads from this room on its next wake; a phone connected now catches up on the next change.
      console.warn(`board room ${this.name}: feed of technician ${technicianId} not updated`, e);
    }
  }

  /** The org's timezone, as this room's day is read in it. */
  async timezone(): Promise<string> {
    await this.#ready();
    return this.#day.timezone;
  }

  /** The room's view of one job, for the API and tests. */
  async jobState(jobId: string): Promise<JobState | null> {
    await this.#ready();
    return this.#states.get(jobId);
  }
}
