/**
 * The one door for writes to a job row: creating a job, changing its schedule, its details or
 * its status. Each write is one libSQL batch holding the change, its job event and the lead
 * assignment, so history and assignments never disagree with the job. Those three statements
 * are db/job-writes.ts's, which the rooms' outbox runs too; billing changes a job's status
 * through billingMove here.
 *
 * Schedule fields (technician, start, duration) and the status are owned by the board room of
 * the job's day (DESIGN.md, "Who owns what"): `applyScheduleChange` and `applyTransition` send
 * them to that room by RPC (worker/jobs/board-moves.ts), and the room projects them into libSQL
 * through its outbox. Only a job on no board (the backlog) is written here directly, because no
 * room holds a copy that could disagree. `createJob` writes the new row and then tells its day's
 * room, which puts it on the board.
 */
import { and, eq, getTableColumns, sql, type SQL } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { jobAssignments, jobs, orgs, technicians } from '../../db/schema.ts';
import * as writes from '../../db/job-writes.ts';
import type { Value } from '../../db/job-writes.ts';
import { refreshFacts } from '../../db/job-facts.ts';
import { checkTransition, isDone, rescheduleRefusal, statusAfterScheduleChange, type JobStatus } from '../../core/lifecycle.ts';
import type { KpiChange } from '../../core/kpi-pulse.ts';
import type { AuthContext } from '../auth/session.ts';
import { pick, type WriteContext } from '../http/resource.ts';
import { compiled, compiledItem, rowOf, runBatch } from '../http/batch.ts';
import { Problem, fieldProblem, type FieldError } from '../problem.ts';
import { localDateOf } from '../../core/time.ts';
import type { ApplyResult, Placement } from '../../rooms/board-contract.ts';
import { owningDay, roomFor, scheduleThroughRooms, type BoardRooms } from './board-moves.ts';

/** A write that may reach the board rooms. */
export interface ScheduleContext extends WriteContext {
  rooms: BoardRooms;
  /**
   * Tells the KPI pages their numbers moved (worker/kpis/pulse.ts), after a change committed
   * here. A change a board room projects is told by its outbox (rooms/outbox-pulse.ts).
   */
  kpis: (what: KpiChange) => void;
}

export type JobRow = typeof jobs.$inferSelect;
type JobInsert = typeof jobs.$inferInsert;
type Row = Record<string, unknown>;

export const SCHEDULE_FIELDS = ['technicianId', 'scheduledStart', 'durationMin'] as const;
export type ScheduleChange = Partial<Pick<JobRow, (typeof SCHEDULE_FIELDS)[number]>>;

/**
 * Jobs the signed-in technician works on: as lead (jobs.technician_id) or through any
 * job_assignments row. Undefined for office roles, who see the whole org. Correlates with the
 * outer `jobs` table, so use it where `jobs` is in scope.
 */
export function ownJobsOnly(auth: AuthContext): SQL | undefined {
  if (auth.role !== 'technician') return undefined;
  return sql`exists (select 1 from ${technicians} where ${technicians.orgId} = ${auth.orgId} and ${technicians.userId} = ${auth.userId} and (${technicians.id} = ${jobs.technicianId} or exists (select 1 from ${jobAssignments} where ${jobAssignments.jobId} = ${jobs.id} and ${jobAssignments.technicianId} = ${technicians.id})))`;
}

/** This job (an id, or a column naming it), if the caller may see it: of their org, and for a technician one of their own. */
export function visibleJob(auth: AuthContext, id: string | SQLiteColumn): SQL | undefined {
  return and(eq(jobs.orgId, auth.orgId), eq(jobs.id, id), ownJobsOnly(auth));
}

const who = (ctx: WriteContext) => ({ actor: ctx.auth.userId, at: ctx.now });
const json = (row: Row | null) => (row ? JSON.stringify(row) : null);

/** An event of a job by the request's user, now. */
const eventOf = (ctx: WriteContext, jobId: string, kind: string, before: Row | null, after: Row | null): writes.JobEvent => ({
  id: crypto.randomUUID(),
  jobId,
  ...who(ctx),
  kind,
  before: json(before),
  after: json(after),
});

/**
 * A job event written only if the statement just before it in the batch changed exactly one
 * row. Guarded writes (the job still had the status we checked, a line still as read) put this
 * after them, so a write that lost a race leaves no history behind either.
 */
export function jobEventIfChanged(ctx: WriteContext, jobId: string, kind: string, before: Row | null, after: Row | null) {
  return compiledItem(ctx.db, writes.jobEventIfChanged(ctx.auth.orgId, eventOf(ctx, jobId, kind, before, after)));
}

/** Makes job_assignments' lead row agree with jobs.technician_id (db/job-writes.ts syncLead). */
const syncLead = (ctx: WriteContext, jobId: string) => writes.syncLead(ctx.auth.orgId, { id: jobId }).map((s) => compiledItem(ctx.db, s));

