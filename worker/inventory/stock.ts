/**
 * Stock: where parts are kept (a warehouse, each truck), how many are on hand at each place
 * with its reorder point, and every movement in or out. Levels change only together with the
 * movement that explains them, in one batch; the database refuses a negative level (a CHECK
 * constraint), so an overdraw rolls the whole batch back even when two requests race.
 */
import { z } from '@hono/zod-openapi';
import { and, eq, or, sql, type SQL } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { createInsertSchema, createSelectSchema } from 'drizzle-zod';
import { parts, STOCK_MOVEMENT_REASONS, stockLevels, stockLocations, stockMovements } from '../../db/schema.ts';
import type { AuthContext } from '../auth/session.ts';
import type { Db } from '../db.ts';
import { afterCursor, containsSql, decodeCursor, encodeCursor, listQuery, orderBy, parseFields, parseSort } from '../http/list.ts';
import { optionalText, ref, text } from '../http/fields.ts';
import { auditInsert, diff, pick, problemResponses, resource, writeContext } from '../http/resource.ts';
import { runBatch } from '../http/batch.ts';
import { localDatesQuery, withinLocalDates } from '../http/local-dates.ts';
import { body, json, route, router } from '../http/router.ts';
import { fieldProblem } from '../problem.ts';
import { assertRefs } from '../http/refs.ts';
import { limitsProblem } from '../../core/stock.ts';
import { MAX_QUANTITY, moveStock, overdrawProblem, quantity } from './stock-moves.ts';
import { belowReorder, reorderRoutes } from './reorder.ts';

// ---- locations ----

const StockLocation = createSelectSchema(stockLocations).omit({ orgId: true }).openapi('StockLocation');

/** warehouse or truck, as the table has it. */
const kind = StockLocation.shape.kind;

const LocationInput = createInsertSchema(stockLocations, { name: () => text(120) })
  .pick({ kind: true, name: true })
  .strict();

const locationsRoutes = resource({
  path: '/stock/locations',
  entity: 'stock location',
  tag: 'Stock',
  table: stockLocations,
  fields: Object.keys(StockLocation.shape),
  rowSchema: StockLocation,
  createSchema: LocationInput.openapi('StockLocationCreate'),
  // The kind stays: technicians point at their truck, and a truck turning into a warehouse would strand them.
  updateSchema: LocationInput.pick({ name: true }).partial().strict().openapi('StockLocationUpdate'),
  filterSchema: z.object({ kind: kind.optional(), q: z.string().trim().min(1).max(100).optional() }),
  filters: (q) => [q.kind ? eq(stockLocations.kind, q.kind) : undefined, q.q ? containsSql(stockLocations.name, q.q) : undefined],
  sorts: { name: stockLocations.name, createdAt: stockLocations.createdAt },
  defaultSort: 'name',
  read: 'stock.read',
  write: 'stock.write',
  toInsert: (input: z.infer<typeof LocationInput>, ctx) => ({ ...input, createdAt: ctx.now, updatedAt: ctx.now }),
  toUpdate: (input: { name?: string }) => input,
});

// ---- levels ----

const StockLevel = z
  .object({
    partId: z.string(),
    partSku: z.string(),
    partName: z.string(),
    partUnit: z.string(),
    locationId: z.string(),
    locationName: z.string(),
    locationKind: kind,
    quantity: z.number().int(),
    reorderPoint: z.number().int(),
    reorderQuantity: z.number().int(),
    maxQuantity: z.number().int().openapi({ description: "Fill up to this (a truck's maximum); 0 = no maximum." }),
    belowReorder: z
      .boolean()
      .openapi({ description: 'At or below a (non-zero) reorder point: on the reorder list (GET /api/stock/reorder).' }),
    updatedAt: z.number(),
  })
  .openapi('StockLevel');

const LEVEL_FIELDS = Object.keys(StockLevel.shape);

const levelColumns: Record<string, SQLiteColumn | SQL.Aliased | SQL> = {
  partId: stockLevels.partId,
  partSku: parts.sku,
  partName: parts.name,
  partUnit: parts.unit,
  locationId: stockLevels.locationId,
  locationName: stockLocations.name,
  locationKind: stockLocations.kind,
  quantity: stockLevels.quantity,
  reorderPoint: stockLevels.reorderPoint,
  reorderQuantity: stockLevels.reorderQuantity,
  maxQuantity: stockLevels.maxQuantity,
  belowReorder: belowReorder.mapWith(Boolean),
  updatedAt: stockLevels.updatedAt,
};

