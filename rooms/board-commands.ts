/**
 * Changes to a board from outside it: the API, billing, a move between days (worker/jobs/board-moves.ts
 * calls them through the room's RPC methods). Each is checked like a board edit
 * (rooms/schedule-guard.ts) and recorded through the update path (rooms/board-projection.ts);
 * what the doc must show is written by the room in its own transaction, so everyone on the
 * board sees it as it happens. A refused change changes nothing.
 */
import * as Y from 'yjs';
import type { Client } from '@libsql/client/web';
import { isBilled, label, rescheduleRefusal, statusAfterScheduleChange } from '../core/lifecycle.ts';
import { readRawJob, removeJob, writeJobEntry } from '../core/board-doc-room.ts';
import { decide, sameSchedule, type Schedule } from './schedule-guard.ts';
import type { JobState } from './outbox-store.ts';
import { recordOf, stateOf, type JobStates } from './job-states.ts';
import { loadJob, type LoadedJob } from './board-records.ts';
import type { GroupCommit } from './group-commit.ts';
import type { DrainSchedule } from './outbox.ts';
import type { Feeds } from './feeds.ts';
import type { TechnicianCache } from './technician-cache.ts';
import type { BoardDay } from './day-loader.ts';
import type { BoardProjection } from './board-projection.ts';
import type { Actor, ApplyResult, HandOff, Placement } from './board-contract.ts';
import { RoomOrigin } from './origins.ts';
import { pushToPhones } from './outbox-push.ts';

/** What the commands work on: the room's doc and day, what it keeps in front of its storage, and libSQL's records. */
export interface CommandParts {
  doc: Y.Doc;
  day: BoardDay;
  states: JobStates;
  techs: TechnicianCache;
  commits: GroupCommit;
  drains: DrainSchedule;
  feeds: Feeds;
  projection: BoardProjection;
  libsql: () => Client;
}

export class BoardCommands {
  constructor(private readonly room: CommandParts) {}

  /**
   * Puts a job on this board or changes it there: technician, start, duration, status. A job
   * the board does not hold yet is loaded from libSQL, if the records say no other day owns it.
   * `placement` null sends the job to the backlog (no day). The change is checked like a board
   * edit; a refused change changes nothing. Answers once libSQL has it, or (libSQL away) once
   * it is durable in the outbox (`projected: false`).
   */
  async applySchedule(jobId: string, placement: Placement | null, actor: Actor, note?: string | null): Promise<ApplyResult> {
    const { states, techs, drains } = this.room;
    await techs.know(placement?.technicianId);
    let state = states.get(jobId);
    let adopt = false;
    if (!state) {
      if (placement === null) return { ok: false, code: 'not-found', reason: 'That job is not on this board.' };
      const loaded = await loadJob(this.room.libsql(), this.room.day.orgId, jobId);
      if (!loaded) return { ok: false, code: 'not-found', reason: 'No such job.' };
      if (!this.#mayAdopt(loaded)) return { ok: false, code: 'other-day', reason: `The job is on the board of ${loaded.boardDate}.` };
      // Re-read: a concurrent call may have adopted it while we waited for libSQL.
      state = states.get(jobId) ?? stateOf(loaded);
      adopt = !states.get(jobId);
    }
    const result = placement === null ? this.#release(state, actor, note) : this.#place(state, placement, actor, adopt, false, note);
    if (!result.ok) return result;
    // A job the API created already on someone's day comes aboard as libSQL has it, so no outbox
    // row (and no drain) tells its technician: the push goes from here (rooms/outbox-push.ts).
    if (adopt && result.version === state.version) {
      const { orgId, date } = this.room.day;
      pushToPhones(this.room.libsql(), orgId, `${orgId}:${date}`, [{ jobId, before: null, after: result.schedule }]);
    }
    // A cancelled job takes no place on a board; the records keep it (and which day it was on).
    if (result.schedule.status === 'cancelled') this.#drop(jobId, actor);
    return { ...result, projected: await drains.projectNow(jobId) };
  }

  /**
   * First half of a move to another day: takes the job off this board and returns what the
   * room last accepted for it, for `takeOver` on the other day's room. Nothing is written to
   * libSQL here: the records change once, when the new room projects the hand-over.
   */
  async handOff(jobId: string): Promise<HandOff> {
    let state = this.room.states.get(jobId);
    if (!state) {
      // Owned by this day in the records but not on the board (a creation whose call to the
      // room failed, say): the records are what this room accepted.
      const loaded = await loadJob(this.room.libsql(), this.room.day.orgId, jobId);
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
    await this.room.techs.know(placement.technicianId ?? state.schedule.technicianId);
    const result = this.#place({ ...state, warnings: [] }, placement, actor, true, true);
    if (!result.ok) return result;
    return { ...result, projected: await this.room.drains.projectNow(state.jobId) };
  }

  /** Undoes a hand-over whose take-over was refused: the job is back as it was. */
  restore(state: JobState): void {
    const { doc, states, commits, projection } = this.room;
    if (states.get(state.jobId)) return;
    commits.txn(() => states.put(state));
    Y.transact(doc, () => writeJobEntry(doc, recordOf(state)), new RoomOrigin('rpc', { userId: null }));
    projection.markDirty(state.schedule.technicianId);
  }

  /** Re-reads a job's card from libSQL after its details changed (customer, address, priority…). */
  async refreshJob(jobId: string): Promise<void> {
    const { doc, states, commits } = this.room;
    const state = states.get(jobId);
    if (!state) return;
    const loaded = await loadJob(this.room.libsql(), this.room.day.orgId, jobId);
    if (!loaded) return;
    const { card } = stateOf(loaded);
    // Billing moves a status outside the room (completed -> invoiced -> paid, and back to
    // completed when an invoice is voided): take the record's status when either side is billed.
    const fromBilling = isBilled(loaded.record.status) || isBilled(state.schedule.status);
    const next: JobState = { ...state, card, schedule: fromBilling ? { ...state.schedule, status: loaded.record.status } : state.schedule };
    commits.txn(() => states.put(next));
    Y.transact(doc, () => writeJobEntry(doc, recordOf(next)), new RoomOrigin('rpc', { userId: null }));
    this.room.feeds.touch(next.schedule.technicianId);
  }

  #drop(jobId: string, actor: Actor): void {
    const { doc, states, commits, projection } = this.room;
    const state = states.get(jobId);
    commits.txn(() => states.forget(jobId));
    Y.transact(doc, () => removeJob(doc, jobId), new RoomOrigin('rpc', actor));
    if (state) projection.markDirty(state.schedule.technicianId);
  }

  #mayAdopt(job: LoadedJob): boolean {
    const { date, range } = this.room.day;
    if (job.boardDate != null) return job.boardDate === date;
    const start = job.record.scheduledStart;
    return start == null || (start >= range.start && start < range.end);
  }

