/**
 * Invoices, made from a completed job's line items.
 *
 *   draft -> sent -> paid (by payments, see payments.ts)      draft | sent -> void
 *
 * Making one takes the org's next invoice number, totals the lines at the org's tax rate, copies
 * them into the invoice's own lines (db/invoice-lines.ts: what it billed stays what it shows) and
 * moves the job to 'invoiced', in one batch. Voiding one, with a reason, sends the job back to
 * 'completed'.
 * Every statement of such a change is conditional on what it was decided from (the job still
 * completed with the same lines; the invoice still in its status), so a request that loses a
 * race changes nothing at all.
 */
import { z } from '@hono/zod-openapi';
import { and, asc, eq, getTableColumns, sql } from 'drizzle-orm';
import { createSelectSchema } from 'drizzle-zod';
import { customers, INVOICE_STATUSES, invoiceLines, invoices, jobs, lineItems, orgs } from '../../db/schema.ts';
import { copyJobLines } from '../../db/invoice-lines.ts';
import { isBilled, label, type JobStatus } from '../../core/lifecycle.ts';
import { invoiceTotals } from '../../core/money.ts';
import { addDays, localDateOf } from '../../core/time.ts';
import type { Db } from '../db.ts';
import { localDate, optionalText, ref, text } from '../http/fields.ts';
import { auditInsert, idParam, problemResponses, resource, writeContext } from '../http/resource.ts';
import { compiledItem, insertIf, runBatch } from '../http/batch.ts';
import { localDatesQuery, withinLocalDates } from '../http/local-dates.ts';
import { body, json, route } from '../http/router.ts';
import { fieldProblem, notFound } from '../problem.ts';
import { showBillingOnBoard } from '../jobs/board-moves.ts';
import { billingMove, changedJob, refreshedFacts } from '../jobs/schedule.ts';
import { kpiPulse } from '../kpis/pulse.ts';
import { Invoice, INVOICE_FIELDS, invoiceColumns, type InvoiceStatus, Payment, paymentsOf, stillIn } from './records.ts';

type Row = Record<string, unknown>;

/** Days until a sent invoice is due when no due date was set. */
export const NET_DAYS = 30;

/** A line of the invoice's own copy: the stored thousandths, not line-items.ts's decimal quantity. */
const InvoiceLine = createSelectSchema(invoiceLines, {
  priceBookItemId: (s) => s.openapi({ description: 'The price-book item the line was billed from, if any.' }),
})
  .omit({ orgId: true, invoiceId: true })
  .openapi('InvoiceLine');

/** An invoice as lists and its page show it: with its customer's name and its job's number. */
const InvoiceListed = Invoice.extend({ customerName: z.string(), jobNumber: z.number().int().nullable() }).openapi('InvoiceListed');
const InvoiceDetail = InvoiceListed.extend({ lines: z.array(InvoiceLine), payments: z.array(Payment) }).openapi('InvoiceDetail');

/** The date an invoice goes by: when it was sent, or made while it is a draft. */
const invoiceDate = sql`coalesce(${invoices.issuedAt}, ${invoices.createdAt})`;

/** What the totals of a job's invoice are made from: its line items' amounts and taxability. */
function linesOfJob(db: Db, orgId: string, jobId: string) {
  return db
    .select({ totalCents: lineItems.totalCents, taxable: lineItems.taxable })
    .from(lineItems)
    .where(and(eq(lineItems.orgId, orgId), eq(lineItems.jobId, jobId)));
}

/** The invoice's own lines, in the order they were billed (invoice_lines_invoice_idx). */
function linesOfInvoice(db: Db, orgId: string, invoiceId: string) {
  const { orgId: _org, invoiceId: _invoice, ...columns } = getTableColumns(invoiceLines);
  return db
    .select(columns)
    .from(invoiceLines)
    .where(and(eq(invoiceLines.orgId, orgId), eq(invoiceLines.invoiceId, invoiceId)))
    .orderBy(asc(invoiceLines.position));
}

/** Today's local date in the org's zone: an invoice due before it and still sent is overdue. */
const overdue = (timezone: string) => and(eq(invoices.status, 'sent'), sql`${invoices.dueDate} < ${localDateOf(Date.now(), timezone)}`);

