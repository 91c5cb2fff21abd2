/**
 * Where parts move: the level changes and the movement row that explains them, as one rule for
 * stock movements (stock.ts), part usage (part-usages.ts) and a purchase order received
 * (purchase-orders.ts), and the 409 an overdraw becomes.
 */
import { z } from '@hono/zod-openapi';
import { and, eq, sql, type SQL } from 'drizzle-orm';
import { type STOCK_MOVEMENT_REASONS, stockLevels, stockMovements } from '../../db/schema.ts';
import type { Db } from '../db.ts';
import type { WriteContext } from '../http/resource.ts';
import { constraintFailed, insertIf } from '../http/batch.ts';
import { fieldProblem } from '../problem.ts';

/** At most this many of a part in one movement: a typo guard, far above any real delivery. */
export const MAX_QUANTITY = 1_000_000;
export const quantity = () => z.number().int('Whole units.').min(1, 'At least 1.').max(MAX_QUANTITY);

/** Adds to a level, creating it when the part was never kept there. `when` makes it conditional. */
function addStock(db: Db, orgId: string, partId: string, locationId: string, qty: number, now: number, when?: SQL) {
  const row = { orgId, partId, locationId, quantity: qty, reorderPoint: 0, reorderQuantity: 0, updatedAt: now };
  const upsert = {
    target: [stockLevels.partId, stockLevels.locationId],
    set: { quantity: sql`${stockLevels.quantity} + excluded.quantity`, updatedAt: now },
  };
  return when
    ? insertIf(db, stockLevels, row, when).onConflictDoUpdate(upsert)
    : db.insert(stockLevels).values(row).onConflictDoUpdate(upsert);
}

/**
 * Takes from a level. A missing level is first created at zero, so taking from a place that
 * never had the part breaks the CHECK constraint like any other overdraw (and rolls back,
 * zero row included). `when` makes it conditional.
 */
function takeStock(db: Db, orgId: string, partId: string, locationId: string, qty: number, now: number, when?: SQL) {
  const zero = { orgId, partId, locationId, quantity: 0, updatedAt: now };
  return [
    (when ? insertIf(db, stockLevels, zero, when) : db.insert(stockLevels).values(zero)).onConflictDoNothing(),
    db
      .update(stockLevels)
      .set({ quantity: sql`${stockLevels.quantity} - ${qty}`, updatedAt: now })
      .where(and(eq(stockLevels.orgId, orgId), eq(stockLevels.partId, partId), eq(stockLevels.locationId, locationId), when)),
  ];
}

/** What moves: a part, out of `from` (a use, a transfer), into `to` (a delivery, a transfer), or both, and why. */
export interface StockMove {
  partId: string;
  from: string | null;
  to: string | null;
  quantity: number;
  reason: (typeof STOCK_MOVEMENT_REASONS)[number];
  jobId?: string | null;
  purchaseOrderId?: string | null;
  /** Why, in the person's words (an adjustment's reason). */
  note?: string | null;
}

/**
 * Parts moving, as one rule for every module that moves them (stock movements, part usage, a
 * purchase order received): the levels it changes and the movement row that explains them, by
 * the request's user at its clock reading. With `when`, none of it happens unless that holds (a
 * purchase order still 'ordered'). Run `statements` in one batch; read a failure with
 * overdrawProblem.
 */
export function moveStock(ctx: WriteContext, m: StockMove, when?: SQL) {
  const { db, auth, now } = ctx;
  const movement = {
    id: crypto.randomUUID(),
    orgId: auth.orgId,
    partId: m.partId,
    fromLocationId: m.from,
    toLocationId: m.to,
    quantity: m.quantity,
    reason: m.reason,
    jobId: m.jobId ?? null,
    purchaseOrderId: m.purchaseOrderId ?? null,
    note: m.note ?? null,
    actorUserId: auth.userId,
    at: now,
  };
  return {
    movement,
    statements: [
      ...(m.from ? takeStock(db, auth.orgId, m.partId, m.from, m.quantity, now, when) : []),
      ...(m.to ? [addStock(db, auth.orgId, m.partId, m.to, m.quantity, now, when)] : []),
      when ? insertIf(db, stockMovements, movement, when) : db.insert(stockMovements).values(movement),
    ],
  };
}

/** A failed batch that overdrew a level becomes a 409 naming `quantity`, saying what is on hand. */
export async function overdrawProblem(err: unknown, db: Db, orgId: string, partId: string, locationId: string): Promise<unknown> {
  if (!constraintFailed(err, 'CHECK', 'stock_levels_quantity_nonnegative')) return err;
  const [level] = await db
    .select({ quantity: stockLevels.quantity })
    .from(stockLevels)
    .where(and(eq(stockLevels.orgId, orgId), eq(stockLevels.partId, partId), eq(stockLevels.locationId, locationId)));
  return fieldProblem(409, 'quantity', 'body', `Not enough stock: ${level?.quantity ?? 0} on hand at that location; nothing was changed.`);
}
