/**
 * GET /api/receivables: what sent invoices still owe, by age, for the invoices page. The aging
 * rule is core/kpis.ts's (AGING_BUCKETS, as SQL in worker/kpis/measures.ts), the same one the
 * manager's numbers use, so the two pages can never bucket an invoice differently. One read.
 */
import { z } from '@hono/zod-openapi';
import { and, count, eq, sql } from 'drizzle-orm';
import { invoices } from '../../db/schema.ts';
import { AGING_BUCKETS } from '../../core/kpis.ts';
import { ref } from '../http/fields.ts';
import { problemResponses } from '../http/resource.ts';
import { json, route, router } from '../http/router.ts';
import { agingBucket, receivable } from '../kpis/measures.ts';
import { AgingBucket } from '../kpis/records.ts';

export const receivablesRoutes = router();

const Receivables = z
  .object({
    asOf: z.number().int().openapi({ description: 'The instant the ages are counted to (UTC epoch ms).' }),
    totalCents: z.number().int(),
    count: z.number().int(),
    buckets: z.array(z.object({ bucket: AgingBucket, label: z.string(), cents: z.number().int(), count: z.number().int() })),
  })
  .openapi('Receivables');

receivablesRoutes.openapi(
  route({
    method: 'get',
    path: '/',
    tags: ['Invoices'],
    summary: 'What sent invoices still owe, by days since they were sent (0-30, 31-60, 61-90, over 90)',
    permission: 'invoices.read',
    request: { query: z.object({ customerId: ref().optional().openapi({ description: "Only this customer's invoices." }) }) },
    responses: { 200: json(Receivables, 'The receivables by age'), ...problemResponses },
  }),
  async (c) => {
    const { customerId } = c.req.valid('query');
    const { orgId } = c.get('auth');
    const now = Date.now();
    const bucket = agingBucket(now);
    const rows = await c
      .get('db')
      .select({ bucket, cents: sql<number>`sum(${invoices.totalCents} - ${invoices.paidCents})`, count: count() })
      .from(invoices)
      .where(and(receivable(orgId), customerId ? eq(invoices.customerId, customerId) : undefined))
      .groupBy(bucket);
    const buckets = AGING_BUCKETS.map((b) => {
      const row = rows.find((r) => r.bucket === b.id);
      return { bucket: b.id, label: b.label, cents: Number(row?.cents ?? 0), count: Number(row?.count ?? 0) };
    });
    return c.json(
      {
        asOf: now,
        totalCents: buckets.reduce((s, b) => s + b.cents, 0),
        count: buckets.reduce((s, b) => s + b.count, 0),
        buckets,
      },
      200,
    );
  },
);
