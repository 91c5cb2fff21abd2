import { describe, expect, it } from 'vitest';
import { addDays, localDateOf } from '../../core/time.ts';
import { api, count, dbFingerprint, expectProblem, fx, sql } from './helpers.ts';

const tag = () => crypto.randomUUID().slice(0, 8);

async function newPart(actor: 'a.admin' | 'b.admin' = 'a.admin') {
  const r = await api(actor, 'POST', '/parts', { sku: `STK-${tag()}`, name: `Stock test ${tag()}` });
  expect(r.status).toBe(201);
  return r.body.id as string;
}

async function newLocation(kind: 'warehouse' | 'truck', actor: 'a.admin' | 'b.admin' = 'a.admin') {
  const r = await api(actor, 'POST', '/stock/locations', { kind, name: `${kind} ${tag()}` });
  expect(r.status).toBe(201);
  return r.body.id as string;
}

/** What the database holds, read straight from libSQL (missing level = null). */
async function onHand(partId: string, locationId: string): Promise<number | null> {
  const r = await sql.execute({
    sql: 'select quantity from stock_levels where part_id = ? and location_id = ?',
    args: [partId, locationId],
  });
  return r.rows.length ? Number(r.rows[0]!.quantity) : null;
}

const move = (body: Record<string, unknown>, actor: 'a.admin' | 'a.dispatcher' | 'b.admin' = 'a.dispatcher') =>
  api(actor, 'POST', '/stock/movements', body);

describe('stock locations', () => {
  it('creates, renames, filters, and keeps the kind', async () => {
    const t = tag();
    const truck = await api('a.admin', 'POST', '/stock/locations', { kind: 'truck', name: `Truck ${t}` });
    expect(truck.status).toBe(201);
    const renamed = await api('a.dispatcher', 'PATCH', `/stock/locations/${truck.body.id}`, { name: `Truck ${t} (van)` });
    expect(renamed.body).toMatchObject({ kind: 'truck', name: `Truck ${t} (van)` });
    expectProblem(await api('a.dispatcher', 'PATCH', `/stock/locations/${truck.body.id}`, { kind: 'warehouse' }), 422, 'kind');
    expect((await api('a.technician', 'GET', `/stock/locations/${truck.body.id}?fields=name`)).body).toEqual({ name: `Truck ${t} (van)` });
    const trucks = await api('a.technician', 'GET', `/stock/locations?kind=truck&q=${t}&fields=id`);
    expect(trucks.body.items).toEqual([{ id: truck.body.id }]);
    expect((await api('a.technician', 'GET', `/stock/locations?kind=warehouse&q=${t}`)).body.items).toEqual([]);
    expect(await count('audit_events', "entity = 'stock location' and entity_id = ?", [truck.body.id])).toBe(2);
  });

  it('refuses bad input and other orgs', async () => {
    const before = await dbFingerprint();
    expectProblem(await api('a.admin', 'POST', '/stock/locations', { kind: 'van', name: 'x' }), 422, 'kind');
    expectProblem(await api('a.admin', 'POST', '/stock/locations', { kind: 'truck' }), 422, 'name');
    expectProblem(await api('a.admin', 'POST', '/stock/locations', { kind: 'truck', name: 'x'.repeat(10_000) }), 422, 'name');
    expectProblem(await api('a.technician', 'POST', '/stock/locations', { kind: 'truck', name: 'x' }), 403);
    expectProblem(await api('b.admin', 'GET', `/stock/locations/${fx.a.truckId}`), 404);
    expectProblem(await api('b.admin', 'PATCH', `/stock/locations/${fx.a.truckId}`, { name: 'stolen' }), 404);
    expect(await dbFingerprint()).toBe(before);
    const listed = (await api('b.admin', 'GET', '/stock/locations?limit=200')).body.items.map((l: { id: string }) => l.id);
    expect(listed).toContain(fx.b.truckId);
    expect(listed).not.toContain(fx.a.truckId);
  });
});

