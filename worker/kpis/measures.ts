/**
 * The SQL the report and its drill-downs share, so a figure and the list behind it can only
 * select the same rows: which facts fall in a period, what the average ticket counts, and a
 * receivable's aging bucket (the sums themselves come from the rollups, rollups.ts). Every
 * condition here leads with the org, so each read is the org's alone and starts from an index
 * that begins with org_id.
 */
import { and, eq, gte, lt, sql, type SQL } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { invoices, jobFacts } from '../../db/schema.ts';
import { AGING_BUCKETS, agingThresholds, type AgingBucketId } from '../../core/kpis.ts';

/** Facts of jobs completed in [start, end): job_facts_org_completed_idx. */
export const completedWithin = (orgId: string, start: number, end: number) =>
  and(eq(jobFacts.orgId, orgId), gte(jobFacts.completedAt, start), lt(jobFacts.completedAt, end))!;

/**
 * What the average ticket counts: an invoiced job, unless it is a return visit billed at $0
 * (DEFINITIONS.averageTicket). The sums read the same rule from the view job_fact_terms (migration
 * 0017, its ticket_jobs), which the rollups' triggers use too; tests/worker/kpis-rollups.test.ts
 * checks the two select the same facts.
 */
export const ticketJob = sql`(${jobFacts.invoiced} and not (${jobFacts.returnVisitOf} is not null and ${jobFacts.revenueCents} = 0))`;

/** The date a receivable ages from: when the invoice was sent (a sent invoice always has it; its making otherwise). */
export const issuedAt = sql<number>`coalesce(${invoices.issuedAt}, ${invoices.createdAt})`;

/**
 * core/kpis.ts agingBucketOf as SQL, at the instant `now`: the thresholds are instants, so the
 * bucket is a comparison of the invoice's date, not arithmetic on every row.
 */
export function agingBucket(now: number, date: SQL | SQLiteColumn = issuedAt): SQL<AgingBucketId> {
  const cases = agingThresholds(now).map((t) => sql`when ${date} > ${t.issuedAfter} then ${t.id}`);
  return sql<AgingBucketId>`(case ${sql.join(cases, sql` `)} else ${AGING_BUCKETS.at(-1)!.id} end)`;
}

/** What a receivable is: an invoice sent and not yet paid in full (invoices_org_status_idx). */
export const receivable = (orgId: string) => and(eq(invoices.orgId, orgId), eq(invoices.status, 'sent'))!;
