/**
 * Line items: what a job bills. Quantities arrive as decimals (1.5 hours) and are kept as integer
 * thousandths so totals stay exact; a price-book item supplies the description, price and
 * taxability unless the request overrides them. Once the job is invoiced or paid its lines are
 * frozen. Every change writes a job event on the job in the same batch, and is guarded so a
 * job invoiced meanwhile (or a line changed meanwhile) refuses the write instead of racing it.
 */
import { z } from '@hono/zod-openapi';
import { and, eq, notInArray, sql, type SQL } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { jobs, lineItems, priceBookItems } from '../../db/schema.ts';
import { BILLING_STATUSES, isBilled, type JobStatus } from '../../core/lifecycle.ts';
import { lineTotalCents } from '../../core/money.ts';
import type { AuthContext } from '../auth/session.ts';
import { cents, ref, text } from '../http/fields.ts';
import { idParam, problemResponses, resource, writeContext, type WriteContext } from '../http/resource.ts';
import { insertIf, runBatch } from '../http/batch.ts';
import { body, json, route } from '../http/router.ts';
import { fieldProblem, notFound, Problem, type FieldError } from '../problem.ts';
import { jobEventIfChanged, ownJobsOnly } from './schedule.ts';
import { LINE_FIELDS, LineItem, lineItemColumns, quantitySql } from './records.ts';

/** Largest line total we accept; keeps quantity x price inside exact double arithmetic. */
const MAX_LINE_CENTS = 100_000_000_00;
const MAX_QUANTITY = 100_000;

const toMilli = (q: number) => Math.round(q * 1000);
const quantity = () =>
  z
    .number()
    .positive('Must be more than zero.')
    .max(MAX_QUANTITY, `At most ${MAX_QUANTITY}.`)
    .refine((q) => Math.abs(q * 1000 - toMilli(q)) < 1e-6, 'At most three decimal places.');

const LineItemCreate = z
  .object({
    jobId: ref(),
    priceBookItemId: ref().nullable().optional(),
    description: text(500).optional().openapi({ description: "Defaults to the price-book item's name." }),
    quantity: quantity(),
    unitPriceCents: cents().optional().openapi({ description: "Defaults to the price-book item's price." }),
    taxable: z.boolean().optional().openapi({ description: "Defaults to the price-book item's, else true." }),
  })
  .strict()
  .openapi('LineItemCreate');

const LineItemUpdate = z
  .object({ description: text(500), quantity: quantity(), unitPriceCents: cents(), taxable: z.boolean() })
  .partial()
  .strict()
  .openapi('LineItemUpdate');

/** A technician reaches only the lines of their own jobs. */
function onOwnJobs(auth: AuthContext): SQL | undefined {
  const own = ownJobsOnly(auth);
  return own && sql`exists (select 1 from ${jobs} where ${jobs.id} = ${lineItems.jobId} and ${own})`;
}

/** The job (by id or by the line's column) is the caller's and not billed yet, at this point of the batch. */
function jobOpen(auth: AuthContext, jobId: string | SQLiteColumn): SQL {
  return sql`exists (select 1 from ${jobs} where ${and(eq(jobs.id, jobId), eq(jobs.orgId, auth.orgId), notInArray(jobs.status, [...BILLING_STATUSES]), ownJobsOnly(auth))})`;
}

const billed = (field?: string) => {
  const message = 'The job has been invoiced; its line items can no longer change. Void the invoice first.';
  return field ? fieldProblem(409, field, 'body', message) : new Problem(409, 'Conflict', message);
};

type LineRow = z.infer<typeof LineItem>;
/** What a job event records about a line. */
const eventView = (l: LineRow) => ({
  lineItemId: l.id,
  priceBookItemId: l.priceBookItemId,
  description: l.description,
  quantity: l.quantity,
  unitPriceCents: l.unitPriceCents,
  taxable: l.taxable,
  totalCents: l.totalCents,
});

function totalOrThrow(quantityMilli: number, unitPriceCents: number): number {
  if (quantityMilli * unitPriceCents > MAX_LINE_CENTS * 1000)
    throw fieldProblem(422, 'quantity', 'body', 'The line total would be too large.');
  return lineTotalCents(quantityMilli, unitPriceCents);
}