describe('stock movements', () => {
  it('receives, transfers and adjusts, each changing levels with its movement', async () => {
    const part = await newPart();
    const warehouse = await newLocation('warehouse');
    const truck = await newLocation('truck');

    const received = await move({
      partId: part,
      toLocationId: warehouse,
      quantity: 20,
      reason: 'receive',
      note: 'PO by phone <b>urgent</b>',
    });
    expect(received.status).toBe(201);
    expect(received.body).toMatchObject({
      partId: part,
      fromLocationId: null,
      toLocationId: warehouse,
      quantity: 20,
      reason: 'receive',
      actorUserId: fx.a.userIds.dispatcher,
    });
    expect(await onHand(part, warehouse)).toBe(20);

    expect((await move({ partId: part, fromLocationId: warehouse, toLocationId: truck, quantity: 7, reason: 'transfer' })).status).toBe(
      201,
    );
    expect(await onHand(part, warehouse)).toBe(13);
    expect(await onHand(part, truck)).toBe(7);

    expect((await move({ partId: part, fromLocationId: truck, quantity: 2, reason: 'adjust', note: 'Count found 5' })).status).toBe(201);
    const found = await move({ partId: part, toLocationId: warehouse, quantity: 1, reason: 'adjust', note: 'One found behind the shelf' });
    expect(found.status).toBe(201);
    expect(found.body.note).toBe('One found behind the shelf');
    expect((await api('a.technician', 'GET', `/stock/movements/${found.body.id}?fields=note`)).body).toEqual({
      note: 'One found behind the shelf',
    });
    expect(await onHand(part, truck)).toBe(5);
    expect(await onHand(part, warehouse)).toBe(14);

    // The note has no column of its own; it is kept with the movement's audit event.
    const audit = await sql.execute({
      sql: "select after from audit_events where entity = 'stock_movement' and entity_id = ?",
      args: [received.body.id],
    });
    expect(JSON.parse(String(audit.rows[0]!.after)).note).toBe('PO by phone <b>urgent</b>');

    const list = await api('a.technician', 'GET', `/stock/movements?partId=${part}&sort=at`);
    expect(list.body.items.map((m: { reason: string; quantity: number }) => `${m.reason}:${m.quantity}`)).toEqual([
      'receive:20',
      'transfer:7',
      'adjust:2',
      'adjust:1',
    ]);
    const atTruck = await api('a.technician', 'GET', `/stock/movements?locationId=${truck}&fields=reason`);
    expect(atTruck.body.items).toEqual([{ reason: 'adjust' }, { reason: 'transfer' }]);
    const transfers = await api('a.technician', 'GET', `/stock/movements?partId=${part}&reason=transfer&fields=quantity`);
    expect(transfers.body.items).toEqual([{ quantity: 7 }]);
    const detail = await api('a.technician', 'GET', `/stock/movements/${received.body.id}`);
    expect(detail.body).toEqual(received.body);
  });

  it('refuses an overdraw with a 409 naming quantity and changes nothing, not even the other side', async () => {
    const part = await newPart();
    const warehouse = await newLocation('warehouse');
    const truck = await newLocation('truck');
    await move({ partId: part, toLocationId: warehouse, quantity: 4, reason: 'receive' });
    const before = await dbFingerprint();
    const over = await move({ partId: part, fromLocationId: warehouse, toLocationId: truck, quantity: 5, reason: 'transfer' });
    expectProblem(over, 409, 'quantity');
    expect(over.body.detail).toContain('4 on hand');
    // A place that never had the part has nothing to give.
    expectProblem(
      await move({ partId: part, fromLocationId: truck, toLocationId: warehouse, quantity: 1, reason: 'transfer' }),
      409,
      'quantity',
    );
    expectProblem(await move({ partId: part, fromLocationId: truck, quantity: 1, reason: 'adjust', note: 'Damaged' }), 409, 'quantity');
    expect(await dbFingerprint()).toBe(before);
    expect(await onHand(part, truck)).toBeNull();
    expect(await onHand(part, warehouse)).toBe(4);
  });

  it('never goes negative when transfers race', async () => {
    const part = await newPart();
    const warehouse = await newLocation('warehouse');
    const truck = await newLocation('truck');
    await move({ partId: part, toLocationId: warehouse, quantity: 10, reason: 'receive' });
    const results = await Promise.all(
      Array.from({ length: 6 }, () =>
        move({ partId: part, fromLocationId: warehouse, toLocationId: truck, quantity: 3, reason: 'transfer' }),
      ),
    );
    const ok = results.filter((r) => r.status === 201).length;
    for (const r of results.filter((x) => x.status !== 201)) expectProblem(r, 409, 'quantity');
    expect(ok).toBe(3);
    expect(await onHand(part, warehouse)).toBe(1);
    expect(await onHand(part, truck)).toBe(9);
    expect(await count('stock_movements', "part_id = ? and reason = 'transfer'", [part])).toBe(3);
  });

  it('checks which locations each reason needs, and every field', async () => {
    const part = await newPart();
    const before = await dbFingerprint();
    const w = fx.a.warehouseId;
    const t = fx.a.truckId;
    expectProblem(await move({ partId: part, quantity: 1, reason: 'receive' }), 422, 'toLocationId');
    expectProblem(await move({ partId: part, fromLocationId: w, toLocationId: t, quantity: 1, reason: 'receive' }), 422, 'fromLocationId');
    expectProblem(await move({ partId: part, toLocationId: t, quantity: 1, reason: 'transfer' }), 422, 'fromLocationId');
    expectProblem(await move({ partId: part, fromLocationId: w, toLocationId: w, quantity: 1, reason: 'transfer' }), 422, 'toLocationId');
    expectProblem(await move({ partId: part, fromLocationId: w, toLocationId: t, quantity: 1, reason: 'adjust' }), 422, 'toLocationId');
    expectProblem(await move({ partId: part, quantity: 1, reason: 'adjust' }), 422, 'fromLocationId');
    // An adjustment says why.
    expectProblem(await move({ partId: part, toLocationId: w, quantity: 1, reason: 'adjust' }), 422, 'note');
    expectProblem(await move({ partId: part, toLocationId: w, quantity: 1, reason: 'adjust', note: '   ' }), 422, 'note');
    expectProblem(await move({ partId: part, fromLocationId: w, quantity: 1, reason: 'use' }), 422, 'reason');
    expectProblem(await move({ partId: part, toLocationId: w, quantity: 0, reason: 'receive' }), 422, 'quantity');
    expectProblem(await move({ partId: part, toLocationId: w, quantity: -3, reason: 'receive' }), 422, 'quantity');
    expectProblem(await move({ partId: part, toLocationId: w, quantity: 1.5, reason: 'receive' }), 422, 'quantity');
    expectProblem(await move({ partId: part, toLocationId: w, quantity: '2', reason: 'receive' }), 422, 'quantity');
    expectProblem(await move({ partId: part, toLocationId: w, quantity: 1, reason: 'receive', note: 'n'.repeat(5000) }), 422, 'note');
    expectProblem(await move({ partId: part, toLocationId: w, quantity: 1, reason: 'receive', at: 0 }), 422, 'at');
    expectProblem(await move({ toLocationId: w, quantity: 1, reason: 'receive' }), 422, 'partId');
    expectProblem(await move({ partId: "x' or '1'='1", toLocationId: w, quantity: 1, reason: 'receive' }), 422, 'partId');
    expectProblem(await move({ partId: part, toLocationId: 'nowhere', quantity: 1, reason: 'receive' }), 422, 'toLocationId');
    expectProblem(
      await api('a.technician', 'POST', '/stock/movements', { partId: part, toLocationId: w, quantity: 1, reason: 'receive' }),
      403,
    );
    expectProblem(await api('a.dispatcher', 'GET', '/stock/movements?reason=stolen'), 400, 'reason');
    expectProblem(await api('a.dispatcher', 'GET', '/stock/movements?from=2026-02-30'), 400, 'from');
    expectProblem(await api('a.dispatcher', 'GET', '/stock/movements?from=2026-03-02&to=2026-03-01'), 400, 'to');
    expectProblem(await api('a.dispatcher', 'GET', '/stock/movements?cursor=bm9wZQ'), 400, 'cursor');
    expect(await dbFingerprint()).toBe(before);
  });

  it('filters by local date in the org timezone and paginates', async () => {
    const part = await newPart();
    for (let i = 1; i <= 5; i++)
      expect((await move({ partId: part, toLocationId: fx.a.warehouseId, quantity: i, reason: 'receive' })).status).toBe(201);
    const today = localDateOf(Date.now(), 'America/Chicago');
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const r: any = await api(
        'a.dispatcher',
        'GET',
        `/stock/movements?partId=${part}&from=${today}&to=${today}&limit=2&fields=quantity${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(r.status).toBe(200);
      seen.push(...r.body.items.map((m: { quantity: number }) => m.quantity));
      cursor = r.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([5, 4, 3, 2, 1]);
    expect((await api('a.dispatcher', 'GET', `/stock/movements?partId=${part}&to=${addDays(today, -1)}`)).body.items).toEqual([]);
    expect((await api('a.dispatcher', 'GET', `/stock/movements?partId=${part}&from=${addDays(today, 1)}`)).body.items).toEqual([]);
  });

  it('keeps orgs apart', async () => {
    const part = await newPart();
    const mine = await move({ partId: part, toLocationId: fx.a.warehouseId, quantity: 3, reason: 'receive' });
    const before = await dbFingerprint();
    expectProblem(
      await move({ partId: fx.a.partId, toLocationId: fx.b.warehouseId, quantity: 1, reason: 'receive' }, 'b.admin'),
      422,
      'partId',
    );
    expectProblem(
      await move({ partId: fx.b.partId, toLocationId: fx.a.warehouseId, quantity: 1, reason: 'receive' }, 'b.admin'),
      422,
      'toLocationId',
    );
    expectProblem(
      await move(
        { partId: fx.b.partId, fromLocationId: fx.a.warehouseId, toLocationId: fx.b.truckId, quantity: 1, reason: 'transfer' },
        'b.admin',
      ),
      422,
      'fromLocationId',
    );
    expectProblem(await api('b.admin', 'GET', `/stock/movements/${mine.body.id}`), 404);
    expectProblem(
      await api('b.admin', 'PATCH', '/stock/levels', { partId: fx.a.partId, locationId: fx.a.truckId, reorderPoint: 0 }),
      422,
      'partId',
    );
    expect(await dbFingerprint()).toBe(before);
    expect((await api('b.admin', 'GET', `/stock/movements?partId=${part}`)).body.items).toEqual([]);
    expect((await api('b.admin', 'GET', `/stock/levels?partId=${fx.a.partId}`)).body.items).toEqual([]);
    const levels = (await api('b.admin', 'GET', '/stock/levels?limit=200')).body.items;
    expect(levels.every((l: { partId: string }) => l.partId !== fx.a.partId)).toBe(true);
  });
});

describe('stock levels', () => {
  it('lists levels with part and location, and the reorder alerts', async () => {
    const part = await newPart();
    const warehouse = await newLocation('warehouse');
    const truck = await newLocation('truck');
    await move({ partId: part, toLocationId: warehouse, quantity: 30, reason: 'receive' });
    await move({ partId: part, fromLocationId: warehouse, toLocationId: truck, quantity: 4, reason: 'transfer' });

    const set = await api('a.dispatcher', 'PATCH', '/stock/levels', {
      partId: part,
      locationId: truck,
      reorderPoint: 5,
      reorderQuantity: 12,
    });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({
      partId: part,
      locationId: truck,
      quantity: 4,
      reorderPoint: 5,
      reorderQuantity: 12,
      belowReorder: true,
      locationKind: 'truck',
    });
    expect(await count('audit_events', "entity = 'stock_level' and entity_id = ?", [`${part}/${truck}`])).toBe(1);

    const all = await api('a.technician', 'GET', `/stock/levels?partId=${part}&sort=locationName`);
    expect(all.status).toBe(200);
    const byLocation = Object.fromEntries(all.body.items.map((l: { locationId: string }) => [l.locationId, l]));
    expect(byLocation[warehouse]).toMatchObject({ quantity: 26, belowReorder: false, reorderPoint: 0 });
    expect(byLocation[truck].partSku).toMatch(/^STK-/);
    expect(byLocation[truck].partName).toMatch(/^Stock test /);
    expect(byLocation[truck].locationName).toMatch(/^truck /);

    const alerts = await api(
      'a.technician',
      'GET',
      `/stock/levels?belowReorder=true&partId=${part}&fields=locationId,quantity,reorderQuantity`,
    );
    expect(alerts.body.items).toEqual([{ locationId: truck, quantity: 4, reorderQuantity: 12 }]);
    // The fixture truck holds 3 breakers against a reorder point of 5.
    const fixtureAlert = await api('a.technician', 'GET', `/stock/levels?belowReorder=true&locationId=${fx.a.truckId}&fields=partId`);
    expect(fixtureAlert.body.items).toContainEqual({ partId: fx.a.partId });
    expect((await api('a.technician', 'GET', `/stock/levels?belowReorder=false&partId=${part}&fields=locationId`)).body.items).toEqual([
      { locationId: warehouse },
    ]);

    // Topping the truck up clears its alert.
    await move({ partId: part, fromLocationId: warehouse, toLocationId: truck, quantity: 12, reason: 'transfer' });
    expect((await api('a.technician', 'GET', `/stock/levels?belowReorder=true&partId=${part}`)).body.items).toEqual([]);
  });

  it('starts an empty level when a reorder point is set where the part was never kept', async () => {
    const part = await newPart();
    const truck = await newLocation('truck');
    const set = await api('a.admin', 'PATCH', '/stock/levels', { partId: part, locationId: truck, reorderPoint: 2 });
    expect(set.body).toMatchObject({ quantity: 0, reorderPoint: 2, reorderQuantity: 0, belowReorder: true });
    const same = await api('a.admin', 'PATCH', '/stock/levels', { partId: part, locationId: truck, reorderPoint: 2 });
    expect(same.status).toBe(200);
    expect(await count('audit_events', "entity = 'stock_level' and entity_id = ?", [`${part}/${truck}`])).toBe(1);
  });

  it('paginates levels with cursors in every sort', async () => {
    const part = await newPart();
    const places: string[] = [];
    for (let i = 0; i < 5; i++) {
      places.push(await newLocation('truck'));
      await move({ partId: part, toLocationId: places[i], quantity: 10 - i, reason: 'receive' });
    }
    for (const sort of ['quantity', '-quantity', 'locationName', 'partName', 'sku']) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const r: any = await api(
          'a.dispatcher',
          'GET',
          `/stock/levels?partId=${part}&limit=2&sort=${sort}${cursor ? `&cursor=${cursor}` : ''}`,
        );
        expect(r.status).toBe(200);
        seen.push(...r.body.items.map((l: { locationId: string }) => l.locationId));
        cursor = r.body.nextCursor;
      } while (cursor);
      expect(new Set(seen).size, sort).toBe(5);
      if (sort === 'quantity') expect(seen).toEqual([...places].reverse());
      if (sort === '-quantity') expect(seen).toEqual(places);
    }
  });

  it('refuses bad level input, changing nothing', async () => {
    const before = await dbFingerprint();
    const ok = { partId: fx.a.partId, locationId: fx.a.truckId };
    expectProblem(await api('a.dispatcher', 'PATCH', '/stock/levels', { ...ok, reorderPoint: -1 }), 422, 'reorderPoint');
    expectProblem(await api('a.dispatcher', 'PATCH', '/stock/levels', { ...ok, reorderQuantity: 'lots' }), 422, 'reorderQuantity');
    expectProblem(await api('a.dispatcher', 'PATCH', '/stock/levels', { ...ok, quantity: 500 }), 422, 'quantity');
    expectProblem(await api('a.dispatcher', 'PATCH', '/stock/levels', ok), 422, 'reorderPoint');
    expectProblem(await api('a.dispatcher', 'PATCH', '/stock/levels', { locationId: fx.a.truckId, reorderPoint: 1 }), 422, 'partId');
    expectProblem(
      await api('a.dispatcher', 'PATCH', '/stock/levels', { ...ok, locationId: fx.b.truckId, reorderPoint: 1 }),
      422,
      'locationId',
    );
    expectProblem(await api('a.technician', 'PATCH', '/stock/levels', { ...ok, reorderPoint: 1 }), 403);
    expectProblem(await api('a.dispatcher', 'GET', '/stock/levels?belowReorder=yes'), 400, 'belowReorder');
    expectProblem(await api('a.dispatcher', 'GET', '/stock/levels?sort=orgId'), 400, 'sort');
    expectProblem(await api('a.dispatcher', 'GET', '/stock/levels?fields=partId,orgId'), 400, 'fields');
    expectProblem(await api('a.dispatcher', 'GET', '/stock/levels?cursor=eyJzIjoicXVhbnRpdHkifQ'), 400, 'cursor');
    expectProblem(await api('a.dispatcher', 'GET', '/stock/levels?locationKind=van'), 400, 'locationKind');
    expectProblem(await api('a.dispatcher', 'GET', `/stock/levels?q=${'x'.repeat(101)}`), 400, 'q');
    expectProblem(await api('a.dispatcher', 'PATCH', '/stock/levels', { ...ok, maxQuantity: -1 }), 422, 'maxQuantity');
    // The fixture truck's minimum is 5: a maximum must be above it.
    expectProblem(await api('a.dispatcher', 'PATCH', '/stock/levels', { ...ok, maxQuantity: 5 }), 422, 'maxQuantity');
    expectProblem(await api('a.dispatcher', 'PATCH', '/stock/levels', { ...ok, reorderPoint: 9, maxQuantity: 8 }), 422, 'maxQuantity');
    expectProblem(await api('b.admin', 'PATCH', '/stock/levels', { ...ok, maxQuantity: 50 }), 422, 'partId');
    expect(await dbFingerprint()).toBe(before);
  });

  it("keeps each location's minimum and maximum, and searches by part and kind", async () => {
    const part = await newPart();
    const truck = await newLocation('truck');
    const set = await api('a.dispatcher', 'PATCH', '/stock/levels', { partId: part, locationId: truck, reorderPoint: 3, maxQuantity: 10 });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ quantity: 0, reorderPoint: 3, maxQuantity: 10, belowReorder: true });
    // Raising the minimum alone is checked against the stored maximum.
    expectProblem(
      await api('a.dispatcher', 'PATCH', '/stock/levels', { partId: part, locationId: truck, reorderPoint: 10 }),
      422,
      'reorderPoint',
    );
    expect(
      (await api('a.dispatcher', 'PATCH', '/stock/levels', { partId: part, locationId: truck, maxQuantity: 0 })).body.maxQuantity,
    ).toBe(0);
    const sku = (await api('a.admin', 'GET', `/parts/${part}?fields=sku`)).body.sku as string;
    for (const q of [sku, sku.toLowerCase().slice(2)]) {
      const found = await api('a.technician', 'GET', `/stock/levels?q=${encodeURIComponent(q)}&fields=partId,locationId,maxQuantity`);
      expect(found.body.items, q).toEqual([{ partId: part, locationId: truck, maxQuantity: 0 }]);
    }
    expect((await api('a.technician', 'GET', `/stock/levels?q=${sku}&locationKind=warehouse`)).body.items).toEqual([]);
    expect((await api('a.technician', 'GET', `/stock/levels?q=${sku}&locationKind=truck&fields=locationId`)).body.items).toEqual([
      { locationId: truck },
    ]);
  });

  it('answers every stock list and detail in at most 2 libSQL round trips', async () => {
    const m = await move({ partId: await newPart(), toLocationId: fx.a.warehouseId, quantity: 1, reason: 'receive' });
    for (const path of [
      '/stock/locations',
      `/stock/locations/${fx.a.truckId}`,
      '/stock/levels',
      '/stock/levels?belowReorder=true',
      '/stock/movements',
      `/stock/movements/${m.body.id}`,
      '/stock/reorder',
      `/stock/reorder?locationId=${fx.a.truckId}&q=BR`,
    ]) {
      const r = await api('a.technician', 'GET', path);
      expect(r.status, path).toBe(200);
      expect(r.roundTrips, path).toBeLessThanOrEqual(2);
    }
  });
});

describe('reorder list', () => {
  /** A part kept in one warehouse and two trucks, each below its minimum; the list narrowed to it by its SKU. */
  async function shortage() {
    const part = await newPart();
    const sku = (await api('a.admin', 'GET', `/parts/${part}?fields=sku`)).body.sku as string;
    const warehouse = await newLocation('warehouse');
    // Trucks share the warehouse's stock in name order.
    const t = tag();
    const truck1 = (await api('a.admin', 'POST', '/stock/locations', { kind: 'truck', name: `Reorder ${t} 1` })).body.id as string;
    const truck2 = (await api('a.admin', 'POST', '/stock/locations', { kind: 'truck', name: `Reorder ${t} 2` })).body.id as string;
    await move({ partId: part, toLocationId: warehouse, quantity: 7, reason: 'receive' });
    await move({ partId: part, fromLocationId: warehouse, toLocationId: truck1, quantity: 2, reason: 'transfer' });
    const limits = async (locationId: string, l: Record<string, number>) =>
      expect((await api('a.dispatcher', 'PATCH', '/stock/levels', { partId: part, locationId, ...l })).status).toBe(200);
    await limits(warehouse, { reorderPoint: 10, reorderQuantity: 20 });
    await limits(truck1, { reorderPoint: 3, maxQuantity: 10 });
    await limits(truck2, { reorderPoint: 2, maxQuantity: 4 });
    return { part, sku, warehouse, truck1, truck2 };
  }

  it('plans each short level: a truck from the warehouse, the rest bought', async () => {
    const { part, sku, warehouse, truck1, truck2 } = await shortage();
    const list = await api('a.technician', 'GET', `/stock/reorder?q=${sku}`);
    expect(list.status).toBe(200);
    expect(list.body.truncated).toBe(false);
    const pick = ({ locationId, quantity, suggestedQuantity, transferQuantity, purchaseQuantity, fromLocationId, fromQuantity }: any) => ({
      locationId,
      quantity,
      suggestedQuantity,
      transferQuantity,
      purchaseQuantity,
      fromLocationId,
      fromQuantity,
    });
    expect(list.body.items.map(pick)).toEqual([
      // The warehouse's own shortfall: its reorder quantity, bought.
      {
        locationId: warehouse,
        quantity: 5,
        suggestedQuantity: 20,
        transferQuantity: 0,
        purchaseQuantity: 20,
        fromLocationId: null,
        fromQuantity: 0,
      },
      // Truck 1 to its maximum of 10: the warehouse's 5 and 3 bought; truck 2 gets nothing from it.
      {
        locationId: truck1,
        quantity: 2,
        suggestedQuantity: 8,
        transferQuantity: 5,
        purchaseQuantity: 3,
        fromLocationId: warehouse,
        fromQuantity: 5,
      },
      {
        locationId: truck2,
        quantity: 0,
        suggestedQuantity: 4,
        transferQuantity: 0,
        purchaseQuantity: 4,
        fromLocationId: warehouse,
        fromQuantity: 5,
      },
    ]);
    expect(list.body.items[1]).toMatchObject({ partId: part, partSku: sku, partCostCents: 0, locationKind: 'truck', maxQuantity: 10 });
    expect((await api('a.technician', 'GET', `/stock/reorder?q=${sku}&locationId=${truck2}`)).body.items.map(pick)).toEqual([
      // Narrowed to one truck, the warehouse's stock is all its own.
      {
        locationId: truck2,
        quantity: 0,
        suggestedQuantity: 4,
        transferQuantity: 4,
        purchaseQuantity: 0,
        fromLocationId: warehouse,
        fromQuantity: 5,
      },
    ]);
    expect((await api('a.technician', 'GET', `/stock/reorder?q=${sku}&locationKind=warehouse`)).body.items.map(pick)).toHaveLength(1);

    // Refilling truck 1 as suggested takes it off the list.
    await move({ partId: part, fromLocationId: warehouse, toLocationId: truck1, quantity: 5, reason: 'transfer' });
    await move({ partId: part, toLocationId: truck1, quantity: 3, reason: 'receive' });
    const after = await api('a.technician', 'GET', `/stock/reorder?q=${sku}&locationKind=truck`);
    expect(after.body.items.map(pick)).toEqual([
      {
        locationId: truck2,
        quantity: 0,
        suggestedQuantity: 4,
        transferQuantity: 0,
        purchaseQuantity: 4,
        fromLocationId: warehouse,
        fromQuantity: 0,
      },
    ]);
  });

  it("drafts a purchase order from it: a line per part with what the warehouse cannot give, at the part's cost", async () => {
    const { part, warehouse, truck1, truck2 } = await shortage();
    await api('a.admin', 'PATCH', `/parts/${part}`, { costCents: 250 });
    const forTruck = await api('a.admin', 'POST', '/purchase-orders/from-reorder', {
      supplier: 'Refill Supply',
      locationId: warehouse,
      forLocationId: truck1,
    });
    expect(forTruck.status).toBe(201);
    expect(forTruck.body).toMatchObject({
      status: 'draft',
      supplier: 'Refill Supply',
      locationId: warehouse,
      totalCents: 750,
      notes: 'Drafted from the reorder list.',
      lines: [{ partId: part, quantity: 3, unitCostCents: 250, receivedQuantity: 0 }],
    });
    expect(await count('purchase_order_lines', 'purchase_order_id = ?', [forTruck.body.id])).toBe(1);

    // The whole list: every part that needs buying, this one's shortfalls added up (20 + 3 + 4).
    const all = await api('a.admin', 'POST', '/purchase-orders/from-reorder', { supplier: 'Refill Supply', locationId: warehouse });
    expect(all.status).toBe(201);
    expect(all.body.lines.filter((l: { partId: string }) => l.partId === part)).toEqual([
      expect.objectContaining({ quantity: 27, unitCostCents: 250 }),
    ]);
    const detail = await api('a.manager', 'GET', `/purchase-orders/${all.body.id}`);
    expect(detail.body.lines).toEqual(all.body.lines);

    // A truck the warehouse can refill alone gives nothing to buy.
    await move({ partId: part, toLocationId: warehouse, quantity: 20, reason: 'receive' });
    const before = await dbFingerprint();
    const nothing = await api('a.admin', 'POST', '/purchase-orders/from-reorder', {
      supplier: 'S',
      locationId: warehouse,
      forLocationId: truck2,
    });
    expectProblem(nothing, 409);
    expect(nothing.body.title).toBe('Nothing to order');
    expect(await dbFingerprint()).toBe(before);
  });

  it('refuses bad input, other roles and other orgs, changing nothing', async () => {
    const { truck1, warehouse } = await shortage();
    const before = await dbFingerprint();
    const ok = { supplier: 'S', locationId: warehouse, forLocationId: truck1 };
    const draft = (body: unknown, actor: 'a.admin' | 'a.dispatcher' | 'b.admin' = 'a.admin') =>
      api(actor, 'POST', '/purchase-orders/from-reorder', body);
    expectProblem(await draft({ ...ok, supplier: undefined }), 422, 'supplier');
    expectProblem(await draft({ ...ok, supplier: 'x'.repeat(201) }), 422, 'supplier');
    expectProblem(await draft({ ...ok, locationId: undefined }), 422, 'locationId');
    expectProblem(await draft({ ...ok, locationId: 'nowhere' }), 422, 'locationId');
    expectProblem(await draft({ ...ok, forLocationId: fx.b.truckId }), 422, 'forLocationId');
    expectProblem(await draft({ ...ok, lines: [] }), 422, 'lines');
    expectProblem(await draft(ok, 'a.dispatcher'), 403);
    // Org b names org a's locations: as if they did not exist.
    expectProblem(await draft(ok, 'b.admin'), 422, 'locationId');
    expectProblem(await draft({ ...ok, locationId: fx.b.warehouseId }, 'b.admin'), 422, 'forLocationId');
    expect(await dbFingerprint()).toBe(before);
    expectProblem(await api('a.technician', 'GET', '/stock/reorder?locationKind=van'), 400, 'locationKind');
    expectProblem(await api('a.technician', 'GET', '/stock/reorder?locationId='), 400, 'locationId');
    // Org b sees none of org a's short levels, even when it names them.
    const theirs = await api('b.admin', 'GET', `/stock/reorder?locationId=${truck1}`);
    expect(theirs.status).toBe(200);
    expect(theirs.body.items).toEqual([]);
    const all = await api('b.admin', 'GET', '/stock/reorder');
    expect(all.body.items.every((l: { locationId: string }) => l.locationId !== fx.a.truckId && l.locationId !== truck1)).toBe(true);
  });
});
