/**
 * The writes to a job row that more than one writer makes, each said once: the guarded update,
 * the job event that goes with it, and the lead assignment kept equal to jobs.technician_id.
 * Three writers use them: the API (worker/jobs/schedule.ts, the Worker's door for job rows), billing
 * (worker/billing/invoices.ts and payments.ts, through that door) and the board rooms' outbox
 * (rooms/outbox-sql.ts), which projects the live schedule into libSQL.
 *
 * The rooms reach libSQL through @libsql/client and have no drizzle, so this module compiles
 * SQL text with positional arguments, `{ sql, args }`: the statement shape libSQL's batches
 * take. The rooms send them as they are; the Worker puts them into its drizzle batches
 * (worker/http/batch.ts `compiledItem`). Pure: no I/O, nothing imported.
 *
 * Every statement is scoped to one org. A `?` in the text is always an argument (nothing here
 * writes one otherwise, and column names are checked), which is what lets the Worker hand the
 * text to drizzle as it is.
 */

/** A value libSQL binds to a `?`. */
export type Value = string | number | null;

/** SQL text and the arguments of its `?`s, in order. */
export interface Statement {
  sql: string;
  args: Value[];
}

/** What stands for a value in a statement: an argument, or SQL computing it (a column of the row being written, of a `with` clause's rows). */
export type Term = Value | Statement;

const isStatement = (t: Term): t is Statement => typeof t === 'object' && t !== null;

/** SQL text from a template: each interpolated value becomes a `?` and an argument, each interpolated statement is inlined with its own arguments. */
export function sql(strings: TemplateStringsArray, ...terms: Term[]): Statement {
  let text = strings[0]!;
  const args: Value[] = [];
  terms.forEach((term, i) => {
    if (isStatement(term)) {
      text += term.sql;
      args.push(...term.args);
    } else {
      text += '?';
      args.push(term);
    }
    text += strings[i + 1]!;
  });
  return { sql: text, args };
}

/** SQL without arguments: a column (`r.tech`) or a constant expression. */
export const raw = (text: string): Statement => ({ sql: text, args: [] });

const empty = raw('');

function join(parts: readonly Statement[], separator: string): Statement {
  return { sql: parts.map((p) => p.sql).join(separator), args: parts.flatMap((p) => p.args) };
}

