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
 *  3. Group commit (rooms/group-commit.ts): before anything shows an edit outside the room (the
 *     fan-out of updates, a sync reply, an RPC answer, a feed push), every queued write is stored
 *     in ONE storage transaction. The fan-out sends a lone edit at once and merges a burst over a
 *     few milliseconds (rooms/fan-out.ts), so a burst of edits costs one transaction. The
 *     output gate holds the frames until that commit, so nobody sees an edit that is not
 *     durable; an edit lost in a crash before its commit was never shown to anyone but its
 *     sender, whose provider sends it again when it reconnects (the Yjs sync handshake).
 *  4. An alarm drains the outbox into libSQL, retrying with backoff while libSQL is away
 *     (rooms/outbox.ts); the scheduling rules run just before (rooms/warnings-refresh.ts).
 *
 * After a wake the doc is empty: partyserver runs onStart -> onLoad (rooms/day-loader.ts: the
 * stored doc, or the day seeded from libSQL) inside blockConcurrencyWhile before any message,
 * alarm or connection is handled. Changes from outside the board arrive as RPCs
 * (rooms/board-commands.ts). This class only wires those modules to partyserver's hooks.
 */
import { YServer } from 'y-partyserver';
import type { Connection, ConnectionContext, WSMessage } from 'partyserver';
import { createClient, type Client } from '@libsql/client/web';
import type { BoardJobRecord } from '../core/board-doc.ts';
import { allows } from '../core/permissions.ts';
import type { RoomClose } from '../core/room-close.ts';
import type { TechnicianPosition } from '../core/board-notices.ts';
import type { RoomEnv as Env } from './env.ts';
import { parseBoardRoomName } from './board-name.ts';
import { identityFrom, type Identity } from './identity.ts';
import { closeMatching, SessionWatch, type ConnectionMatch } from './session-watch.ts';
import { FloodGuard, screenFrame } from './message-guard.ts';
import { DRAIN_BATCH, DrainSchedule, drainOnce, LIBSQL_TIMEOUT_MS } from './outbox.ts';
import type { JobState } from './outbox-store.ts';
import { JobStates } from './job-states.ts';
import { GroupCommit } from './group-commit.ts';
import { windowFor, wrapFanOut } from './fan-out.ts';
import { AwarenessOwners } from './presence.ts';
import type { Actor, ApplyResult, HandOff, Placement } from './board-contract.ts';
import { TechnicianCache } from './technician-cache.ts';
import { Feeds } from './feeds.ts';
import { PositionNotices } from './position-notices.ts';
import { loadDay, migrateStore, wipeOlderStore, type BoardDay, type DayStore } from './day-loader.ts';
import { Compaction } from './compaction.ts';
import { WarningsRefresh } from './warnings-refresh.ts';
import { BoardProjection } from './board-projection.ts';
import { BoardCommands } from './board-commands.ts';

/** What a connection keeps in its attachment that the room reads here (rooms/presence.ts and position-notices.ts keep more). */
interface ConnState {
  who?: Identity;
}

export class BoardRoom extends YServer<Env> {
  static options = { hibernate: true };
  static callbackOptions = { debounceWait: 2_000, debounceMaxWait: 10_000 };

  #loaded = false;
  #flood = new FloodGuard();
  #client: Client | undefined;
  /** Whether y-partyserver's sender went through batchedFanOut and the group commit (onStart). */
  #fanOut = { wrapped: false };
  /** Clients' updates accepted, and storage transactions that stored them (tests, diagnostics). */
  readonly edits = { accepted: 0, commits: 0 };

