/**
 * Payments against sent invoices. Partial payments add up; the one that completes the total
 * marks the invoice paid and its job paid, in the same batch. The database refuses
 * paid_cents above total_cents (a CHECK constraint), so two payments racing for the last
 * dollars cannot overpay: the loser's batch rolls back whole.
 */
import { z } from '@hono/zod-openapi';
import { and, eq, sql } from 'drizzle-orm';
import { invoices, payments } from '../../db/schema.ts';
import { cents, instant, optionalText, ref } from '../http/fields.ts';
import { auditInsert, problemResponses, resource, writeContext } from '../http/resource.ts';
import { constraintFailed, insertIf, runBatch } from '../http/batch.ts';
import { localDatesQuery, withinLocalDates } from '../http/local-dates.ts';
import { body, json, route } from '../http/router.ts';
import { fieldProblem } from '../problem.ts';
import { showBillingOnBoard } from '../jobs/board-moves.ts';
import { billingMove, changedJob } from '../jobs/schedule.ts';
import { kpiPulse } from '../kpis/pulse.ts';
import { Invoice, invoiceColumns, Payment, PAYMENT_FIELDS, stillIn } from './records.ts';

type Row = Record<string, unknown>;

/** How far in the future a receipt time may be: clocks differ a little, cheques are not post-dated here. */
const CLOCK_SKEW_MS = 5 * 60_000;

const PaymentInput = z
  .object({
    invoiceId: ref(),
    amountCents: cents().min(1, 'At least 1 cent.'),
    method: Payment.shape.method,
    reference: optionalText(100),
    receivedAt: instant().optional().openapi({ description: 'When the money came in (UTC epoch ms); defaults to now.' }),
  })
  .strict()
  .openapi('PaymentCreate');

const PaymentReceipt = Payment.extend({ invoice: Invoice.pick({ id: true, status: true, totalCents: true, paidCents: true }) }).openapi(
  'PaymentReceipt',
);

export const paymentsRoutes = resource({
  path: '/payments',
  entity: 'payment',
  tag: 'Payments',
  table: payments,
  fields: PAYMENT_FIELDS,
  rowSchema: Payment,
  filterSchema: localDatesQuery.extend({ invoiceId: ref().optional(), method: Payment.shape.method.optional() }),
  filters: (q, auth) => [
    q.invoiceId ? eq(payments.invoiceId, q.invoiceId) : undefined,
    q.method ? eq(payments.method, q.method) : undefined,
    withinLocalDates(payments.receivedAt, q, auth.timezone),
  ],
  sorts: { receivedAt: payments.receivedAt, amountCents: payments.amountCents },
  defaultSort: '-receivedAt',
  read: 'payments.read',
  write: 'payments.write',
});

paymentsRoutes.openapi(
  route({
    method: 'post',
    path: '/',
    tags: ['Payments'],
    summary: 'Record a payment on a sent invoice (partial allowed); the last one marks the invoice and its job paid',
    permission: 'payments.write',
    request: body(PaymentInput),
    responses: {
      201: json(PaymentReceipt, 'The payment, with the invoice as it now stands'),
      409: { description: 'The invoice is not open for payment (problem+json naming invoiceId)' },
      ...problemResponses,
    },
  }),
  async (c) => {
    const input = c.req.valid('json');
    const ctx = writeContext(c);
    const { db, auth, now } = ctx;
    if (input.receivedAt !== undefined && input.receivedAt > now + CLOCK_SKEW_MS)
      throw fieldProblem(422, 'receivedAt', 'body', 'A payment cannot be received in the future.');
    const [invoice] = await db
      .select(invoiceColumns)
      .from(invoices)
      .where(and(eq(invoices.orgId, auth.orgId), eq(invoices.id, input.invoiceId)));
    if (!invoice) throw fieldProblem(422, 'invoiceId', 'body', 'No invoice with that id in your organisation.');
    if (invoice.status !== 'sent') {
      const why =
        invoice.status === 'draft' ? 'is a draft: send it first' : invoice.status === 'paid' ? 'is already paid in full' : 'is void';
      throw fieldProblem(409, 'invoiceId', 'body', `This invoice ${why}.`);
    }
    const balance = Number(invoice.totalCents) - Number(invoice.paidCents);
    const tooMuch = () => fieldProblem(422, 'amountCents', 'body', `More than the balance due (${balance} cents); nothing was recorded.`);
    if (input.amountCents > balance) throw tooMuch();

    const payment = {
      id: crypto.randomUUID(),
      orgId: auth.orgId,
      invoiceId: input.invoiceId,
      amountCents: input.amountCents,
      method: input.method,
      reference: input.reference ?? null,
      receivedAt: input.receivedAt ?? now,
      createdAt: now,
    };
    const open = stillIn(auth.orgId, input.invoiceId, ['sent']);
    // After the invoice update: it is paid, and by this payment (so only this request goes on to the job).
    const paidByThis = sql`${stillIn(auth.orgId, input.invoiceId, ['paid'])} and exists (select 1 from ${payments} where ${payments.id} = ${payment.id})`;
    const move = invoice.jobId
      ? billingMove(ctx, invoice.jobId, 'invoiced', 'paid', { invoiceId: input.invoiceId, paymentId: payment.id }, paidByThis)
      : null;
    const statements = [
      insertIf(db, payments, payment, open).returning({ id: payments.id }),
      auditInsert(
        ctx,
        'payment',
        payment.id,
        'create',
        null,
        { invoiceId: payment.invoiceId, amountCents: payment.amountCents, method: payment.method },
        open,
      ),
      // The CHECK constraint (paid_cents <= total_cents) is what refuses an overpayment that raced past the check above.
      db
        .update(invoices)
        .set({
          paidCents: sql`${invoices.paidCents} + ${payment.amountCents}`,
          status: sql`case when ${invoices.paidCents} + ${payment.amountCents} = ${invoices.totalCents} then 'paid' else ${invoices.status} end`,
          updatedAt: now,
        })
        .where(and(eq(invoices.orgId, auth.orgId), eq(invoices.id, input.invoiceId), eq(invoices.status, 'sent'))),
      auditInsert(ctx, 'invoice', input.invoiceId, 'paid', { status: 'sent' }, { status: 'paid', paymentId: payment.id }, paidByThis),
      ...(move ?? []),
      db
        .select({ id: invoices.id, status: invoices.status, totalCents: invoices.totalCents, paidCents: invoices.paidCents })
        .from(invoices)
        .where(and(eq(invoices.orgId, auth.orgId), eq(invoices.id, input.invoiceId))),
    ];
    let results: unknown[];
    try {
      results = await runBatch(db, statements);
    } catch (err) {
      if (constraintFailed(err, 'CHECK', 'invoices_paid_within_total')) throw tooMuch();
      throw err;
    }
    if (!(results[0] as Row[]).length)
      throw fieldProblem(409, 'invoiceId', 'body', 'This invoice changed meanwhile; nothing was recorded.');
    const [after] = results[results.length - 1] as Row[];
    kpiPulse(c)('payment');
    if (move) await showBillingOnBoard(c.env.BOARD_ROOM, auth.orgId, auth.timezone, changedJob(statements, results, move));
    const { orgId: _org, ...shown } = payment;
    return c.json({ ...shown, invoice: after }, 201);
  },
);
