/**
 * An invoice's own copy of its lines (invoice_lines): the job's line items as they stand when the
 * invoice is made, in the order they were added (by time, then by insertion: lines added in one
 * millisecond keep their order). The invoice reads only this copy, so a later change to the
 * price book, or to the job's lines after a void, never changes an invoice that was made.
 *
 * One statement, set-based, for both writers: the Worker copies one new invoice's lines in the
 * batch that makes it (worker/billing/invoices.ts), the demo seed copies every invoice of its org
 * at once (db/seed/index.ts). Migration 0007 back-filled the invoices made before with the same
 * select. Pure: SQL text and arguments, like db/job-writes.ts.
 */
import type { Statement } from './job-writes.ts';

/** A random version-4 UUID in SQL, as the ids the Worker makes with crypto.randomUUID. */
const UUID_V4 =
  "lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))";

/**
 * Copies the line items of each invoice's job into invoice_lines: every invoice of the org, or
 * the one named. An invoice that is not there (its conditional insert earlier in the batch did
 * not happen) gets nothing.
 */
export function copyJobLines(orgId: string, invoiceId?: string): Statement {
  return {
    sql: `insert into invoice_lines (id, org_id, invoice_id, position, price_book_item_id, description, quantity_milli, unit_price_cents, taxable, total_cents)
select ${UUID_V4}, li.org_id, i.id, row_number() over (partition by i.id order by li.created_at, li.rowid),
  li.price_book_item_id, li.description, li.quantity_milli, li.unit_price_cents, li.taxable, li.total_cents
from invoices i join line_items li on li.org_id = i.org_id and li.job_id = i.job_id
where i.org_id = ?${invoiceId === undefined ? '' : ' and i.id = ?'}`,
    args: invoiceId === undefined ? [orgId] : [orgId, invoiceId],
  };
}