/**
 * Recomputes the job facts (db/job-facts.ts) of these jobs and of the jobs they are return
 * visits of, from the records as the batch has left them at that point: append it after the
 * writes it depends on. Nulls (no return visit link) are skipped.
 */
export function refreshedFacts(ctx: WriteContext, ids: readonly (string | null | undefined)[]): BatchItem<'sqlite'>[] {
  return refreshFacts(ctx.auth.orgId, { ids: ids.filter((id): id is string => id != null) }).map((s) => compiledItem(ctx.db, s));
}

const JOB_COLUMNS = getTableColumns(jobs);
const ALL_COLUMNS = Object.values(JOB_COLUMNS).map((c) => c.name);

/** Job fields as SQL columns, with values as libSQL stores them (drizzle's encoding: warnings as JSON). */
function asColumns(fields: Row): Record<string, Value> {
  const out: Record<string, Value> = {};
  for (const [key, value] of Object.entries(fields)) {
    const column = JOB_COLUMNS[key as keyof typeof JOB_COLUMNS];
    if (!column) throw new Error(`jobs has no field ${key}`);
    out[column.name] = value === null || value === undefined ? null : (column.mapToDriverValue(value as never) as Value);
  }
  return out;
}

/** A change of a job row. */
export interface JobChange {
  /** What it was decided from: the job's id and status, and the fields it changes as they were read. */
  before: Pick<JobRow, 'id' | 'status'> & Partial<JobRow>;
  set: Partial<JobInsert>;
  /** The job event's kind. */
  kind: string;
  /** More for the event to say (a note, the invoice that billed the job). */
  extra?: Row;
  /** A further condition the change was decided from (billing's: the invoice still in its status). */
  also?: SQL;
}

/**
 * The statements that change a job: an update guarded on the values it was decided from
 * (status and every changed column still as read, and `also` when the caller depends on more),
 * its event, the lead sync when the technician changes, and last the job's facts (with those of
 * the job it was a return visit of, when the link changes). The first statement returns the
 * new row (read it with changedJob), or nothing if the job moved on.
 *
 * Every change refreshes the facts, not only a status change: what they are computed from is
 * most of what this door writes (the status and completion, the arrival window, the return
 * visit link, and through billing the invoices), and a job's refresh is two statements on its
 * own rows, so a list of "columns that count" would only be a second list to keep in step with
 * db/job-facts.ts. A guarded update that lost changes nothing, and the refresh then rewrites
 * the same facts.
 */
function changeStatements(ctx: WriteContext, { before, set, kind, extra = {}, also }: JobChange): BatchItem<'sqlite'>[] {
  const changed = Object.keys(set).filter((key) => set[key as keyof JobInsert] !== undefined) as (keyof JobRow)[];
  const changedBefore: Row = {};
  for (const key of changed) {
    if (!(key in before)) throw new Error(`${key} changes, but the change was not decided from its value`);
    changedBefore[key] = before[key];
  }
  const update = writes.updateJob({
    orgId: ctx.auth.orgId,
    job: before.id,
    set: asColumns(pick(set, changed)),
    by: who(ctx),
    guards: { status: before.status, unchanged: asColumns(changedBefore), ...(also ? { also: compiled(also) } : {}) },
    returning: ALL_COLUMNS,
  });
  return [
    compiledItem(ctx.db, update),
    jobEventIfChanged(ctx, before.id, kind, changedBefore, { ...pick(set, changed), ...extra }),
    ...(changed.includes('technicianId') ? syncLead(ctx, before.id) : []),
    ...refreshedFacts(ctx, [before.id, changed.includes('returnVisitOf') ? before.returnVisitOf : null]),
  ];
}

/** The job a change (billingMove) wrote, from the results of the batch `statements` it ran in; undefined if it did not take. */
export function changedJob(statements: readonly unknown[], results: readonly unknown[], change: BatchItem<'sqlite'>[]): JobRow | undefined {
  const at = statements.indexOf(change[0]);
  return at < 0 ? undefined : rowOf(jobs, (results[at] as Row[] | undefined)?.[0]);
}

/**
 * Statements for a change of non-schedule fields (details, or a status that billing sets). The
 * first statement's result is empty when the job changed meanwhile: treat that as a conflict.
 */
function jobChangeStatements(ctx: WriteContext, change: JobChange): BatchItem<'sqlite'>[] {
  const scheduleKey = SCHEDULE_FIELDS.find((f) => f in change.set);
  if (scheduleKey) throw new Error(`${scheduleKey} is a schedule field: write it with applyScheduleChange`);
  return changeStatements(ctx, change);
}