export const lineItemsRoutes = resource({
  path: '/line-items',
  entity: 'line item',
  tag: 'Line items',
  table: lineItems,
  fields: LINE_FIELDS,
  columns: { quantity: quantitySql },
  rowSchema: LineItem,
  filterSchema: z.object({ jobId: ref().optional().openapi({ description: "One job's lines." }) }),
  filters: (q) => [q.jobId ? eq(lineItems.jobId, q.jobId) : undefined],
  sorts: { createdAt: lineItems.createdAt, updatedAt: lineItems.updatedAt, totalCents: lineItems.totalCents },
  defaultSort: 'createdAt',
  read: 'lineitems.read',
  write: 'lineitems.write',
  scope: onOwnJobs,
});

/** The line as the caller may see it, with its job's status. */
async function loadLine(ctx: WriteContext, id: string) {
  const [row] = await ctx.db
    .select({ ...lineItemColumns, jobStatus: jobs.status })
    .from(lineItems)
    .innerJoin(jobs, eq(jobs.id, lineItems.jobId))
    .where(and(eq(lineItems.orgId, ctx.auth.orgId), eq(lineItems.id, id), eq(jobs.orgId, ctx.auth.orgId), ownJobsOnly(ctx.auth)));
  if (!row) throw notFound('line item');
  const { jobStatus, ...line } = row;
  return { line: LineItem.parse(line), jobStatus };
}

lineItemsRoutes.openapi(
  route({
    method: 'post',
    path: '/',
    tags: ['Line items'],
    summary: 'Add a line to a job',
    permission: 'lineitems.write',
    idempotent: true,
    request: body(LineItemCreate),
    responses: {
      201: json(LineItem, 'The new line'),
      409: { description: 'The job is invoiced or paid (problem+json)' },
      ...problemResponses,
    },
  }),
  async (c) => {
    const ctx = writeContext(c);
    const input = c.req.valid('json');
    const { db, auth } = ctx;
    const reads = [
      db
        .select({ status: jobs.status })
        .from(jobs)
        .where(and(eq(jobs.orgId, auth.orgId), eq(jobs.id, input.jobId), ownJobsOnly(auth))),
    ];
    if (input.priceBookItemId) {
      reads.push(
        db
          .select({
            name: priceBookItems.name,
            unitPriceCents: priceBookItems.unitPriceCents,
            taxable: priceBookItems.taxable,
            active: priceBookItems.active,
          })
          .from(priceBookItems)
          .where(and(eq(priceBookItems.orgId, auth.orgId), eq(priceBookItems.id, input.priceBookItemId))) as never,
      );
    }
    const [jobRows, pbRows] = (await runBatch(db, reads)) as [
      { status: JobStatus }[],
      { name: string; unitPriceCents: number; taxable: boolean; active: boolean }[] | undefined,
    ];
    const job = jobRows[0];
    const item = pbRows?.[0];
    const errors: FieldError[] = [];
    if (!job) errors.push({ field: 'jobId', in: 'body', message: 'No job with that id in your organisation.' });
    if (input.priceBookItemId && !item)
      errors.push({ field: 'priceBookItemId', in: 'body', message: 'No price-book item with that id in your organisation.' });
    if (item && !item.active) errors.push({ field: 'priceBookItemId', in: 'body', message: 'That price-book item is no longer offered.' });
    const description = input.description ?? item?.name;
    const unitPriceCents = input.unitPriceCents ?? item?.unitPriceCents;
    if (!input.priceBookItemId && description === undefined)
      errors.push({ field: 'description', in: 'body', message: 'Required without a priceBookItemId.' });
    if (!input.priceBookItemId && unitPriceCents === undefined)
      errors.push({ field: 'unitPriceCents', in: 'body', message: 'Required without a priceBookItemId.' });
    if (errors.length)
      throw new Problem(422, 'Invalid request', `Check these fields: ${[...new Set(errors.map((e) => e.field))].join(', ')}.`, errors);
    if (isBilled(job!.status)) throw billed('jobId');

    const quantityMilli = toMilli(input.quantity);
    const line = {
      id: crypto.randomUUID(),
      orgId: auth.orgId,
      jobId: input.jobId,
      priceBookItemId: input.priceBookItemId ?? null,
      description: description!,
      quantityMilli,
      unitPriceCents: unitPriceCents!,
      taxable: input.taxable ?? item?.taxable ?? true,
      totalCents: totalOrThrow(quantityMilli, unitPriceCents!),
      createdAt: ctx.now,
      updatedAt: ctx.now,
    };
    const view = LineItem.parse({ ...line, quantity: quantityMilli / 1000 });
    const [inserted] = (await runBatch(db, [
      insertIf(db, lineItems, line, jobOpen(auth, input.jobId)).returning(lineItemColumns),
      jobEventIfChanged(ctx, input.jobId, 'line_item_added', null, eventView(view)),
    ])) as [LineRow[]];
    if (!inserted[0]) throw billed('jobId');
    return c.json(LineItem.parse(inserted[0]), 201);
  },
);

