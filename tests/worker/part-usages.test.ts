import { describe, expect, it } from 'vitest';
import { api, count, dbFingerprint, expectProblem, fx, sql } from './helpers.ts';

const tag = () => crypto.randomUUID().slice(0, 8);

/** A job row written straight into libSQL (the jobs API is someone else's), led by `technicianId`. */
async function job(technicianId: string | null, opts: { org?: 'a' | 'b'; status?: string } = {}): Promise<string> {
  const f = fx[opts.org ?? 'a'];
  const id = crypto.randomUUID();
  const now = Date.now();
  await sql.execute({
    sql: `insert into jobs (id, org_id, number, customer_id, location_id, type, priority, description, status, scheduled_start, duration_min, technician_id, warnings, created_at, updated_at)
          values (?, ?, ?, ?, ?, 'service', 'normal', 'Replace breaker', ?, ?, 60, ?, '[]', ?, ?)`,
    args: [
      id,
      f.orgId,
      7_000_000 + Math.floor(Math.random() * 1e9),
      f.customerId,
      f.locationId,
      opts.status ?? 'on_site',
      now,
      technicianId,
      now,
      now,
    ],
  });
  return id;
}

/** A fresh part with `qty` on a fresh truck, so no other test's stock moves under us. */
async function stockedTruck(qty: number) {
  const part = (await api('a.admin', 'POST', '/parts', { sku: `PU-${tag()}`, name: `Usage part ${tag()}` })).body.id as string;
  const truck = (await api('a.admin', 'POST', '/stock/locations', { kind: 'truck', name: `Usage truck ${tag()}` })).body.id as string;
  expect(
    (await api('a.admin', 'POST', '/stock/movements', { partId: part, toLocationId: truck, quantity: qty, reason: 'receive' })).status,
  ).toBe(201);
  return { part, truck };
}

async function onHand(partId: string, locationId: string): Promise<number> {
  const r = await sql.execute({
    sql: 'select quantity from stock_levels where part_id = ? and location_id = ?',
    args: [partId, locationId],
  });
  return Number(r.rows[0]?.quantity ?? NaN);
}

