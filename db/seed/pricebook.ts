/**
 * The price book of an electrical contractor (services and the materials sold from stock),
 * the parts behind the materials, and stock levels in the warehouse and on every truck.
 * Prices are integer cents; wire is sold and stocked by the foot.
 */
import type * as s from '../schema.ts';
import type { SeedContext } from './context.ts';
import { rngFor } from './prng.ts';

type PartRow = typeof s.parts.$inferInsert;
type PriceBookRow = typeof s.priceBookItems.$inferInsert;
type StockLevelRow = typeof s.stockLevels.$inferInsert;

interface ServiceDef {
  code: string;
  name: string;
  unit: string;
  price: number;
  cost: number;
  description?: string;
}

interface MaterialDef {
  sku: string;
  name: string;
  unit: string;
  cost: number;
  price: number;
  /** Typical quantity on a truck (0 = warehouse only) and in the warehouse. */
  truck: number;
  warehouse: number;
}

export const SERVICES: readonly ServiceDef[] = [
  {
    code: 'SVC-CALL',
    name: 'Service call',
    unit: 'visit',
    price: 12_900,
    cost: 4_500,
    description: 'Trip and first half hour of diagnosis.',
  },
  { code: 'SVC-TRBL-HR', name: 'Troubleshooting, per hour', unit: 'hour', price: 14_500, cost: 5_200 },
  { code: 'SVC-LABOR-HR', name: 'Electrician labour, per hour', unit: 'hour', price: 12_500, cost: 4_800 },
  { code: 'SVC-COMM-HR', name: 'Commercial maintenance, per hour', unit: 'hour', price: 15_500, cost: 5_600 },
  {
    code: 'SVC-PANEL-200',
    name: 'Panel upgrade to 200A',
    unit: 'job',
    price: 285_000,
    cost: 118_000,
    description: 'New 200A main panel and meter base, permit and inspection included.',
  },
  {
    code: 'SVC-EV-L2',
    name: 'EV charger install, level 2',
    unit: 'job',
    price: 89_500,
    cost: 31_000,
    description: 'Dedicated 50A circuit up to 30 ft from the panel; charger supplied by the customer.',
  },
  { code: 'SVC-GFCI', name: 'GFCI / outlet replacement', unit: 'each', price: 14_500, cost: 3_800 },
  {
    code: 'SVC-FAN',
    name: 'Ceiling fan install',
    unit: 'each',
    price: 22_500,
    cost: 7_200,
    description: 'On an existing ceiling box; fan supplied by the customer.',
  },
  { code: 'SVC-SURGE', name: 'Whole-home surge protector install', unit: 'job', price: 24_500, cost: 8_000 },
  {
    code: 'SVC-GEN-INT',
    name: 'Generator interlock install',
    unit: 'job',
    price: 69_500,
    cost: 24_000,
    description: 'Interlock kit and inlet box for a portable generator.',
  },
  { code: 'SVC-RECESS', name: 'Recessed light install, per fixture', unit: 'each', price: 16_500, cost: 5_500 },
  { code: 'SVC-SMOKE', name: 'Smoke / CO alarm install, per unit', unit: 'each', price: 9_500, cost: 2_800 },
  { code: 'SVC-GEN-MAINT', name: 'Standby generator maintenance', unit: 'visit', price: 29_500, cost: 9_500 },
];

export const MATERIALS: readonly MaterialDef[] = [
  { sku: 'BRK-15-1P', name: 'Breaker 15A single-pole', unit: 'each', cost: 850, price: 2_400, truck: 8, warehouse: 60 },
  { sku: 'BRK-20-1P', name: 'Breaker 20A single-pole', unit: 'each', cost: 900, price: 2_600, truck: 10, warehouse: 80 },
  { sku: 'BRK-20-DF', name: 'Breaker 20A dual-function AFCI/GFCI', unit: 'each', cost: 4_800, price: 8_900, truck: 4, warehouse: 30 },
  { sku: 'BRK-30-2P', name: 'Breaker 30A double-pole', unit: 'each', cost: 1_650, price: 4_200, truck: 4, warehouse: 30 },
  { sku: 'BRK-50-2P', name: 'Breaker 50A double-pole', unit: 'each', cost: 2_200, price: 5_400, truck: 3, warehouse: 24 },
  { sku: 'GFCI-15', name: 'GFCI receptacle 15A, tamper resistant', unit: 'each', cost: 1_650, price: 3_900, truck: 10, warehouse: 80 },
  { sku: 'GFCI-20', name: 'GFCI receptacle 20A, tamper resistant', unit: 'each', cost: 1_950, price: 4_500, truck: 8, warehouse: 60 },
  { sku: 'REC-15-TR', name: 'Duplex receptacle 15A, tamper resistant', unit: 'each', cost: 160, price: 900, truck: 20, warehouse: 200 },
  { sku: 'NEMA-1450', name: 'NEMA 14-50 receptacle', unit: 'each', cost: 1_200, price: 3_800, truck: 2, warehouse: 20 },
  { sku: 'WIRE-14-2', name: 'Wire 14/2 NM-B, per foot', unit: 'ft', cost: 52, price: 150, truck: 250, warehouse: 2_500 },
  { sku: 'WIRE-12-2', name: 'Wire 12/2 NM-B, per foot', unit: 'ft', cost: 78, price: 210, truck: 250, warehouse: 2_500 },
  { sku: 'WIRE-6-3', name: 'Wire 6/3 NM-B, per foot', unit: 'ft', cost: 420, price: 950, truck: 60, warehouse: 500 },
  { sku: 'BOX-1G-OW', name: 'Box, single-gang old work', unit: 'each', cost: 95, price: 450, truck: 20, warehouse: 200 },
  { sku: 'BOX-FAN', name: 'Box, fan-rated with brace', unit: 'each', cost: 1_250, price: 3_200, truck: 3, warehouse: 24 },
  { sku: 'WIRENUT-25', name: 'Wire connectors, assorted (pack of 25)', unit: 'pack', cost: 450, price: 1_200, truck: 6, warehouse: 60 },
  { sku: 'EMT-12', name: 'Conduit EMT 1/2 in, 10 ft stick', unit: 'stick', cost: 650, price: 1_600, truck: 6, warehouse: 80 },
  { sku: 'PVC-34', name: 'Conduit PVC sch. 40 3/4 in, 10 ft stick', unit: 'stick', cost: 550, price: 1_400, truck: 4, warehouse: 60 },
  {
    sku: 'SURGE-WH',
    name: 'Whole-home surge protective device, type 2',
    unit: 'each',
    cost: 8_900,
    price: 19_500,
    truck: 1,
    warehouse: 12,
  },
  { sku: 'GEN-INTLK', name: 'Generator interlock kit', unit: 'each', cost: 7_800, price: 16_500, truck: 0, warehouse: 10 },
  { sku: 'GEN-INLET-50', name: 'Generator power inlet box 50A', unit: 'each', cost: 9_200, price: 18_900, truck: 0, warehouse: 10 },
  { sku: 'ALARM-SMCO', name: 'Smoke / CO alarm, hardwired', unit: 'each', cost: 3_400, price: 7_900, truck: 4, warehouse: 36 },
  { sku: 'LED-6IN', name: 'LED recessed retrofit 6 in', unit: 'each', cost: 1_100, price: 3_500, truck: 8, warehouse: 120 },
];

