/**
 * What outbox rows say to libSQL: pure compilation of rows into libSQL statements, no I/O (its
 * tests run in Node: outbox-sql.test.ts). The job-row statements themselves (the guarded update,
 * the job event, the lead assignment) are db/job-writes.ts's, the same the API and billing run;
 * this module says which of them a row needs and with what. Idempotent by construction: each
 * row carries the job's schedule version, and libSQL takes it only `where schedule_version <
 * version`; the job event is inserted only if that update changed the row. Replaying a row
 * libSQL already has therefore writes nothing, and an older row arriving after a newer one is
 * ignored.
 */
import type { InStatement } from '@libsql/client/web';
import { refreshFacts } from '../db/job-facts.ts';
import { jobEventIfChanged, jobEventsOfVersion, raw, sql, syncLead, updateJob, type JobRows, type Term } from '../db/job-writes.ts';
import type { OutboxRow, ProjectedSchedule } from './outbox-store.ts';

const asRecord = (s: ProjectedSchedule) => ({
  technicianId: s.technicianId,
  scheduledStart: s.start,
  durationMin: s.durationMin,
  status: s.status,
});

/** What a schedule row's job event says it became. */
const eventAfter = (row: OutboxRow) => ({
  ...asRecord(row.after),
  boardDate: row.boardDate,
  via: 'board',
  scheduleVersion: row.version,
  ...(row.note ? { note: row.note } : {}),
});

/** A projected schedule's values: arguments for one row, columns of a `with` clause's rows for many. */
interface Projected {
  technicianId: Term;
  start: Term;
  durationMin: Term;
  status: Term;
  version: Term;
  at: Term;
  boardDate: Term;
}

/**
 * The columns a projection sets. Completion stamps completed_at once (a job completed again
 * keeps its first stamp); a job that changes hands or leaves the boards (`fresh`) starts with
 * no warnings: its new room computes them afresh.
 */
function projection(p: Projected, fresh: boolean): Record<string, Term> {
  return {
    technician_id: p.technicianId,
    scheduled_start: p.start,
    duration_min: p.durationMin,
    status: p.status,
    schedule_version: p.version,
    board_date: p.boardDate,
    completed_at: sql`case when ${p.status} = 'completed' then coalesce(jobs.completed_at, ${p.at}) else jobs.completed_at end`,
    ...(fresh ? { warnings: '[]' } : {}),
  };
}

/**
 * A schedule row that changes the job's status: a completion, a reopening, a cancellation. A row
 * with no before (the job arriving on this board) counts too: the room cannot say what libSQL
 * held. Moves keep the status, and the busiest boards are nearly all moves.
 */
const changesStatus = (row: OutboxRow) => row.kind !== 'warnings' && row.before?.status !== row.after.status;

/**
 * The manager's numbers follow a job's status (done or not; a return visit cancelled or not),
 * so the rows that change one end with db/job-facts.ts's refresh of those jobs (and of the jobs
 * they are return visits of), once for the whole batch, after every update it makes; rows that
 * keep the status add nothing.
 */
function factsOf(orgId: string, rows: readonly OutboxRow[]): InStatement[] {
  const ids = rows.filter(changesStatus).map((row) => row.jobId);
  return ids.length ? refreshFacts(orgId, { ids }) : [];
}

/**
 * The libSQL statements for one outbox row, every one scoped to the room's org (the statements
 * themselves are db/job-writes.ts's, shared with the API), with the job's facts when its status
 * changes (the drain's one-row-at-a-time path; statementsForBatch refreshes once per batch).
 *
 * A schedule row: the guarded job update, its event (only if the update took), and the lead
 * assignment kept equal to jobs.technician_id. Guards:
 * - `schedule_version < version`: replays and reordered rows write nothing;
 * - the technician belongs to the org, so a doc edit can never reach across orgs;
 * - ownership: only the room that owns the job (jobs.board_date) may change it, unless the row
 *   is the hand-over that makes this room the owner. A room left holding a stale copy of a job
 *   that moved to another day can therefore never write over the new owner's schedule.
 * A warnings row: only the warnings column, under the same ownership guard.
 */
export function statementsFor(orgId: string, roomDate: string, row: OutboxRow): InStatement[] {
  return [...rowStatements(orgId, roomDate, row), ...factsOf(orgId, [row])];
}

