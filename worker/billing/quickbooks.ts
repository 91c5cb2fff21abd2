/**
 * The accounting export, files for the bookkeeper, each one read of libSQL after the session's:
 *
 *   GET /api/exports/quickbooks/invoices.csv?from=&to=   invoices sent in the range, a row per line (export-rows.ts)
 *   GET /api/exports/quickbooks/payments.csv?from=&to=   payments received in the range
 *
 * (The rest of /api/exports is the org's whole data, worker/data/exports.ts.)
 * Ranges are local dates in the org's zone, both included, checked by core/kpis.ts rangeProblem
 * (the one wording of what a range must be). An invoice is in the range by the day it was sent,
 * which is its date on paper; drafts were never sent and void ones are not owed, so neither is
 * exported. Lines come from the invoice's own copy (invoice_lines): the file says what was billed.
 */
import { z } from '@hono/zod-openapi';
import { and, asc, eq, gte, inArray, lt } from 'drizzle-orm';
import { customers, invoiceLines, invoices, jobs, payments, priceBookItems } from '../../db/schema.ts';
import { periodOf, rangeProblem, type Range } from '../../core/kpis.ts';
import { localDateOf } from '../../core/time.ts';
import { csvHeaders, csvText } from '../http/csv.ts';
import { problemResponses } from '../http/resource.ts';
import { route, router } from '../http/router.ts';
import { fieldProblem } from '../problem.ts';
import { PAYMENT_COLUMNS, paymentRow, QUICKBOOKS_INVOICE_COLUMNS, quickbooksRow } from './export-rows.ts';

export const quickbooksRoutes = router();

const rangeQuery = z.object({
  from: z.string().max(10).optional().openapi({ description: "First local date, YYYY-MM-DD, in the org's timezone (required)." }),
  to: z.string().max(10).optional().openapi({ description: 'Last local date, YYYY-MM-DD, included (required).' }),
});

function rangeOf(q: { from?: string; to?: string }): Range {
  const problem = rangeProblem(q);
  if (problem) throw fieldProblem(400, problem.field, 'query', problem.message);
  return { from: q.from!, to: q.to! };
}

const csvResponse = (description: string) => ({
  200: { description, content: { 'text/csv': { schema: z.string() } } },
  ...problemResponses,
});

quickbooksRoutes.openapi(
  route({
    method: 'get',
    path: '/invoices.csv',
    tags: ['Exports'],
    summary: "Invoices sent in a range, as QuickBooks Online's invoice import (one row per line)",
    description: `Columns: ${QUICKBOOKS_INVOICE_COLUMNS.join(', ')}. Dates MM/DD/YYYY, money in dollars, tax code TAX or NON. Sent and paid invoices, by the local day they were sent.`,
    permission: 'invoices.read',
    request: { query: rangeQuery },
    responses: csvResponse('The invoices as CSV'),
  }),
  async (c) => {
    const range = rangeOf(c.req.valid('query'));
    const { orgId, timezone } = c.get('auth');
    const { start, end } = periodOf(range, timezone);
    const rows = await c
      .get('db')
      .select({
        number: invoices.number,
        customerName: customers.name,
        issuedAt: invoices.issuedAt,
        dueDate: invoices.dueDate,
        notes: invoices.notes,
        completedAt: jobs.completedAt,
        item: priceBookItems.name,
        description: invoiceLines.description,
        quantityMilli: invoiceLines.quantityMilli,
        unitPriceCents: invoiceLines.unitPriceCents,
        totalCents: invoiceLines.totalCents,
        taxable: invoiceLines.taxable,
      })
      .from(invoices)
      .innerJoin(customers, and(eq(customers.id, invoices.customerId), eq(customers.orgId, orgId)))
      .innerJoin(invoiceLines, and(eq(invoiceLines.orgId, orgId), eq(invoiceLines.invoiceId, invoices.id)))
      .leftJoin(jobs, and(eq(jobs.id, invoices.jobId), eq(jobs.orgId, orgId)))
      .leftJoin(priceBookItems, and(eq(priceBookItems.id, invoiceLines.priceBookItemId), eq(priceBookItems.orgId, orgId)))
      .where(
        and(
          eq(invoices.orgId, orgId),
          inArray(invoices.status, ['sent', 'paid']),
          gte(invoices.issuedAt, start),
          lt(invoices.issuedAt, end),
        ),
      )
      .orderBy(asc(invoices.number), asc(invoiceLines.position));
    const lines = rows.map((r) =>
      quickbooksRow({
        ...r,
        invoiceDate: localDateOf(r.issuedAt!, timezone),
        serviceDate: r.completedAt === null ? null : localDateOf(r.completedAt, timezone),
        memo: r.notes,
      }),
    );
    return c.body(
      csvText(QUICKBOOKS_INVOICE_COLUMNS, lines),
      200,
      csvHeaders(`quickbooks-invoices-${range.from}-${range.to}.csv`),
    ) as never;
  },
);

quickbooksRoutes.openapi(
  route({
    method: 'get',
    path: '/payments.csv',
    tags: ['Exports'],
    summary: 'Payments received in a range, as CSV',
    description: `Columns: ${PAYMENT_COLUMNS.join(', ')}. By the local day the money came in, oldest first.`,
    permission: 'payments.read',
    request: { query: rangeQuery },
    responses: csvResponse('The payments as CSV'),
  }),
  async (c) => {
    const range = rangeOf(c.req.valid('query'));
    const { orgId, timezone } = c.get('auth');
    const { start, end } = periodOf(range, timezone);
    const rows = await c
      .get('db')
      .select({
        receivedAt: payments.receivedAt,
        invoiceNumber: invoices.number,
        customerName: customers.name,
        amountCents: payments.amountCents,
        method: payments.method,
        reference: payments.reference,
      })
      .from(payments)
      .innerJoin(invoices, and(eq(invoices.id, payments.invoiceId), eq(invoices.orgId, orgId)))
      .innerJoin(customers, and(eq(customers.id, invoices.customerId), eq(customers.orgId, orgId)))
      .where(and(eq(payments.orgId, orgId), gte(payments.receivedAt, start), lt(payments.receivedAt, end)))
      .orderBy(asc(payments.receivedAt), asc(payments.id));
    const lines = rows.map((r) => paymentRow({ ...r, receivedDate: localDateOf(r.receivedAt, timezone) }));
    return c.body(csvText(PAYMENT_COLUMNS, lines), 200, csvHeaders(`payments-${range.from}-${range.to}.csv`)) as never;
  },
);
