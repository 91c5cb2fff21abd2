/**
 * A board room's update path: every change to the doc, a client's edit or the room's own write,
 * is checked job by job against what the room last accepted (rooms/schedule-guard.ts) and
 * projected: an accepted schedule change gets a new version, an outbox row for libSQL and the
 * job's new state; a refused value (or anything a client may not write: the card, stray keys,
 * a job it invented or deleted) is repaired in the doc right after, by the room.
 *
 * Runs for every edit, so it allocates and awaits nothing it need not: a client's edit is
 * accepted in memory and stored by the group commit (rooms/group-commit.ts) before the fan-out
 * shows it to anyone; a room's own write is stored at once, in its own transaction.
 */
import * as Y from 'yjs';
import { BOARD_DOC_VERSION, type BoardCard } from '../core/board-doc.ts';
import { readMeta } from '../core/board-client.ts';
import { cardMatches, jobIdsOf, jobsTouchedBy, readRawJob, removeJob, writeJobEntry, writeMeta } from '../core/board-doc-room.ts';
import { decide, sameSchedule, type Schedule } from './schedule-guard.ts';
import { nextVersion, type JobState } from './outbox-store.ts';
import { recordOf, type JobStates } from './job-states.ts';
import type { NewOutboxRow } from './pending-writes.ts';
import type { GroupCommit } from './group-commit.ts';
import type { DrainSchedule } from './outbox.ts';
import type { Feeds } from './feeds.ts';
import type { TechnicianCache } from './technician-cache.ts';
import type { WarningsRefresh } from './warnings-refresh.ts';
import type { BoardDay } from './day-loader.ts';
import type { Actor } from './board-contract.ts';
import { actorOf, LOAD, RoomOrigin } from './origins.ts';

type Repair = { jobId: string; state?: JobState; remove?: true };

/** What the update path works on: the room's doc and day, and what it keeps in front of its storage. */
export interface ProjectionParts {
  doc: Y.Doc;
  day: BoardDay;
  states: JobStates;
  techs: TechnicianCache;
  commits: GroupCommit;
  drains: DrainSchedule;
  feeds: Feeds;
  warnings: WarningsRefresh;
  /** Clients' updates accepted (the room's `edits`, for tests and diagnostics). */
  edits: { accepted: number };
  /** Whether y-partyserver's sender goes through the fan-out wrap, which commits before each send (set in onStart). */
  fanOut: { wrapped: boolean };
}

export class BoardProjection {
  readonly #doc: Y.Doc;
  readonly #day: BoardDay;
  readonly #range: BoardDay['range'];
  readonly #states: JobStates;
  readonly #techs: TechnicianCache;
  readonly #commits: GroupCommit;
  readonly #drains: DrainSchedule;
  readonly #feeds: Feeds;
  readonly #warnings: WarningsRefresh;
  readonly #edits: { accepted: number };
  readonly #fanOut: { wrapped: boolean };

  constructor(p: ProjectionParts) {
    this.#doc = p.doc;
    this.#day = p.day;
    this.#range = p.day.range;
    this.#states = p.states;
    this.#techs = p.techs;
    this.#commits = p.commits;
    this.#drains = p.drains;
    this.#feeds = p.feeds;
    this.#warnings = p.warnings;
    this.#edits = p.edits;
    this.#fanOut = p.fanOut;
  }

