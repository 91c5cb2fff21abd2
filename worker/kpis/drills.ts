/**
 * GET /api/kpis/{drill}: the jobs, invoices or payments behind a figure, selected by the same
 * conditions the figure adds up (measures.ts), so the list and the number cannot disagree. One
 * statement (with the org's KPI data version, for the cache), in one round trip after the session
 * lookup, starting from the index the figure uses; each list in time order, oldest first.
 *
 * Which rows each drill lists (core/kpis.ts DEFINITIONS says it in words):
 *   completed, utilisation   the facts of jobs completed in the range
 *   invoiced                  ... those with a non-void invoice
 *   averageTicket             ... those the average ticket counts (no $0 return visit)
 *   firstTimeFix              ... those that are not return visits
 *   onTime                    ... those with an arrival window and an arrival
 *   completionRate            jobs scheduled to start in the range, cancelled left out, done or not
 *   queue                     unscheduled jobs now
 *   collected                 payments received in the range
 *   receivables               sent invoices not yet paid in full, optionally one aging bucket
 */
import { and, asc, eq, gte, isNotNull, lt, ne, sql, type SQL } from 'drizzle-orm';
import { customers, invoices, jobFacts, jobs, payments, technicians } from '../../db/schema.ts';
import { DEFINITIONS, periodOf, type AgingBucketId, type DrillId, type Range } from '../../core/kpis.ts';
import type { Db } from '../db.ts';
import { runBatch } from '../http/batch.ts';
import { versionOf, versionStatement } from './cache.ts';
import { agingBucket, completedWithin, issuedAt, receivable, ticketJob } from './measures.ts';
import type { KpiInvoiceRow, KpiJobRow, KpiPaymentRow } from './records.ts';

/** The most rows one answer carries (a year of a large org's completions is far more): past it the list says it is truncated. */
export const MAX_ITEMS = 5000;

export interface DrillQuery {
  orgId: string;
  timezone: string;
  /** Null for the snapshots (queue, receivables), which are about now. */
  range: Range | null;
  technicianId?: string;
  bucket?: AgingBucketId;
  now: number;
}

export type DrillList =
  | { drill: DrillId; lists: 'jobs'; items: KpiJobRow[]; truncated: boolean }
  | { drill: DrillId; lists: 'invoices'; items: KpiInvoiceRow[]; truncated: boolean }
  | { drill: DrillId; lists: 'payments'; items: KpiPaymentRow[]; truncated: boolean };

/** The drills that are about now, not about a range. */
export const SNAPSHOTS: readonly DrillId[] = ['queue', 'receivables'];

const jobColumns = {
  id: jobs.id,
  number: jobs.number,
  customerName: customers.name,
  technicianId: jobs.technicianId,
  technicianName: technicians.name,
  status: jobs.status,
  scheduledStart: jobs.scheduledStart,
  completedAt: jobFacts.completedAt,
  invoicedCents: sql<number | null>`case when ${jobFacts.invoiced} then ${jobFacts.revenueCents} end`,
  returnVisitOf: jobs.returnVisitOf,
  firstTimeFix: jobFacts.firstTimeFix,
  onTime: jobFacts.onTime,
  onSiteMinutes: jobFacts.onSiteMinutes,
  createdAt: jobs.createdAt,
};

/** Which facts of the range a facts-based drill lists, beyond "completed in the range". */
const FACT_DRILLS: Partial<Record<DrillId, SQL | undefined>> = {
  completed: undefined,
  utilisation: undefined,
  invoiced: eq(jobFacts.invoiced, true),
  averageTicket: ticketJob,
  firstTimeFix: isNotNull(jobFacts.firstTimeFix),
  onTime: isNotNull(jobFacts.onTime),
};

/** Drills whose rows are job facts: driven by job_facts_org_completed_idx (or _tech_idx for one technician). */
function factJobs(db: Db, q: DrillQuery, which: SQL | undefined) {
  const p = periodOf(q.range!, q.timezone);
  return db
    .select(jobColumns)
    .from(jobFacts)
    .innerJoin(jobs, and(eq(jobs.id, jobFacts.jobId), eq(jobs.orgId, q.orgId)))
    .innerJoin(customers, and(eq(customers.id, jobs.customerId), eq(customers.orgId, q.orgId)))
    .leftJoin(technicians, and(eq(technicians.id, jobs.technicianId), eq(technicians.orgId, q.orgId)))
    .where(and(completedWithin(q.orgId, p.start, p.end), which, q.technicianId ? eq(jobFacts.technicianId, q.technicianId) : undefined))
    .orderBy(asc(jobFacts.completedAt), asc(jobs.number))
    .limit(MAX_ITEMS + 1);
}

