/**
 * The reorder list: every level at or below its minimum, each with its refill planned by
 * core/stock.ts (a transfer from the warehouse for a truck, a purchase for what the warehouse
 * cannot give). GET /api/stock/reorder shows it; a purchase order drafted from it
 * (purchase-orders.ts) reads the same plan, so the screen and the draft never disagree.
 */
import { z } from '@hono/zod-openapi';
import { and, asc, eq, inArray, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import { planRefills, type ShortLevel } from '../../core/stock.ts';
import { parts, stockLevels, stockLocations } from '../../db/schema.ts';
import type { Db } from '../db.ts';
import { runBatch } from '../http/batch.ts';
import { ref } from '../http/fields.ts';
import { containsSql } from '../http/list.ts';
import { problemResponses } from '../http/resource.ts';
import { json, route, router } from '../http/router.ts';

/** At or below a non-zero reorder point (the minimum). 0 means "not tracked": an empty shelf without one raises no alert. */
export const belowReorder = sql`(${stockLevels.reorderPoint} > 0 and ${stockLevels.quantity} <= ${stockLevels.reorderPoint})`;

/** More than this many short levels is a list nobody reads whole: the answer says it was cut. */
const MAX_LINES = 1000;

const kind = z.enum(['warehouse', 'truck']);

const ReorderLine = z
  .object({
    partId: z.string(),
    partSku: z.string(),
    partName: z.string(),
    partUnit: z.string(),
    partCostCents: z.number().int(),
    locationId: z.string(),
    locationName: z.string(),
    locationKind: kind,
    quantity: z.number().int(),
    reorderPoint: z.number().int(),
    reorderQuantity: z.number().int(),
    maxQuantity: z.number().int(),
    suggestedQuantity: z.number().int().openapi({ description: 'How many bring it back: up to the maximum, else the reorder quantity.' }),
    transferQuantity: z.number().int().openapi({ description: 'A truck: how many the warehouse can give (fromLocationId).' }),
    purchaseQuantity: z.number().int().openapi({ description: 'What is left to buy.' }),
    fromLocationId: z.string().nullable().openapi({ description: 'The warehouse holding the most of the part, for a truck.' }),
    fromLocationName: z.string().nullable(),
    fromQuantity: z.number().int().openapi({ description: 'On hand there now.' }),
  })
  .openapi('ReorderLine');

export type ReorderLine = z.infer<typeof ReorderLine>;

export const ReorderQuery = z.object({
  locationId: ref().optional().openapi({ description: 'Only this location’s short levels.' }),
  locationKind: kind.optional(),
  q: z.string().trim().min(1).max(100).optional().openapi({ description: "Search the part's name and SKU." }),
});

type Filter = z.infer<typeof ReorderQuery>;

/** The short levels, and the warehouses' stock of the parts trucks are short of: two statements for one batch. */
function statements(db: Db, orgId: string, f: Filter) {
  const where = and(
    eq(stockLevels.orgId, orgId),
    belowReorder,
    f.locationId ? eq(stockLevels.locationId, f.locationId) : undefined,
    f.locationKind ? eq(stockLocations.kind, f.locationKind) : undefined,
    f.q ? or(containsSql(parts.name, f.q), containsSql(parts.sku, f.q)) : undefined,
  );
  const short = db
    .select({
      partId: stockLevels.partId,
      partSku: parts.sku,
      partName: parts.name,
      partUnit: parts.unit,
      partCostCents: parts.costCents,
      locationId: stockLevels.locationId,
      locationName: stockLocations.name,
      locationKind: stockLocations.kind,
      quantity: stockLevels.quantity,
      reorderPoint: stockLevels.reorderPoint,
      reorderQuantity: stockLevels.reorderQuantity,
      maxQuantity: stockLevels.maxQuantity,
    })
    .from(stockLevels)
    .innerJoin(parts, and(eq(parts.id, stockLevels.partId), eq(parts.orgId, stockLevels.orgId)))
    .innerJoin(stockLocations, and(eq(stockLocations.id, stockLevels.locationId), eq(stockLocations.orgId, stockLevels.orgId)))
    .where(where)
    // Warehouses first, then trucks by name: the order trucks share the warehouse's stock in.
    .orderBy(asc(sql`${stockLocations.kind} = 'truck'`), asc(stockLocations.name), asc(stockLocations.id), asc(parts.name), asc(parts.id))
    .limit(MAX_LINES + 1);
  const shortParts = db
    .select({ partId: stockLevels.partId })
    .from(stockLevels)
    .innerJoin(parts, and(eq(parts.id, stockLevels.partId), eq(parts.orgId, stockLevels.orgId)))
    .innerJoin(stockLocations, and(eq(stockLocations.id, stockLevels.locationId), eq(stockLocations.orgId, stockLevels.orgId)))
    .where(and(where, eq(stockLocations.kind, 'truck')));
  const house = alias(stockLocations, 'house');
  const warehouses = db
    .select({ partId: stockLevels.partId, locationId: stockLevels.locationId, locationName: house.name, quantity: stockLevels.quantity })
    .from(stockLevels)
    .innerJoin(house, and(eq(house.id, stockLevels.locationId), eq(house.orgId, stockLevels.orgId)))
    .where(and(eq(stockLevels.orgId, orgId), eq(house.kind, 'warehouse'), inArray(stockLevels.partId, shortParts)));
  return [short, warehouses] as const;
}

type ShortRow = Omit<
  ReorderLine,
  'suggestedQuantity' | 'transferQuantity' | 'purchaseQuantity' | 'fromLocationId' | 'fromLocationName' | 'fromQuantity'
>;
type WarehouseRow = { partId: string; locationId: string; locationName: string; quantity: number };

function readPlan(shortRows: ShortRow[], warehouseRows: WarehouseRow[]): { items: ReorderLine[]; truncated: boolean } {
  const truncated = shortRows.length > MAX_LINES;
  const short = truncated ? shortRows.slice(0, MAX_LINES) : shortRows;
  const plan = planRefills(short as ShortLevel[], warehouseRows);
  const at = new Map(warehouseRows.map((w) => [`${w.partId}/${w.locationId}`, w]));
  const items = short.map((l, i) => {
    const r = plan[i]!;
    const from = r.fromLocationId ? at.get(`${l.partId}/${r.fromLocationId}`) : undefined;
    return { ...l, ...r, fromLocationName: from?.locationName ?? null, fromQuantity: from?.quantity ?? 0 };
  });
  return { items, truncated };
}

/** The reorder list with its plan, in one batch. */
export async function readReorder(db: Db, orgId: string, f: Filter) {
  const [short, warehouses] = (await runBatch(db, [...statements(db, orgId, f)])) as [ShortRow[], WarehouseRow[]];
  return readPlan(short, warehouses);
}

export const reorderRoutes = router();

reorderRoutes.openapi(
  route({
    method: 'get',
    path: '/',
    tags: ['Stock'],
    summary: 'The reorder list: levels at or below their minimum, each with its suggested refill (transfer, purchase or both)',
    permission: 'stock.read',
    request: { query: ReorderQuery },
    responses: {
      200: json(
        z.object({
          items: z.array(ReorderLine),
          truncated: z.boolean().openapi({ description: `More than ${MAX_LINES} short levels: narrow it with locationId or q.` }),
        }),
        'The reorder list',
      ),
      ...problemResponses,
    },
  }),
  async (c) => c.json(await readReorder(c.get('db'), c.get('auth').orgId, c.req.valid('query')), 200),
);
