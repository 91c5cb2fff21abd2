/**
 * What billing's two route modules share: an invoice and a payment as the API shows them (their
 * rows less the org, derived from db/schema.ts, and the columns they are read from), and the
 * condition every statement of an invoice's change carries. invoices.ts and payments.ts both
 * import it, so neither imports the other.
 */
import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { createSelectSchema } from 'drizzle-zod';
import { type INVOICE_STATUSES, invoices, payments } from '../../db/schema.ts';
import type { Db } from '../db.ts';

export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];

export const Invoice = createSelectSchema(invoices, {
  issuedAt: (s) => s.openapi({ description: 'When it was sent (UTC epoch ms).' }),
  dueDate: (s) => s.openapi({ description: 'Local date YYYY-MM-DD' }),
})
  .omit({ orgId: true })
  .openapi('Invoice');

export const INVOICE_FIELDS = Object.keys(Invoice.shape);
export const invoiceColumns = Object.fromEntries(INVOICE_FIELDS.map((f) => [f, invoices[f as keyof typeof invoices]])) as Record<
  string,
  typeof invoices.id
>;

export const Payment = createSelectSchema(payments, {
  reference: (s) => s.openapi({ description: 'Check number, card authorisation…' }),
})
  .omit({ orgId: true })
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
