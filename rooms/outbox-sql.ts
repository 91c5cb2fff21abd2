/**
 * What outbox rows say to libSQL: pure compilation of rows into libSQL statements, no I/O (its
 * tests run in Node: outbox.test.ts). Idempotent by construction: each row carries the job's
 * schedule version, and libSQL takes it only `where schedule_version < version`; the job event
 * is inserted only if that update changed the row. Replaying a row libSQL already has therefore
 * writes nothing, and an older row arriving after a newer one is ignored.
 */
import type { InStatement } from '@libsql/client/web';
import type { OutboxRow, ProjectedSchedule } from './outbox-store.ts';

const asRecord = (s: ProjectedSchedule) => ({
  technicianId: s.technicianId,
  scheduledStart: s.start,
  durationMin: s.durationMin,
  status: s.status,
});

/**
 * The libSQL statements for one outbox row, every one scoped to the room's org.
 *
 * A schedule row: the guarded job update, its event (only if the update took), and the lead
 * assignment kept equal to jobs.technician_id (as worker/schedule.ts does). Guards:
 * - `schedule_version < version`: replays and reordered rows write nothing;
 * - the technician belongs to the org, so a doc edit can never reach across orgs;
 * - ownership: only the room that owns the job (jobs.board_date) may change it, unless the row
 *   is the hand-over that makes this room the owner. A room left holding a stale copy of a job
 *   that moved to another day can therefore never write over the new owner's schedule.
 * A warnings row: only the warnings column, under the same ownership guard.
 */
export function statementsFor(orgId: string, roomDate: string, row: OutboxRow): InStatement[] {
  if (row.kind === 'warnings') {
    return [
      {
        sql: `update jobs set warnings = ? where id = ? and org_id = ? and (board_date is null or board_date = ?)`,
        args: [JSON.stringify(row.warnings ?? []), row.jobId, orgId, roomDate],
      },
    ];
  }
  const a = row.after;
  const event = {
    ...asRecord(a),
    boardDate: row.boardDate,
    via: 'board',
    scheduleVersion: row.version,
    ...(row.note ? { note: row.note } : {}),
  };
  const update: InStatement[] = [
    {
      sql: `update jobs set technician_id = ?1, scheduled_start = ?2, duration_min = ?3, status = ?4, schedule_version = ?5, updated_at = ?6, updated_by = coalesce(?7, updated_by),
              board_date = ?10, completed_at = case when ?4 = 'completed' then coalesce(completed_at, ?6) else completed_at end,
              -- a job that changes hands starts with no warnings; its new room computes them afresh
              warnings = case when ?10 is null or ?11 = 1 then '[]' else warnings end
            where id = ?8 and org_id = ?9 and schedule_version < ?5
              and (?1 is null or exists (select 1 from technicians t where t.id = ?1 and t.org_id = ?9))
              and (?11 = 1 or board_date is null or board_date = ?12)`,
      args: [
        a.technicianId,
        a.start,
        a.durationMin,
        a.status,
        row.version,
        row.at,
        row.actorUserId,
        row.jobId,
        orgId,
        row.boardDate,
        row.takeOver ? 1 : 0,
        roomDate,
      ],
    },
    {
      sql: `insert into job_events (id, org_id, job_id, actor_user_id, at, kind, before, after) select ?, ?, ?, ?, ?, ?, ?, ? where changes() = 1`,
      args: [
        row.eventId,
        orgId,
        row.jobId,
        row.actorUserId,
        row.at,
        row.kind,
        row.before ? JSON.stringify(asRecord(row.before)) : null,
        JSON.stringify(event),
      ],
    },
  ];
  // A change that keeps the technician (a new time or length) leaves the lead assignment as it is.
  if (row.before && row.before.technicianId === a.technicianId && !row.takeOver) return update;
  return [
    ...update,
    {
      // `+org_id`: the job's own rows (the unique (job_id, technician_id) index), not the org's
      // (org_id, technician_id) index, which visits every assignment of the org (EXPLAIN QUERY PLAN).
      sql: `delete from job_assignments where job_id = ?2 and +org_id = ?1 and role = 'lead' and technician_id is not (select technician_id from jobs where id = ?2 and org_id = ?1)`,
      args: [orgId, row.jobId],
    },
    {
      sql: `insert into job_assignments (org_id, job_id, technician_id, role) select org_id, id, technician_id, 'lead' from jobs where id = ? and org_id = ? and technician_id is not null
            on conflict (job_id, technician_id) do update set role = 'lead'`,
      args: [row.jobId, orgId],
    },
  ];
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
 *    warnings rows (a rules pass queues them together) is one statement.
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
    if (run.length === 1) out.push(...statementsFor(orgId, roomDate, run[0]!));
    else if (run.length > 1)
      out.push({
        // The JSON is read once (materialized), and `+org_id` keeps the planner on the primary
        // key: with the org's index it would visit every job of the org (EXPLAIN QUERY PLAN).
        sql: `with w (id, warnings) as materialized (select value ->> 0, value ->> 1 from json_each(?1))
              update jobs set warnings = (select w.warnings from w where w.id = jobs.id)
              where id in (select id from w) and +org_id = ?2 and (board_date is null or board_date = ?3)`,
        args: [JSON.stringify(run.map((r) => [r.jobId, JSON.stringify(r.warnings ?? [])])), orgId, roomDate],
      });
    run = [];
  };
  for (const row of rows) {
    if (inSet.has(row)) continue;
    if (row.kind === 'warnings') {
      run.push(row);
      continue;
    }
    endRun();
    out.push(...statementsFor(orgId, roomDate, row));
  }
  endRun();
  return out;
}

