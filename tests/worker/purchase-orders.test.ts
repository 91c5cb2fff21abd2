import { describe, expect, it } from 'vitest';
import { localDateOf, addDays } from '../../core/time.ts';
import { api, count, dbFingerprint, expectProblem, fx, sql } from './helpers.ts';

const tag = () => crypto.randomUUID().slice(0, 8);

async function newPart(actor: 'a.admin' | 'b.admin' = 'a.admin') {
  const r = await api(actor, 'POST', '/parts', { sku: `PO-${tag()}`, name: `PO part ${tag()}`, costCents: 500 });
  expect(r.status).toBe(201);
  return r.body.id as string;
}

async function newWarehouse() {
  const r = await api('a.admin', 'POST', '/stock/locations', { kind: 'warehouse', name: `PO warehouse ${tag()}` });
  expect(r.status).toBe(201);
  return r.body.id as string;
}

async function onHand(partId: string, locationId: string): Promise<number | null> {
  const r = await sql.execute({
    sql: 'select quantity from stock_levels where part_id = ? and location_id = ?',
    args: [partId, locationId],
  });
  return r.rows.length ? Number(r.rows[0]!.quantity) : null;
}

const transition = (id: string, to: string, actor: 'a.admin' | 'b.admin' = 'a.admin') =>
  api(actor, 'POST', `/purchase-orders/${id}/transitions`, { to });

const receipt = (id: string, lines: unknown[], actor: 'a.admin' | 'a.dispatcher' | 'b.admin' = 'a.admin') =>
  api(actor, 'POST', `/purchase-orders/${id}/receipts`, { lines });