  /** The doc's 'update' handler (the room registers it in onLoad, before y-partyserver's own). */
  readonly onUpdate = (update: Uint8Array, origin: unknown, doc: Y.Doc, tr: Y.Transaction): void => {
    if (origin === LOAD) return;
    const actor = actorOf(origin);
    const now = Date.now();
    const repairs: Repair[] = [];
    let enqueued = 0;
    const accept = () => {
      for (const jobId of jobsTouchedBy(doc, tr)) enqueued += this.#project(jobId, actor, now, repairs);
      this.#commits.pending.addUpdate(update);
    };
    try {
      if (origin instanceof RoomOrigin) this.#commits.txn(accept);
      else {
        // A client's edit: accepted in memory now, stored by the group commit before the
        // fan-out sends it (see rooms/board-room.ts). Without the fan-out wrap, at once.
        this.#edits.accepted++;
        accept();
        if (!this.#fanOut.wrapped) this.#commits.commit();
      }
    } catch (e) {
      this.#states.reset();
      this.#commits.lose(e);
      return;
    }
    if (repairs.length) {
      if (origin instanceof RoomOrigin && origin.kind === 'repair') console.error('board room: a repair needed repairing', repairs);
      else queueMicrotask(() => this.#applyRepairs(repairs, actor));
    }
    if (enqueued) this.#drains.kick();
  };

  /** Checks one touched job; returns how many outbox rows it wrote. Runs inside the storage transaction. */
  #project(jobId: string, actor: Actor, now: number, repairs: Repair[]): number {
    const state = this.#states.get(jobId);
    const raw = readRawJob(this.#doc, jobId);
    // Jobs enter and leave a board through the room (RPC), which loads the record first; a
    // client can neither invent a job nor delete one.
    if (!state) {
      if (raw) repairs.push({ jobId, remove: true });
      return 0;
    }
    if (!raw) {
      repairs.push({ jobId, state });
      return 0;
    }
    const d = decide(state.schedule, raw, this.#range, this.#techs.has);
    const next = { ...state, schedule: d.next };
    if (Object.keys(d.repair).length || !entryClean(raw, state.card)) repairs.push({ jobId, state: next });
    if (sameSchedule(d.next, state.schedule)) return 0;
    this.record(state, d.next, actor, now);
    return 1;
  }

  /** One accepted schedule change: new version, outbox row, last-projected state. Runs inside the storage transaction. */
  record(
    state: JobState,
    next: Schedule,
    actor: Actor,
    now: number,
    opts: { boardDate?: string | null; takeOver?: boolean; note?: string | null } = {},
  ): number {
    const version = nextVersion(state.version, now);
    const moved =
      next.technicianId !== state.schedule.technicianId ||
      next.start !== state.schedule.start ||
      next.durationMin !== state.schedule.durationMin ||
      opts.takeOver ||
      opts.boardDate === null;
    const row = {
      jobId: state.jobId,
      version,
      eventId: crypto.randomUUID(),
      actorUserId: actor.userId,
      at: now,
      kind: moved ? 'rescheduled' : 'status_changed',
      before: state.schedule,
      after: next,
      boardDate: opts.boardDate === undefined ? this.#day.date : opts.boardDate,
      takeOver: opts.takeOver ?? false,
      note: opts.note ?? null,
      warnings: null,
    } satisfies NewOutboxRow;
    this.#commits.pending.addRow(row);
    this.#states.setSchedule(state.jobId, next, version);
    this.markDirty(state.schedule.technicianId, next.technicianId);
    return version;
  }

  /** A technician's row changed: their warnings need evaluating and their feed updating. */
  markDirty(...technicianIds: (string | null)[]): void {
    this.#feeds.touch(...technicianIds);
    this.#warnings.rowsChanged(technicianIds);
  }

  #applyRepairs(repairs: Repair[], actor: Actor): void {
    Y.transact(
      this.#doc,
      () => {
        for (const r of repairs) {
          if (r.remove) removeJob(this.#doc, r.jobId);
          else if (r.state) writeJobEntry(this.#doc, recordOf(r.state));
        }
      },
      new RoomOrigin('repair', actor),
    );
  }

  /**
   * A crash between an accepted edit and its repair (or an RPC's state write and its doc
   * write) leaves them apart; brings the doc back to what the room last accepted (after a load).
   */
  reconcile(): void {
    const repairs: Repair[] = [];
    const known = new Set<string>();
    for (const state of this.#states.all()) {
      known.add(state.jobId);
      const raw = readRawJob(this.#doc, state.jobId);
      if (!raw) repairs.push({ jobId: state.jobId, state });
      else {
        const d = decide(state.schedule, raw, this.#range, this.#techs.has);
        if (Object.keys(d.repair).length || !entryClean(raw, state.card))
          repairs.push({ jobId: state.jobId, state: { ...state, schedule: d.next } });
      }
    }
    for (const jobId of jobIdsOf(this.#doc)) if (!known.has(jobId)) repairs.push({ jobId, remove: true });
    if (readMeta(this.#doc)?.version !== BOARD_DOC_VERSION)
      writeMeta(this.#doc, { orgId: this.#day.orgId, date: this.#day.date, timezone: this.#day.timezone });
    if (repairs.length) this.#applyRepairs(repairs, { userId: null });
  }
}

/** The card is the room's to write, and nothing but the shape's keys may sit in an entry. */
function entryClean(raw: NonNullable<ReturnType<typeof readRawJob>>, card: BoardCard): boolean {
  return (
    cardMatches(raw.card, card) &&
    raw.strayKeys.length === 0 &&
    (raw.order === undefined || (typeof raw.order === 'number' && Number.isFinite(raw.order)))
  );
}
