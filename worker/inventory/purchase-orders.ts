/**
 * Purchase orders: parts ordered from a supplier for one stock location.
 *
 *   draft -> ordered -> received        draft | ordered -> cancelled
 *
 * Only a draft can be edited. An order arrives in one receipt or several: each raises the lines'
 * received counts, the location's levels and a 'receive' movement per line, in one batch, and
 * the order is received when every line has all arrived. A line never counts more than was
 * ordered (the database's CHECK: two receipts that race roll back whole rather than over-receive),
 * and every statement of a change is conditional on the order still being in the status it was
 * read in, so a double-clicked "receive" cannot raise stock twice.
 */
import { z } from '@hono/zod-openapi';
import { and, asc, eq, sql, type SQL } from 'drizzle-orm';
import { createSelectSchema } from 'drizzle-zod';
import { orderLines } from '../../core/stock.ts';
import { orgs, parts, PO_STATUSES, purchaseOrderLines, purchaseOrders, stockLocations } from '../../db/schema.ts';
import type { Db } from '../db.ts';
import { containsSql } from '../http/list.ts';
import { cents, optionalText, ref, text } from '../http/fields.ts';
import { auditInsert, idParam, pick, problemResponses, resource, type WriteContext, writeContext } from '../http/resource.ts';
import { constraintFailed, insertIf, runBatch } from '../http/batch.ts';
import { localDatesQuery, withinLocalDates } from '../http/local-dates.ts';
import { body, json, route } from '../http/router.ts';
import { fieldProblem, notFound, Problem } from '../problem.ts';
import { assertRefs } from '../http/refs.ts';
import { moveStock, quantity } from './stock-moves.ts';
import { readReorder } from './reorder.ts';

type Status = (typeof PO_STATUSES)[number];
type Row = Record<string, unknown>;

const NEXT: Record<Status, Status[]> = {
  draft: ['ordered', 'cancelled'],
  ordered: ['received', 'cancelled'],
  received: [],
  cancelled: [],
};

/** A sanity ceiling on one order ($10 million), which also keeps the sums exact in a double. */
const MAX_TOTAL_CENTS = 1_000_000_000;

const PurchaseOrder = createSelectSchema(purchaseOrders, {
  locationId: (s) => s.openapi({ description: 'The stock location the parts are delivered to.' }),
})
  .omit({ orgId: true })
  .openapi('PurchaseOrder');

const PurchaseOrderLine = createSelectSchema(purchaseOrderLines)
  .pick({ id: true, partId: true, quantity: true, unitCostCents: true, receivedQuantity: true })
  .openapi('PurchaseOrderLine');

const PurchaseOrderDetail = PurchaseOrder.extend({ lines: z.array(PurchaseOrderLine) }).openapi('PurchaseOrderDetail');

const FIELDS = Object.keys(PurchaseOrder.shape);

const LineInput = z.object({ partId: ref(), quantity: quantity(), unitCostCents: cents() }).strict();

const PurchaseOrderInput = z
  .object({
    supplier: text(200),
    locationId: ref(),
    notes: optionalText(2000),
    lines: z.array(LineInput).min(1, 'An order needs at least one line.').max(200, 'At most 200 lines.'),
  })
  .strict();

type Input = z.infer<typeof PurchaseOrderInput>;

function linesOf(db: Db, orgId: string, poId: string) {
  return db
    .select({
      id: purchaseOrderLines.id,
      partId: purchaseOrderLines.partId,
      quantity: purchaseOrderLines.quantity,
      unitCostCents: purchaseOrderLines.unitCostCents,
      receivedQuantity: purchaseOrderLines.receivedQuantity,
    })
    .from(purchaseOrderLines)
    .where(and(eq(purchaseOrderLines.orgId, orgId), eq(purchaseOrderLines.purchaseOrderId, poId)))
    .orderBy(asc(sql`rowid`));
}

const poColumns = Object.fromEntries(FIELDS.map((f) => [f, purchaseOrders[f as keyof typeof purchaseOrders]])) as Record<
  string,
  typeof purchaseOrders.id
>;

function orderOf(db: Db, orgId: string, id: string) {
  return db
    .select(poColumns)
    .from(purchaseOrders)
    .where(and(eq(purchaseOrders.orgId, orgId), eq(purchaseOrders.id, id)));
}

