/**
 * A range's sums from the KPI rollups (migrations 0016 and 0017, db/schema.ts): the whole buckets
 * inside the range from the rollup, and the rows of the part buckets at its two ends from the
 * records, through the same view the rollup's triggers read (job_fact_terms, job_schedule_terms).
 * So a figure is exact for any range and any timezone, and a year of a large org reads about
 * 15,000 quarter-hours instead of 250,000 facts. Buckets are instants floored to 15 minutes (every
 * local midnight of today's timezones is on one, so a day's or a period's ends have no part bucket)
 * or to a UTC day (a local day has a part of one at each end; a long range is mostly whole days).
 *
 *   factSpans       each labelled span's fact sums        job_fact_quarters, job_facts_org_completed_idx
 *   technicianSums  active technicians with their sums    job_fact_tech_days, job_facts_org_completed_idx
 *   scheduleSpans   jobs scheduled in each span, done     job_schedule_quarters, jobs_org_start_idx
 */
import { type SQL, sql } from 'drizzle-orm';
import { FACT_TERMS } from '../../db/job-facts.ts';
import type { Db } from '../db.ts';

/** The bucket sizes of migration 0017's views (its `quarter` and `day`). */
export const QUARTER_MS = 900_000;
export const DAY_MS = 86_400_000;

export type FactSums = { [K in keyof typeof FACT_TERMS]: number };

export interface Span {
  label: string | number;
  start: number;
  end: number;
}

/**
 * [label, start, end, wholeFrom, wholeTo]: the whole buckets of `size` inside [start, end) are
 * [wholeFrom, wholeTo); the records give [start, wholeFrom) and [wholeTo, end). With no whole
 * bucket inside, the records give it all.
 */
export function bucketsOf(span: Span, size: number): [string | number, number, number, number, number] {
  let from = Math.ceil(span.start / size) * size;
  let to = Math.floor(span.end / size) * size;
  if (from >= to) from = to = span.end;
  return [span.label, span.start, span.end, from, to];
}

// Fixed identifiers only (never input), so raw SQL is safe here.
const columns = (table: string) =>
  sql.raw(
    Object.values(FACT_TERMS)
      .map((c) => `${table}.${c}`)
      .join(', '),
  );
const sums = (table: string) =>
  sql.raw(
    Object.entries(FACT_TERMS)
      .map(([name, c]) => `coalesce(sum(${table}.${c}), 0) as "${name}"`)
      .join(', '),
  );

/** The spans as a CTE, each with its whole buckets; joined with CROSS JOIN, which SQLite keeps in that order, so each span is an index search. */
const spansCte = (spans: Span[], size: number) => sql`spans (label, start, finish, whole_from, whole_to) as (
  select value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4 from json_each(${JSON.stringify(spans.map((s) => bucketsOf(s, size)))}))`;

/** The fact sums of each span with any facts (a span without is missing: read it as zeros). */
export function factSpans(db: Db, orgId: string, spans: Span[]) {
  const raw = (range: SQL) =>
    sql`select s.label, ${columns('f')} from spans s cross join job_fact_terms f on f.org_id = ${orgId} and ${range}`;
  return db.all<FactSums & { label: string | number }>(sql`
    with ${spansCte(spans, QUARTER_MS)},
    parts (label, ${sql.raw(Object.values(FACT_TERMS).join(', '))}) as (
      select s.label, ${columns('r')} from spans s
        cross join job_fact_quarters r on r.org_id = ${orgId} and r.quarter >= s.whole_from and r.quarter < s.whole_to
      union all ${raw(sql`f.completed_at >= s.start and f.completed_at < s.whole_from`)}
      union all ${raw(sql`f.completed_at >= s.whole_to and f.completed_at < s.finish`)})
    select label, ${sums('parts')} from parts group by label`);
}

export type TechnicianRow = FactSums & {
  id: string;
  name: string;
  colour: string;
  shiftStart: string;
  shiftEnd: string;
  shiftDays: string;
  timezone: string;
};

/** The org's active technicians, by name, each with their fact sums in `span` (zeros without any). */
export function technicianSums(db: Db, orgId: string, span: Span) {
  const [, start, end, from, to] = bucketsOf(span, DAY_MS);
  const raw = (lo: number, hi: number) =>
    sql`select f.technician_id, ${columns('f')} from job_fact_terms f
      where f.org_id = ${orgId} and f.completed_at >= ${lo} and f.completed_at < ${hi} and f.technician_id is not null`;
  return db.all<TechnicianRow>(sql`
    with parts (technician_id, ${sql.raw(Object.values(FACT_TERMS).join(', '))}) as (
      select r.technician_id, ${columns('r')} from job_fact_tech_days r where r.org_id = ${orgId} and r.day >= ${from} and r.day < ${to}
      union all ${raw(start, from)}
      union all ${raw(to, end)}),
    totals as (select technician_id, ${sums('parts')} from parts group by technician_id)
    select t.id, t.name, t.colour, t.shift_start as "shiftStart", t.shift_end as "shiftEnd", t.shift_days as "shiftDays",
      t.timezone, ${sql.raw(
        Object.keys(FACT_TERMS)
          .map((name) => `coalesce(totals."${name}", 0) as "${name}"`)
          .join(', '),
      )}
    from technicians t left join totals on totals.technician_id = t.id
    where t.org_id = ${orgId} and t.active = 1
    order by t.name, t.id`);
}

/** Jobs (not cancelled) scheduled to start in each span, and how many of them are done; a span without any is missing. */
export function scheduleSpans(db: Db, orgId: string, spans: Span[]) {
  const raw = (range: SQL) =>
    sql`select s.label, j.scheduled, j.done from spans s cross join job_schedule_terms j on j.org_id = ${orgId} and ${range}`;
  return db.all<{ label: string | number; scheduled: number; done: number }>(sql`
    with ${spansCte(spans, QUARTER_MS)},
    parts (label, scheduled, done) as (
      select s.label, r.scheduled, r.done from spans s
        cross join job_schedule_quarters r on r.org_id = ${orgId} and r.quarter >= s.whole_from and r.quarter < s.whole_to
      union all ${raw(sql`j.scheduled_start >= s.start and j.scheduled_start < s.whole_from`)}
      union all ${raw(sql`j.scheduled_start >= s.whole_to and j.scheduled_start < s.finish`)})
    select label, sum(scheduled) as scheduled, sum(done) as done from parts group by label`);
}