/**
 * A level has no id of its own and part + location ids are too long for a cursor (64
 * characters), so its rowid breaks ties; as text, because cursors carry ids as strings.
 */
const levelKey = sql`cast(${stockLevels}.rowid as text)` as unknown as SQLiteColumn;

const LEVEL_SORTS = { partName: parts.name, sku: parts.sku, locationName: stockLocations.name, quantity: stockLevels.quantity };

/** Levels with their part and location, one query. */
function selectLevels(db: Db, fields: readonly string[], extra: Record<string, SQLiteColumn | SQL> = {}) {
  return db
    .select({ ...Object.fromEntries(fields.map((f) => [f, levelColumns[f]!])), ...extra } as Record<string, SQLiteColumn>)
    .from(stockLevels)
    .innerJoin(parts, and(eq(parts.id, stockLevels.partId), eq(parts.orgId, stockLevels.orgId)))
    .innerJoin(stockLocations, and(eq(stockLocations.id, stockLevels.locationId), eq(stockLocations.orgId, stockLevels.orgId)));
}

const levelsRoutes = router();

levelsRoutes.openapi(
  route({
    method: 'get',
    path: '/',
    tags: ['Stock'],
    summary: 'List stock levels (belowReorder=true gives the reorder alerts)',
    permission: 'stock.read',
    request: {
      query: listQuery.extend({
        locationId: ref().optional(),
        locationKind: kind.optional(),
        partId: ref().optional(),
        belowReorder: z.enum(['true', 'false']).optional(),
        q: z.string().trim().min(1).max(100).optional().openapi({ description: "Search the part's name and SKU." }),
      }),
    },
    responses: {
      200: json(z.object({ items: z.array(StockLevel.partial()), nextCursor: z.string().nullable() }), 'A page of stock levels'),
      ...problemResponses,
    },
  }),
  async (c) => {
    const q = c.req.valid('query');
    const auth = c.get('auth');
    const fields = parseFields(q.fields, LEVEL_FIELDS);
    const sort = parseSort(q.sort, LEVEL_SORTS, 'partName');
    const cursor = q.cursor ? decodeCursor(q.cursor, sort) : undefined;
    const rows = await selectLevels(c.get('db'), fields, { __sort: sort.expr, __id: levelKey })
      .where(
        and(
          eq(stockLevels.orgId, auth.orgId),
          q.locationId ? eq(stockLevels.locationId, q.locationId) : undefined,
          q.partId ? eq(stockLevels.partId, q.partId) : undefined,
          q.locationKind ? eq(stockLocations.kind, q.locationKind) : undefined,
          q.q ? or(containsSql(parts.name, q.q), containsSql(parts.sku, q.q)) : undefined,
          q.belowReorder === 'true' ? belowReorder : q.belowReorder === 'false' ? sql`not ${belowReorder}` : undefined,
          cursor && afterCursor(sort, levelKey, cursor),
        ),
      )
      .orderBy(...orderBy(sort, levelKey))
      .limit(q.limit + 1);
    const more = rows.length > q.limit;
    const page = more ? rows.slice(0, q.limit) : rows;
    const last = page[page.length - 1];
    return c.json(
      { items: page.map((r) => pick(r, fields)), nextCursor: more && last ? encodeCursor(sort, last.__sort, String(last.__id)) : null },
      200,
    );
  },
);

const LevelPatch = z
  .object({
    partId: ref(),
    locationId: ref(),
    reorderPoint: z.number().int().min(0).max(MAX_QUANTITY).optional(),
    reorderQuantity: z.number().int().min(0).max(MAX_QUANTITY).optional(),
    maxQuantity: z.number().int().min(0).max(MAX_QUANTITY).optional().openapi({ description: 'Fill up to this; 0 = no maximum.' }),
  })
  .strict()
  .refine((b) => b.reorderPoint !== undefined || b.reorderQuantity !== undefined || b.maxQuantity !== undefined, {
    path: ['reorderPoint'],
    message: 'Give reorderPoint, reorderQuantity, maxQuantity or any of them.',
  })
  .openapi('StockLevelUpdate');