/** What an invoice shows of its customer and job, by the job. */
function customerAndJobOf(db: Db, orgId: string, jobId: string) {
  return db
    .select({ customerName: customers.name, jobNumber: jobs.number })
    .from(jobs)
    .innerJoin(customers, and(eq(customers.id, jobs.customerId), eq(customers.orgId, orgId)))
    .where(and(eq(jobs.orgId, orgId), eq(jobs.id, jobId)));
}

function invoiceOf(db: Db, orgId: string, id: string) {
  return db
    .select(invoiceColumns)
    .from(invoices)
    .where(and(eq(invoices.orgId, orgId), eq(invoices.id, id)));
}

export const invoicesRoutes = resource({
  path: '/invoices',
  entity: 'invoice',
  tag: 'Invoices',
  table: invoices,
  fields: [...INVOICE_FIELDS, 'customerName', 'jobNumber'],
  columns: {
    customerName: sql`(select ${customers.name} from ${customers} where ${customers.id} = ${invoices.customerId} and ${customers.orgId} = ${invoices.orgId})`,
    jobNumber: sql`(select ${jobs.number} from ${jobs} where ${jobs.id} = ${invoices.jobId} and ${jobs.orgId} = ${invoices.orgId})`,
  },
  rowSchema: InvoiceListed,
  detailSchema: InvoiceDetail,
  related: {
    lines: (db, auth, id) => linesOfInvoice(db, auth.orgId, id),
    payments: (db, auth, id) => paymentsOf(db, auth.orgId, id),
  },
  filterSchema: localDatesQuery.extend({
    status: z.enum(INVOICE_STATUSES).optional(),
    overdue: z
      .enum(['true', 'false'])
      .optional()
      .openapi({ description: "true: sent and due before today (the org's local date); false: all the others." }),
    customerId: ref().optional(),
    jobId: ref().optional(),
  }),
  filters: (q, auth) => [
    q.status ? eq(invoices.status, q.status) : undefined,
    q.overdue === 'true' ? overdue(auth.timezone) : q.overdue === 'false' ? sql`not coalesce(${overdue(auth.timezone)}, 0)` : undefined,
    q.customerId ? eq(invoices.customerId, q.customerId) : undefined,
    q.jobId ? eq(invoices.jobId, q.jobId) : undefined,
    withinLocalDates(invoiceDate, q, auth.timezone),
  ],
  sorts: {
    number: invoices.number,
    createdAt: invoices.createdAt,
    date: invoiceDate,
    dueDate: invoices.dueDate,
    totalCents: invoices.totalCents,
  },
  defaultSort: '-number',
  read: 'invoices.read',
  write: 'invoices.write',
});

const InvoiceCreate = z
  .object({
    jobId: ref(),
    dueDate: localDate().nullable().optional(),
    notes: optionalText(5000),
  })
  .strict()
  .openapi('InvoiceCreate');