function rowStatements(orgId: string, roomDate: string, row: OutboxRow): InStatement[] {
  if (row.kind === 'warnings') {
    return [updateJob({ orgId, job: row.jobId, set: { warnings: JSON.stringify(row.warnings ?? []) }, guards: { ownedBy: roomDate } })];
  }
  const a = row.after;
  const update: InStatement[] = [
    updateJob({
      orgId,
      job: row.jobId,
      set: projection({ ...a, version: row.version, at: row.at, boardDate: row.boardDate }, row.boardDate === null || row.takeOver),
      by: { actor: row.actorUserId, at: row.at },
      guards: { newerThanHeld: row.version, technicianInOrg: a.technicianId, ...(row.takeOver ? {} : { ownedBy: roomDate }) },
    }),
    jobEventIfChanged(orgId, {
      id: row.eventId,
      jobId: row.jobId,
      actor: row.actorUserId,
      at: row.at,
      kind: row.kind,
      before: row.before ? JSON.stringify(asRecord(row.before)) : null,
      after: JSON.stringify(eventAfter(row)),
    }),
  ];
  // A change that keeps the technician (a new time or length) leaves the lead assignment as it is.
  if (row.before && row.before.technicianId === a.technicianId && !row.takeOver) return update;
  return [...update, ...syncLead(orgId, { id: row.jobId })];
}

/** A board move: a schedule row that stays on this room's day, hands nothing over and carries no note. */
function isPlainMove(row: OutboxRow, roomDate: string): boolean {
  return row.kind !== 'warnings' && !row.takeOver && !row.note && row.boardDate === roomDate;
}

/**
 * The statements for a batch of rows. libSQL pays per statement (parsing, planning, a round of
 * its protocol), and a busy board sends hundreds of rows a second, so rows are said in sets:
 *  - plain moves (isPlainMove) of jobs that have no other schedule row in the batch: four
 *    statements for all of them (setMovesStatements), first. They commute with every other
 *    row of the batch: other jobs' rows touch other rows, and a plain move leaves a job's
 *    warnings and day alone, so its own warnings row may go before or after it;
 *  - the rest in order, each row as statementsFor says it, except that a run of consecutive
 *    warnings rows (a rules pass queues them together) is one statement;
 *  - last, one refresh of the job facts of every job whose status changed (factsOf), none
 *    when no status did.
 * On a busy board the warnings rows outnumber the schedule rows two to one (bench/realtime at
 * 800 edits/s).
 */
export function statementsForBatch(orgId: string, roomDate: string, rows: readonly OutboxRow[]): InStatement[] {
  const scheduleRows = new Map<string, number>();
  for (const row of rows) if (row.kind !== 'warnings') scheduleRows.set(row.jobId, (scheduleRows.get(row.jobId) ?? 0) + 1);
  const moves = rows.filter((row) => isPlainMove(row, roomDate) && scheduleRows.get(row.jobId) === 1);
  const inSet = new Set(moves.length > 1 ? moves : []);
  const out: InStatement[] = inSet.size ? setMovesStatements(orgId, roomDate, moves) : [];
  let run: OutboxRow[] = [];
  const endRun = () => {
    if (run.length === 1) out.push(...rowStatements(orgId, roomDate, run[0]!));
    else if (run.length > 1) {
      // The JSON is read once (materialized).
      const json = JSON.stringify(run.map((r) => [r.jobId, JSON.stringify(r.warnings ?? [])]));
      const w: JobRows = {
        with: sql`with w (id, warnings) as materialized (select value ->> 0, value ->> 1 from json_each(${json}))`,
        name: 'w',
      };
      out.push(updateJob({ orgId, job: w, set: { warnings: raw('w.warnings') }, guards: { ownedBy: roomDate } }));
    }
    run = [];
  };
  for (const row of rows) {
    if (inSet.has(row)) continue;
    if (row.kind === 'warnings') {
      run.push(row);
      continue;
    }
    endRun();
    out.push(...rowStatements(orgId, roomDate, row));
  }
  endRun();
  out.push(...factsOf(orgId, rows));
  return out;
}

