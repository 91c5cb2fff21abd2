import { describe, expect, it } from 'vitest';
import { limitsProblem, orderLines, planRefills, refillQuantity, type ShortLevel } from './stock.ts';

const level = (over: Partial<ShortLevel>): ShortLevel => ({
  partId: 'p1',
  locationId: 'truck-1',
  locationKind: 'truck',
  quantity: 2,
  reorderPoint: 3,
  reorderQuantity: 0,
  maxQuantity: 0,
  ...over,
});

describe('refillQuantity', () => {
  it('fills to the maximum, else by the reorder quantity, else to one above the minimum', () => {
    expect(refillQuantity(level({ maxQuantity: 10 }))).toBe(8);
    expect(refillQuantity(level({ maxQuantity: 10, reorderQuantity: 50 }))).toBe(8);
    expect(refillQuantity(level({ reorderQuantity: 5 }))).toBe(5);
    expect(refillQuantity(level({}))).toBe(2);
    expect(refillQuantity(level({ quantity: 0, reorderPoint: 0 }))).toBe(1);
  });
});

describe('limitsProblem', () => {
  it('wants a maximum above the minimum, or none', () => {
    expect(limitsProblem({ reorderPoint: 3, maxQuantity: 10 })).toBeNull();
    expect(limitsProblem({ reorderPoint: 3, maxQuantity: 0 })).toBeNull();
    expect(limitsProblem({ reorderPoint: 3, maxQuantity: 3 })).toMatch(/above the minimum/);
  });
});

describe('planRefills', () => {
  it('moves what the fullest warehouse has, buys the rest, and never gives the same units twice', () => {
    const short = [
      level({ locationId: 'truck-1', quantity: 2, maxQuantity: 10 }),
      level({ locationId: 'truck-2', quantity: 0, maxQuantity: 6 }),
      level({ locationId: 'wh-a', locationKind: 'warehouse', quantity: 1, reorderPoint: 5, reorderQuantity: 20 }),
      level({ partId: 'p2', locationId: 'truck-1', quantity: 1, maxQuantity: 4 }),
    ];
    const plan = planRefills(short, [
      { partId: 'p1', locationId: 'wh-a', quantity: 1 },
      { partId: 'p1', locationId: 'wh-b', quantity: 11 },
    ]);
    expect(plan).toEqual([
      { suggestedQuantity: 8, transferQuantity: 8, purchaseQuantity: 0, fromLocationId: 'wh-b' },
      { suggestedQuantity: 6, transferQuantity: 3, purchaseQuantity: 3, fromLocationId: 'wh-b' },
      { suggestedQuantity: 20, transferQuantity: 0, purchaseQuantity: 20, fromLocationId: null },
      // No warehouse keeps p2: all of it is bought.
      { suggestedQuantity: 3, transferQuantity: 0, purchaseQuantity: 3, fromLocationId: null },
    ]);
    expect(orderLines(short, plan)).toEqual([
      { partId: 'p1', quantity: 23 },
      { partId: 'p2', quantity: 3 },
    ]);
  });
});