levelsRoutes.openapi(
  route({
    method: 'patch',
    path: '/',
    tags: ['Stock'],
    summary: "Set a part's minimum (reorder point), reorder quantity and maximum at a location (starting an empty level if there is none)",
    permission: 'stock.write',
    request: body(LevelPatch),
    responses: { 200: json(StockLevel, 'The level'), ...problemResponses },
  }),
  async (c) => {
    const { partId, locationId, ...set } = c.req.valid('json');
    const ctx = writeContext(c);
    const { db, auth } = ctx;
    const here = and(eq(stockLevels.orgId, auth.orgId), eq(stockLevels.partId, partId), eq(stockLevels.locationId, locationId));
    const [part, place, current] = (await runBatch(db, [
      db
        .select({ id: parts.id })
        .from(parts)
        .where(and(eq(parts.orgId, auth.orgId), eq(parts.id, partId))),
      db
        .select({ id: stockLocations.id })
        .from(stockLocations)
        .where(and(eq(stockLocations.orgId, auth.orgId), eq(stockLocations.id, locationId))),
      selectLevels(db, LEVEL_FIELDS).where(here),
    ])) as Record<string, unknown>[][];
    if (!part!.length) throw fieldProblem(422, 'partId', 'body', 'No part with that id in your organisation.');
    if (!place!.length) throw fieldProblem(422, 'locationId', 'body', 'No stock location with that id in your organisation.');
    const before = current![0] as { reorderPoint: number; maxQuantity: number } | undefined;
    const limits = {
      reorderPoint: set.reorderPoint ?? before?.reorderPoint ?? 0,
      maxQuantity: set.maxQuantity ?? before?.maxQuantity ?? 0,
    };
    const wrong = limitsProblem(limits);
    if (wrong) throw fieldProblem(422, set.maxQuantity !== undefined ? 'maxQuantity' : 'reorderPoint', 'body', wrong);
    const change = before ? diff(before, set) : { before: null, after: set };
    if (!change) return c.json(before, 200);
    // Setting a reorder point for a part never kept here starts an empty level.
    const [, , [level]] = (await runBatch(db, [
      db
        .insert(stockLevels)
        .values({
          orgId: auth.orgId,
          partId,
          locationId,
          quantity: 0,
          reorderPoint: set.reorderPoint ?? 0,
          reorderQuantity: set.reorderQuantity ?? 0,
          maxQuantity: set.maxQuantity ?? 0,
          updatedAt: ctx.now,
        })
        .onConflictDoUpdate({ target: [stockLevels.partId, stockLevels.locationId], set: { ...set, updatedAt: ctx.now } }),
      auditInsert(ctx, 'stock_level', `${partId}/${locationId}`, before ? 'update' : 'create', change.before, change.after),
      selectLevels(db, LEVEL_FIELDS).where(here),
    ])) as [unknown, unknown, Record<string, unknown>[]];
    return c.json(level, 200);
  },
);

// ---- movements ----

const StockMovement = createSelectSchema(stockMovements, {
  note: (s) => s.openapi({ description: "Why, in the person's words (an adjustment's reason)." }),
})
  .omit({ orgId: true })
  .openapi('StockMovement');

const MOVEMENT_FIELDS = Object.keys(StockMovement.shape);