/** The order's status is still `status`: the condition every statement of a change carries. */
const stillIn = (orgId: string, id: string, status: Status): SQL =>
  sql`exists (select 1 from ${purchaseOrders} where ${purchaseOrders.orgId} = ${orgId} and ${purchaseOrders.id} = ${id} and ${purchaseOrders.status} = ${status})`;

async function checkRefs(db: Db, orgId: string, input: Partial<Input>) {
  await assertRefs(db, orgId, [
    { field: 'locationId', table: stockLocations, id: input.locationId, what: 'stock location' },
    ...(input.lines ?? []).map((l, i) => ({ field: `lines.${i}.partId`, table: parts, id: l.partId, what: 'part' })),
  ]);
}

function totalOf(lines: Input['lines']): number {
  const total = lines.reduce((sum, l) => sum + l.quantity * l.unitCostCents, 0);
  if (total > MAX_TOTAL_CENTS) throw fieldProblem(422, 'lines', 'body', `An order may total at most ${MAX_TOTAL_CENTS / 100} dollars.`);
  return total;
}

function lineRows(orgId: string, poId: string, lines: Input['lines']) {
  return lines.map((l) => ({
    id: crypto.randomUUID(),
    orgId,
    purchaseOrderId: poId,
    partId: l.partId,
    quantity: l.quantity,
    unitCostCents: l.unitCostCents,
  }));
}

export const purchaseOrdersRoutes = resource({
  path: '/purchase-orders',
  entity: 'purchase order',
  tag: 'Purchase orders',
  table: purchaseOrders,
  fields: FIELDS,
  rowSchema: PurchaseOrder,
  detailSchema: PurchaseOrderDetail,
  related: { lines: (db, auth, id) => linesOf(db, auth.orgId, id) },
  filterSchema: localDatesQuery.extend({
    status: z.enum(PO_STATUSES).optional(),
    locationId: ref().optional(),
    q: z.string().trim().min(1).max(100).optional().openapi({ description: 'Search the supplier.' }),
  }),
  filters: (q, auth) => [
    q.status ? eq(purchaseOrders.status, q.status) : undefined,
    q.locationId ? eq(purchaseOrders.locationId, q.locationId) : undefined,
    q.q ? containsSql(purchaseOrders.supplier, q.q) : undefined,
    withinLocalDates(purchaseOrders.createdAt, q, auth.timezone),
  ],
  sorts: { number: purchaseOrders.number, createdAt: purchaseOrders.createdAt },
  defaultSort: '-number',
  read: 'purchaseorders.read',
  write: 'purchaseorders.write',
});

purchaseOrdersRoutes.openapi(
  route({
    method: 'post',
    path: '/',
    tags: ['Purchase orders'],
    summary: 'Create a draft purchase order with its lines',
    permission: 'purchaseorders.write',
    request: body(PurchaseOrderInput.openapi('PurchaseOrderCreate')),
    responses: { 201: json(PurchaseOrderDetail, 'The new purchase order'), ...problemResponses },
  }),
  async (c) => {
    const input = c.req.valid('json');
    const ctx = writeContext(c);
    totalOf(input.lines);
    await checkRefs(ctx.db, ctx.auth.orgId, input);
    return c.json(await draft(ctx, input), 201);
  },
);

/** A new draft with its lines, numbered from the org's counter in the same transaction. */
async function draft(ctx: WriteContext, input: Input) {
  const { db, auth, now } = ctx;
  const totalCents = totalOf(input.lines);
  const id = crypto.randomUUID();
  const lines = lineRows(auth.orgId, id, input.lines);
  const [[order]] = (await runBatch(db, [
    // Take the org's next number and advance the counter in the same transaction.
    db
      .insert(purchaseOrders)
      .values({
        id,
        orgId: auth.orgId,
        number: sql`(select ${orgs.nextPoNumber} from ${orgs} where ${orgs.id} = ${auth.orgId})`,
        supplier: input.supplier,
        status: 'draft',
        locationId: input.locationId,
        totalCents,
        notes: input.notes ?? null,
        createdAt: now,
        updatedAt: now,
      })
      .returning(poColumns),
    db
      .update(orgs)
      .set({ nextPoNumber: sql`${orgs.nextPoNumber} + 1` })
      .where(eq(orgs.id, auth.orgId)),
    db.insert(purchaseOrderLines).values(lines),
    auditInsert(ctx, 'purchase order', id, 'create', null, { ...input, totalCents }),
  ])) as [Row[]];
  return { ...order!, lines: lines.map((l) => pick({ ...l, receivedQuantity: 0 }, Object.keys(PurchaseOrderLine.shape))) };
}

