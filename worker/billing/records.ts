/**
 * What billing's two route modules share: an invoice and a payment as the API shows them (and
 * the columns they are read from), and the condition every statement of an invoice's change
 * carries. invoices.ts and payments.ts both import it, so neither imports the other.
 */
import { z } from '@hono/zod-openapi';
import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { INVOICE_STATUSES, invoices, payments } from '../../db/schema.ts';
import type { Db } from '../db.ts';

export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];

export const Invoice = z
  .object({
    id: z.string(),
    number: z.number().int(),
    jobId: z.string().nullable(),
    customerId: z.string(),
    status: z.enum(INVOICE_STATUSES),
    issuedAt: z.number().nullable().openapi({ description: 'When it was sent (UTC epoch ms).' }),
    dueDate: z.string().nullable().openapi({ description: 'Local date YYYY-MM-DD' }),
    subtotalCents: z.number().int(),
    taxCents: z.number().int(),
    totalCents: z.number().int(),
    paidCents: z.number().int(),
    notes: z.string().nullable(),
    createdAt: z.number(),
    updatedAt: z.number(),
  })
  .openapi('Invoice');

export const INVOICE_FIELDS = Object.keys(Invoice.shape);
export const invoiceColumns = Object.fromEntries(INVOICE_FIELDS.map((f) => [f, invoices[f as keyof typeof invoices]])) as Record<
  string,
  typeof invoices.id
>;

export const PAYMENT_METHODS = ['card', 'cash', 'check', 'ach'] as const;

export const Payment = z
  .object({
    id: z.string(),
    invoiceId: z.string(),
    amountCents: z.number().int(),
    method: z.enum(PAYMENT_METHODS),
    reference: z.string().nullable().openapi({ description: 'Check number, card authorisation…' }),
    receivedAt: z.number(),
    createdAt: z.number(),
  })
  .openapi('Payment');

export const PAYMENT_FIELDS = Object.keys(Payment.shape);
const paymentColumns = Object.fromEntries(PAYMENT_FIELDS.map((f) => [f, payments[f as keyof typeof payments]])) as Record<
  string,
  typeof payments.id
>;

/** An invoice's payments, oldest first (an invoice's detail lists them). */
export function paymentsOf(db: Db, orgId: string, invoiceId: string) {
  return db
    .select(paymentColumns)
    .from(payments)
    .where(and(eq(payments.orgId, orgId), eq(payments.invoiceId, invoiceId)))
    .orderBy(asc(payments.receivedAt), asc(payments.id));
}

/** The invoice is still in one of `statuses`: the condition every statement of a change carries. */
export const stillIn = (orgId: string, id: string, statuses: InvoiceStatus[], extra?: SQL): SQL =>
  sql`exists (select 1 from ${invoices} where ${and(eq(invoices.orgId, orgId), eq(invoices.id, id), inArray(invoices.status, statuses), extra)})`;
