/**
 * Stock rules: a location's minimum and maximum, how many bring a level back, and where a
 * truck's refill comes from. The Worker plans the reorder list with them; the app checks a
 * minimum/maximum pair with the same words before it asks.
 *
 * A level below its minimum (reorder point) is filled up to its maximum when it has one, else by
 * its reorder quantity, else to one above the minimum. A truck draws from the warehouse first;
 * what the warehouse cannot give is bought. A warehouse's own shortfall is bought.
 */

export interface Limits {
  /** The minimum: at or below it, the level is on the reorder list. 0 = not tracked. */
  reorderPoint: number;
  /** How many to order when no maximum is set. */
  reorderQuantity: number;
  /** Fill up to this; 0 = no maximum. */
  maxQuantity: number;
}

/** Why a minimum/maximum pair cannot stand, or null when it can. */
export function limitsProblem(l: Pick<Limits, 'reorderPoint' | 'maxQuantity'>): string | null {
  if (l.maxQuantity > 0 && l.maxQuantity <= l.reorderPoint) return 'The maximum must be above the minimum (or 0 for none).';
  return null;
}

/** How many units bring a level that is on the reorder list back. */
export function refillQuantity(l: Limits & { quantity: number }): number {
  if (l.maxQuantity > 0) return Math.max(0, l.maxQuantity - l.quantity);
  if (l.reorderQuantity > 0) return l.reorderQuantity;
  return Math.max(0, l.reorderPoint + 1 - l.quantity);
}

/** A level on the reorder list, as the plan reads it. */
export interface ShortLevel extends Limits {
  partId: string;
  locationId: string;
  locationKind: 'warehouse' | 'truck';
  quantity: number;
}

/** A warehouse's stock of a part, a truck's possible source. */
export interface WarehouseStock {
  partId: string;
  locationId: string;
  quantity: number;
}

export interface Refill {
  /** What the level needs (refillQuantity). */
  suggestedQuantity: number;
  /** Moved from `fromLocationId` (trucks only). */
  transferQuantity: number;
  /** Left to buy. */
  purchaseQuantity: number;
  /** The warehouse the truck's refill comes from: the one holding the most of the part. */
  fromLocationId: string | null;
}

/**
 * The refill of each short level, in the order given: trucks share the warehouse's stock first
 * come, first served, so two trucks never count the same units.
 */
export function planRefills(short: readonly ShortLevel[], warehouses: readonly WarehouseStock[]): Refill[] {
  const source = new Map<string, { locationId: string; left: number }>();
  for (const w of warehouses) {
    const best = source.get(w.partId);
    if (!best || w.quantity > best.left || (w.quantity === best.left && w.locationId < best.locationId))
      source.set(w.partId, { locationId: w.locationId, left: w.quantity });
  }
  return short.map((l) => {
    const suggestedQuantity = refillQuantity(l);
    const from = l.locationKind === 'truck' ? source.get(l.partId) : undefined;
    const transferQuantity = from ? Math.min(suggestedQuantity, Math.max(0, from.left)) : 0;
    if (from) from.left -= transferQuantity;
    return {
      suggestedQuantity,
      transferQuantity,
      purchaseQuantity: suggestedQuantity - transferQuantity,
      fromLocationId: from?.locationId ?? null,
    };
  });
}

/** What to order for a plan: one line per part, the purchase quantities added up, in first-seen order. */
export function orderLines(short: readonly ShortLevel[], plan: readonly Refill[]): { partId: string; quantity: number }[] {
  const lines = new Map<string, number>();
  short.forEach((l, i) => {
    const q = plan[i]!.purchaseQuantity;
    if (q > 0) lines.set(l.partId, (lines.get(l.partId) ?? 0) + q);
  });
  return [...lines].map(([partId, quantity]) => ({ partId, quantity }));
}