const FromReorder = z
  .object({
    supplier: text(200),
    locationId: ref().openapi({ description: 'Where the order is delivered (usually the warehouse trucks refill from).' }),
    forLocationId: ref()
      .optional()
      .openapi({ description: "Only this location's shortfall (one truck's refill); without it, the whole reorder list's." }),
    notes: optionalText(2000),
  })
  .strict()
  .openapi('PurchaseOrderFromReorder');

purchaseOrdersRoutes.openapi(
  route({
    method: 'post',
    path: '/from-reorder',
    tags: ['Purchase orders'],
    summary:
      "Draft a purchase order from the reorder list: a line per part with what the warehouse cannot give (GET /api/stock/reorder's purchaseQuantity), at the part's cost",
    permission: 'purchaseorders.write',
    request: body(FromReorder),
    responses: {
      201: json(PurchaseOrderDetail, 'The new draft'),
      409: { description: 'Nothing on the list needs buying (problem+json)' },
      ...problemResponses,
    },
  }),
  async (c) => {
    const input = c.req.valid('json');
    const ctx = writeContext(c);
    const { db, auth } = ctx;
    await assertRefs(db, auth.orgId, [
      { field: 'locationId', table: stockLocations, id: input.locationId, what: 'stock location' },
      { field: 'forLocationId', table: stockLocations, id: input.forLocationId, what: 'stock location' },
    ]);
    const { items } = await readReorder(db, auth.orgId, { locationId: input.forLocationId });
    const cost = new Map(items.map((l) => [l.partId, l.partCostCents]));
    const lines = orderLines(items, items).map((l) => ({ ...l, unitCostCents: cost.get(l.partId)! }));
    if (!lines.length)
      throw new Problem(
        409,
        'Nothing to order',
        'No level on the reorder list needs buying: the warehouse can refill every one, or none is short.',
      );
    const notes = input.notes ?? 'Drafted from the reorder list.';
    return c.json(await draft(ctx, { supplier: input.supplier, locationId: input.locationId, notes, lines }), 201);
  },
);

const PurchaseOrderPatch = PurchaseOrderInput.partial().strict().openapi('PurchaseOrderUpdate');

purchaseOrdersRoutes.openapi(
  route({
    method: 'patch',
    path: '/{id}',
    tags: ['Purchase orders'],
    summary: 'Change a draft purchase order (lines, if given, replace the old ones)',
    permission: 'purchaseorders.write',
    request: { params: idParam, ...body(PurchaseOrderPatch) },
    responses: {
      200: json(PurchaseOrderDetail, 'The changed purchase order'),
      409: { description: 'Not a draft any more (problem+json)' },
      ...problemResponses,
    },
  }),
  async (c) => {
    const { id } = c.req.valid('param');
    const input = c.req.valid('json');
    const ctx = writeContext(c);
    const { db, auth, now } = ctx;
    const [[before], currentLines] = (await runBatch(db, [orderOf(db, auth.orgId, id), linesOf(db, auth.orgId, id)])) as [Row[], Row[]];
    if (!before) throw notFound('purchase order');
    if (!Object.keys(input).length) return c.json({ ...before, lines: currentLines }, 200);
    if (before.status !== 'draft')
      throw fieldProblem(409, 'status', 'body', `This order is ${before.status}; only a draft can be changed.`);
    await checkRefs(db, auth.orgId, input);
    const set: Row = {};
    if (input.supplier !== undefined) set.supplier = input.supplier;
    if (input.locationId !== undefined) set.locationId = input.locationId;
    if (input.notes !== undefined) set.notes = input.notes;
    if (input.lines) set.totalCents = totalOf(input.lines);
    const draft = stillIn(auth.orgId, id, 'draft');
    const results = await runBatch(db, [
      auditInsert(
        ctx,
        'purchase order',
        id,
        'update',
        pick(before, Object.keys(set)),
        { ...set, ...(input.lines ? { lines: input.lines } : {}) },
        draft,
      ),
      ...(input.lines
        ? [
            db
              .delete(purchaseOrderLines)
              .where(and(eq(purchaseOrderLines.orgId, auth.orgId), eq(purchaseOrderLines.purchaseOrderId, id), draft)),
            ...lineRows(auth.orgId, id, input.lines).map((l) => insertIf(db, purchaseOrderLines, l, draft)),
          ]
        : []),
      db
        .update(purchaseOrders)
        .set({ ...set, updatedAt: now })
        .where(and(eq(purchaseOrders.orgId, auth.orgId), eq(purchaseOrders.id, id), eq(purchaseOrders.status, 'draft')))
        .returning(poColumns),
      linesOf(db, auth.orgId, id),
    ]);
    const [order] = results[results.length - 2] as Row[];
    if (!order) throw fieldProblem(409, 'status', 'body', 'This order stopped being a draft meanwhile; nothing was changed.');
    return c.json({ ...order, lines: results[results.length - 1] }, 200);
  },
);