export interface PriceBookPlan {
  parts: PartRow[];
  items: PriceBookRow[];
  /** Lookups by code and by SKU for the job generator. */
  itemByCode: Map<string, PriceBookRow & { id: string }>;
  partBySku: Map<string, PartRow & { id: string }>;
}

export function demoPriceBook(ctx: SeedContext): PriceBookPlan {
  const rng = rngFor(ctx.seed, 'pricebook');
  const created = ctx.at(ctx.day(-360), '10:00');
  const base = { orgId: ctx.orgId, createdAt: created, updatedAt: created };
  const parts: (PartRow & { id: string })[] = MATERIALS.map((m) => ({
    ...base,
    id: rng.uuid(),
    sku: m.sku,
    name: m.name,
    unit: m.unit,
    costCents: m.cost,
  }));
  const services = SERVICES.map((v) => ({
    ...base,
    id: rng.uuid(),
    kind: 'service' as const,
    code: v.code,
    name: v.name,
    description: v.description ?? null,
    unit: v.unit,
    unitPriceCents: v.price,
    costCents: v.cost,
    // Texas does not tax residential repair labour; the demo treats all labour that way.
    taxable: false,
    partId: null,
    active: true,
  }));
  const materials = MATERIALS.map((m, i) => ({
    ...base,
    id: rng.uuid(),
    kind: 'material' as const,
    code: `MAT-${m.sku}`,
    name: m.name,
    description: null,
    unit: m.unit,
    unitPriceCents: m.price,
    costCents: m.cost,
    taxable: true,
    partId: parts[i]!.id,
    active: true,
  }));
  const items = [...services, ...materials];
  return {
    parts,
    items,
    itemByCode: new Map(items.map((it) => [it.code, it])),
    partBySku: new Map(parts.map((p) => [p.sku, p])),
  };
}

/**
 * Stock on hand: everything in the warehouse, the everyday parts on each truck. About one
 * truck level in eight and a few warehouse levels sit below their reorder point.
 */
export function demoStockLevels(ctx: SeedContext, book: PriceBookPlan, warehouseId: string, truckIds: readonly string[]): StockLevelRow[] {
  const rng = rngFor(ctx.seed, 'stock');
  const rows: StockLevelRow[] = [];
  const updatedAt = ctx.now - rng.int(1, 6) * 3_600_000;
  // Three warehouse lines are low: the open purchase order restocks them.
  const lowInWarehouse = new Set(['BRK-20-DF', 'GEN-INTLK', 'WIRE-6-3']);
  MATERIALS.forEach((m, i) => {
    const partId = book.parts[i]!.id!;
    const reorderPoint = Math.max(2, Math.round(m.warehouse * 0.3));
    const low = lowInWarehouse.has(m.sku);
    const quantity = low ? rng.int(0, reorderPoint - 1) : rng.int(reorderPoint + 1, Math.round(m.warehouse * 1.3));
    rows.push({ orgId: ctx.orgId, partId, locationId: warehouseId, quantity, reorderPoint, reorderQuantity: m.warehouse, updatedAt });
    if (m.truck === 0) return;
    for (const truckId of truckIds) {
      const point = Math.max(1, Math.round(m.truck * 0.4));
      const quantity = rng.chance(0.12) ? rng.int(0, point - 1) : rng.int(point, m.truck);
      // A truck refills up to its usual load (above its minimum even for a part it carries one of).
      const maxQuantity = Math.max(m.truck, point + 1);
      rows.push({
        orgId: ctx.orgId,
        partId,
        locationId: truckId,
        quantity,
        reorderPoint: point,
        reorderQuantity: m.truck,
        maxQuantity,
        updatedAt,
      });
    }
  });
  return rows;
}