/** Drills whose rows are jobs, done or not (completion rate, queue), with their facts where they have them. */
function plainJobs(db: Db, q: DrillQuery, which: SQL, order: SQL) {
  return db
    .select(jobColumns)
    .from(jobs)
    .leftJoin(jobFacts, and(eq(jobFacts.jobId, jobs.id), eq(jobFacts.orgId, q.orgId)))
    .innerJoin(customers, and(eq(customers.id, jobs.customerId), eq(customers.orgId, q.orgId)))
    .leftJoin(technicians, and(eq(technicians.id, jobs.technicianId), eq(technicians.orgId, q.orgId)))
    .where(and(eq(jobs.orgId, q.orgId), which, q.technicianId ? eq(jobs.technicianId, q.technicianId) : undefined))
    .orderBy(order, asc(jobs.number))
    .limit(MAX_ITEMS + 1);
}

function receivables(db: Db, q: DrillQuery) {
  const bucket = agingBucket(q.now);
  return db
    .select({
      id: invoices.id,
      number: invoices.number,
      customerName: customers.name,
      jobId: invoices.jobId,
      issuedAt: invoices.issuedAt,
      totalCents: invoices.totalCents,
      paidCents: invoices.paidCents,
      outstandingCents: sql<number>`${invoices.totalCents} - ${invoices.paidCents}`,
      bucket,
    })
    .from(invoices)
    .innerJoin(customers, and(eq(customers.id, invoices.customerId), eq(customers.orgId, q.orgId)))
    .where(and(receivable(q.orgId), q.bucket ? sql`${bucket} = ${q.bucket}` : undefined))
    .orderBy(asc(issuedAt), asc(invoices.number))
    .limit(MAX_ITEMS + 1);
}

function collected(db: Db, q: DrillQuery) {
  const p = periodOf(q.range!, q.timezone);
  return db
    .select({
      id: payments.id,
      invoiceId: payments.invoiceId,
      invoiceNumber: invoices.number,
      customerName: customers.name,
      amountCents: payments.amountCents,
      method: payments.method,
      receivedAt: payments.receivedAt,
    })
    .from(payments)
    .innerJoin(invoices, and(eq(invoices.id, payments.invoiceId), eq(invoices.orgId, q.orgId)))
    .innerJoin(customers, and(eq(customers.id, invoices.customerId), eq(customers.orgId, q.orgId)))
    .where(and(eq(payments.orgId, q.orgId), gte(payments.receivedAt, p.start), lt(payments.receivedAt, p.end)))
    .orderBy(asc(payments.receivedAt), asc(payments.id))
    .limit(MAX_ITEMS + 1);
}

/** The one statement of a drill. */
export function drillStatement(db: Db, drill: DrillId, q: DrillQuery) {
  if (drill in FACT_DRILLS) return factJobs(db, q, FACT_DRILLS[drill]);
  if (drill === 'completionRate') {
    const p = periodOf(q.range!, q.timezone);
    return plainJobs(
      db,
      q,
      and(gte(jobs.scheduledStart, p.start), lt(jobs.scheduledStart, p.end), ne(jobs.status, 'cancelled'))!,
      asc(jobs.scheduledStart),
    );
  }
  // `+created_at`: sorting the few waiting jobs beats walking the org's every job in creation
  // order (jobs_org_created_idx) to find them; jobs_org_status_idx finds them (EXPLAIN QUERY PLAN).
  if (drill === 'queue') return plainJobs(db, q, eq(jobs.status, 'unscheduled'), sql`+${jobs.createdAt}`);
  if (drill === 'receivables') return receivables(db, q);
  return collected(db, q);
}

/** The list, with the org's KPI data version it was read at (in the same batch: the same snapshot), for the cache. */
export async function readDrill(db: Db, drill: DrillId, q: DrillQuery): Promise<{ list: DrillList; version: number }> {
  const [found, version] = (await runBatch(db, [drillStatement(db, drill, q), versionStatement(db, q.orgId)])) as [
    Record<string, unknown>[],
    { version: number }[],
  ];
  const truncated = found.length > MAX_ITEMS;
  const items = truncated ? found.slice(0, MAX_ITEMS) : found;
  return { list: { drill, lists: DEFINITIONS[drill].lists, items, truncated } as DrillList, version: versionOf(version) };
}