const Transition = z
  .object({ to: z.enum(['ordered', 'received', 'cancelled']) })
  .strict()
  .openapi('PurchaseOrderTransition');

purchaseOrdersRoutes.openapi(
  route({
    method: 'post',
    path: '/{id}/transitions',
    tags: ['Purchase orders'],
    summary: 'Order, receive (raising stock at the location) or cancel a purchase order',
    permission: 'purchaseorders.write',
    request: { params: idParam, ...body(Transition) },
    responses: {
      200: json(PurchaseOrderDetail, 'The purchase order after the change'),
      409: { description: 'Not allowed from its status (problem+json naming to)' },
      ...problemResponses,
    },
  }),
  async (c) => {
    const { id } = c.req.valid('param');
    const { to } = c.req.valid('json');
    const ctx = writeContext(c);
    const { db, auth, now } = ctx;
    const [[before], lines] = (await runBatch(db, [orderOf(db, auth.orgId, id), linesOf(db, auth.orgId, id)])) as [Row[], Line[]];
    if (!before) throw notFound('purchase order');
    const from = before.status as Status;
    if (!NEXT[from].includes(to)) {
      throw fieldProblem(
        409,
        'to',
        'body',
        `A ${from} order cannot become ${to}; it can become ${NEXT[from].join(' or ') || 'nothing (it is final)'}.`,
      );
    }
    // Received: whatever is still to arrive arrives now.
    if (to === 'received') {
      const rest = lines.filter((l) => l.receivedQuantity < l.quantity).map((l) => ({ ...l, arriving: l.quantity - l.receivedQuantity }));
      return c.json(await receive(ctx, before, rest, 'to'), 200);
    }
    const unchanged = stillIn(auth.orgId, id, from);
    const stamp = to === 'ordered' ? { orderedAt: now } : {};
    const results = await runBatch(db, [
      auditInsert(ctx, 'purchase order', id, to, { status: from }, { status: to, ...stamp }, unchanged),
      // Last: every statement above saw the status it was read in, or none of them did anything.
      db
        .update(purchaseOrders)
        .set({ status: to, ...stamp, updatedAt: now })
        .where(and(eq(purchaseOrders.orgId, auth.orgId), eq(purchaseOrders.id, id), eq(purchaseOrders.status, from)))
        .returning(poColumns),
      linesOf(db, auth.orgId, id),
    ]);
    const [order] = results[results.length - 2] as Row[];
    if (!order) throw fieldProblem(409, 'to', 'body', 'This order changed meanwhile; nothing was done. Reload it and try again.');
    return c.json({ ...order, lines: results[results.length - 1] }, 200);
  },
);

type Line = { id: string; partId: string; quantity: number; unitCostCents: number; receivedQuantity: number };

const Receipt = z
  .object({
    lines: z
      .array(z.object({ lineId: ref(), quantity: quantity() }).strict())
      .min(1, 'Say what arrived: at least one line.')
      .max(200, 'At most 200 lines.'),
  })
  .strict()
  .openapi('PurchaseOrderReceipt');