describe('purchase orders', () => {
  it('creates a draft with lines and totals, numbered per org', async () => {
    const [p1, p2] = [await newPart(), await newPart()];
    const warehouse = await newWarehouse();
    const supplier = `Graybar ${tag()}`;
    const first = await api('a.admin', 'POST', '/purchase-orders', {
      supplier,
      locationId: warehouse,
      notes: 'Dock 2 <b>only</b>',
      lines: [
        { partId: p1, quantity: 10, unitCostCents: 899 },
        { partId: p2, quantity: 3, unitCostCents: 12_50 },
      ],
    });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      supplier,
      status: 'draft',
      locationId: warehouse,
      totalCents: 10 * 899 + 3 * 1250,
      orderedAt: null,
      notes: 'Dock 2 <b>only</b>',
    });
    expect(first.body.lines.map((l: { partId: string; quantity: number }) => [l.partId, l.quantity])).toEqual([
      [p1, 10],
      [p2, 3],
    ]);
    const second = await api('a.admin', 'POST', '/purchase-orders', {
      supplier,
      locationId: warehouse,
      lines: [{ partId: p1, quantity: 1, unitCostCents: 1 }],
    });
    expect(second.body.number).toBeGreaterThan(first.body.number);
    expect(await count('audit_events', "entity = 'purchase order' and entity_id = ?", [first.body.id])).toBe(1);

    const detail = await api('a.manager', 'GET', `/purchase-orders/${first.body.id}`);
    expect(detail.status).toBe(200);
    expect(detail.body).toEqual(first.body);
    expect(detail.roundTrips).toBeLessThanOrEqual(2);

    const bySupplier = await api('a.manager', 'GET', `/purchase-orders?q=${encodeURIComponent(supplier)}&sort=number&fields=id,status`);
    expect(bySupplier.body.items).toEqual([
      { id: first.body.id, status: 'draft' },
      { id: second.body.id, status: 'draft' },
    ]);
    const today = localDateOf(Date.now(), 'America/Chicago');
    expect((await api('a.manager', 'GET', `/purchase-orders?locationId=${warehouse}&from=${today}&to=${today}`)).body.items).toHaveLength(
      2,
    );
    expect((await api('a.manager', 'GET', `/purchase-orders?locationId=${warehouse}&from=${addDays(today, 1)}`)).body.items).toHaveLength(
      0,
    );
    const pages: string[] = [];
    let cursor: string | null = null;
    do {
      const r: any = await api('a.manager', 'GET', `/purchase-orders?locationId=${warehouse}&limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      pages.push(...r.body.items.map((p: { id: string }) => p.id));
      cursor = r.body.nextCursor;
    } while (cursor);
    expect(pages).toEqual([second.body.id, first.body.id]);
  });

  it('edits only drafts; new lines replace the old and the total follows', async () => {
    const [p1, p2] = [await newPart(), await newPart()];
    const warehouse = await newWarehouse();
    const po = await api('a.admin', 'POST', '/purchase-orders', {
      supplier: 'Rexel',
      locationId: warehouse,
      lines: [{ partId: p1, quantity: 5, unitCostCents: 100 }],
    });
    const edited = await api('a.admin', 'PATCH', `/purchase-orders/${po.body.id}`, {
      supplier: 'Rexel North',
      lines: [{ partId: p2, quantity: 4, unitCostCents: 250 }],
    });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ supplier: 'Rexel North', totalCents: 1000 });
    expect(edited.body.lines.map((l: { partId: string }) => l.partId)).toEqual([p2]);
    expect(await count('purchase_order_lines', 'purchase_order_id = ?', [po.body.id])).toBe(1);
    const noop = await api('a.admin', 'PATCH', `/purchase-orders/${po.body.id}`, {});
    expect(noop.body.lines).toHaveLength(1);

    expect((await transition(po.body.id, 'ordered')).status).toBe(200);
    const before = await dbFingerprint();
    expectProblem(await api('a.admin', 'PATCH', `/purchase-orders/${po.body.id}`, { supplier: 'Too late' }), 409, 'status');
    expect(await dbFingerprint()).toBe(before);
  });

  it('orders, then receives: stock rises at its location with a receive movement per line', async () => {
    const [p1, p2] = [await newPart(), await newPart()];
    const warehouse = await newWarehouse();
    await api('a.dispatcher', 'POST', '/stock/movements', { partId: p1, toLocationId: warehouse, quantity: 2, reason: 'receive' });
    const po = await api('a.admin', 'POST', '/purchase-orders', {
      supplier: 'CED',
      locationId: warehouse,
      lines: [
        { partId: p1, quantity: 40, unitCostCents: 900 },
        { partId: p2, quantity: 6, unitCostCents: 300 },
      ],
    });
    const before = await dbFingerprint();
    expectProblem(await transition(po.body.id, 'received'), 409, 'to');
    expect(await dbFingerprint()).toBe(before);

    const ordered = await transition(po.body.id, 'ordered');
    expect(ordered.body).toMatchObject({ status: 'ordered' });
    expect(ordered.body.orderedAt).toBeGreaterThan(0);
    expect(await onHand(p1, warehouse)).toBe(2);

    const received = await transition(po.body.id, 'received');
    expect(received.status).toBe(200);
    expect(received.body).toMatchObject({ status: 'received' });
    expect(received.body.receivedAt).toBeGreaterThan(0);
    expect(await onHand(p1, warehouse)).toBe(42);
    expect(await onHand(p2, warehouse)).toBe(6);
    const moves = await api('a.dispatcher', 'GET', `/stock/movements?purchaseOrderId=${po.body.id}&sort=at`);
    expect(
      moves.body.items
        .map((m: { partId: string; quantity: number; reason: string; toLocationId: string }) => [
          m.partId,
          m.quantity,
          m.reason,
          m.toLocationId,
        ])
        .sort(),
    ).toEqual(
      [
        [p1, 40, 'receive', warehouse],
        [p2, 6, 'receive', warehouse],
      ].sort(),
    );

    const after = await dbFingerprint();
    expectProblem(await transition(po.body.id, 'received'), 409, 'to');
    expectProblem(await transition(po.body.id, 'cancelled'), 409, 'to');
    expect(await dbFingerprint()).toBe(after);
  });

  it('receives once even when two receives race', async () => {
    const part = await newPart();
    const warehouse = await newWarehouse();
    const po = await api('a.admin', 'POST', '/purchase-orders', {
      supplier: 'Race Supply',
      locationId: warehouse,
      lines: [{ partId: part, quantity: 7, unitCostCents: 10 }],
    });
    await transition(po.body.id, 'ordered');
    const results = await Promise.all([
      transition(po.body.id, 'received'),
      transition(po.body.id, 'received'),
      transition(po.body.id, 'received'),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409]);
    expect(await onHand(part, warehouse)).toBe(7);
    expect(await count('stock_movements', 'purchase_order_id = ?', [po.body.id])).toBe(1);
    expect(await count('audit_events', "entity = 'purchase order' and entity_id = ? and action = 'receive'", [po.body.id])).toBe(1);
  });

  it('cancels drafts and ordered orders without touching stock', async () => {
    const part = await newPart();
    const warehouse = await newWarehouse();
    const mk = () =>
      api('a.admin', 'POST', '/purchase-orders', {
        supplier: 'Cancel Co',
        locationId: warehouse,
        lines: [{ partId: part, quantity: 1, unitCostCents: 1 }],
      });
    const draft = await mk();
    const ordered = await mk();
    await transition(ordered.body.id, 'ordered');
    expect((await transition(draft.body.id, 'cancelled')).body.status).toBe('cancelled');
    expect((await transition(ordered.body.id, 'cancelled')).body.status).toBe('cancelled');
    expectProblem(await transition(draft.body.id, 'ordered'), 409, 'to');
    expect(await onHand(part, warehouse)).toBeNull();
    const cancelled = await api('a.manager', 'GET', `/purchase-orders?status=cancelled&locationId=${warehouse}&fields=id`);
    expect(cancelled.body.items.map((p: { id: string }) => p.id).sort()).toEqual([draft.body.id, ordered.body.id].sort());
  });

  it('refuses bad input naming the field, changing nothing', async () => {
    const part = await newPart();
    const ok = { supplier: 'Bad Input Supply', locationId: fx.a.warehouseId, lines: [{ partId: part, quantity: 1, unitCostCents: 100 }] };
    const draft = await api('a.admin', 'POST', '/purchase-orders', ok);
    const before = await dbFingerprint();
    const post = (b: unknown) => api('a.admin', 'POST', '/purchase-orders', b);
    expectProblem(await post({ ...ok, lines: [] }), 422, 'lines');
    expectProblem(await post({ ...ok, lines: undefined }), 422, 'lines');
    expectProblem(await post({ ...ok, lines: [{ partId: part, quantity: 0, unitCostCents: 1 }] }), 422, 'lines.0.quantity');
    expectProblem(await post({ ...ok, lines: [{ partId: part, quantity: 1, unitCostCents: -5 }] }), 422, 'lines.0.unitCostCents');
    expectProblem(await post({ ...ok, lines: [{ partId: part, quantity: 1, unitCostCents: 1, discount: 5 }] }), 422, 'lines.0.discount');
    expectProblem(
      await post({ ...ok, lines: [ok.lines[0], { partId: fx.b.partId, quantity: 1, unitCostCents: 1 }] }),
      422,
      'lines.1.partId',
    );
    expectProblem(
      await post({ ...ok, lines: Array.from({ length: 100 }, () => ({ partId: part, quantity: 1_000_000, unitCostCents: 1_000_000 })) }),
      422,
      'lines',
    );
    expectProblem(await post({ ...ok, locationId: fx.b.warehouseId }), 422, 'locationId');
    expectProblem(await post({ ...ok, supplier: '' }), 422, 'supplier');
    expectProblem(await post({ ...ok, supplier: 's'.repeat(50_000) }), 422, 'supplier');
    expectProblem(await post({ ...ok, status: 'received' }), 422, 'status');
    expectProblem(await post({ ...ok, number: 1 }), 422, 'number');
    expectProblem(
      await api('a.admin', 'PATCH', `/purchase-orders/${draft.body.id}`, { lines: [{ partId: 'nope', quantity: 1, unitCostCents: 1 }] }),
      422,
      'lines.0.partId',
    );
    expectProblem(await api('a.admin', 'POST', `/purchase-orders/${draft.body.id}/transitions`, { to: 'paid' }), 422, 'to');
    expectProblem(await api('a.admin', 'GET', '/purchase-orders?status=lost'), 400, 'status');
    expectProblem(await api('a.admin', 'GET', '/purchase-orders?cursor=e30'), 400, 'cursor');
    expectProblem(await api('a.admin', 'GET', '/purchase-orders?fields=lines'), 400, 'fields');
    expectProblem(await api('a.dispatcher', 'POST', '/purchase-orders', ok), 403);
    expectProblem(await api('a.technician', 'GET', '/purchase-orders'), 403);
    expect(await dbFingerprint()).toBe(before);
  });

  it('keeps orgs apart', async () => {
    const part = await newPart();
    const po = await api('a.admin', 'POST', '/purchase-orders', {
      supplier: 'Org A only',
      locationId: fx.a.warehouseId,
      lines: [{ partId: part, quantity: 1, unitCostCents: 1 }],
    });
    const before = await dbFingerprint();
    expectProblem(await api('b.admin', 'GET', `/purchase-orders/${po.body.id}`), 404);
    expectProblem(await api('b.admin', 'PATCH', `/purchase-orders/${po.body.id}`, { supplier: 'stolen' }), 404);
    expectProblem(await transition(po.body.id, 'ordered', 'b.admin'), 404);
    expectProblem(
      await api('b.admin', 'POST', '/purchase-orders', {
        supplier: 'x',
        locationId: fx.b.warehouseId,
        lines: [{ partId: part, quantity: 1, unitCostCents: 1 }],
      }),
      422,
      'lines.0.partId',
    );
    expect(await dbFingerprint()).toBe(before);
    const listed = (await api('b.admin', 'GET', '/purchase-orders?limit=200')).body.items.map((p: { id: string }) => p.id);
    expect(listed).not.toContain(po.body.id);
  });

  it('answers list and detail in at most 2 libSQL round trips', async () => {
    const po = await api('a.admin', 'POST', '/purchase-orders', {
      supplier: 'RT',
      locationId: fx.a.warehouseId,
      lines: [{ partId: await newPart(), quantity: 1, unitCostCents: 1 }],
    });
    for (const path of ['/purchase-orders', '/purchase-orders?status=draft&q=RT', `/purchase-orders/${po.body.id}`]) {
      const r = await api('a.manager', 'GET', path);
      expect(r.status, path).toBe(200);
      expect(r.roundTrips, path).toBeLessThanOrEqual(2);
    }
  });

  it('receives in parts: stock follows each receipt, the order is received when all has arrived', async () => {
    const [p1, p2] = [await newPart(), await newPart()];
    const warehouse = await newWarehouse();
    const po = await api('a.admin', 'POST', '/purchase-orders', {
      supplier: 'Partial Supply',
      locationId: warehouse,
      lines: [
        { partId: p1, quantity: 10, unitCostCents: 100 },
        { partId: p2, quantity: 4, unitCostCents: 50 },
      ],
    });
    const [l1, l2] = po.body.lines.map((l: { id: string }) => l.id);
    expect(po.body.lines.map((l: { receivedQuantity: number }) => l.receivedQuantity)).toEqual([0, 0]);
    // A draft has not been sent: nothing can arrive yet.
    expectProblem(await receipt(po.body.id, [{ lineId: l1, quantity: 1 }]), 409, 'status');
    await transition(po.body.id, 'ordered');

    const first = await receipt(po.body.id, [{ lineId: l1, quantity: 3 }]);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ status: 'ordered', receivedAt: null });
    expect(first.body.lines.map((l: { receivedQuantity: number }) => l.receivedQuantity)).toEqual([3, 0]);
    expect(await onHand(p1, warehouse)).toBe(3);
    expect(await onHand(p2, warehouse)).toBeNull();

    const rest = await receipt(po.body.id, [
      { lineId: l2, quantity: 4 },
      { lineId: l1, quantity: 7 },
    ]);
    expect(rest.status).toBe(200);
    expect(rest.body.status).toBe('received');
    expect(rest.body.receivedAt).toEqual(expect.any(Number));
    expect(rest.body.lines.map((l: { receivedQuantity: number }) => l.receivedQuantity)).toEqual([10, 4]);
    expect([await onHand(p1, warehouse), await onHand(p2, warehouse)]).toEqual([10, 4]);
    const moves = await sql.execute({
      sql: "select part_id, quantity, to_location_id from stock_movements where purchase_order_id = ? and reason = 'receive' order by rowid",
      args: [po.body.id],
    });
    expect(moves.rows.map((r) => [r.part_id, r.quantity, r.to_location_id])).toEqual([
      [p1, 3, warehouse],
      [p2, 4, warehouse],
      [p1, 7, warehouse],
    ]);
    expect(await count('audit_events', "entity = 'purchase order' and entity_id = ? and action = 'receive'", [po.body.id])).toBe(2);
    expectProblem(await receipt(po.body.id, [{ lineId: l1, quantity: 1 }]), 409, 'status');
  });

  it('receives what is still to arrive when marked received after a partial receipt', async () => {
    const part = await newPart();
    const warehouse = await newWarehouse();
    const po = await api('a.admin', 'POST', '/purchase-orders', {
      supplier: 'Rest Supply',
      locationId: warehouse,
      lines: [{ partId: part, quantity: 6, unitCostCents: 10 }],
    });
    await transition(po.body.id, 'ordered');
    await receipt(po.body.id, [{ lineId: po.body.lines[0].id, quantity: 2 }]);
    const done = await transition(po.body.id, 'received');
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: 'received', lines: [{ quantity: 6, receivedQuantity: 6 }] });
    expect(await onHand(part, warehouse)).toBe(6);
    expect(await count('stock_movements', 'purchase_order_id = ?', [po.body.id])).toBe(2);
  });

  it('never receives more than was ordered, even when receipts race', async () => {
    const part = await newPart();
    const warehouse = await newWarehouse();
    const po = await api('a.admin', 'POST', '/purchase-orders', {
      supplier: 'Race Supply',
      locationId: warehouse,
      lines: [{ partId: part, quantity: 10, unitCostCents: 10 }],
    });
    const lineId = po.body.lines[0].id as string;
    await transition(po.body.id, 'ordered');
    // Each alone fits (4 of the 10 still to arrive); three together would be 12.
    const results = await Promise.all([1, 2, 3].map(() => receipt(po.body.id, [{ lineId, quantity: 4 }])));
    // The loser is refused either way and changes nothing; which refusal depends on when it read the order:
    // before the others wrote (the CHECK undoes it: 409 naming lines) or after (8 already in: 422 naming the quantity).
    const ok = results.filter((r) => r.status === 200);
    const loser = results.find((r) => r.status !== 200)!;
    expect(ok).toHaveLength(2);
    if (loser.status === 409) expectProblem(loser, 409, 'lines');
    else expectProblem(loser, 422, 'lines.0.quantity');
    const received = await sql.execute({ sql: 'select received_quantity from purchase_order_lines where id = ?', args: [lineId] });
    expect(Number(received.rows[0]!.received_quantity)).toBe(8);
    expect(await onHand(part, warehouse)).toBe(8);
    expect(await count('stock_movements', 'purchase_order_id = ?', [po.body.id])).toBe(2);
    // The rest and "received" at once: one of them gets the last 2, never both.
    const last = await Promise.all([receipt(po.body.id, [{ lineId, quantity: 2 }]), transition(po.body.id, 'received')]);
    expect(last.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(await onHand(part, warehouse)).toBe(10);
    expect((await api('a.manager', 'GET', `/purchase-orders/${po.body.id}?fields=status`)).body.status).toBe('received');
  });

  it('refuses a bad receipt naming the field, other roles and other orgs, changing nothing', async () => {
    const part = await newPart();
    const warehouse = await newWarehouse();
    const po = await api('a.admin', 'POST', '/purchase-orders', {
      supplier: 'Bad Supply',
      locationId: warehouse,
      lines: [{ partId: part, quantity: 5, unitCostCents: 10 }],
    });
    const lineId = po.body.lines[0].id as string;
    await transition(po.body.id, 'ordered');
    await receipt(po.body.id, [{ lineId, quantity: 2 }]);
    const other = await api('a.admin', 'POST', '/purchase-orders', {
      supplier: 'Other',
      locationId: warehouse,
      lines: [{ partId: part, quantity: 5, unitCostCents: 10 }],
    });
    const before = await dbFingerprint();
    expectProblem(await receipt(po.body.id, [{ lineId, quantity: 4 }]), 422, 'lines.0.quantity');
    expectProblem(await receipt(po.body.id, [{ lineId, quantity: 0 }]), 422, 'lines.0.quantity');
    expectProblem(await receipt(po.body.id, [{ lineId, quantity: 1.5 }]), 422, 'lines.0.quantity');
    expectProblem(await receipt(po.body.id, [{ lineId: other.body.lines[0].id, quantity: 1 }]), 422, 'lines.0.lineId');
    expectProblem(
      await receipt(po.body.id, [
        { lineId, quantity: 1 },
        { lineId, quantity: 1 },
      ]),
      422,
      'lines.1.lineId',
    );
    expectProblem(await receipt(po.body.id, []), 422, 'lines');
    expectProblem(
      await api('a.admin', 'POST', `/purchase-orders/${po.body.id}/receipts`, { lines: [{ lineId, quantity: 1 }], to: 'x' }),
      422,
    );
    expectProblem(await receipt(po.body.id, [{ lineId, quantity: 1 }], 'a.dispatcher'), 403);
    expectProblem(await receipt(po.body.id, [{ lineId, quantity: 1 }], 'b.admin'), 404);
    expectProblem(await receipt('no-such-order', [{ lineId, quantity: 1 }]), 404);
    expect(await dbFingerprint()).toBe(before);
  });
});