lineItemsRoutes.openapi(
  route({
    method: 'patch',
    path: '/{id}',
    tags: ['Line items'],
    summary: 'Change a line (the total is recomputed)',
    permission: 'lineitems.write',
    request: { params: idParam, ...body(LineItemUpdate) },
    responses: {
      200: json(LineItem, 'The changed line'),
      409: { description: 'The job is invoiced or paid, or the line changed meanwhile (problem+json)' },
      ...problemResponses,
    },
  }),
  async (c) => {
    const ctx = writeContext(c);
    const { id } = c.req.valid('param');
    const input = c.req.valid('json');
    const { line, jobStatus } = await loadLine(ctx, id);
    if (isBilled(jobStatus)) throw billed();
    const beforeMilli = toMilli(line.quantity);
    const quantityMilli = input.quantity === undefined ? beforeMilli : toMilli(input.quantity);
    const unitPriceCents = input.unitPriceCents ?? line.unitPriceCents;
    const next: LineRow = {
      ...line,
      description: input.description ?? line.description,
      quantity: quantityMilli / 1000,
      unitPriceCents,
      taxable: input.taxable ?? line.taxable,
      totalCents: totalOrThrow(quantityMilli, unitPriceCents),
    };
    const changed = (['description', 'quantity', 'unitPriceCents', 'taxable', 'totalCents'] as const).filter((k) => next[k] !== line[k]);
    if (!changed.length) return c.json(line, 200);
    const pickView = (l: LineRow) => Object.fromEntries([['lineItemId', l.id], ...changed.map((k) => [k, l[k]])]);
    const [rows] = (await runBatch(ctx.db, [
      ctx.db
        .update(lineItems)
        .set({
          description: next.description,
          quantityMilli,
          unitPriceCents,
          taxable: next.taxable,
          totalCents: next.totalCents,
          updatedAt: ctx.now,
        })
        // Still as read: the total is computed from the quantity and price we saw.
        .where(
          and(
            eq(lineItems.orgId, ctx.auth.orgId),
            eq(lineItems.id, id),
            eq(lineItems.quantityMilli, beforeMilli),
            eq(lineItems.unitPriceCents, line.unitPriceCents),
            eq(lineItems.updatedAt, line.updatedAt),
            jobOpen(ctx.auth, lineItems.jobId),
          ),
        )
        .returning(lineItemColumns),
      jobEventIfChanged(ctx, line.jobId, 'line_item_changed', pickView(line), pickView(next)),
    ])) as [LineRow[]];
    if (!rows[0])
      throw new Problem(
        409,
        'Conflict',
        'The line or its job changed at the same moment (or the job was invoiced); nothing was changed. Reload and try again.',
      );
    return c.json(LineItem.parse(rows[0]), 200);
  },
);

lineItemsRoutes.openapi(
  route({
    method: 'delete',
    path: '/{id}',
    tags: ['Line items'],
    summary: 'Remove a line from a job',
    permission: 'lineitems.write',
    request: { params: idParam },
    responses: { 204: { description: 'Removed' }, 409: { description: 'The job is invoiced or paid (problem+json)' }, ...problemResponses },
  }),
  async (c) => {
    const ctx = writeContext(c);
    const { id } = c.req.valid('param');
    const { line, jobStatus } = await loadLine(ctx, id);
    if (isBilled(jobStatus)) throw billed();
    const [rows] = (await runBatch(ctx.db, [
      ctx.db
        .delete(lineItems)
        .where(and(eq(lineItems.orgId, ctx.auth.orgId), eq(lineItems.id, id), jobOpen(ctx.auth, lineItems.jobId)))
        .returning({ id: lineItems.id }),
      jobEventIfChanged(ctx, line.jobId, 'line_item_removed', eventView(line), null),
    ])) as [{ id: string }[]];
    if (!rows[0]) throw new Problem(409, 'Conflict', 'The line was removed, or its job invoiced, at the same moment; nothing was changed.');
    return c.body(null, 204);
  },
);