purchaseOrdersRoutes.openapi(
  route({
    method: 'post',
    path: '/{id}/receipts',
    tags: ['Purchase orders'],
    summary:
      'Record what arrived of an ordered purchase order (all or part of its lines): stock rises at its location; received once every line has all arrived',
    permission: 'purchaseorders.write',
    request: { params: idParam, ...body(Receipt) },
    responses: {
      200: json(PurchaseOrderDetail, 'The purchase order after the receipt'),
      409: { description: 'Not ordered (naming status), or another receipt came first (naming lines); problem+json' },
      ...problemResponses,
    },
  }),
  async (c) => {
    const { id } = c.req.valid('param');
    const input = c.req.valid('json');
    const ctx = writeContext(c);
    const { db, auth } = ctx;
    const [[before], lines] = (await runBatch(db, [orderOf(db, auth.orgId, id), linesOf(db, auth.orgId, id)])) as [Row[], Line[]];
    if (!before) throw notFound('purchase order');
    if (before.status !== 'ordered')
      throw fieldProblem(409, 'status', 'body', `This order is ${before.status}; only an ordered one can be received.`);
    const byId = new Map(lines.map((l) => [l.id, l]));
    const seen = new Set<string>();
    const arriving = input.lines.map((r, i) => {
      const line = byId.get(r.lineId);
      if (!line) throw fieldProblem(422, `lines.${i}.lineId`, 'body', 'No line with that id on this order.');
      if (seen.has(r.lineId)) throw fieldProblem(422, `lines.${i}.lineId`, 'body', 'This line is already in the receipt.');
      seen.add(r.lineId);
      const left = line.quantity - line.receivedQuantity;
      if (r.quantity > left)
        throw fieldProblem(422, `lines.${i}.quantity`, 'body', `Only ${left} of this line ${left === 1 ? 'is' : 'are'} still to arrive.`);
      return { ...line, arriving: r.quantity };
    });
    return c.json(await receive(ctx, before, arriving, 'lines'), 200);
  },
);

/**
 * Parts of an ordered order arriving, in one batch: each line's received count, the location's
 * stock with a 'receive' movement per line, and the order's status (received once nothing is
 * still to arrive). Every statement holds only while the order is still 'ordered'; a line
 * pushed past what was ordered by a receipt that came first breaks the CHECK and undoes it all.
 */
async function receive(ctx: WriteContext, before: Row, arriving: (Line & { arriving: number })[], field: 'to' | 'lines') {
  const { db, auth, now } = ctx;
  const id = before.id as string;
  const ordered = stillIn(auth.orgId, id, 'ordered');
  const thisOrder = and(eq(purchaseOrderLines.orgId, auth.orgId), eq(purchaseOrderLines.purchaseOrderId, id));
  const allIn = sql`not exists (select 1 from ${purchaseOrderLines} where ${thisOrder} and ${purchaseOrderLines.receivedQuantity} < ${purchaseOrderLines.quantity})`;
  let results: unknown[];
  try {
    results = await runBatch(db, [
      auditInsert(
        ctx,
        'purchase order',
        id,
        'receive',
        null,
        { lines: arriving.map((l) => ({ lineId: l.id, quantity: l.arriving })) },
        ordered,
      ),
      ...arriving.flatMap((l) => [
        db
          .update(purchaseOrderLines)
          .set({ receivedQuantity: sql`${purchaseOrderLines.receivedQuantity} + ${l.arriving}` })
          .where(and(thisOrder, eq(purchaseOrderLines.id, l.id), ordered)),
        ...moveStock(
          ctx,
          { partId: l.partId, from: null, to: before.locationId as string, quantity: l.arriving, reason: 'receive', purchaseOrderId: id },
          ordered,
        ).statements,
      ]),
      // Last: every statement above saw the order still 'ordered', or none of them did anything.
      db
        .update(purchaseOrders)
        .set({
          status: sql`case when ${allIn} then 'received' else 'ordered' end`,
          receivedAt: sql`case when ${allIn} then ${now} else ${purchaseOrders.receivedAt} end`,
          updatedAt: now,
        })
        .where(and(eq(purchaseOrders.orgId, auth.orgId), eq(purchaseOrders.id, id), eq(purchaseOrders.status, 'ordered')))
        .returning(poColumns),
      linesOf(db, auth.orgId, id),
    ]);
  } catch (err) {
    if (constraintFailed(err, 'CHECK', 'po_lines_received_within_ordered'))
      throw fieldProblem(
        409,
        field,
        'body',
        'Another receipt for this order came first, and this one would pass what was ordered; nothing was changed. Reload it.',
      );
    throw err;
  }
  const [order] = results[results.length - 2] as Row[];
  if (!order) throw fieldProblem(409, field, 'body', 'This order changed meanwhile; nothing was received. Reload it and try again.');
  return { ...order, lines: results[results.length - 1] };
}
