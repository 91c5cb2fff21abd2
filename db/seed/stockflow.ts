/**
 * How stock moved over the two weeks: parts used on jobs, morning restocks from the warehouse
 * to the trucks, one cycle-count adjustment, and purchase orders (one received, one on order
 * for the warehouse lines below their reorder point, one draft).
 */
import type * as s from '../schema.ts';
import { MINUTE, type SeedContext } from './context.ts';
import type { UsagePlan } from './billing.ts';
import { USER_IDS, type TechPlan } from './people.ts';
import { MATERIALS, type PriceBookPlan } from './pricebook.ts';
import { rngFor } from './prng.ts';

type PartUsageRow = typeof s.partUsages.$inferInsert;
type MovementRow = typeof s.stockMovements.$inferInsert;
type PoRow = typeof s.purchaseOrders.$inferInsert;
type PoLineRow = typeof s.purchaseOrderLines.$inferInsert;
type StockLevelRow = typeof s.stockLevels.$inferInsert;

export interface StockFlow {
  partUsages: PartUsageRow[];
  movements: MovementRow[];
  purchaseOrders: PoRow[];
  purchaseOrderLines: PoLineRow[];
}

export function demoStockFlow(
  ctx: SeedContext,
  book: PriceBookPlan,
  levels: readonly StockLevelRow[],
  warehouseId: string,
  techs: readonly TechPlan[],
  usages: readonly UsagePlan[],
): StockFlow {
  const rng = rngFor(ctx.seed, 'stockflow');
  const out: StockFlow = { partUsages: [], movements: [], purchaseOrders: [], purchaseOrderLines: [] };
  const org = ctx.orgId;
  const part = (sku: string) => book.partBySku.get(sku)!;

  for (const u of usages) {
    out.partUsages.push({
      id: rng.uuid(),
      orgId: org,
      jobId: u.jobId,
      partId: u.partId,
      locationId: u.locationId,
      technicianId: u.technicianId,
      quantity: u.quantity,
      at: u.at,
    });
    out.movements.push({
      id: rng.uuid(),
      orgId: org,
      partId: u.partId,
      fromLocationId: u.locationId,
      toLocationId: null,
      quantity: u.quantity,
      reason: 'use',
      jobId: u.jobId,
      purchaseOrderId: null,
      actorUserId: u.actorUserId,
      at: u.at,
    });
  }

  // Morning restocks: a technician tops up the truck before the first job.
  const truckSkus = MATERIALS.filter((m) => m.truck > 0);
  for (let i = 0; i < 12; i++) {
    const tech = rng.pick(techs);
    const m = rng.pick(truckSkus);
    out.movements.push({
      id: rng.uuid(),
      orgId: org,
      partId: part(m.sku).id,
      fromLocationId: warehouseId,
      toLocationId: tech.truckId,
      quantity: Math.max(1, Math.round(m.truck / 2)),
      reason: 'transfer',
      jobId: null,
      purchaseOrderId: null,
      actorUserId: tech.userId ?? USER_IDS.admin,
      at: ctx.at(ctx.day(-rng.int(1, 7)), '06:45') + rng.int(0, 20) * MINUTE,
    });
  }
  out.movements.push({
    id: rng.uuid(),
    orgId: org,
    partId: part('WIRE-14-2').id,
    fromLocationId: warehouseId,
    toLocationId: null,
    quantity: 35,
    reason: 'adjust',
    jobId: null,
    purchaseOrderId: null,
    actorUserId: USER_IDS.admin,
    note: 'Cycle count: 35 ft short on the spool',
    at: ctx.at(ctx.day(-4), '16:10'),
  });

  const po = (
    number: number,
    supplier: string,
    status: PoRow['status'],
    lines: { sku: string; quantity: number }[],
    times: { created: number; ordered?: number; received?: number },
    notes: string | null,
  ) => {
    const id = rng.uuid();
    const rows = lines.map((l) => ({
      id: rng.uuid(),
      orgId: org,
      purchaseOrderId: id,
      partId: part(l.sku).id,
      quantity: l.quantity,
      unitCostCents: part(l.sku).costCents,
      receivedQuantity: status === 'received' ? l.quantity : 0,
    }));
    out.purchaseOrderLines.push(...rows);
    out.purchaseOrders.push({
      id,
      orgId: org,
      number,
      supplier,
      status,
      locationId: warehouseId,
      orderedAt: times.ordered ?? null,
      receivedAt: times.received ?? null,
      totalCents: rows.reduce((sum, r) => sum + r.quantity * r.unitCostCents, 0),
      notes,
      createdAt: times.created,
      updatedAt: times.received ?? times.ordered ?? times.created,
    });
    return { id, rows };
  };

  const reorderQty = (sku: string) => MATERIALS.find((m) => m.sku === sku)!.warehouse;
  const received = ctx.at(ctx.day(-6), '13:30');
  const first = po(
    1,
    'Crescent Electric Supply, Austin',
    'received',
    ['WIRE-12-2', 'GFCI-15', 'BRK-20-1P', 'REC-15-TR', 'LED-6IN'].map((sku) => ({ sku, quantity: reorderQty(sku) })),
    { created: ctx.at(ctx.day(-9), '09:40'), ordered: ctx.at(ctx.day(-9), '10:15'), received },
    null,
  );
  for (const line of first.rows) {
    out.movements.push({
      id: rng.uuid(),
      orgId: org,
      partId: line.partId,
      fromLocationId: null,
      toLocationId: warehouseId,
      quantity: line.quantity,
      reason: 'receive',
      jobId: null,
      purchaseOrderId: first.id,
      actorUserId: USER_IDS.admin,
      at: received,
    });
  }

  // The warehouse lines below their reorder point are on order.
  const low = levels.filter((l) => l.locationId === warehouseId && l.quantity < (l.reorderPoint ?? 0));
  const skuOf = new Map(book.parts.map((p) => [p.id, p.sku]));
  po(
    2,
    'Graybar, Austin',
    'ordered',
    low.map((l) => ({ sku: skuOf.get(l.partId)!, quantity: l.reorderQuantity ?? 1 })),
    { created: ctx.at(ctx.day(-1), '15:20'), ordered: ctx.at(ctx.day(-1), '15:40') },
    'Restock: lines below reorder point.',
  );
  po(
    3,
    'Summit Electric Supply',
    'draft',
    [
      { sku: 'BOX-FAN', quantity: 24 },
      { sku: 'ALARM-SMCO', quantity: 36 },
    ],
    { created: ctx.now - 2 * 60 * MINUTE },
    'Waiting on a quote for the alarms.',
  );
  return out;
}