invoicesRoutes.openapi(
  route({
    method: 'post',
    path: '/',
    tags: ['Invoices'],
    summary: "Invoice a completed job: a draft from its line items at the org's tax rate; the job becomes invoiced",
    permission: 'invoices.write',
    request: body(InvoiceCreate),
    responses: {
      201: json(InvoiceDetail, 'The new draft invoice'),
      409: { description: 'The job is not completed, or already invoiced (problem+json naming jobId)' },
      ...problemResponses,
    },
  }),
  async (c) => {
    const input = c.req.valid('json');
    const ctx = writeContext(c);
    const { db, auth, now } = ctx;
    const [[job], lines, [org]] = (await runBatch(db, [
      db
        .select({ status: jobs.status, customerId: jobs.customerId })
        .from(jobs)
        .where(and(eq(jobs.orgId, auth.orgId), eq(jobs.id, input.jobId))),
      linesOfJob(db, auth.orgId, input.jobId),
      db.select({ taxRateBps: orgs.taxRateBps }).from(orgs).where(eq(orgs.id, auth.orgId)),
    ])) as [{ status: JobStatus; customerId: string }[], { totalCents: number; taxable: boolean }[], { taxRateBps: number }[]];
    if (!job) throw fieldProblem(422, 'jobId', 'body', 'No job with that id in your organisation.');
    if (isBilled(job.status))
      throw fieldProblem(409, 'jobId', 'body', `This job is already ${label(job.status)}; void its invoice to invoice it again.`);
    if (job.status !== 'completed')
      throw fieldProblem(409, 'jobId', 'body', `Only a completed job can be invoiced; this one is ${label(job.status)}.`);
    const totals = invoiceTotals(lines, org!.taxRateBps);
    if (!lines.length || totals.totalCents <= 0)
      throw fieldProblem(422, 'jobId', 'body', 'This job has nothing to bill: add line items first.');

    // The job is still completed, with exactly the lines the totals came from.
    const taxableCents = lines.filter((l) => l.taxable).reduce((s, l) => s + l.totalCents, 0);
    const unchanged = and(
      sql`exists (select 1 from ${jobs} where ${jobs.orgId} = ${auth.orgId} and ${jobs.id} = ${input.jobId} and ${jobs.status} = 'completed')`,
      sql`(select count(*), coalesce(sum(${lineItems.totalCents}), 0), coalesce(sum(case when ${lineItems.taxable} then ${lineItems.totalCents} else 0 end), 0)
           from ${lineItems} where ${lineItems.orgId} = ${auth.orgId} and ${lineItems.jobId} = ${input.jobId}) = (${lines.length}, ${totals.subtotalCents}, ${taxableCents})`,
    )!;
    const id = crypto.randomUUID();
    const move = billingMove(ctx, input.jobId, 'completed', 'invoiced', { invoiceId: id }, unchanged);
    const statements = [
      insertIf(
        db,
        invoices,
        {
          id,
          orgId: auth.orgId,
          // Take the org's next number; the counter advances just below, in the same transaction.
          number: sql`(select ${orgs.nextInvoiceNumber} from ${orgs} where ${orgs.id} = ${auth.orgId})`,
          jobId: input.jobId,
          customerId: job.customerId,
          status: 'draft',
          issuedAt: null,
          dueDate: input.dueDate ?? null,
          ...totals,
          paidCents: 0,
          notes: input.notes ?? null,
          createdAt: now,
          updatedAt: now,
        },
        unchanged,
      ).returning(invoiceColumns),
      db
        .update(orgs)
        .set({ nextInvoiceNumber: sql`${orgs.nextInvoiceNumber} + 1` })
        .where(and(eq(orgs.id, auth.orgId), unchanged)),
      // The invoice's own copy of the lines; nothing when the insert above did not happen.
      compiledItem(db, copyJobLines(auth.orgId, id)),
      auditInsert(ctx, 'invoice', id, 'create', null, { jobId: input.jobId, ...totals, taxRateBps: org!.taxRateBps }, unchanged),
      // Last, because it ends the condition the statements above were written under.
      ...move,
    ];
    const results = await runBatch(db, [...statements, linesOfInvoice(db, auth.orgId, id), customerAndJobOf(db, auth.orgId, input.jobId)]);
    const [invoice] = results[0] as Row[];
    if (!invoice) throw fieldProblem(409, 'jobId', 'body', 'The job or its line items changed meanwhile; nothing was invoiced. Try again.');
    const [names] = results[results.length - 1] as { customerName: string; jobNumber: number }[];
    kpiPulse(c)('invoice');
    await showBillingOnBoard(c.env.BOARD_ROOM, auth.orgId, auth.timezone, changedJob(statements, results, move));
    return c.json({ ...invoice, ...names, lines: results[results.length - 2], payments: [] }, 201);
  },
);

const InvoicePatch = z
  .object({ dueDate: localDate().nullable(), notes: optionalText(5000) })
  .partial()
  .strict()
  .openapi('InvoiceUpdate');

invoicesRoutes.openapi(
  route({
    method: 'patch',
    path: '/{id}',
    tags: ['Invoices'],
    summary: "Change a draft invoice's due date or notes",
    permission: 'invoices.write',
    request: { params: idParam, ...body(InvoicePatch) },
    responses: { 200: json(Invoice, 'The changed invoice'), 409: { description: 'Not a draft (problem+json)' }, ...problemResponses },
  }),
  async (c) => {
    const { id } = c.req.valid('param');
    const input = c.req.valid('json');
    const ctx = writeContext(c);
    const { db, auth, now } = ctx;
    const [before] = await invoiceOf(db, auth.orgId, id);
    if (!before) throw notFound('invoice');
    const keys = Object.keys(input).filter((k) => before[k] !== input[k as keyof typeof input]);
    if (!keys.length) return c.json(before, 200);
    if (before.status !== 'draft')
      throw fieldProblem(409, 'status', 'body', `This invoice is ${before.status}; only a draft can be changed.`);
    const draft = stillIn(auth.orgId, id, ['draft']);
    const [, [invoice]] = (await runBatch(db, [
      auditInsert(
        ctx,
        'invoice',
        id,
        'update',
        Object.fromEntries(keys.map((k) => [k, before[k]])),
        Object.fromEntries(keys.map((k) => [k, input[k as keyof typeof input]])),
        draft,
      ),
      db
        .update(invoices)
        .set({ ...input, updatedAt: now })
        .where(and(eq(invoices.orgId, auth.orgId), eq(invoices.id, id), eq(invoices.status, 'draft')))
        .returning(invoiceColumns),
    ])) as [unknown, Row[]];
    if (!invoice) throw fieldProblem(409, 'status', 'body', 'This invoice was sent meanwhile; nothing was changed.');
    kpiPulse(c)('invoice');
    return c.json(invoice, 200);
  },
);

