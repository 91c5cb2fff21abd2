/**
 * GET /api/kpis: the org's figures for a range of local days, read in ONE libSQL batch (with the
 * session lookup, two round trips). Every statement is an indexed SUM / GROUP BY over one org; the
 * job facts and the schedule come from their rollups with the records at the ends of each span
 * (rollups.ts):
 *
 *   days         each day of both periods (the periods' sums are their days')
 *                                                                   job_fact_quarters, job_facts_org_completed_idx
 *   technicians  active technicians with their sums in the range    job_fact_tech_days, job_facts_org_completed_idx
 *   scheduled    jobs scheduled to start in either period           job_schedule_quarters, jobs_org_start_idx
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
import { and, avg, count, eq, gte, lt, min, sql } from 'drizzle-orm';
import { jobs, payments, invoices } from '../../db/schema.ts';
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
import type { AuthContext } from '../auth/session.ts';
import type { Db } from '../db.ts';
import { runBatch } from '../http/batch.ts';
import { versionOf, versionStatement } from './cache.ts';
import type { KpiReport } from './records.ts';
import { agingBucket, receivable } from './measures.ts';
import { FACT_TERMS } from '../../db/job-facts.ts';
import { factSpans, scheduleSpans, technicianSums, type FactSums, type TechnicianRow } from './rollups.ts';

/** Labels of the two periods in the schedule's spans. */
const CURRENT = 1;
const PREVIOUS = 0;

function statements(db: Db, orgId: string, cur: Period, prev: Period, now: number) {
  const bucket = agingBucket(now);
  return [
    factSpans(
      db,
      orgId,
      [...prev.days, ...cur.days].map((d) => ({ label: d.day, start: d.start, end: d.end })),
    ),
    technicianSums(db, orgId, { label: CURRENT, start: cur.start, end: cur.end }),
    scheduleSpans(db, orgId, [
      { label: PREVIOUS, start: prev.start, end: prev.end },
      { label: CURRENT, start: cur.start, end: cur.end },
    ]),
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

type FactPart = Omit<Sums, 'scheduled' | 'scheduledDone' | 'collectedCents' | 'shiftMinutes'>;

/** Adds rows of fact sums (numbers or numeric text, as libSQL gives them) into core/kpis.ts's shape. */
const sumsOf = (rows: (FactSums | undefined)[]): FactPart => {
  const out = { ...NO_SUMS };
  for (const row of rows) if (row) for (const key of Object.keys(FACT_TERMS) as (keyof FactSums)[]) out[key] += Number(row[key]);
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
  const [dayRows, techRows, scheduled, [collected], [queue], aging, version] = (await runBatch(db, [
    ...statements(db, auth.orgId, cur, prev, now),
    versionStatement(db, auth.orgId),
  ])) as [
    (FactSums & { label: string })[],
    TechnicianRow[],
    { label: number; scheduled: number; done: number }[],
    { current: number; previous: number }[],
    { size: number; oldest: number | null; meanCreated: string | number | null }[],
    { bucket: string; cents: number; count: number }[],
    { version: number }[],
  ];

  const byDay = new Map(dayRows.map((r) => [String(r.label), r]));
  const factsOf = (p: Period) => sumsOf(p.days.map((d) => byDay.get(d.day)));
  const techs = techRows.map((t) => ({ ...t, shiftDays: JSON.parse(t.shiftDays) as number[] }));
  const current = shiftMinutesOf(techs, range, now);
  const before = shiftMinutesOf(techs, previous, now);
  const shifts = techs.map((t, i) => ({ id: t.id, cur: current[i]!, prev: before[i]! }));
  const period = (isCurrent: boolean): Sums => {
    const plan = scheduled.find((s) => Number(s.label) === (isCurrent ? CURRENT : PREVIOUS));
    return {
      ...factsOf(isCurrent ? cur : prev),
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
    days: cur.days.map((d) => {
      const s = sumsOf([byDay.get(d.day)]);
      return { day: d.day, completed: s.completed, invoicedCents: s.invoicedCents };
    }),
    technicians: techs.map((t, i) => {
      const s = sumsOf([t]);
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
