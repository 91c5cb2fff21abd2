/**
 * Invoices, made from a completed job's line items.
 *
 *   draft -> sent -> paid (by payments, see payments.ts)      draft | sent -> void
 *
 * Making one takes the org's next invoice number, totals the lines at the org's tax rate and
 * moves the job to 'invoiced', in one batch. Voiding one sends the job back to 'completed'.
 * Every statement of such a change is conditional on what it was decided from (the job still
 * completed with the same lines; the invoice still in its status), so a request that loses a
 * race changes nothing at all.
 */
import { z } from '@hono/zod-openapi';
import { and, asc, eq, sql, type SQL } from 'drizzle-orm';
import { createSelectSchema } from 'drizzle-zod';
import { INVOICE_STATUSES, invoices, jobs, lineItems, orgs } from '../../db/schema.ts';
import { isBilled, label, type JobStatus } from '../../core/lifecycle.ts';
import { invoiceTotals } from '../../core/money.ts';
import { addDays, localDateOf } from '../../core/time.ts';
import type { Db } from '../db.ts';
import { localDate, optionalText, ref } from '../http/fields.ts';
import { auditInsert, idParam, problemResponses, resource, writeContext } from '../http/resource.ts';
import { insertIf, runBatch } from '../http/batch.ts';
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

/** A line as an invoice shows it: the stored thousandths, not line-items.ts's decimal quantity. */
const InvoiceLine = createSelectSchema(lineItems)
  .pick({ id: true, description: true, quantityMilli: true, unitPriceCents: true, taxable: true, totalCents: true })
  .openapi('InvoiceLine');

const InvoiceDetail = Invoice.extend({ lines: z.array(InvoiceLine), payments: z.array(Payment) }).openapi('InvoiceDetail');

/** The date an invoice goes by: when it was sent, or made while it is a draft. */
const invoiceDate = sql`coalesce(${invoices.issuedAt}, ${invoices.createdAt})`;

function linesOfJob(db: Db, orgId: string, jobId: SQL | string) {
  return db
    .select({
      id: lineItems.id,
      description: lineItems.description,
      quantityMilli: lineItems.quantityMilli,
      unitPriceCents: lineItems.unitPriceCents,
      taxable: lineItems.taxable,
      totalCents: lineItems.totalCents,
    })
    .from(lineItems)
    .where(and(eq(lineItems.orgId, orgId), eq(lineItems.jobId, jobId)))
    .orderBy(asc(lineItems.createdAt), asc(lineItems.id));
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
  fields: INVOICE_FIELDS,
  rowSchema: Invoice,
  detailSchema: InvoiceDetail,
  related: {
    lines: (db, auth, id) =>
      linesOfJob(
        db,
        auth.orgId,
        sql`(select ${invoices.jobId} from ${invoices} where ${invoices.orgId} = ${auth.orgId} and ${invoices.id} = ${id})`,
      ),
    payments: (db, auth, id) => paymentsOf(db, auth.orgId, id),
  },
  filterSchema: localDatesQuery.extend({
    status: z.enum(INVOICE_STATUSES).optional(),
    customerId: ref().optional(),
    jobId: ref().optional(),
  }),
  filters: (q, auth) => [
    q.status ? eq(invoices.status, q.status) : undefined,
    q.customerId ? eq(invoices.customerId, q.customerId) : undefined,
    q.jobId ? eq(invoices.jobId, q.jobId) : undefined,
    withinLocalDates(invoiceDate, q, auth.timezone),
  ],
  sorts: { number: invoices.number, createdAt: invoices.createdAt, date: invoiceDate, totalCents: invoices.totalCents },
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
    ])) as [{ status: JobStatus; customerId: string }[], z.infer<typeof InvoiceLine>[], { taxRateBps: number }[]];
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
      auditInsert(ctx, 'invoice', id, 'create', null, { jobId: input.jobId, ...totals, taxRateBps: org!.taxRateBps }, unchanged),
      // Last, because it ends the condition the statements above were written under.
      ...move,
    ];
    const results = await runBatch(db, statements);
    const [invoice] = results[0] as Row[];
    if (!invoice) throw fieldProblem(409, 'jobId', 'body', 'The job or its line items changed meanwhile; nothing was invoiced. Try again.');
    kpiPulse(c)('invoice');
    await showBillingOnBoard(c.env.BOARD_ROOM, auth.orgId, auth.timezone, changedJob(statements, results, move));
    return c.json({ ...invoice, lines, payments: [] }, 201);
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
  .object({ to: z.enum(['sent', 'void']) })
  .strict()
  .openapi('InvoiceTransition');

invoicesRoutes.openapi(
  route({
    method: 'post',
    path: '/{id}/transitions',
    tags: ['Invoices'],
    summary: 'Send an invoice, or void it (its job goes back to completed)',
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
    const { to } = c.req.valid('json');
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
        : { status: 'void' };
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
