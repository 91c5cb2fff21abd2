/**
 * The job facts (db/schema.ts `job_facts`) the manager's numbers add up: one row per done job,
 * recomputed from the records by SQL in the same batch as the change that alters them. Every
 * writer of job rows appends these statements (the Worker's door, worker/jobs/schedule.ts, for
 * the API and billing; the rooms' outbox for a status decided on a board), and the rebuild
 * (scripts/kpis-rebuild.mjs) runs the very same statements over every job, so a rebuild can only
 * give the numbers the live facts give.
 *
 * What each fact means is said in core/kpis.ts (DEFINITIONS); this is its one computation:
 * - revenue: the amount before tax of the job's non-void invoices (`invoiced` when there is one);
 * - first-time fix: no other job, not cancelled, is a return visit of it (null for a return visit);
 * - arrival: the first status change to on site; on time when it falls inside the arrival window,
 *   both ends included (null without a window or an arrival);
 * - minutes on site: every interval from a status change to on site until the next status change
 *   (paused, completed), so a job with two visits counts both.
 * Pure, like db/job-writes.ts: statements out, no I/O.
 */
import { DONE_STATUSES } from '../core/lifecycle.ts';
import { raw, type Statement, sql } from './job-writes.ts';

const DONE = JSON.stringify(DONE_STATUSES);

/** The jobs to refresh: some (and the jobs they are return visits of, whose first-time fix they decide), or every job of the org. */
export type FactJobs = { ids: readonly string[] } | 'all';

function targets(orgId: string, which: FactJobs): Statement {
  if (which === 'all') return sql`t (id) as (select id from jobs where org_id = ${orgId})`;
  const ids = JSON.stringify([...new Set(which.ids)]);
  return sql`t (id) as materialized (
    select value from json_each(${ids})
    union select return_visit_of from jobs where id in (select value from json_each(${ids})) and +org_id = ${orgId} and return_visit_of is not null)`;
}

/** Delete, then insert from the records: a job that is no longer done (it cannot be today, but a repair could make it so) keeps no fact. */
export function refreshFacts(orgId: string, which: FactJobs): Statement[] {
  if (which !== 'all' && which.ids.length === 0) return [];
  const t = targets(orgId, which);
  return [
    sql`with ${t} delete from job_facts where org_id = ${orgId} and job_id in (select id from t)`,
    sql`with ${t},
      steps (job_id, at, status, next_at) as (
        select e.job_id, e.at, e.after ->> '$.status',
          lead(e.at) over (partition by e.job_id order by e.at, e.rowid)
        from job_events e
        where e.org_id = ${orgId} and e.job_id in (select id from t) and e.after ->> '$.status' is not null),
      site (job_id, arrived_at, ms) as (
        select job_id, min(case when status = 'on_site' then at end),
          sum(case when status = 'on_site' and next_at is not null then next_at - at else 0 end)
        from steps group by job_id),
      billed (job_id, n, cents) as (
        select i.job_id, count(*), sum(i.subtotal_cents) from invoices i
        where i.org_id = ${orgId} and i.job_id in (select id from t) and i.status <> 'void' group by i.job_id)
      insert into job_facts (job_id, org_id, technician_id, completed_at, return_visit_of, invoiced, revenue_cents,
        first_time_fix, arrived_at, on_time, on_site_minutes)
      select j.id, j.org_id, j.technician_id, coalesce(j.completed_at, j.updated_at), j.return_visit_of,
        coalesce(b.n, 0) > 0, coalesce(b.cents, 0),
        case when j.return_visit_of is not null then null
          else not exists (select 1 from jobs r where r.org_id = j.org_id and r.return_visit_of = j.id and r.status <> 'cancelled') end,
        s.arrived_at,
        case when j.arrival_window_start is null or j.arrival_window_end is null or s.arrived_at is null then null
          else s.arrived_at between j.arrival_window_start and j.arrival_window_end end,
        cast(round(coalesce(s.ms, 0) / 60000.0) as integer)
      from jobs j
      left join site s on s.job_id = j.id
      left join billed b on b.job_id = j.id
      where j.id in (select id from t) and j.org_id = ${orgId} and j.status in (select value from json_each(${DONE}))`,
  ];
}

/**
 * The sums a fact adds to (the view job_fact_terms, migration 0017): the report's name for each
 * and its column in the view and the rollups.
 */
export const FACT_TERMS = {
  completed: 'completed',
  invoicedCents: 'invoiced_cents',
  ticketJobs: 'ticket_jobs',
  ticketCents: 'ticket_cents',
  fixEligible: 'fix_eligible',
  fixedFirstTime: 'fixed_first_time',
  windowed: 'windowed',
  onTime: 'on_time',
  onSiteMinutes: 'on_site_minutes',
} as const;

/**
 * The org's KPI rollups (migrations 0016 and 0017) recomputed from the rows they add up, through
 * the same views the triggers read. The triggers keep them in step with every change, the
 * rebuild's too; this repairs a rollup that was changed by hand or restored without its rows.
 */
export function rebuildRollups(orgId: string): Statement[] {
  const columns = Object.values(FACT_TERMS).join(', ');
  const sums = Object.values(FACT_TERMS)
    .map((c) => `sum(${c})`)
    .join(', ');
  return [
    sql`delete from job_fact_quarters where org_id = ${orgId}`,
    sql`insert into job_fact_quarters (org_id, quarter, ${raw(columns)})
      select org_id, quarter, ${raw(sums)} from job_fact_terms where org_id = ${orgId} group by org_id, quarter`,
    sql`delete from job_fact_tech_days where org_id = ${orgId}`,
    sql`insert into job_fact_tech_days (org_id, day, technician_id, ${raw(columns)})
      select org_id, day, technician_id, ${raw(sums)} from job_fact_terms
      where org_id = ${orgId} and technician_id is not null group by org_id, day, technician_id`,
    sql`delete from job_schedule_quarters where org_id = ${orgId}`,
    sql`insert into job_schedule_quarters (org_id, quarter, scheduled, done)
      select org_id, quarter, sum(scheduled), sum(done) from job_schedule_terms where org_id = ${orgId} group by org_id, quarter`,
  ];
}