/** A column's or a `with` clause's name as the callers give it; checked, since it is written into the text. */
function column(name: string): Statement {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a column name: ${name}`);
  return raw(name);
}

/**
 * Many jobs in one statement: a `with` clause naming `name`, one row per job, whose `id` column
 * is the job's id. The caller refers to the rows' other columns as `name.column` (raw).
 */
export interface JobRows {
  with: Statement;
  name: string;
}

/**
 * What a change was decided from. A guard that does not hold leaves the job as it is and the
 * statement changes no row, which the caller reads as "someone else was first" (or, for the
 * rooms' replays, as "already there").
 */
export interface JobGuards {
  /** The status the change was decided from. */
  status?: Term;
  /** Columns (SQL names) as they were read: a change never overwrites a value someone else wrote since. */
  unchanged?: Record<string, Term>;
  /**
   * The room's version of the schedule: the job takes it only if it is newer than the version
   * it holds (`schedule_version < version`), so a replayed or reordered projection writes nothing.
   */
  newerThanHeld?: Term;
  /** The technician the change names (null for none) is one of the org's, so a board edit never reaches across orgs. */
  technicianInOrg?: Term;
  /**
   * The board day making the change: only the room that owns the job (jobs.board_date) or a
   * job on no board may be changed, so a room holding a stale copy of a job that moved to another
   * day never writes over the new owner. Left out by the change that hands the job to that day.
   */
  ownedBy?: Term;
  /** Any further condition the change depends on (billing's: the invoice still in its status). */
  also?: Statement;
}

export interface JobUpdate {
  orgId: string;
  /** One job (its id), or every job of `rows`. */
  job: Value | JobRows;
  /** The columns to set (SQL names) and their values; SQL may read the job as it is (`jobs.column`). */
  set: Record<string, Term>;
  /**
   * Who changes the job and when, stamped as updated_by and updated_at; a null actor (a change
   * no person made) keeps the last one. Absent for what is derived, not changed (warnings).
   */
  by?: { actor: Term; at: Term };
  guards?: JobGuards;
  /** Columns (SQL names) to return for the changed row. */
  returning?: readonly string[];
}

/** The guarded update of one job, or of many in one statement (`job` as rows: an `update … from`). */
export function updateJob(u: JobUpdate): Statement {
  const rows = typeof u.job === 'object' && u.job !== null ? u.job : null;
  const assignments = Object.entries(u.set).map(([name, value]) => sql`${column(name)} = ${value}`);
  if (u.by) assignments.push(sql`updated_at = ${u.by.at}`, sql`updated_by = coalesce(${u.by.actor}, jobs.updated_by)`);
  // `+org_id`: the job's primary key, not the org's index, which would visit every job of the org (EXPLAIN QUERY PLAN).
  const where = [rows ? sql`jobs.id = ${column(rows.name)}.id` : sql`jobs.id = ${u.job as Value}`, sql`+jobs.org_id = ${u.orgId}`];
  const g = u.guards ?? {};
  if (g.status !== undefined) where.push(sql`jobs.status = ${g.status}`);
  for (const [name, value] of Object.entries(g.unchanged ?? {})) where.push(sql`jobs.${column(name)} is ${value}`);
  if (g.newerThanHeld !== undefined) where.push(sql`jobs.schedule_version < ${g.newerThanHeld}`);
  if (g.technicianInOrg !== undefined) {
    const t = g.technicianInOrg;
    where.push(sql`(${t} is null or exists (select 1 from technicians t where t.id = ${t} and t.org_id = ${u.orgId}))`);
  }
  if (g.ownedBy !== undefined) where.push(sql`(jobs.board_date is null or jobs.board_date = ${g.ownedBy})`);
  if (g.also) where.push(sql`(${g.also})`);
  const returning = u.returning?.length ? sql` returning ${join(u.returning.map(column), ', ')}` : empty;
  return sql`${rows ? sql`${rows.with} ` : empty}update jobs set ${join(assignments, ', ')}${rows ? sql` from ${column(rows.name)}` : empty}
    where ${join(where, ' and ')}${returning}`;
}

/** A job event: what happened to a job, by whom, when. `before` and `after` are JSON text (or SQL making it). */
export interface JobEvent {
  id: Term;
  jobId: Term;
  actor: Term;
  at: Term;
  kind: Term;
  before: Term;
  after: Term;
}

function insertEvent(orgId: string, e: JobEvent, tail: Statement): Statement {
  return sql`insert into job_events (id, org_id, job_id, actor_user_id, at, kind, before, after)
    select ${e.id}, ${orgId}, ${e.jobId}, ${e.actor}, ${e.at}, ${e.kind}, ${e.before}, ${e.after}${tail}`;
}

/** A job event written unconditionally (a job's creation). */
export function jobEvent(orgId: string, e: JobEvent): Statement {
  return insertEvent(orgId, e, empty);
}

/**
 * A job event written only if the statement just before it in the batch changed exactly one
 * row. Guarded writes put it after them, so a write that lost a race (or a replay the job
 * already holds) leaves no history behind either.
 */
export function jobEventIfChanged(orgId: string, e: JobEvent): Statement {
  return insertEvent(orgId, e, raw(' where changes() = 1'));
}

/**
 * The events of a many-jobs update that set `schedule_version` from its rows' `version`: one
 * for each job that now carries its row's version (the update took). A replay of a batch libSQL
 * already took adds nothing: the event's id is taken (`on conflict do nothing`).
 */
export function jobEventsOfVersion(orgId: string, rows: JobRows, e: JobEvent): Statement {
  const r = column(rows.name);
  return sql`${rows.with} ${insertEvent(
    orgId,
    e,
    sql` from ${r} join jobs j on j.id = ${r}.id and +j.org_id = ${orgId} where j.schedule_version = ${r}.version
    on conflict (id) do nothing`,
  )}`;
}

/**
 * Makes job_assignments' lead row agree with jobs.technician_id for one job or a list of them
 * (`ids`), reading the jobs as they are at that point of the batch: a lead row for another
 * technician goes, the current one is added (or promoted from helper). Idempotent, so it is
 * safe after a guarded update that lost.
 */
export function syncLead(orgId: string, which: { id: Value } | { ids: readonly string[] }): Statement[] {
  const match = 'id' in which ? sql`= ${which.id}` : sql`in (select value from json_each(${JSON.stringify(which.ids)}))`;
  return [
    // `+org_id`: the job's own rows (the unique (job_id, technician_id) index), not the org's
    // (org_id, technician_id) index, which visits every assignment of the org (EXPLAIN QUERY PLAN).
    sql`delete from job_assignments where job_id ${match} and +org_id = ${orgId} and role = 'lead'
      and technician_id is not (select technician_id from jobs where id = job_assignments.job_id and org_id = ${orgId})`,
    sql`insert into job_assignments (org_id, job_id, technician_id, role)
      select org_id, id, technician_id, 'lead' from jobs where id ${match} and +org_id = ${orgId} and technician_id is not null
      on conflict (job_id, technician_id) do update set role = 'lead'`,
  ];
}