/**
 * A job's status change by billing (invoiced, paid, completed again when its invoice is voided),
 * for billing's own batch: the update, guarded on `from` and on `when` (what the billing change
 * was decided from), then its event if it took. Read the job it moved with changedJob, and show
 * it with showBillingOnBoard (worker/jobs/board-moves.ts).
 */
export function billingMove(ctx: WriteContext, jobId: string, from: JobStatus, to: JobStatus, extra: Row, when: SQL) {
  return jobChangeStatements(ctx, { before: { id: jobId, status: from }, set: { status: to }, kind: 'status_changed', extra, also: when });
}

export const jobChangedMeanwhile = () =>
  new Problem(409, 'Conflict', 'Someone else changed this job at the same moment; nothing was changed. Reload it and try again.');

async function commit(ctx: WriteContext, statements: BatchItem<'sqlite'>[]): Promise<JobRow> {
  const [rows] = (await runBatch(ctx.db, statements)) as [Row[]];
  const row = rowOf(jobs, rows[0]);
  if (!row) throw jobChangedMeanwhile();
  return row;
}

/** Writes non-schedule fields of a job with their event. */
export function applyJobChange(ctx: WriteContext, before: JobRow, set: Partial<JobInsert>, kind = 'updated'): Promise<JobRow> {
  return commit(ctx, jobChangeStatements(ctx, { before, set, kind }));
}

/**
 * Creates a job. Its number comes from orgs.next_job_number, taken and advanced inside the same
 * batch (a transaction), so two creates never share a number. Status follows the schedule.
 */
export async function createJob(
  ctx: ScheduleContext,
  values: Omit<
    JobInsert,
    'id' | 'orgId' | 'number' | 'status' | 'warnings' | 'boardDate' | 'createdAt' | 'updatedAt' | 'createdBy' | 'updatedBy' | 'completedAt'
  >,
  /** A day's queue for a job with no start yet; the start's day wins when there is one. */
  queueDay: string | null = null,
): Promise<JobRow> {
  const { db, auth } = ctx;
  const id = crypto.randomUUID();
  const status = statusAfterScheduleChange('unscheduled', {
    technicianId: values.technicianId ?? null,
    scheduledStart: values.scheduledStart ?? null,
  });
  const boardDate = values.scheduledStart != null ? localDateOf(values.scheduledStart, auth.timezone) : queueDay;
  const after = { ...values, status };
  const statements: BatchItem<'sqlite'>[] = [
    db
      .update(orgs)
      .set({ nextJobNumber: sql`${orgs.nextJobNumber} + 1` })
      .where(eq(orgs.id, auth.orgId)),
    db
      .insert(jobs)
      .values({
        ...values,
        id,
        orgId: auth.orgId,
        number: sql`(select ${orgs.nextJobNumber} - 1 from ${orgs} where ${orgs.id} = ${auth.orgId})`,
        status,
        boardDate,
        warnings: [],
        createdBy: auth.userId,
        updatedBy: auth.userId,
        createdAt: ctx.now,
        updatedAt: ctx.now,
      })
      .returning(),
    // The number is only known inside the batch, so the event reads it from the new row.
    compiledItem(
      db,
      writes.jobEvent(auth.orgId, {
        ...eventOf(ctx, id, 'created', null, null),
        after: writes.sql`json_set(${JSON.stringify(after)}, '$.number', (select number from jobs where id = ${id}))`,
      }),
    ),
    ...(values.technicianId ? syncLead(ctx, id) : []),
    // A new job is not done, so it has no facts; but a return visit decides its original's first-time fix.
    ...(values.returnVisitOf ? refreshedFacts(ctx, [values.returnVisitOf]) : []),
  ];
  const [, rows] = (await runBatch(db, statements)) as [unknown, JobRow[]];
  const job = rows[0]!;
  if (values.returnVisitOf) ctx.kpis('job');
  if (boardDate) {
    // The row already says which day owns it; the room of that day puts it on the board now
    // (a room that has not loaded yet will find it in the records when it does).
    const placed = await roomFor(ctx.rooms, auth.orgId, boardDate).applySchedule(id, {}, actorOf(ctx));
    if (!placed.ok) console.error(`job ${id}: its board refused it: ${placed.reason}`);
  }
  return job;
}

const actorOf = (ctx: WriteContext) => ({ userId: ctx.auth.userId, name: ctx.auth.name });

