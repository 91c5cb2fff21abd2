/**
 * GET /api/kpis: the org's figures for a range of local days, read in ONE libSQL batch (with the
 * session lookup, two round trips). Every statement is an indexed SUM / GROUP BY over one org:
 *
 *   facts        both periods' fact sums, split by period          job_facts_org_completed_idx
 *   days         each day of the range (a `days` CTE of periodOf)   job_facts_org_completed_idx
 *   technicians  active technicians with their sums in the range    technicians_org_idx, job_facts_org_tech_idx
 *   scheduled    jobs scheduled to start in either period           jobs_org_start_idx
 *   collected    payments received in either period                 payments_org_received_idx
 *   queue        unscheduled jobs now                                jobs_org_status_idx
 *   receivables  sent invoices by aging bucket                       invoices_org_status_idx
 *   version      the org's KPI data version, read with the figures   kpi_versions primary key
 *
 * The version says which committed changes the figures include: the report cache
 * (worker/kpis/cache.ts) keeps the answer while it is still the org's.
 *
 * The arithmetic (shares, changes, the average ticket) is core/kpis.ts's, from these sums.
 */
import type { z } from '@hono/zod-openapi';
import { and, asc, avg, count, eq, gte, inArray, lt, min, ne, sql } from 'drizzle-orm';
import { jobFacts, jobs, payments, technicians, invoices } from '../../db/schema.ts';
import {
  AGING_BUCKETS,
  compare,
  daysBetween,
  NO_SUMS,
  periodOf,
  previousRange,
  ratio,
  shiftMinutesOf,
  type Period,
  type Range,
  type Sums,
} from '../../core/kpis.ts';
import { DONE_STATUSES } from '../../core/lifecycle.ts';
import type { AuthContext } from '../auth/session.ts';
import type { Db } from '../db.ts';
import { runBatch } from '../http/batch.ts';
import { versionOf, versionStatement } from './cache.ts';
import type { KpiReport } from './records.ts';
import { agingBucket, completedWithin, factSums, receivable } from './measures.ts';

type FactSums = { [K in keyof typeof factSums]: number };

/** 1 for rows of the current period, 0 for the previous one: both periods are one range, split at `from`'s midnight. */
const inCurrent = (column: typeof jobFacts.completedAt | typeof jobs.scheduledStart | typeof payments.receivedAt, cur: Period) =>
  sql<number>`(${column} >= ${cur.start})`;

function statements(db: Db, orgId: string, cur: Period, prev: Period, now: number) {
  const current = inCurrent(jobFacts.completedAt, cur);
  const scheduledNow = inCurrent(jobs.scheduledStart, cur);
  const bucket = agingBucket(now);
  const days = JSON.stringify(cur.days.map((d) => [d.day, d.start, d.end]));
  return [
    db
      .select({ current, ...factSums })
      .from(jobFacts)
      .where(completedWithin(orgId, prev.start, cur.end))
      .groupBy(current),
    // The days of the range as instants (a daylight-saving day is 23 or 25 hours), so the
    // database never needs the timezone.
    db.all<{ day: string; completed: number; invoiced_cents: number }>(sql`
      with days (day, start, finish) as (select value ->> 0, value ->> 1, value ->> 2 from json_each(${days}))
      select d.day, count(f.completed_at) as completed, coalesce(sum(f.revenue_cents), 0) as invoiced_cents
      from days d left join job_facts f on f.org_id = ${orgId} and f.completed_at >= d.start and f.completed_at < d.finish
      group by d.day order by d.day`),
    db
      .select({
        id: technicians.id,
        name: technicians.name,
        colour: technicians.colour,
        shiftStart: technicians.shiftStart,
        shiftEnd: technicians.shiftEnd,
        shiftDays: technicians.shiftDays,
        timezone: technicians.timezone,
        ...factSums,
      })
      .from(technicians)
      .leftJoin(
        jobFacts,
        and(
          eq(jobFacts.orgId, orgId),
          eq(jobFacts.technicianId, technicians.id),
          gte(jobFacts.completedAt, cur.start),
          lt(jobFacts.completedAt, cur.end),
        ),
      )
      .where(and(eq(technicians.orgId, orgId), eq(technicians.active, true)))
      .groupBy(technicians.id)
      .orderBy(asc(technicians.name), asc(technicians.id)),
    db
      .select({
        current: scheduledNow,
        scheduled: count(),
        done: sql<number>`coalesce(sum(${inArray(jobs.status, [...DONE_STATUSES])}), 0)`,
      })
      .from(jobs)
      .where(
        and(eq(jobs.orgId, orgId), gte(jobs.scheduledStart, prev.start), lt(jobs.scheduledStart, cur.end), ne(jobs.status, 'cancelled')),
      )
      .groupBy(scheduledNow),
    db
      .select({
        current: sql<number>`coalesce(sum(case when ${payments.receivedAt} >= ${cur.start} then ${payments.amountCents} end), 0)`,
        previous: sql<number>`coalesce(sum(case when ${payments.receivedAt} < ${cur.start} then ${payments.amountCents} end), 0)`,
      })
      .from(payments)
      .where(and(eq(payments.orgId, orgId), gte(payments.receivedAt, prev.start), lt(payments.receivedAt, cur.end))),
    db
      .select({ size: count(), oldest: min(jobs.createdAt), meanCreated: avg(jobs.createdAt) })
      .from(jobs)
      .where(and(eq(jobs.orgId, orgId), eq(jobs.status, 'unscheduled'))),
    db
      .select({ bucket, cents: sql<number>`sum(${invoices.totalCents} - ${invoices.paidCents})`, count: count() })
      .from(invoices)
      .where(receivable(orgId))
      .groupBy(bucket),
  ] as const;
}