  #release(state: JobState, actor: Actor, note?: string | null): ApplyResult {
    const { doc, states, commits, projection, drains } = this.room;
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
    commits.txn(() => {
      version = projection.record(state, next, actor, Date.now(), { boardDate: null, note });
      states.forget(state.jobId);
    });
    // No state and no doc entry: the update handler projects nothing more for it.
    Y.transact(doc, () => removeJob(doc, state.jobId), new RoomOrigin('rpc', actor));
    drains.kick();
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
    const { doc, day, states, techs, commits, projection, drains } = this.room;
    if (ifStatus !== undefined && ifStatus !== state.schedule.status)
      return { ok: false, code: 'conflict', reason: `The job is ${label(state.schedule.status)} now.` };
    const current = adopt ? { ...state.schedule } : (readRawJob(doc, state.jobId) ?? { ...state.schedule });
    const wanted = {
      technicianId: current.technicianId,
      start: current.start,
      durationMin: current.durationMin,
      status: state.schedule.status,
      ...placement,
    };
    const d = decide(state.schedule, wanted, day.range, techs.has);
    if (d.reasons.length) return { ok: false, code: 'refused', reason: d.reasons.join('; ') };
    const base = state;
    if (adopt || takeOver || note) {
      // Written here rather than by the update handler: the hand-over flag and the note ride on
      // the outbox row, and an adopted job must have its last projected state before the doc
      // entry appears.
      commits.txn(() => {
        if (adopt || takeOver) states.put(base);
        if (!sameSchedule(d.next, base.schedule) || takeOver) projection.record(base, d.next, actor, Date.now(), { takeOver, note });
      });
    }
    const entry = states.get(state.jobId) ?? base;
    Y.transact(doc, () => writeJobEntry(doc, recordOf({ ...entry, schedule: d.next })), new RoomOrigin('rpc', actor));
    // A job new to this board with the schedule it was created with records no change, so nothing
    // above marked its technician's row: their feed (a phone showing the day) must hear of it still.
    if (adopt) projection.markDirty(d.next.technicianId);
    drains.kick();
    const after = states.get(state.jobId)!;
    return { ok: true, schedule: after.schedule, version: after.version, boardDate: this.room.day.date, projected: false };
  }
}
