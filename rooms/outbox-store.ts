/**
 * The room's own storage for the projection into libSQL: the outbox (one row per accepted
 * schedule change, written in the same storage transaction as the Yjs update that caused it,
 * so an edit and its projection are kept or lost together) and job_state, the room's last
 * projected schedule per job, which the next edit is checked against and the version counter
 * continues from. What the rows say to libSQL is in outbox-sql.ts; sending them, outbox.ts.
 */
import type { BoardCard } from '../core/board-doc.ts';
import type { ScheduleWarning } from '../core/schedule-rules.ts';
import type { Schedule } from './schedule-guard.ts';

/** What the room last accepted for a job: the schedule it projected, its card, version and warnings. */
export interface JobState {
  jobId: string;
  schedule: Schedule;
  card: BoardCard;
  version: number;
  warnings: ScheduleWarning[];
}

/**
 * A schedule as an outbox row carries it to libSQL. The room writes rows from schedules it
 * accepted (Schedule); the outbox passes the status on as it is, so a row needs no JobStatus
 * (the outbox tests build rows with plain strings).
 */
export type ProjectedSchedule = Omit<Schedule, 'status'> & { status: string };

/**
 * One change for libSQL. kind 'rescheduled' / 'status_changed' carry a schedule (and a job
 * event); 'warnings' carries only the rule warnings of the job (no event: they are derived).
 */
export interface OutboxRow {
  seq: number;
  jobId: string;
  version: number;
  eventId: string;
  actorUserId: string | null;
  at: number;
  kind: 'rescheduled' | 'status_changed' | 'warnings';
  before: ProjectedSchedule | null;
  after: ProjectedSchedule;
  /** The day whose board owns the job after this change; null = back to the backlog. */
  boardDate: string | null;
  /** Set on the row that hands a job to this room from another day (or the backlog). */
  takeOver: boolean;
  note: string | null;
  warnings: ScheduleWarning[] | null;
}

export function migrateOutbox(sql: SqlStorage): void {
  sql.exec(
    `create table if not exists job_state (job_id text primary key, schedule text not null, card text not null, version integer not null, warnings text not null default '[]')`,
  );
  sql.exec(
    `create table if not exists outbox (seq integer primary key autoincrement, job_id text not null, version integer not null, event_id text not null, actor_user_id text, at integer not null, kind text not null, before text, after text not null,
       board_date text, take_over integer not null default 0, note text, warnings text)`,
  );
  // Rows libSQL refused as statements (not as an outage): kept for a person to look at, so one
  // bad row cannot block every later change of the day.
  sql.exec(
    `create table if not exists outbox_dead (seq integer primary key, job_id text not null, version integer not null, row text not null, error text not null, at integer not null)`,
  );
}

type StateRow = { job_id: string; schedule: string; card: string; version: number; warnings: string };
const stateOf = (r: StateRow): JobState => ({
  jobId: r.job_id,
  schedule: JSON.parse(r.schedule),
  card: JSON.parse(r.card),
  version: r.version,
  warnings: JSON.parse(r.warnings),
});

export function readJobState(sql: SqlStorage, jobId: string): JobState | null {
  const r = sql.exec<StateRow>(`select * from job_state where job_id = ?`, jobId).toArray()[0];
  return r ? stateOf(r) : null;
}

export function allJobStates(sql: SqlStorage): JobState[] {
  return sql.exec<StateRow>(`select * from job_state`).toArray().map(stateOf);
}

/**
 * Schedule, version and warnings of several jobs in one statement, read from one JSON
 * parameter. (A statement per job was slower still: 14% of the room's time at 1600 edits/s
 * in profile.mjs, against 8% for this.)
 */
export function writeJobSchedules(sql: SqlStorage, states: readonly JobState[]): void {
  if (!states.length) return;
  const json = JSON.stringify(states.map((s) => [s.jobId, JSON.stringify(s.schedule), s.version, JSON.stringify(s.warnings)]));
  sql.exec(
    `update job_state set schedule = j.value ->> 1, version = j.value ->> 2, warnings = j.value ->> 3
     from json_each(?) as j where job_state.job_id = j.value ->> 0`,
    json,
  );
}

export function writeJobState(sql: SqlStorage, s: JobState): void {
  sql.exec(
    `insert into job_state (job_id, schedule, card, version, warnings) values (?, ?, ?, ?, ?)
     on conflict (job_id) do update set schedule = excluded.schedule, card = excluded.card, version = excluded.version, warnings = excluded.warnings`,
    s.jobId,
    JSON.stringify(s.schedule),
    JSON.stringify(s.card),
    s.version,
    JSON.stringify(s.warnings),
  );
}

export function forgetJobState(sql: SqlStorage, jobId: string): void {
  sql.exec(`delete from job_state where job_id = ?`, jobId);
}