/**
 * Plain moves of distinct jobs (see statementsForBatch) as four statements, reading the rows
 * from one JSON parameter each. The same guards as statementsFor, row by row:
 * `schedule_version < version`, the technician belongs to the org, the job is this room's or
 * nobody's. A job's event goes in if the job now carries the row's version, so a replay of a
 * batch libSQL already took adds nothing (the event's id is taken: `on conflict do nothing`).
 * Lead assignments follow the jobs whose technician changed.
 */
export function setMovesStatements(orgId: string, roomDate: string, moves: readonly OutboxRow[]): InStatement[] {
  const rows = JSON.stringify(
    moves.map((row) => {
      const a = row.after;
      const event = { ...asRecord(a), boardDate: row.boardDate, via: 'board', scheduleVersion: row.version };
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
        JSON.stringify(event),
      ];
    }),
  );
  const r = `with r (id, tech, start, dur, status, version, at, actor, event_id, kind, before, after) as materialized (
      select value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6, value ->> 7, value ->> 8, value ->> 9, value ->> 10, value ->> 11 from json_each(?1))`;
  const reassigned = JSON.stringify(
    moves.filter((row) => !row.before || row.before.technicianId !== row.after.technicianId).map((row) => row.jobId),
  );
  // `+org_id` keeps the planner on the jobs' primary key rather than the org's index (EXPLAIN QUERY PLAN).
  return [
    {
      sql: `${r}
            update jobs set technician_id = r.tech, scheduled_start = r.start, duration_min = r.dur, status = r.status, schedule_version = r.version, updated_at = r.at,
              updated_by = coalesce(r.actor, jobs.updated_by), board_date = ?3, completed_at = case when r.status = 'completed' then coalesce(jobs.completed_at, r.at) else jobs.completed_at end
            from r
            where jobs.id = r.id and +jobs.org_id = ?2 and jobs.schedule_version < r.version
              and (r.tech is null or exists (select 1 from technicians t where t.id = r.tech and t.org_id = ?2))
              and (jobs.board_date is null or jobs.board_date = ?3)`,
      args: [rows, orgId, roomDate],
    },
    {
      sql: `${r}
            insert into job_events (id, org_id, job_id, actor_user_id, at, kind, before, after)
            select r.event_id, ?2, r.id, r.actor, r.at, r.kind, r.before, r.after from r join jobs j on j.id = r.id and +j.org_id = ?2 where j.schedule_version = r.version
            on conflict (id) do nothing`,
      args: [rows, orgId],
    },
    {
      sql: `delete from job_assignments where job_id in (select value from json_each(?1)) and +org_id = ?2 and role = 'lead'
              and technician_id is not (select technician_id from jobs where id = job_assignments.job_id and org_id = ?2)`,
      args: [reassigned, orgId],
    },
    {
      sql: `insert into job_assignments (org_id, job_id, technician_id, role)
            select org_id, id, technician_id, 'lead' from jobs where id in (select value from json_each(?1)) and +org_id = ?2 and technician_id is not null
            on conflict (job_id, technician_id) do update set role = 'lead'`,
      args: [reassigned, orgId],
    },
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
 * version: one job event for the move as libSQL saw it); a row with a note stays its own event.
 * Warnings are state, not history: only a job's last warnings row counts. Deterministic, so a
 * retried batch merges the same way.
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
    if (prev && prev.kind !== 'warnings' && prev.actorUserId === row.actorUserId && !prev.note && !row.note) {
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
