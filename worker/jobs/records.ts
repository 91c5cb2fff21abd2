/**
 * A line item as the API shows it, shared by the line-items routes (line-items.ts) and a job's
 * detail (jobs.ts), which embeds the job's lines: its schema and the columns it is read from.
 * Quantities are stored as integer thousandths and shown as decimals.
 */
import { z } from '@hono/zod-openapi';
import { sql } from 'drizzle-orm';
import { lineItems } from '../../db/schema.ts';

export const LineItem = z
  .object({
    id: z.string(),
    jobId: z.string(),
    priceBookItemId: z.string().nullable(),
    description: z.string(),
    quantity: z.number().openapi({ description: 'Units, up to three decimals (1.5 = an hour and a half).' }),
    unitPriceCents: z.number().int(),
    taxable: z.boolean(),
    totalCents: z.number().int(),
    createdAt: z.number(),
    updatedAt: z.number(),
  })
  .openapi('LineItem');

export const LINE_FIELDS = Object.keys(LineItem.shape);

/** The stored thousandths as the decimal the API speaks. */
export const quantitySql = sql<number>`(${lineItems.quantityMilli} / 1000.0)`;

export const lineItemColumns = {
  id: lineItems.id,
  jobId: lineItems.jobId,
  priceBookItemId: lineItems.priceBookItemId,
  description: lineItems.description,
  quantity: quantitySql,
  unitPriceCents: lineItems.unitPriceCents,
  taxable: lineItems.taxable,
  totalCents: lineItems.totalCents,
  createdAt: lineItems.createdAt,
  updatedAt: lineItems.updatedAt,
};