/**
 * The next version of a job's schedule: above the last one, and at least the current time in
 * microseconds, so a job that moves to another day's room (which starts from the records'
 * version) still gets versions above everything this room wrote earlier.
 */
export function nextVersion(last: number, now: number): number {
  return Math.max(last + 1, now * 1000);
}

const OUTBOX_COLUMNS = [
  'job_id',
  'version',
  'event_id',
  'actor_user_id',
  'at',
  'kind',
  'before',
  'after',
  'board_date',
  'take_over',
  'note',
  'warnings',
];
/** Rows per multi-row INSERT: a Durable Object's statement takes at most 100 bound parameters. */
const ROWS_PER_INSERT = Math.floor(100 / OUTBOX_COLUMNS.length);
const insertRows = (n: number) =>
  `insert into outbox (${OUTBOX_COLUMNS.join(', ')}) values ${Array.from({ length: n }, () => `(${OUTBOX_COLUMNS.map(() => '?').join(', ')})`).join(', ')}`;
const INSERTS = Array.from({ length: ROWS_PER_INSERT + 1 }, (_, n) => insertRows(n));

/** A row's values in OUTBOX_COLUMNS order. */
function columnValues(r: Omit<OutboxRow, 'seq'>): SqlStorageValue[] {
  return [
    r.jobId,
    r.version,
    r.eventId,
    r.actorUserId,
    r.at,
    r.kind,
    r.before ? JSON.stringify(r.before) : null,
    JSON.stringify(r.after),
    r.boardDate,
    r.takeOver ? 1 : 0,
    r.note,
    r.warnings ? JSON.stringify(r.warnings) : null,
  ];
}

/**
 * Appends rows to the outbox in order, ROWS_PER_INSERT to a statement. (Reading them from one
 * JSON parameter with json_each was slower: SQLite turns each element back into text for every
 * column it reads, 13% of the room's time at 1600 edits/s in profile.mjs.)
 */
export function enqueueAll(sql: SqlStorage, rows: readonly Omit<OutboxRow, 'seq'>[]): void {
  for (let at = 0; at < rows.length; at += ROWS_PER_INSERT) {
    const chunk = rows.slice(at, at + ROWS_PER_INSERT);
    sql.exec(INSERTS[chunk.length]!, ...chunk.flatMap(columnValues));
  }
}

/**
 * Deletes the warnings rows of these jobs still in the outbox: the caller is about to queue
 * newer ones. Safe even for a row a drain has in flight: that drain sent it already, and if
 * the drain fails the newer row, sent later, carries the job's current warnings anyway.
 */
export function dropWarningRows(sql: SqlStorage, jobIds: readonly string[]): void {
  if (jobIds.length)
    sql.exec(`delete from outbox where kind = 'warnings' and job_id in (select value from json_each(?))`, JSON.stringify(jobIds));
}

/** Whether a job has rows waiting (a caller that needs the record current drains first). */
export function hasPendingRows(sql: SqlStorage, jobId: string): boolean {
  return sql.exec(`select 1 from outbox where job_id = ? limit 1`, jobId).toArray().length > 0;
}

export function peekOutbox(sql: SqlStorage, limit: number): OutboxRow[] {
  return sql
    .exec<Record<string, SqlStorageValue>>(`select * from outbox order by seq limit ?`, limit)
    .toArray()
    .map((r) => ({
      seq: Number(r.seq),
      jobId: String(r.job_id),
      version: Number(r.version),
      eventId: String(r.event_id),
      actorUserId: r.actor_user_id == null ? null : String(r.actor_user_id),
      at: Number(r.at),
      kind: String(r.kind) as OutboxRow['kind'],
      before: r.before == null ? null : JSON.parse(String(r.before)),
      after: JSON.parse(String(r.after)),
      boardDate: r.board_date == null ? null : String(r.board_date),
      takeOver: Number(r.take_over) === 1,
      note: r.note == null ? null : String(r.note),
      warnings: r.warnings == null ? null : JSON.parse(String(r.warnings)),
    }));
}

export function outboxSize(sql: SqlStorage): number {
  return Number(sql.exec(`select count(*) as n from outbox`).one().n);
}

/** Rows libSQL refused, kept aside (deadLetter); the metrics count them. */
export function deadLetterCount(sql: SqlStorage): number {
  return Number(sql.exec(`select count(*) as n from outbox_dead`).one().n);
}

export function ackThrough(sql: SqlStorage, seq: number): void {
  sql.exec(`delete from outbox where seq <= ?`, seq);
}

export function deadLetter(sql: SqlStorage, row: OutboxRow, error: string): void {
  sql.exec(
    `insert or replace into outbox_dead (seq, job_id, version, row, error, at) values (?, ?, ?, ?, ?, ?)`,
    row.seq,
    row.jobId,
    row.version,
    JSON.stringify(row),
    error.slice(0, 500),
    Date.now(),
  );
  sql.exec(`delete from outbox where seq = ?`, row.seq);
}