  // Set in onLoad: the day, what the room last accepted per job (in memory in front of SQLite),
  // and the modules that work on them.
  #day!: BoardDay;
  #states!: JobStates;
  #drains!: DrainSchedule;
  #feeds!: Feeds;
  #warnings!: WarningsRefresh;
  #projection!: BoardProjection;
  #commands!: BoardCommands;

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
   * projection's) and puts the group commit in front of every send.
   */
  override async onStart(props?: Record<string, unknown>): Promise<void> {
    await wrapFanOut(
      this.document,
      // Registered before the projection exists, a handler cannot be the projection's.
      (f) => f !== this.#projection?.onUpdate,
      // The group commit runs right before each send: nothing leaves before it is stored.
      (send) => (update) => {
        if (this.#commits.commit()) send(update);
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
    const techs = new TechnicianCache(
      sql,
      () => this.#libsql(),
      name.orgId,
      // New technicians' data: the rules must look at every row again.
      () => this.#warnings?.everyRow(),
      (p) => this.ctx.waitUntil(p),
    );
    const { day, updateRows } = await loadDay(store, name, techs, () => this.#libsql());
    this.#compaction.resume(updateRows);
    this.#day = day;
    const warnings = (this.#warnings = new WarningsRefresh(sql, day, store.states, techs, this.#commits, this.name));
    this.#drains = new DrainSchedule(this.ctx.storage, this.name, {
      send: () => drainOnce(sql, this.#libsql(), day.orgId, day.date, DRAIN_BATCH, LIBSQL_TIMEOUT_MS),
      // Everything accepted is stored, and the warnings brought up to date, before a drain.
      before: async () => {
        this.#commits.commit();
        await warnings.refresh();
      },
    });
    this.#feeds = new Feeds(
      sql,
      () => this.#commits.commit(),
      (t) => store.states.recordsOf(t),
      { rooms: this.env.TECHNICIAN_ROOM, orgId: day.orgId, date: day.date, name: this.name },
    );
    const parts = { ...store, day, techs, drains: this.#drains, feeds: this.#feeds, warnings };
    this.#projection = new BoardProjection({ ...parts, edits: this.edits, fanOut: this.#fanOut });
    this.#commands = new BoardCommands({ ...parts, projection: this.#projection, libsql: () => this.#libsql() });
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
    this.#commits.commit();
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
    this.#commits.commit();
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
    if (verdict.kind === 'sync-step1') this.#commits.commit();
    // Dropped, not closed: a stale state after a reconnect is an honest mistake.
    if (verdict.kind === 'awareness' && !this.#owners.admit(conn, verdict.entries)) return;
    super.onMessage(conn, message);
  }

  /** Custom (`__YPS:` text) frames: a client subscribing to technicians' positions (rooms/position-notices.ts). */
  override onCustomMessage(conn: Connection, message: string): void {
    this.#notices.received(conn, message);
  }

  #notices = new PositionNotices(this.#sql, (conn, message) => this.sendCustomMessage(conn, message));

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

  /** The outbox drains into libSQL on the alarm (rooms/outbox.ts). */
  override async onAlarm(): Promise<void> {
    await this.#drains.onAlarm();
  }

  /** The warnings the room last computed, per job of the day (for tests and the API). */
  async warnings(): Promise<Record<string, JobState['warnings']>> {
    await this.#ready();
    return this.#warnings.current();
  }

  // ---- RPC: changes from outside the board (rooms/board-commands.ts) -------------------------

  async applySchedule(jobId: string, placement: Placement | null, actor: Actor, note?: string | null): Promise<ApplyResult> {
    await this.#ready();
    return this.#commands.applySchedule(jobId, placement, actor, note);
  }

  async handOff(jobId: string): Promise<HandOff> {
    await this.#ready();
    return this.#commands.handOff(jobId);
  }

  async takeOver(state: JobState, placement: Placement, actor: Actor): Promise<ApplyResult> {
    await this.#ready();
    return this.#commands.takeOver(state, placement, actor);
  }

  async restore(state: JobState): Promise<void> {
    await this.#ready();
    this.#commands.restore(state);
  }

  async refreshJob(jobId: string): Promise<void> {
    await this.#ready();
    await this.#commands.refreshJob(jobId);
  }

  // ---- presence: technicians' positions -----------------------------------------------------

  /** A technician's phone reported where it is (through its feed room): tell the boards that subscribed, at most every POSITION_EVERY_MS. */
  async reportPosition(p: TechnicianPosition): Promise<boolean> {
    await this.#ready();
    return this.#notices.report(p, this.getConnections());
  }

  // ---- technicians' feeds --------------------------------------------------------------------

  /** A technician's jobs on this day, as records, for their feed room (rooms/technician-room.ts). */
  async jobsForTechnician(technicianId: string): Promise<BoardJobRecord[]> {
    await this.#ready();
    return this.#states.recordsOf(technicianId);
  }

  /** A feed room with phones connected asks for pushes; one with none stops asking (rooms/feeds.ts). */
  async subscribeFeed(technicianId: string, on: boolean): Promise<void> {
    await this.#ready();
    this.#feeds.subscribe(technicianId, on);
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