const MovementInput = z
  .object({
    partId: ref(),
    fromLocationId: ref().optional().openapi({ description: 'Where the parts leave (transfer; adjust down).' }),
    toLocationId: ref().optional().openapi({ description: 'Where the parts arrive (receive, transfer; adjust up).' }),
    quantity: quantity(),
    // 'use' is not here: parts used on a job are logged through /api/part-usages.
    reason: z.enum(['receive', 'transfer', 'adjust']),
    note: optionalText(500).openapi({ description: 'Why: required for an adjustment ("2 found damaged", "cycle count").' }),
  })
  .strict()
  .superRefine((m, issue) => {
    const need = (field: 'fromLocationId' | 'toLocationId' | 'note', message: string) =>
      issue.addIssue({ code: 'custom', path: [field], message });
    if (m.reason === 'receive') {
      if (!m.toLocationId) need('toLocationId', 'Say where the parts arrive.');
      if (m.fromLocationId) need('fromLocationId', 'A delivery comes from outside: leave this out.');
    } else if (m.reason === 'transfer') {
      if (!m.fromLocationId) need('fromLocationId', 'Say where the parts leave from.');
      if (!m.toLocationId) need('toLocationId', 'Say where the parts go.');
      if (m.fromLocationId && m.fromLocationId === m.toLocationId) need('toLocationId', 'A transfer goes to another location.');
    } else {
      if (!m.fromLocationId === !m.toLocationId)
        need(
          m.fromLocationId ? 'toLocationId' : 'fromLocationId',
          'An adjustment names one location: fromLocationId to count down, toLocationId to count up.',
        );
      // Stock that changes without a delivery, a transfer or a job needs its why on record.
      if (!m.note) need('note', 'Say why the count changes (damaged, found, cycle count…).');
    }
  })
  .openapi('StockMovementCreate');

const movementsRoutes = resource({
  path: '/stock/movements',
  entity: 'stock movement',
  tag: 'Stock',
  table: stockMovements,
  fields: MOVEMENT_FIELDS,
  rowSchema: StockMovement,
  filterSchema: localDatesQuery.extend({
    partId: ref().optional(),
    locationId: ref().optional().openapi({ description: 'Movements into or out of this location.' }),
    reason: z.enum(STOCK_MOVEMENT_REASONS).optional(),
    jobId: ref().optional(),
    purchaseOrderId: ref().optional(),
  }),
  filters: (q, auth: AuthContext) => [
    q.partId ? eq(stockMovements.partId, q.partId) : undefined,
    q.locationId ? or(eq(stockMovements.fromLocationId, q.locationId), eq(stockMovements.toLocationId, q.locationId)) : undefined,
    q.reason ? eq(stockMovements.reason, q.reason) : undefined,
    q.jobId ? eq(stockMovements.jobId, q.jobId) : undefined,
    q.purchaseOrderId ? eq(stockMovements.purchaseOrderId, q.purchaseOrderId) : undefined,
    withinLocalDates(stockMovements.at, q, auth.timezone),
  ],
  sorts: { at: stockMovements.at },
  defaultSort: '-at',
  read: 'stock.read',
  write: 'stock.write',
});

movementsRoutes.openapi(
  route({
    method: 'post',
    path: '/',
    tags: ['Stock'],
    summary: 'Move stock: receive, transfer or adjust (levels change in the same transaction)',
    permission: 'stock.write',
    request: body(MovementInput),
    responses: {
      201: json(StockMovement, 'The movement'),
      409: { description: 'Not enough stock (problem+json naming quantity)' },
      ...problemResponses,
    },
  }),
  async (c) => {
    const input = c.req.valid('json');
    const ctx = writeContext(c);
    const { db, auth } = ctx;
    const from = input.fromLocationId ?? null;
    const to = input.toLocationId ?? null;
    await assertRefs(db, auth.orgId, [
      { field: 'partId', table: parts, id: input.partId, what: 'part' },
      { field: 'fromLocationId', table: stockLocations, id: from, what: 'stock location' },
      { field: 'toLocationId', table: stockLocations, id: to, what: 'stock location' },
    ]);
    const { movement, statements } = moveStock(ctx, {
      partId: input.partId,
      from,
      to,
      quantity: input.quantity,
      reason: input.reason,
      note: input.note ?? null,
    });
    try {
      await runBatch(db, [...statements, auditInsert(ctx, 'stock_movement', movement.id, 'create', null, pick(movement, MOVEMENT_FIELDS))]);
    } catch (err) {
      throw await overdrawProblem(err, db, auth.orgId, input.partId, from ?? '');
    }
    return c.json(pick(movement, MOVEMENT_FIELDS), 201);
  },
);

export const stockRoutes = router();
stockRoutes.route('/locations', locationsRoutes);
stockRoutes.route('/levels', levelsRoutes);
stockRoutes.route('/movements', movementsRoutes);
stockRoutes.route('/reorder', reorderRoutes);