describe('part usage', () => {
  it("lets a technician log parts on their own job: usage, 'use' movement and lower stock together", async () => {
    const { part, truck } = await stockedTruck(10);
    const mine = await job(fx.a.ownTechnicianId);
    const res = await api('a.technician', 'POST', '/part-usages', { jobId: mine, partId: part, locationId: truck, quantity: 3 });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ jobId: mine, partId: part, locationId: truck, quantity: 3, technicianId: fx.a.ownTechnicianId });
    expect(await onHand(part, truck)).toBe(7);
    const moves = await api('a.technician', 'GET', `/stock/movements?jobId=${mine}`);
    expect(moves.body.items).toEqual([
      expect.objectContaining({
        reason: 'use',
        partId: part,
        fromLocationId: truck,
        toLocationId: null,
        quantity: 3,
        actorUserId: fx.a.userIds.technician,
      }),
    ]);
    expect(await count('audit_events', "entity = 'part usage' and entity_id = ?", [res.body.id])).toBe(1);

    await api('a.technician', 'POST', '/part-usages', { jobId: mine, partId: part, locationId: truck, quantity: 1 });
    const listed = await api('a.technician', 'GET', `/part-usages?jobId=${mine}&sort=at&fields=quantity`);
    expect(listed.body.items).toEqual([{ quantity: 3 }, { quantity: 1 }]);
    const page = await api('a.technician', 'GET', `/part-usages?jobId=${mine}&limit=1`);
    expect(page.body.items).toHaveLength(1);
    const rest = await api('a.technician', 'GET', `/part-usages?jobId=${mine}&limit=1&cursor=${page.body.nextCursor}`);
    expect(rest.body.items[0].id).not.toBe(page.body.items[0].id);
    expect(rest.body.nextCursor).toBeNull();
    expect((await api('a.technician', 'GET', `/part-usages/${res.body.id}`)).body).toEqual(res.body);
  });

  it("keeps a technician to their own jobs; the office logs for anyone, defaulting to the job's lead", async () => {
    const { part, truck } = await stockedTruck(10);
    const theirs = await job(fx.a.technicianId);
    const before = await dbFingerprint();
    expectProblem(
      await api('a.technician', 'POST', '/part-usages', { jobId: theirs, partId: part, locationId: truck, quantity: 1 }),
      422,
      'jobId',
    );
    expectProblem(
      await api('a.technician', 'POST', '/part-usages', {
        jobId: theirs,
        partId: part,
        locationId: truck,
        quantity: 1,
        technicianId: fx.a.ownTechnicianId,
      }),
      422,
      'technicianId',
    );
    expect(await dbFingerprint()).toBe(before);

    const logged = await api('a.dispatcher', 'POST', '/part-usages', { jobId: theirs, partId: part, locationId: truck, quantity: 2 });
    expect(logged.body.technicianId).toBe(fx.a.technicianId);
    const helper = await api('a.admin', 'POST', '/part-usages', {
      jobId: theirs,
      partId: part,
      locationId: truck,
      quantity: 1,
      technicianId: fx.a.ownTechnicianId,
    });
    expect(helper.body.technicianId).toBe(fx.a.ownTechnicianId);
    // The technician is not on that job, so its usage is not theirs to see.
    expect((await api('a.technician', 'GET', `/part-usages?jobId=${theirs}`)).body.items).toEqual([]);
    expectProblem(await api('a.technician', 'GET', `/part-usages/${logged.body.id}`), 404);
    expect((await api('a.manager', 'GET', `/part-usages?jobId=${theirs}`)).body.items).toHaveLength(2);
  });

  // An office role is refused; a technician's usage is flagged instead (below).
  it('refuses the office more than is on hand with a 409 naming quantity, writing nothing', async () => {
    const { part, truck } = await stockedTruck(2);
    const mine = await job(fx.a.ownTechnicianId);
    const before = await dbFingerprint();
    const res = await api('a.dispatcher', 'POST', '/part-usages', { jobId: mine, partId: part, locationId: truck, quantity: 3 });
    expectProblem(res, 409, 'quantity');
    expect(res.body.detail).toContain('2 on hand');
    expectProblem(
      await api('a.dispatcher', 'POST', '/part-usages', { jobId: mine, partId: part, locationId: fx.a.warehouseId, quantity: 1 }),
      409,
      'quantity',
    );
    expect(await dbFingerprint()).toBe(before);
    expect(await onHand(part, truck)).toBe(2);
  });

  it('never goes negative when usages race', async () => {
    const { part, truck } = await stockedTruck(5);
    const mine = await job(fx.a.ownTechnicianId);
    const results = await Promise.all(
      [1, 2, 3, 4].map(() => api('a.dispatcher', 'POST', '/part-usages', { jobId: mine, partId: part, locationId: truck, quantity: 2 })),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(2);
    for (const r of results.filter((x) => x.status !== 201)) expectProblem(r, 409, 'quantity');
    expect(await onHand(part, truck)).toBe(1);
    expect(await count('part_usages', 'job_id = ?', [mine])).toBe(2);
    expect(await count('stock_movements', "job_id = ? and reason = 'use'", [mine])).toBe(2);
  });

  describe("a technician's usage from the phone", () => {
    /** The fixture technician's truck for the length of one test (the fixtures give them none). */
    async function withTruck<T>(truck: string, run: () => Promise<T>): Promise<T> {
      await sql.execute({ sql: 'update technicians set truck_location_id = ? where id = ?', args: [truck, fx.a.ownTechnicianId] });
      try {
        return await run();
      } finally {
        await sql.execute({ sql: 'update technicians set truck_location_id = null where id = ?', args: [fx.a.ownTechnicianId] });
      }
    }

    it('comes from their truck when no place is named', async () => {
      const { part, truck } = await stockedTruck(4);
      const mine = await job(fx.a.ownTechnicianId);
      await withTruck(truck, async () => {
        const res = await api('a.technician', 'POST', '/part-usages', { jobId: mine, partId: part, quantity: 3 });
        expect(res.status, JSON.stringify(res.body)).toBe(201);
        expect(res.body).toMatchObject({ locationId: truck, quantity: 3, flagged: false });
      });
      expect(await onHand(part, truck)).toBe(1);
      expect(await count('stock_movements', "job_id = ? and reason = 'use' and from_location_id = ?", [mine, truck])).toBe(1);
    });

    it('is recorded flagged, taking nothing, when the truck has too few on record', async () => {
      const { part, truck } = await stockedTruck(2);
      const mine = await job(fx.a.ownTechnicianId);
      const res = await withTruck(truck, () => api('a.technician', 'POST', '/part-usages', { jobId: mine, partId: part, quantity: 3 }));
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body).toMatchObject({ jobId: mine, partId: part, locationId: truck, quantity: 3, flagged: true });
      expect(await onHand(part, truck)).toBe(2);
      expect(await count('stock_movements', 'job_id = ?', [mine])).toBe(0);
      const audit = await sql.execute({
        sql: "select after from audit_events where entity = 'part usage' and entity_id = ?",
        args: [res.body.id],
      });
      expect(audit.rows.map((r) => JSON.parse(String(r.after)).flagged)).toEqual([true]);
      // A part the truck never had is logged the same way; the office sees both.
      const never = (await api('a.admin', 'POST', '/parts', { sku: `PU-${tag()}`, name: `Never stocked ${tag()}` })).body.id as string;
      const other = await withTruck(truck, () => api('a.technician', 'POST', '/part-usages', { jobId: mine, partId: never, quantity: 1 }));
      expect(other.body).toMatchObject({ flagged: true });
      expect(await count('stock_levels', 'part_id = ?', [never])).toBe(0);
      const listed = await api('a.manager', 'GET', `/part-usages?jobId=${mine}&sort=at&fields=partId,flagged`);
      expect(listed.body.items).toEqual([
        { partId: part, flagged: true },
        { partId: never, flagged: true },
      ]);
    });

    it('takes what is there and flags the rest when usages race, never going negative', async () => {
      const { part, truck } = await stockedTruck(5);
      const mine = await job(fx.a.ownTechnicianId);
      const results = await Promise.all(
        [1, 2, 3, 4].map(() => api('a.technician', 'POST', '/part-usages', { jobId: mine, partId: part, locationId: truck, quantity: 2 })),
      );
      expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201]);
      expect(results.map((r) => r.body.flagged).sort()).toEqual([false, false, true, true]);
      expect(await onHand(part, truck)).toBe(1);
      expect(await count('part_usages', 'job_id = ?', [mine])).toBe(4);
      expect(await count('stock_movements', "job_id = ? and reason = 'use'", [mine])).toBe(2);
    });

    it('names locationId when the technician has no truck and names no place, writing nothing', async () => {
      const { part } = await stockedTruck(5);
      const mine = await job(fx.a.ownTechnicianId);
      const before = await dbFingerprint();
      expectProblem(await api('a.technician', 'POST', '/part-usages', { jobId: mine, partId: part, quantity: 1 }), 422, 'locationId');
      expectProblem(await api('a.dispatcher', 'POST', '/part-usages', { jobId: mine, partId: part, quantity: 1 }), 422, 'locationId');
      expect(await dbFingerprint()).toBe(before);
    });
  });

  it('refuses bad input, cancelled jobs and other orgs, changing nothing', async () => {
    const { part, truck } = await stockedTruck(5);
    const mine = await job(fx.a.ownTechnicianId);
    const cancelled = await job(fx.a.ownTechnicianId, { status: 'cancelled' });
    const otherOrgJob = await job(fx.b.technicianId, { org: 'b' });
    const ok = { jobId: mine, partId: part, locationId: truck, quantity: 1 };
    const post = (b: unknown, actor: 'a.technician' | 'a.dispatcher' | 'a.manager' | 'b.admin' = 'a.technician') =>
      api(actor, 'POST', '/part-usages', b);
    const before = await dbFingerprint();
    expectProblem(await post({ ...ok, jobId: cancelled }), 409, 'jobId');
    expectProblem(await post({ ...ok, quantity: 0 }), 422, 'quantity');
    expectProblem(await post({ ...ok, quantity: 2.5 }), 422, 'quantity');
    expectProblem(await post({ ...ok, quantity: 'two' }), 422, 'quantity');
    expectProblem(await post({ ...ok, partId: undefined }), 422, 'partId');
    expectProblem(await post({ ...ok, at: 0 }), 422, 'at');
    expectProblem(await post({ ...ok, locationId: '<script>' }), 422, 'locationId');
    expectProblem(await post({ ...ok, jobId: 'j'.repeat(10_000) }), 422, 'jobId');
    expectProblem(await post({ ...ok, partId: fx.b.partId }), 422, 'partId');
    expectProblem(await post({ ...ok, locationId: fx.b.truckId }), 422, 'locationId');
    expectProblem(await post({ ...ok, jobId: otherOrgJob }), 422, 'jobId');
    expectProblem(await post({ ...ok, technicianId: fx.b.technicianId }, 'a.dispatcher'), 422, 'technicianId');
    expectProblem(await post({ ...ok, jobId: otherOrgJob, partId: fx.b.partId, locationId: fx.b.truckId }, 'a.dispatcher'), 422, 'jobId');
    expectProblem(await post({ jobId: otherOrgJob, partId: part, locationId: fx.b.truckId, quantity: 1 }, 'b.admin'), 422, 'partId');
    expectProblem(await post({ jobId: mine, partId: fx.b.partId, locationId: fx.b.truckId, quantity: 1 }, 'b.admin'), 422, 'jobId');
    expectProblem(await post(ok, 'a.manager'), 403);
    expectProblem(await api('a.manager', 'GET', '/part-usages?from=2026-02-31'), 400, 'from');
    expectProblem(await api('a.manager', 'GET', '/part-usages?cursor=not-a-cursor'), 400, 'cursor');
    expectProblem(await api('a.manager', 'GET', '/part-usages?fields=orgId'), 400, 'fields');
    expect(await dbFingerprint()).toBe(before);
  });

  it('keeps orgs apart on reads, and answers in at most 2 libSQL round trips', async () => {
    const { part, truck } = await stockedTruck(5);
    const mine = await job(fx.a.ownTechnicianId);
    const used = await api('a.technician', 'POST', '/part-usages', { jobId: mine, partId: part, locationId: truck, quantity: 1 });
    expectProblem(await api('b.admin', 'GET', `/part-usages/${used.body.id}`), 404);
    expect((await api('b.admin', 'GET', `/part-usages?jobId=${mine}`)).body.items).toEqual([]);
    expect((await api('b.admin', 'GET', '/part-usages?limit=200')).body.items.map((u: { id: string }) => u.id)).not.toContain(used.body.id);
    for (const actor of ['a.technician', 'a.manager'] as const) {
      for (const path of ['/part-usages', `/part-usages?jobId=${mine}`, `/part-usages/${used.body.id}`]) {
        const r = await api(actor, 'GET', path);
        expect(r.status, `${actor} ${path}`).toBe(200);
        expect(r.roundTrips, `${actor} ${path}`).toBeLessThanOrEqual(2);
      }
    }
  });
});