/** A room's answer as the API's: refusals become problems, acceptances the job as libSQL now holds it. */
async function fromRoom(ctx: WriteContext, before: JobRow, result: ApplyResult, field: string): Promise<JobRow> {
  if (!result.ok) {
    if (result.code === 'not-found') throw new Problem(404, 'Not found', result.reason);
    if (result.code === 'conflict') throw jobChangedMeanwhile();
    throw fieldProblem(409, field, 'body', result.reason);
  }
  const [row] = await ctx.db
    .select()
    .from(jobs)
    .where(and(eq(jobs.orgId, ctx.auth.orgId), eq(jobs.id, before.id)));
  if (!row) throw new Problem(404, 'Not found', 'The job is gone.');
  if (result.projected) return row;
  // libSQL did not take the change yet (it will: the room's outbox retries); answer with what
  // the room accepted rather than the older row.
  const s = result.schedule;
  return {
    ...row,
    technicianId: s.technicianId,
    scheduledStart: s.start,
    durationMin: s.durationMin,
    status: s.status,
    boardDate: result.boardDate,
  };
}

/**
 * Changes a job's schedule, with any detail fields that came in the same request. Refused (409
 * naming the field) once the job is past planning; the status follows the schedule as
 * core/lifecycle says. Details are written first (they are libSQL's alone); the schedule goes
 * to the room of the job's day, which may be another day than today's owner (a move).
 */
export async function applyScheduleChange(
  ctx: ScheduleContext,
  before: JobRow,
  schedule: ScheduleChange,
  details: Partial<JobInsert> = {},
): Promise<JobRow> {
  const changed = SCHEDULE_FIELDS.filter((f) => f in schedule && schedule[f] !== before[f]);
  if (!changed.length) {
    if (!Object.keys(details).length) return before;
    const row = await applyJobChange(ctx, before, details);
    // A done job's details count in the manager's numbers (its arrival window, what it is a return
    // visit of), and so does any job's return visit link: it decides its original's first-time fix.
    if (isDone(row.status) || 'returnVisitOf' in details) ctx.kpis('job');
    return refreshed(ctx, row);
  }
  const status = before.status;
  const message = rescheduleRefusal(status);
  if (message) {
    throw new Problem(
      409,
      'Conflict',
      message,
      changed.map((field): FieldError => ({ field, in: 'body', message })),
    );
  }
  const current = Object.keys(details).length ? await applyJobChange(ctx, before, details) : before;
  const placement: Placement = {};
  if (changed.includes('technicianId')) placement.technicianId = schedule.technicianId ?? null;
  if (changed.includes('scheduledStart')) placement.start = schedule.scheduledStart ?? null;
  if (changed.includes('durationMin')) placement.durationMin = schedule.durationMin!;
  const result = await scheduleThroughRooms(ctx.rooms, ctx.auth.orgId, ctx.auth.timezone, current, placement, actorOf(ctx));
  if (result) return fromRoom(ctx, current, result, changed[0]!);
  // A backlog job staying in the backlog (a technician named, no day yet): no board holds it.
  const set: Partial<JobInsert> = {};
  for (const f of changed) (set as Row)[f] = schedule[f];
  const next = statusAfterScheduleChange(status, {
    technicianId: 'technicianId' in set ? (set.technicianId ?? null) : current.technicianId,
    scheduledStart: null,
  });
  if (next !== status) set.status = next;
  return commit(ctx, changeStatements(ctx, { before: current, set, kind: 'rescheduled' }));
}

/** After a details change, the job's board shows the new card (customer, address, priority…). */
async function refreshed(ctx: ScheduleContext, row: JobRow): Promise<JobRow> {
  const day = owningDay(row, ctx.auth.timezone);
  if (day) await roomFor(ctx.rooms, ctx.auth.orgId, day).refreshJob(row.id);
  return row;
}

/**
 * Moves a job along its lifecycle (the caller has checked who may). On a board, the room
 * decides and projects it (completion stamps completedAt there); in the backlog, libSQL
 * directly. Going back to `unscheduled` also clears the start, so the job really is in the
 * queue again instead of sitting on the board with a status that says otherwise.
 */
export async function applyTransition(ctx: ScheduleContext, before: JobRow, to: JobStatus, note?: string | null): Promise<JobRow> {
  const check = checkTransition(before.status, to, before);
  if (!check.ok) throw fieldProblem(409, 'to', 'body', check.reason);
  const day = owningDay(before, ctx.auth.timezone);
  if (day) {
    // Back to unscheduled keeps the job on its day's board, in the queue, not in the backlog.
    const placement: Placement = { status: to, ifStatus: before.status, ...(to === 'unscheduled' ? { start: null } : {}) };
    const result = await roomFor(ctx.rooms, ctx.auth.orgId, day).applySchedule(before.id, placement, actorOf(ctx), note);
    return fromRoom(ctx, before, result, 'to');
  }
  const set: Partial<JobInsert> = { status: to };
  if (to === 'completed') set.completedAt = ctx.now;
  if (to === 'unscheduled' && before.scheduledStart != null) set.scheduledStart = null;
  const row = await commit(ctx, changeStatements(ctx, { before, set, kind: 'status_changed', extra: note ? { note } : {} }));
  if (isDone(before.status) !== isDone(to)) ctx.kpis('job');
  return row;
}