/**
 * Plain moves of distinct jobs (see statementsForBatch) as four statements, reading the rows
 * from one JSON argument each. The same guards as statementsFor, row by row:
 * `schedule_version < version`, the technician belongs to the org, the job is this room's or
 * nobody's. A job's event goes in if the job now carries the row's version, so a replay of a
 * batch libSQL already took adds nothing (the event's id is taken: `on conflict do nothing`).
 * Lead assignments follow the jobs whose technician changed.
 */
export function setMovesStatements(orgId: string, roomDate: string, moves: readonly OutboxRow[]): InStatement[] {
  const json = JSON.stringify(
    moves.map((row) => {
      const a = row.after;
      return [
        row.jobId,
        a.technicianId,
        a.start,
        a.durationMin,
        a.status,
        row.version,
        row.at,
        row.actorUserId,
        row.eventId,
        row.kind,
        row.before ? JSON.stringify(asRecord(row.before)) : null,
        JSON.stringify(eventAfter(row)),
      ];
    }),
  );
  const r: JobRows = {
    with: sql`with r (id, tech, start, dur, status, version, at, actor, event_id, kind, before, after) as materialized (
      select value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6, value ->> 7, value ->> 8, value ->> 9, value ->> 10, value ->> 11 from json_each(${json}))`,
    name: 'r',
  };
  const col = (name: string) => raw(`r.${name}`);
  const reassigned = moves.filter((row) => !row.before || row.before.technicianId !== row.after.technicianId).map((row) => row.jobId);
  return [
    updateJob({
      orgId,
      job: r,
      set: projection(
        {
          technicianId: col('tech'),
          start: col('start'),
          durationMin: col('dur'),
          status: col('status'),
          version: col('version'),
          at: col('at'),
          boardDate: roomDate,
        },
        false,
      ),
      by: { actor: col('actor'), at: col('at') },
      guards: { newerThanHeld: col('version'), technicianInOrg: col('tech'), ownedBy: roomDate },
    }),
    jobEventsOfVersion(orgId, r, {
      id: col('event_id'),
      jobId: col('id'),
      actor: col('actor'),
      at: col('at'),
      kind: col('kind'),
      before: col('before'),
      after: col('after'),
    }),
    // A run of moves that keeps every job's technician leaves the lead assignments as they are.
    ...(reassigned.length ? syncLead(orgId, { ids: reassigned }) : []),
  ];
}

/** libSQL answered and refused the statement (as opposed to not answering at all). */
export function isStatementError(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_');
}

/**
 * What a batch of rows says to libSQL, said once. A drag is several edits a second apart from
 * one person; under a burst a job can have dozens of rows waiting. Consecutive schedule rows
 * of one job by one person become one change (the first row's before, the last row's after and
 * version: one job event for the move as libSQL saw it); a row with a note stays its own event,
 * and so does a row that changes the status: its event's time is when the technician arrived or
 * paused, which the manager's numbers read (db/job-facts.ts), even after an outage held back a
 * day's rows. Warnings are state, not history: only a job's last warnings row counts.
 * Deterministic, so a retried batch merges the same way.
 */
export function coalesce(rows: readonly OutboxRow[]): OutboxRow[] {
  const out: OutboxRow[] = [];
  const lastOfJob = new Map<string, number>();
  const lastWarnings = new Map<string, number>();
  for (const row of rows) {
    if (row.kind === 'warnings') {
      const at = lastWarnings.get(row.jobId);
      if (at !== undefined) out[at] = row;
      else {
        lastWarnings.set(row.jobId, out.length);
        out.push(row);
      }
      continue;
    }
    const at = lastOfJob.get(row.jobId);
    const prev = at === undefined ? undefined : out[at];
    if (
      prev &&
      prev.kind !== 'warnings' &&
      prev.actorUserId === row.actorUserId &&
      !prev.note &&
      !row.note &&
      !changesStatus(prev) &&
      !changesStatus(row)
    ) {
      out[at!] = {
        ...row,
        before: prev.before,
        kind: prev.kind === 'rescheduled' || row.kind === 'rescheduled' ? 'rescheduled' : 'status_changed',
        takeOver: prev.takeOver || row.takeOver,
      };
      continue;
    }
    lastOfJob.set(row.jobId, out.length);
    out.push(row);
  }
  return out;
}