const Transition = z
  .object({
    to: z.enum(['sent', 'void']),
    reason: text(1000).optional().openapi({ description: 'Why the invoice is void: required with to=void, kept on the invoice.' }),
  })
  .strict()
  .superRefine((t, issues) => {
    if (t.to === 'void' && !t.reason) issues.addIssue({ code: 'custom', path: ['reason'], message: 'Say why the invoice is void.' });
    if (t.to === 'sent' && t.reason !== undefined)
      issues.addIssue({ code: 'custom', path: ['reason'], message: 'Only a void takes a reason.' });
  })
  .openapi('InvoiceTransition');

invoicesRoutes.openapi(
  route({
    method: 'post',
    path: '/{id}/transitions',
    tags: ['Invoices'],
    summary: 'Send an invoice, or void it with a reason (its job goes back to completed)',
    permission: 'invoices.write',
    request: { params: idParam, ...body(Transition) },
    responses: {
      200: json(Invoice, 'The invoice after the change'),
      409: { description: 'Not allowed from its status (problem+json naming to)' },
      ...problemResponses,
    },
  }),
  async (c) => {
    const { id } = c.req.valid('param');
    const { to, reason } = c.req.valid('json');
    const ctx = writeContext(c);
    const { db, auth, now } = ctx;
    const [before] = await invoiceOf(db, auth.orgId, id);
    if (!before) throw notFound('invoice');
    const from = before.status as InvoiceStatus;
    const refuse = (why: string) => fieldProblem(409, 'to', 'body', why);
    if (to === 'sent' && from !== 'draft') throw refuse(`Only a draft can be sent; this invoice is ${from}.`);
    if (to === 'void' && from !== 'draft' && from !== 'sent') throw refuse(`A ${from} invoice cannot be voided.`);
    if (to === 'void' && Number(before.paidCents) > 0) throw refuse('This invoice has payments; it cannot be voided.');

    const unchanged = stillIn(auth.orgId, id, [from], eq(invoices.paidCents, 0));
    const set: Row =
      to === 'sent'
        ? { status: 'sent', issuedAt: now, dueDate: before.dueDate ?? addDays(localDateOf(now, auth.timezone), NET_DAYS) }
        : { status: 'void', voidReason: reason! };
    const move =
      to === 'void' && before.jobId
        ? billingMove(ctx, before.jobId as string, 'invoiced', 'completed', { invoiceId: id, reason: 'invoice voided' }, unchanged)
        : null;
    const update = db
      .update(invoices)
      .set({ ...set, updatedAt: now })
      .where(and(eq(invoices.orgId, auth.orgId), eq(invoices.id, id), eq(invoices.status, from), eq(invoices.paidCents, 0)))
      .returning(invoiceColumns);
    const statements = [
      auditInsert(ctx, 'invoice', id, to === 'sent' ? 'send' : 'void', { status: from }, set, unchanged),
      // Before the update, since the update ends the condition the move was decided under.
      ...(move ?? []),
      update,
      // The move's own refresh of the job's facts ran while this invoice still counted; the
      // revenue the job loses is read now that the invoice is void.
      ...(move ? refreshedFacts(ctx, [before.jobId as string]) : []),
    ];
    const results = await runBatch(db, statements);
    const [invoice] = results[statements.indexOf(update)] as Row[];
    if (!invoice) throw refuse('This invoice changed meanwhile (a payment, or someone else); nothing was done.');
    kpiPulse(c)('invoice');
    if (move) await showBillingOnBoard(c.env.BOARD_ROOM, auth.orgId, auth.timezone, changedJob(statements, results, move));
    return c.json(invoice, 200);
  },
);