/** The statements as SQL text and arguments, for EXPLAIN QUERY PLAN (tests/worker/kpis-plans.test.ts). */
export function reportQueries(db: Db, orgId: string, range: Range, timezone: string, now: number) {
  const cur = periodOf(range, timezone);
  return statements(db, orgId, cur, periodOf(previousRange(range), timezone), now).map((s) => ('toSQL' in s ? s.toSQL() : s.getQuery()));
}

const sumsOf = (row: FactSums | undefined): Omit<Sums, 'scheduled' | 'scheduledDone' | 'collectedCents' | 'shiftMinutes'> => {
  const out = { ...NO_SUMS };
  if (row) for (const key of Object.keys(factSums) as (keyof FactSums)[]) out[key] = Number(row[key]);
  return out;
};

/** A waiting job's average age, to a tenth of a day. */
const tenths = (days: number) => Math.round(days * 10) / 10;

/** The report at `now`, with the org's KPI data version its figures were read at (in the same batch, so the same snapshot). */
export async function readReport(
  db: Db,
  auth: Pick<AuthContext, 'orgId' | 'timezone'>,
  range: Range,
  now: number,
): Promise<{ report: z.infer<typeof KpiReport>; version: number }> {
  const previous = previousRange(range);
  const cur = periodOf(range, auth.timezone);
  const prev = periodOf(previous, auth.timezone);
  const [facts, days, techs, scheduled, [collected], [queue], aging, version] = (await runBatch(db, [
    ...statements(db, auth.orgId, cur, prev, now),
    versionStatement(db, auth.orgId),
  ])) as [
    (FactSums & { current: number })[],
    { day: string; completed: number; invoiced_cents: number }[],
    (FactSums & {
      id: string;
      name: string;
      colour: string;
      shiftStart: string;
      shiftEnd: string;
      shiftDays: number[];
      timezone: string;
    })[],
    { current: number; scheduled: number; done: number }[],
    { current: number; previous: number }[],
    { size: number; oldest: number | null; meanCreated: string | number | null }[],
    { bucket: string; cents: number; count: number }[],
    { version: number }[],
  ];

  const current = shiftMinutesOf(techs, range, now);
  const before = shiftMinutesOf(techs, previous, now);
  const shifts = techs.map((t, i) => ({ id: t.id, cur: current[i]!, prev: before[i]! }));
  const period = (isCurrent: boolean): Sums => {
    const plan = scheduled.find((s) => Boolean(s.current) === isCurrent);
    return {
      ...sumsOf(facts.find((f) => Boolean(f.current) === isCurrent)),
      scheduled: Number(plan?.scheduled ?? 0),
      scheduledDone: Number(plan?.done ?? 0),
      collectedCents: Number(isCurrent ? collected?.current : collected?.previous) || 0,
      shiftMinutes: shifts.reduce((sum, s) => sum + (isCurrent ? s.cur : s.prev), 0),
    };
  };

  const size = Number(queue?.size ?? 0);
  const report = {
    from: range.from,
    to: range.to,
    timezone: auth.timezone,
    previous,
    asOf: now,
    figures: compare(period(true), period(false)),
    queue: {
      size,
      oldestDays: size && queue?.oldest != null ? daysBetween(Number(queue.oldest), now) : null,
      averageDays: size && queue?.meanCreated != null ? tenths(Math.max(0, now - Number(queue.meanCreated)) / 86_400_000) : null,
    },
    receivables: AGING_BUCKETS.map((b) => {
      const row = aging.find((a) => a.bucket === b.id);
      return { bucket: b.id, label: b.label, cents: Number(row?.cents ?? 0), count: Number(row?.count ?? 0) };
    }),
    days: days.map((d) => ({ day: d.day, completed: Number(d.completed), invoicedCents: Number(d.invoiced_cents) })),
    technicians: techs.map((t, i) => {
      const s = sumsOf(t);
      const shift = shifts[i]!.cur;
      return {
        id: t.id,
        name: t.name,
        colour: t.colour,
        completed: s.completed,
        invoicedCents: s.invoicedCents,
        firstTimeFix: ratio(s.fixedFirstTime, s.fixEligible),
        onTime: ratio(s.onTime, s.windowed),
        utilisation: ratio(s.onSiteMinutes, shift),
        onSiteMinutes: s.onSiteMinutes,
        shiftMinutes: shift,
      };
    }),
  };
  return { report, version: versionOf(version) };
}
