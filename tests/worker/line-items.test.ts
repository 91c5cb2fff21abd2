import { describe, expect, it } from 'vitest';
import { api, dbFingerprint, expectProblem, fx, sql, type Actor } from './helpers.ts';

/** A job of this test's own in org a or b, scheduled for the given technician when one is named. */
async function job(org: 'a' | 'b' = 'a', technicianId?: string) {
  const f = fx[org];
  const res = await api(`${org}.dispatcher`, 'POST', '/jobs', {
    customerId: f.customerId,
    locationId: f.locationId,
    type: 'Panel upgrade',
    description: 'Line items test',
    ...(technicianId ? { technicianId, scheduledStart: Date.UTC(2026, 6, 1, 14) } : {}),
  });
  if (res.status !== 201) throw new Error(`job create failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

/** A price-book item written straight into the database, so these tests need no other module. */
async function priceBookItem(org: 'a' | 'b', fields: { name: string; unitPriceCents: number; taxable: boolean; active?: boolean }) {
  const id = crypto.randomUUID();
  const now = Date.now();
  await sql.execute({
    sql: `insert into price_book_items (id, org_id, kind, code, name, unit, unit_price_cents, cost_cents, taxable, active, created_at, updated_at)
          values (?, ?, 'service', ?, ?, 'each', ?, 0, ?, ?, ?, ?)`,
    args: [
      id,
      fx[org].orgId,
      `LI-${id.slice(0, 8)}`,
      fields.name,
      fields.unitPriceCents,
      fields.taxable ? 1 : 0,
      fields.active === false ? 0 : 1,
      now,
      now,
    ],
  });
  return id;
}

const add = (actor: Actor, body: Record<string, unknown>) => api(actor, 'POST', '/line-items', body);

async function jobEvents(jobId: string) {
  const r = await sql.execute({
    sql: 'select kind, actor_user_id, before, after from job_events where job_id = ? order by at, rowid',
    args: [jobId],
  });
  return r.rows.map((e) => ({
    kind: e.kind,
    actor: e.actor_user_id,
    before: e.before ? JSON.parse(String(e.before)) : null,
    after: e.after ? JSON.parse(String(e.after)) : null,
  }));
}

describe('line items', () => {
  it('stores decimal quantities as thousandths and totals them exactly, with a job event', async () => {
    const jobId = await job();
    const res = await add('a.dispatcher', {
      jobId,
      description: 'Troubleshooting hour',
      quantity: 1.5,
      unitPriceCents: 12345,
      taxable: false,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    // 1.5 x $123.45 = $185.175, rounded half away from zero.
    expect(res.body).toMatchObject({
      jobId,
      description: 'Troubleshooting hour',
      quantity: 1.5,
      unitPriceCents: 12345,
      taxable: false,
      totalCents: 18518,
      priceBookItemId: null,
    });
    const stored = await sql.execute({ sql: 'select quantity_milli, total_cents from line_items where id = ?', args: [res.body.id] });
    expect(stored.rows[0]).toMatchObject({ quantity_milli: 1500, total_cents: 18518 });
    expect((await add('a.dispatcher', { jobId, description: 'Wire', quantity: 0.001, unitPriceCents: 99 })).body).toMatchObject({
      quantity: 0.001,
      totalCents: 0,
      taxable: true,
    });
    expect((await add('a.dispatcher', { jobId, description: 'Wire', quantity: 2.125, unitPriceCents: 100 })).body).toMatchObject({
      quantity: 2.125,
      totalCents: 213,
    });

    const [created, added] = await jobEvents(jobId);
    expect(created!.kind).toBe('created');
    expect(added).toEqual({
      kind: 'line_item_added',
      actor: fx.a.userIds.dispatcher,
      before: null,
      after: {
        lineItemId: res.body.id,
        priceBookItemId: null,
        description: 'Troubleshooting hour',
        quantity: 1.5,
        unitPriceCents: 12345,
        taxable: false,
        totalCents: 18518,
      },
    });
  });

  it('takes description, price and taxability from a price-book item unless told otherwise', async () => {
    const jobId = await job();
    const pb = await priceBookItem('a', { name: 'GFCI outlet, installed', unitPriceCents: 18900, taxable: true });
    const plain = await add('a.dispatcher', { jobId, priceBookItemId: pb, quantity: 2 });
    expect(plain.body).toMatchObject({
      priceBookItemId: pb,
      description: 'GFCI outlet, installed',
      unitPriceCents: 18900,
      taxable: true,
      totalCents: 37800,
      quantity: 2,
    });
    const tweaked = await add('a.dispatcher', {
      jobId,
      priceBookItemId: pb,
      quantity: 1,
      unitPriceCents: 15000,
      taxable: false,
      description: 'GFCI outlet (returning customer)',
    });
    expect(tweaked.body).toMatchObject({
      description: 'GFCI outlet (returning customer)',
      unitPriceCents: 15000,
      taxable: false,
      totalCents: 15000,
    });
    const retired = await priceBookItem('a', { name: 'Knob and tube inspection', unitPriceCents: 5000, taxable: false, active: false });
    expectProblem(await add('a.dispatcher', { jobId, priceBookItemId: retired, quantity: 1 }), 422, 'priceBookItemId');
  });

  it('lists by job with pagination and fields=, and reads one, in at most 2 round trips', async () => {
    const jobId = await job();
    const made: string[] = [];
    for (let i = 1; i <= 5; i++)
      made.push((await add('a.dispatcher', { jobId, description: `Line ${i}`, quantity: i, unitPriceCents: 100 })).body.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const r: any = await api('a.manager', 'GET', `/line-items?jobId=${jobId}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(r.status).toBe(200);
      expect(r.roundTrips).toBeLessThanOrEqual(2);
      seen.push(...r.body.items.map((l: { id: string }) => l.id));
      cursor = r.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(made);
    const slim = await api('a.manager', 'GET', `/line-items?jobId=${jobId}&fields=description,quantity&sort=-totalCents&limit=1`);
    expect(slim.body.items).toEqual([{ description: 'Line 5', quantity: 5 }]);
    const one = await api('a.technician', 'GET', `/line-items/${made[0]}`);
    expectProblem(one, 404); // not the technician's job
    const got = await api('a.manager', 'GET', `/line-items/${made[2]}`);
    expect(got.body).toMatchObject({ id: made[2], quantity: 3, totalCents: 300 });
    expect(got.roundTrips).toBeLessThanOrEqual(2);
  });

  it('changes and removes lines, recomputing totals and recording before and after', async () => {
    const jobId = await job();
    const line = (await add('a.dispatcher', { jobId, description: 'Labour', quantity: 1, unitPriceCents: 9500 })).body;
    const changed = await api('a.dispatcher', 'PATCH', `/line-items/${line.id}`, { quantity: 2.5 });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ quantity: 2.5, totalCents: 23750, description: 'Labour' });
    expect((await jobEvents(jobId)).at(-1)).toEqual({
      kind: 'line_item_changed',
      actor: fx.a.userIds.dispatcher,
      before: { lineItemId: line.id, quantity: 1, totalCents: 9500 },
      after: { lineItemId: line.id, quantity: 2.5, totalCents: 23750 },
    });
    const unchanged = await api('a.dispatcher', 'PATCH', `/line-items/${line.id}`, { quantity: 2.5 });
    expect(unchanged.status).toBe(200);
    expect((await jobEvents(jobId)).length).toBe(3);

    const removed = await api('a.dispatcher', 'DELETE', `/line-items/${line.id}`);
    expect(removed.status).toBe(204);
    expectProblem(await api('a.dispatcher', 'GET', `/line-items/${line.id}`), 404);
    expect((await jobEvents(jobId)).at(-1)).toMatchObject({
      kind: 'line_item_removed',
      before: { lineItemId: line.id, quantity: 2.5, totalCents: 23750 },
      after: null,
    });
    expectProblem(await api('a.dispatcher', 'DELETE', `/line-items/${line.id}`), 404);
  });

  it('freezes the lines of an invoiced or paid job', async () => {
    const jobId = await job();
    const line = (await add('a.dispatcher', { jobId, description: 'Labour', quantity: 1, unitPriceCents: 9500 })).body;
    for (const status of ['invoiced', 'paid']) {
      await sql.execute({ sql: 'update jobs set status = ? where id = ?', args: [status, jobId] });
      const before = await dbFingerprint();
      expectProblem(await add('a.dispatcher', { jobId, description: 'Extra', quantity: 1, unitPriceCents: 100 }), 409, 'jobId');
      expectProblem(await api('a.dispatcher', 'PATCH', `/line-items/${line.id}`, { quantity: 3 }), 409);
      expectProblem(await api('a.dispatcher', 'DELETE', `/line-items/${line.id}`), 409);
      expect(await dbFingerprint()).toBe(before);
    }
    // Voiding the invoice (billing's job) reopens them.
    await sql.execute({ sql: "update jobs set status = 'completed' where id = ?", args: [jobId] });
    expect((await api('a.dispatcher', 'PATCH', `/line-items/${line.id}`, { quantity: 3 })).status).toBe(200);
  });

  it('refuses bad input naming the field, changing nothing', async () => {
    const jobId = await job();
    const line = (await add('a.dispatcher', { jobId, description: 'Labour', quantity: 1, unitPriceCents: 100 })).body;
    const good = { jobId, description: 'x', quantity: 1, unitPriceCents: 100 };
    const before = await dbFingerprint();
    expectProblem(await add('a.dispatcher', { ...good, quantity: 0 }), 422, 'quantity');
    expectProblem(await add('a.dispatcher', { ...good, quantity: -1 }), 422, 'quantity');
    expectProblem(await add('a.dispatcher', { ...good, quantity: 1.0005 }), 422, 'quantity');
    expectProblem(await add('a.dispatcher', { ...good, quantity: '2' }), 422, 'quantity');
    expectProblem(await add('a.dispatcher', { ...good, quantity: 1e9 }), 422, 'quantity');
    expectProblem(await add('a.dispatcher', { ...good, quantity: 100_000, unitPriceCents: 100_000_000_00 }), 422, 'quantity');
    expectProblem(await add('a.dispatcher', { jobId, description: 'x', unitPriceCents: 1 }), 422, 'quantity');
    expectProblem(await add('a.dispatcher', { ...good, unitPriceCents: 1.5 }), 422, 'unitPriceCents');
    expectProblem(await add('a.dispatcher', { ...good, unitPriceCents: -100 }), 422, 'unitPriceCents');
    expectProblem(await add('a.dispatcher', { jobId, quantity: 1, unitPriceCents: 100 }), 422, 'description');
    expectProblem(await add('a.dispatcher', { jobId, quantity: 1, description: 'x' }), 422, 'unitPriceCents');
    expectProblem(await add('a.dispatcher', { ...good, description: 'x'.repeat(10_000) }), 422, 'description');
    expectProblem(await add('a.dispatcher', { ...good, totalCents: 1 }), 422, 'totalCents');
    expectProblem(await add('a.dispatcher', { ...good, jobId: crypto.randomUUID() }), 422, 'jobId');
    expectProblem(await add('a.dispatcher', { ...good, priceBookItemId: crypto.randomUUID() }), 422, 'priceBookItemId');
    expectProblem(await api('a.dispatcher', 'PATCH', `/line-items/${line.id}`, { jobId: crypto.randomUUID() }), 422, 'jobId');
    expectProblem(await api('a.dispatcher', 'PATCH', `/line-items/${line.id}`, { taxable: 'yes' }), 422, 'taxable');
    expectProblem(await api('a.dispatcher', 'GET', '/line-items?cursor=bm90LWpzb24'), 400, 'cursor');
    expectProblem(await api('a.dispatcher', 'GET', '/line-items?fields=quantityMilli'), 400, 'fields');
    expect(await dbFingerprint()).toBe(before);
  });

  it('keeps descriptions with SQL and HTML metacharacters byte for byte', async () => {
    const jobId = await job();
    for (const description of [`'); DELETE FROM line_items; --`, `<script>alert("x")</script>`, '50% off_ \\ ⚡']) {
      const created = await add('a.dispatcher', { jobId, description, quantity: 1, unitPriceCents: 1 });
      expect((await api('a.dispatcher', 'GET', `/line-items/${created.body.id}`)).body.description).toBe(description);
    }
  });

  it("keeps other orgs' jobs, price-book items and lines out of reach", async () => {
    const aJob = await job();
    const aLine = (await add('a.dispatcher', { jobId: aJob, description: 'Labour', quantity: 1, unitPriceCents: 100 })).body;
    const aItem = await priceBookItem('a', { name: 'Service call', unitPriceCents: 8900, taxable: false });
    const bJob = await job('b');
    const before = await dbFingerprint();
    expectProblem(await add('b.dispatcher', { jobId: aJob, description: 'x', quantity: 1, unitPriceCents: 1 }), 422, 'jobId');
    expectProblem(await add('b.dispatcher', { jobId: bJob, priceBookItemId: aItem, quantity: 1 }), 422, 'priceBookItemId');
    expectProblem(await api('b.admin', 'GET', `/line-items/${aLine.id}`), 404);
    expectProblem(await api('b.admin', 'PATCH', `/line-items/${aLine.id}`, { quantity: 9 }), 404);
    expectProblem(await api('b.admin', 'DELETE', `/line-items/${aLine.id}`), 404);
    expect((await api('b.admin', 'GET', `/line-items?jobId=${aJob}`)).body.items).toEqual([]);
    expect((await api('b.admin', 'GET', '/line-items?limit=200')).body.items.map((l: { id: string }) => l.id)).not.toContain(aLine.id);
    expect(await dbFingerprint()).toBe(before);
  });

  it('lets technicians bill their own jobs only', async () => {
    const mine = await job('a', fx.a.ownTechnicianId);
    const theirs = await job('a', fx.a.technicianId);
    const theirLine = (await add('a.dispatcher', { jobId: theirs, description: 'Labour', quantity: 1, unitPriceCents: 100 })).body;
    const own = await add('a.technician', { jobId: mine, description: 'Breaker 20A', quantity: 1, unitPriceCents: 1800 });
    expect(own.status).toBe(201);
    expect((await jobEvents(mine)).at(-1)).toMatchObject({ kind: 'line_item_added', actor: fx.a.userIds.technician });
    const before = await dbFingerprint();
    expectProblem(await add('a.technician', { jobId: theirs, description: 'x', quantity: 1, unitPriceCents: 1 }), 422, 'jobId');
    expectProblem(await api('a.technician', 'PATCH', `/line-items/${theirLine.id}`, { quantity: 2 }), 404);
    expectProblem(await api('a.technician', 'DELETE', `/line-items/${theirLine.id}`), 404);
    expect(await dbFingerprint()).toBe(before);
    const listed = await api('a.technician', 'GET', '/line-items?limit=200');
    const ids = listed.body.items.map((l: { id: string }) => l.id);
    expect(ids).toContain(own.body.id);
    expect(ids).not.toContain(theirLine.id);
    expect(listed.roundTrips).toBeLessThanOrEqual(2);
    expect((await api('a.technician', 'PATCH', `/line-items/${own.body.id}`, { quantity: 2 })).body.totalCents).toBe(3600);
    // Managers read but do not bill.
    expectProblem(await add('a.manager', { jobId: mine, description: 'x', quantity: 1, unitPriceCents: 1 }), 403);
  });

  it('is in the OpenAPI document with its permissions', async () => {
    const doc = (await api('anon', 'GET', '/openapi.json')).body;
    expect(doc.paths['/api/line-items'].get['x-permission']).toBe('lineitems.read');
    expect(doc.paths['/api/line-items'].post['x-permission']).toBe('lineitems.write');
    expect(doc.paths['/api/line-items/{id}'].patch['x-permission']).toBe('lineitems.write');
    expect(doc.paths['/api/line-items/{id}'].delete['x-permission']).toBe('lineitems.write');
    expect(doc.components.schemas.LineItem.properties.quantity.type).toBe('number');
    expectProblem(await api('anon', 'GET', '/line-items'), 401);
    expectProblem(await api('anon', 'POST', '/line-items', { jobId: 'x', quantity: 1 }), 401);
  });
});
