import { describe, expect, it } from 'vitest';
import { api, count, dbFingerprint, expectProblem, fx, sql, type Actor } from './helpers.ts';

/** A customer and location of org a (or b) of this test's own, so counts and filters are ours alone. */
async function place(org: 'a' | 'b' = 'a') {
  const customer = await api(`${org}.dispatcher`, 'POST', '/customers', { name: `Jobs test ${crypto.randomUUID().slice(0, 8)}` });
  expect(customer.status).toBe(201);
  const location = await api(`${org}.dispatcher`, 'POST', '/locations', {
    customerId: customer.body.id,
    address: '500 E Cesar Chavez St',
    city: 'Austin',
    region: 'TX',
    postalCode: '78701',
    lat: 30.26,
    lng: -97.74,
  });
  expect(location.status).toBe(201);
  return { customerId: customer.body.id as string, locationId: location.body.id as string };
}

async function newJob(
  where: { customerId: string; locationId: string },
  extra: Record<string, unknown> = {},
  actor: Actor = 'a.dispatcher',
) {
  const res = await api(actor, 'POST', '/jobs', { ...where, type: 'Service call', description: 'Breaker trips', ...extra });
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

const transition = (actor: Actor, id: string, to: string, note?: string) =>
  api(actor, 'POST', `/jobs/${id}/transitions`, note ? { to, note } : { to });

async function events(jobId: string) {
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

async function leads(jobId: string) {
  const r = await sql.execute({ sql: "select technician_id from job_assignments where job_id = ? and role = 'lead'", args: [jobId] });
  return r.rows.map((x) => x.technician_id);
}

/** Every page of a list, following nextCursor. */
async function allPages(actor: Actor, query: string) {
  const items: any[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const r: any = await api(actor, 'GET', `/jobs?${query}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    items.push(...r.body.items);
    cursor = r.body.nextCursor;
    if (++pages > 50) throw new Error('runaway pagination');
  } while (cursor);
  return items;
}

const T = Date.UTC(2026, 5, 15, 14, 0); // 15 June 2026, 09:00 in Chicago

describe('jobs: create and read', () => {
  it('numbers jobs per org, derives the status from the schedule and records the creation', async () => {
    const where = await place();
    const first = await newJob(where);
    const second = await newJob(where, { technicianId: fx.a.technicianId, scheduledStart: T, durationMin: 90, priority: 'high' });
    // Other test files create jobs too, so only the order is certain here (uniqueness below).
    expect(second.number).toBeGreaterThan(first.number);
    expect(first).toMatchObject({
      status: 'unscheduled',
      technicianId: null,
      scheduledStart: null,
      durationMin: 60,
      priority: 'normal',
      createdBy: fx.a.userIds.dispatcher,
    });
    expect(second).toMatchObject({
      status: 'scheduled',
      technicianId: fx.a.technicianId,
      scheduledStart: T,
      durationMin: 90,
      priority: 'high',
    });
    expect(first).not.toHaveProperty('orgId');

    // A technician alone, or a start alone, is not a place on the board.
    expect((await newJob(where, { technicianId: fx.a.technicianId })).status).toBe('unscheduled');
    expect((await newJob(where, { scheduledStart: T })).status).toBe('unscheduled');

    expect(await leads(second.id)).toEqual([fx.a.technicianId]);
    expect(await leads(first.id)).toEqual([]);
    const [created] = await events(second.id);
    expect(created).toMatchObject({ kind: 'created', actor: fx.a.userIds.dispatcher, before: null });
    expect(created!.after).toMatchObject({
      number: second.number,
      status: 'scheduled',
      technicianId: fx.a.technicianId,
      customerId: where.customerId,
    });

    // Org b counts on its own counter.
    const other = await newJob(await place('b'), {}, 'b.dispatcher');
    const next = await sql.execute({ sql: 'select next_job_number from orgs where id = ?', args: [fx.b.orgId] });
    expect(Number(next.rows[0]!.next_job_number)).toBeGreaterThan(other.number);
    expect(await count('jobs', 'org_id = ? and number = ?', [fx.b.orgId, other.number])).toBe(1);
  });

  it('never gives two jobs created at once the same number', async () => {
    const where = await place();
    const results = await Promise.all(
      Array.from({ length: 6 }, () => api('a.dispatcher', 'POST', '/jobs', { ...where, type: 'Race', description: 'Same moment' })),
    );
    expect(results.map((r) => r.status)).toEqual(Array(6).fill(201));
    expect(new Set(results.map((r) => r.body.number)).size).toBe(6);
  });

  it('returns the detail with customer, location, assignments, line items and history in 2 round trips', async () => {
    const where = await place();
    const job = await newJob(where, { technicianId: fx.a.technicianId, scheduledStart: T });
    await api('a.dispatcher', 'POST', '/line-items', { jobId: job.id, description: 'Labour', quantity: 1.5, unitPriceCents: 12000 });
    await api('a.dispatcher', 'PATCH', `/jobs/${job.id}`, { description: 'Breaker trips twice a day' });

    const got = await api('a.manager', 'GET', `/jobs/${job.id}`);
    expect(got.status).toBe(200);
    expect(got.roundTrips).toBeLessThanOrEqual(2);
    expect(got.body).toMatchObject({ id: job.id, number: job.number, description: 'Breaker trips twice a day', status: 'scheduled' });
    expect(got.body.customer.id).toBe(where.customerId);
    expect(got.body.location).toMatchObject({ id: where.locationId, address: '500 E Cesar Chavez St', timezone: 'America/Chicago' });
    expect(got.body.assignments).toEqual([{ technicianId: fx.a.technicianId, role: 'lead', name: 'Tech a', colour: '#2563eb' }]);
    expect(got.body.lineItems).toMatchObject([{ description: 'Labour', quantity: 1.5, totalCents: 18000 }]);
    expect(got.body.events.map((e: { kind: string }) => e.kind)).toEqual(['created', 'line_item_added', 'updated']);
    expect(got.body.events[2]).toMatchObject({
      actorUserId: fx.a.userIds.dispatcher,
      actorName: 'dispatcher a',
      before: { description: 'Breaker trips' },
      after: { description: 'Breaker trips twice a day' },
    });

    const slim = await api('a.manager', 'GET', `/jobs/${job.id}?fields=number,status,customer`);
    expect(Object.keys(slim.body).sort()).toEqual(['customer', 'number', 'status']);
    expectProblem(await api('a.manager', 'GET', `/jobs/${job.id}?fields=number,orgId`), 400, 'fields');
    expectProblem(await api('a.manager', 'GET', `/jobs/${crypto.randomUUID()}`), 404);
  });
});

describe('jobs: changes', () => {
  it('writes details with a before/after event naming who did it, and nothing when nothing changed', async () => {
    const job = await newJob(await place());
    const res = await api('a.admin', 'PATCH', `/jobs/${job.id}`, {
      priority: 'emergency',
      requiredSkill: 'panel',
      description: 'Breaker trips',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ priority: 'emergency', requiredSkill: 'panel', status: 'unscheduled', updatedBy: fx.a.userIds.admin });
    const last = (await events(job.id)).at(-1)!;
    // The unchanged description is not in the event.
    expect(last).toEqual({
      kind: 'updated',
      actor: fx.a.userIds.admin,
      before: { priority: 'normal', requiredSkill: null },
      after: { priority: 'emergency', requiredSkill: 'panel' },
    });

    const same = await api('a.admin', 'PATCH', `/jobs/${job.id}`, { priority: 'emergency' });
    expect(same.status).toBe(200);
    expect(await count('job_events', 'job_id = ?', [job.id])).toBe(2);
  });

  it('moves the status with the schedule and keeps the lead assignment in step', async () => {
    const job = await newJob(await place());
    const placed = await api('a.dispatcher', 'PATCH', `/jobs/${job.id}`, {
      technicianId: fx.a.technicianId,
      scheduledStart: T,
      durationMin: 120,
    });
    expect(placed.status).toBe(200);
    expect(placed.body).toMatchObject({ status: 'scheduled', technicianId: fx.a.technicianId, scheduledStart: T, durationMin: 120 });
    expect(await leads(job.id)).toEqual([fx.a.technicianId]);
    expect((await events(job.id)).at(-1)).toMatchObject({
      kind: 'rescheduled',
      before: { technicianId: null, scheduledStart: null, durationMin: 60, status: 'unscheduled' },
      after: { technicianId: fx.a.technicianId, scheduledStart: T, durationMin: 120, status: 'scheduled' },
    });

    const moved = await api('a.dispatcher', 'PATCH', `/jobs/${job.id}`, { technicianId: fx.a.ownTechnicianId });
    expect(moved.body.status).toBe('scheduled');
    expect(await leads(job.id)).toEqual([fx.a.ownTechnicianId]);

    expect((await transition('a.dispatcher', job.id, 'dispatched')).status).toBe(200);
    const pulled = await api('a.dispatcher', 'PATCH', `/jobs/${job.id}`, { scheduledStart: null });
    expect(pulled.body).toMatchObject({ status: 'unscheduled', scheduledStart: null, technicianId: fx.a.ownTechnicianId });

    const unassigned = await api('a.dispatcher', 'PATCH', `/jobs/${job.id}`, { technicianId: null });
    expect(unassigned.body.technicianId).toBeNull();
    expect(await leads(job.id)).toEqual([]);
  });

  it('refuses schedule edits once the work has started, changing nothing', async () => {
    const job = await newJob(await place(), { technicianId: fx.a.technicianId, scheduledStart: T });
    for (const to of ['dispatched', 'en_route']) expect((await transition('a.dispatcher', job.id, to)).status).toBe(200);
    const before = await dbFingerprint();
    expectProblem(await api('a.dispatcher', 'PATCH', `/jobs/${job.id}`, { scheduledStart: T + 3600_000 }), 409, 'scheduledStart');
    expectProblem(await api('a.dispatcher', 'PATCH', `/jobs/${job.id}`, { technicianId: null, description: 'x' }), 409, 'technicianId');
    expect(await dbFingerprint()).toBe(before);
    // Details can still be corrected.
    expect((await api('a.dispatcher', 'PATCH', `/jobs/${job.id}`, { description: 'Found a loose neutral' })).status).toBe(200);
  });
});

describe('jobs: transitions', () => {
  it('walks the lifecycle, stamping completion and recording each step with its note', async () => {
    const job = await newJob(await place(), { technicianId: fx.a.technicianId, scheduledStart: T });
    for (const to of ['dispatched', 'en_route', 'on_site']) {
      const r = await transition('a.dispatcher', job.id, to);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body.status).toBe(to);
    }
    const asked = Date.now();
    const done = await transition('a.dispatcher', job.id, 'completed', 'Replaced the breaker');
    expect(done.body.status).toBe('completed');
    // Stamped while the request ran: bracketed by the clock, with no bound on how long that took.
    expect(done.body.completedAt).toBeGreaterThanOrEqual(asked);
    expect(done.body.completedAt).toBeLessThanOrEqual(Date.now());
    // A job on a board changes status through its room, whose events carry the whole schedule.
    expect((await events(job.id)).at(-1)).toMatchObject({
      kind: 'status_changed',
      actor: fx.a.userIds.dispatcher,
      before: { status: 'on_site', technicianId: fx.a.technicianId, scheduledStart: T },
      after: { status: 'completed', technicianId: fx.a.technicianId, scheduledStart: T, note: 'Replaced the breaker', via: 'board' },
    });
  });

  it('refuses what the lifecycle refuses, with the reason, changing nothing', async () => {
    const job = await newJob(await place());
    const before = await dbFingerprint();
    const skip = await transition('a.dispatcher', job.id, 'dispatched');
    expectProblem(skip, 409, 'to');
    expect(skip.body.detail).toMatch(/unscheduled job cannot become dispatched/);
    // Allowed by the graph, but a scheduled job needs a technician and a start.
    const noSlot = await transition('a.dispatcher', job.id, 'scheduled');
    expectProblem(noSlot, 409, 'to');
    expect(noSlot.body.detail).toMatch(/needs a technician and a start/);
    expectProblem(await transition('a.dispatcher', job.id, 'unscheduled'), 409, 'to');
    expectProblem(await transition('a.dispatcher', job.id, 'flying'), 422, 'to');
    expectProblem(await api('a.dispatcher', 'POST', `/jobs/${job.id}/transitions`, { to: 'cancelled', reason: 'x' }), 422, 'reason');
    expect(await dbFingerprint()).toBe(before);
  });

  it('lets exactly one of several simultaneous moves through, with one event', async () => {
    const job = await newJob(await place(), { technicianId: fx.a.technicianId, scheduledStart: T });
    const results = await Promise.all(Array.from({ length: 5 }, () => transition('a.dispatcher', job.id, 'dispatched')));
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409, 409, 409]);
    for (const r of results.filter((x) => x.status === 409)) expectProblem(r, 409);
    expect(await count('job_events', "job_id = ? and kind = 'status_changed'", [job.id])).toBe(1);
  });

  it('leaves invoiced and paid to billing', async () => {
    const job = await newJob(await place(), { technicianId: fx.a.technicianId, scheduledStart: T });
    for (const to of ['dispatched', 'en_route', 'on_site', 'completed'])
      expect((await transition('a.dispatcher', job.id, to)).status).toBe(200);
    expectProblem(await transition('a.admin', job.id, 'invoiced'), 409, 'to');
    await sql.execute({ sql: "update jobs set status = 'invoiced' where id = ?", args: [job.id] });
    expectProblem(await transition('a.admin', job.id, 'completed'), 409, 'to');
    expectProblem(await transition('a.admin', job.id, 'paid'), 409, 'to');
  });

  it('sends a job back to the queue without its slot, and reopens cancelled work', async () => {
    const job = await newJob(await place(), { technicianId: fx.a.technicianId, scheduledStart: T });
    const queued = await transition('a.dispatcher', job.id, 'unscheduled');
    expect(queued.body).toMatchObject({ status: 'unscheduled', scheduledStart: null, technicianId: fx.a.technicianId });
    expect((await transition('a.dispatcher', job.id, 'cancelled')).body.status).toBe('cancelled');
    expectProblem(await api('a.dispatcher', 'PATCH', `/jobs/${job.id}`, { scheduledStart: T }), 409, 'scheduledStart');
    expect((await transition('a.dispatcher', job.id, 'unscheduled')).body.status).toBe('unscheduled');
    expect((await api('a.dispatcher', 'PATCH', `/jobs/${job.id}`, { scheduledStart: T })).body.status).toBe('scheduled');
  });
});

describe('jobs: technicians', () => {
  it('see and move only their own jobs, and only in the field', async () => {
    const where = await place();
    const mine = await newJob(where, { technicianId: fx.a.ownTechnicianId, scheduledStart: T });
    const theirs = await newJob(where, { technicianId: fx.a.technicianId, scheduledStart: T });
    const helping = await newJob(where, { technicianId: fx.a.technicianId, scheduledStart: T + 7200_000 });
    await sql.execute({
      sql: "insert into job_assignments (org_id, job_id, technician_id, role) values (?, ?, ?, 'helper')",
      args: [fx.a.orgId, helping.id, fx.a.ownTechnicianId],
    });

    const listed = (await allPages('a.technician', `customerId=${where.customerId}&limit=1`)).map((j) => j.id);
    expect(listed.sort()).toEqual([mine.id, helping.id].sort());
    const byTech = await api('a.technician', 'GET', `/jobs?technicianId=${fx.a.technicianId}&limit=200`);
    expect(byTech.body.items.map((j: { id: string }) => j.id)).not.toContain(theirs.id);

    expect((await api('a.technician', 'GET', `/jobs/${mine.id}`)).status).toBe(200);
    expect((await api('a.technician', 'GET', `/jobs/${helping.id}`)).body.assignments.map((a: { role: string }) => a.role)).toEqual([
      'lead',
      'helper',
    ]);
    expectProblem(await api('a.technician', 'GET', `/jobs/${theirs.id}`), 404);
    expectProblem(await transition('a.technician', theirs.id, 'en_route'), 404);
    expectProblem(await api('a.technician', 'PATCH', `/jobs/${mine.id}`, { description: 'mine now' }), 403);
    expectProblem(await api('a.technician', 'POST', '/jobs', { ...where, type: 'x', description: 'x' }), 403);

    expect((await transition('a.dispatcher', mine.id, 'dispatched')).status).toBe(200);
    const before = await dbFingerprint();
    expectProblem(await transition('a.technician', mine.id, 'cancelled'), 409, 'to');
    expectProblem(await transition('a.technician', mine.id, 'scheduled'), 409, 'to');
    expect(await dbFingerprint()).toBe(before);
    for (const to of ['en_route', 'on_site', 'completed']) {
      const r = await transition('a.technician', mine.id, to);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
    }
    expect((await events(mine.id)).at(-1)).toMatchObject({ kind: 'status_changed', actor: fx.a.userIds.technician });
  });
});

describe('jobs: lists', () => {
  it('pages by start with unscheduled jobs last, never repeating or dropping a row', async () => {
    const where = await place();
    const starts = [T + 3 * 3600_000, null, T, T + 3600_000, null, T, T + 2 * 3600_000];
    const made = [];
    for (const s of starts) made.push(await newJob(where, s === null ? {} : { technicianId: fx.a.technicianId, scheduledStart: s }));
    const key = (j: { scheduledStart: number | null; id: string }) => [j.scheduledStart ?? Number.MAX_SAFE_INTEGER, j.id] as const;
    const cmp = (a: readonly [number, string], b: readonly [number, string]) => a[0] - b[0] || (a[1] < b[1] ? -1 : 1);
    const expected = [...made].sort((a, b) => cmp(key(a), key(b))).map((j) => j.id);

    for (const limit of [1, 2, 3]) {
      expect((await allPages('a.dispatcher', `customerId=${where.customerId}&limit=${limit}`)).map((j) => j.id)).toEqual(expected);
    }
    expect((await allPages('a.dispatcher', `customerId=${where.customerId}&limit=2&sort=-scheduledStart`)).map((j) => j.id)).toEqual(
      [...expected].reverse(),
    );
    const byNumber = (await allPages('a.dispatcher', `customerId=${where.customerId}&limit=3&sort=-number`)).map((j) => j.number);
    expect(byNumber).toEqual(made.map((j) => j.number).sort((a, b) => b - a));

    const slim = await api('a.dispatcher', 'GET', `/jobs?customerId=${where.customerId}&fields=id,number,status&limit=1`);
    expect(Object.keys(slim.body.items[0]).sort()).toEqual(['id', 'number', 'status']);
    expect(slim.roundTrips).toBeLessThanOrEqual(2);
  });

  it('filters by status, technician, customer and whether the job has a start', async () => {
    const where = await place();
    const open = await newJob(where);
    const placed = await newJob(where, { technicianId: fx.a.technicianId, scheduledStart: T });
    const other = await newJob(where, { technicianId: fx.a.ownTechnicianId, scheduledStart: T });
    await transition('a.dispatcher', other.id, 'cancelled');
    const ids = async (q: string) => (await allPages('a.dispatcher', `customerId=${where.customerId}&${q}`)).map((j) => j.id).sort();

    expect(await ids('status=unscheduled')).toEqual([open.id]);
    expect(await ids('status=scheduled,cancelled')).toEqual([placed.id, other.id].sort());
    expect(await ids(`technicianId=${fx.a.technicianId}`)).toEqual([placed.id]);
    expect(await ids('unscheduled=true')).toEqual([open.id]);
    expect(await ids('unscheduled=false')).toEqual([placed.id, other.id].sort());
    const elsewhere = await newJob(await place());
    expect(await ids('')).not.toContain(elsewhere.id);
  });

  it("reads from/to as local days in the org's timezone, across both DST changes", async () => {
    const where = await place();
    const at = async (iso: string) => (await newJob(where, { technicianId: fx.a.technicianId, scheduledStart: Date.parse(iso) })).id;
    // America/Chicago falls back on 1 Nov 2026: that local day is 25 hours long.
    const oct31Late = await at('2026-11-01T04:30:00Z'); // 31 Oct 23:30 CDT
    const nov1Early = await at('2026-11-01T05:30:00Z'); // 1 Nov 00:30 CDT
    const nov1Late = await at('2026-11-02T05:30:00Z'); // 1 Nov 23:30 CST
    const nov2Early = await at('2026-11-02T06:30:00Z'); // 2 Nov 00:30 CST
    // ...and springs forward on 8 Mar 2026: 23 hours.
    const mar7Late = await at('2026-03-08T05:30:00Z'); // 7 Mar 23:30 CST
    const mar8Late = await at('2026-03-09T04:30:00Z'); // 8 Mar 23:30 CDT
    const mar9Early = await at('2026-03-09T05:30:00Z'); // 9 Mar 00:30 CDT
    const ids = async (q: string) => (await allPages('a.dispatcher', `customerId=${where.customerId}&${q}`)).map((j) => j.id);

    expect(await ids('from=2026-11-01&to=2026-11-01')).toEqual([nov1Early, nov1Late]);
    expect(await ids('from=2026-10-31&to=2026-11-01')).toEqual([oct31Late, nov1Early, nov1Late]);
    expect(await ids('from=2026-11-02')).toEqual([nov2Early]);
    expect(await ids('from=2026-03-08&to=2026-03-08')).toEqual([mar8Late]);
    expect(await ids('to=2026-03-07')).toEqual([mar7Late]);
    expect(await ids('from=2026-03-09&to=2026-03-09')).toEqual([mar9Early]);
  });

  it('answers lists and details in at most 2 libSQL round trips, for office and field', async () => {
    const mine = await newJob(await place(), { technicianId: fx.a.ownTechnicianId, scheduledStart: T });
    for (const actor of ['a.dispatcher', 'a.technician'] as const) {
      expect(
        (await api(actor, 'GET', '/jobs?status=scheduled,dispatched&from=2026-01-01&to=2026-12-31&sort=-priority')).roundTrips,
      ).toBeLessThanOrEqual(2);
      expect((await api(actor, 'GET', `/jobs/${mine.id}`)).roundTrips).toBeLessThanOrEqual(2);
    }
  });
});

describe('jobs: bad input', () => {
  it('is refused with problem+json naming the field, changing nothing', async () => {
    const where = await place();
    const job = await newJob(where);
    const good = { ...where, type: 'Service call', description: 'x' };
    const before = await dbFingerprint();
    expectProblem(await api('a.dispatcher', 'POST', '/jobs', { ...good, type: 42 }), 422, 'type');
    expectProblem(await api('a.dispatcher', 'POST', '/jobs', { ...good, durationMin: '60' }), 422, 'durationMin');
    expectProblem(await api('a.dispatcher', 'POST', '/jobs', { ...good, durationMin: 0 }), 422, 'durationMin');
    expectProblem(await api('a.dispatcher', 'POST', '/jobs', { ...good, scheduledStart: 1.5 }), 422, 'scheduledStart');
    expectProblem(await api('a.dispatcher', 'POST', '/jobs', { ...good, scheduledStart: '2026-06-15T09:00' }), 422, 'scheduledStart');
    expectProblem(await api('a.dispatcher', 'POST', '/jobs', { ...good, priority: 'whenever' }), 422, 'priority');
    expectProblem(await api('a.dispatcher', 'POST', '/jobs', { ...good, status: 'completed' }), 422, 'status');
    expectProblem(await api('a.dispatcher', 'POST', '/jobs', { ...good, number: 1 }), 422, 'number');
    expectProblem(await api('a.dispatcher', 'POST', '/jobs', { type: 'x', description: 'x' }), 422, 'customerId');
    expectProblem(await api('a.dispatcher', 'POST', '/jobs', { ...where, description: 'x' }), 422, 'type');
    expectProblem(await api('a.dispatcher', 'POST', '/jobs', { ...good, description: 'x'.repeat(100_000) }), 422, 'description');
    expectProblem(await api('a.dispatcher', 'POST', '/jobs', { ...good, customerId: 'c'.repeat(5000) }), 422, 'customerId');
    expectProblem(await api('a.dispatcher', 'POST', '/jobs', { ...good, requestedStart: T, requestedEnd: T - 1 }), 422, 'requestedEnd');
    expectProblem(await api('a.dispatcher', 'POST', '/jobs', '{"type":'), 400);
    expectProblem(await api('a.dispatcher', 'PATCH', `/jobs/${job.id}`, { durationMin: null }), 422, 'durationMin');
    expectProblem(await api('a.dispatcher', 'PATCH', `/jobs/${job.id}`, { customerId: where.customerId }), 422, 'customerId');
    expectProblem(
      await api('a.dispatcher', 'PATCH', `/jobs/${job.id}`, { arrivalWindowStart: T, arrivalWindowEnd: T }),
      422,
      'arrivalWindowEnd',
    );
    expectProblem(await api('a.dispatcher', 'PATCH', `/jobs/${job.id}`, { technicianId: crypto.randomUUID() }), 422, 'technicianId');
    expectProblem(await api('a.dispatcher', 'GET', '/jobs?cursor=not-a-cursor'), 400, 'cursor');
    expectProblem(
      await api(
        'a.dispatcher',
        'GET',
        `/jobs?sort=-number&cursor=${encodeURIComponent(btoa('{"s":"scheduledStart","d":0,"v":1,"id":"x"}'))}`,
      ),
      400,
      'cursor',
    );
    expectProblem(await api('a.dispatcher', 'GET', '/jobs?status=scheduled,bogus'), 400, 'status');
    expectProblem(await api('a.dispatcher', 'GET', '/jobs?from=2026-02-30'), 400, 'from');
    expectProblem(await api('a.dispatcher', 'GET', '/jobs?from=06/15/2026'), 400, 'from');
    expectProblem(await api('a.dispatcher', 'GET', '/jobs?from=2026-06-15&to=2026-06-14'), 400, 'to');
    expectProblem(await api('a.dispatcher', 'GET', '/jobs?sort=customerId'), 400, 'sort');
    expectProblem(await api('a.dispatcher', 'GET', '/jobs?fields=id,orgId'), 400, 'fields');
    expectProblem(await api('a.dispatcher', 'GET', '/jobs?unscheduled=yes'), 400, 'unscheduled');
    expectProblem(await api('a.dispatcher', 'GET', '/jobs?limit=0'), 400, 'limit');
    expect(await dbFingerprint()).toBe(before);
  });

  it('stores SQL and HTML metacharacters byte for byte', async () => {
    const where = await place();
    const nasty = [
      `Robert'); DROP TABLE jobs;--`,
      `<img src=x onerror=alert(1)>`,
      `%_\\' OR 1=1 --`,
      'Ünïcødé ⚡ 🔌',
      '"; select * from sessions; --',
    ];
    for (const text of nasty) {
      const job = await newJob(where, { type: text, description: text, requiredSkill: text });
      const got = await api('a.dispatcher', 'GET', `/jobs/${job.id}`);
      expect(got.body).toMatchObject({ type: text, description: text, requiredSkill: text });
    }
    expect(await count('jobs', 'customer_id = ?', [where.customerId])).toBe(nasty.length);
  });
});

describe('jobs: other orgs', () => {
  it("refuses another org's customer, location and technician, and a location of another customer", async () => {
    const mine = await place('b');
    const alsoMine = await place('b');
    const before = await dbFingerprint();
    const body = { type: 'x', description: 'x' };
    expectProblem(
      await api('b.dispatcher', 'POST', '/jobs', { ...body, customerId: fx.a.customerId, locationId: fx.a.locationId }),
      422,
      'customerId',
    );
    expectProblem(await api('b.dispatcher', 'POST', '/jobs', { ...body, ...mine, locationId: fx.a.locationId }), 422, 'locationId');
    expectProblem(
      await api('b.dispatcher', 'POST', '/jobs', { ...body, customerId: mine.customerId, locationId: alsoMine.locationId }),
      422,
      'locationId',
    );
    const stranger = await api('b.dispatcher', 'POST', '/jobs', { ...body, ...mine, technicianId: fx.a.technicianId, scheduledStart: T });
    expectProblem(stranger, 422, 'technicianId');
    expect(JSON.stringify(stranger.body)).not.toContain(fx.a.technicianId);
    expect(await dbFingerprint()).toBe(before);
  });

  it("never shows or changes another org's job", async () => {
    const job = await newJob(await place(), { technicianId: fx.a.technicianId, scheduledStart: T });
    const own = await newJob(await place('b'), {}, 'b.dispatcher');
    const before = await dbFingerprint();
    expectProblem(await api('b.admin', 'GET', `/jobs/${job.id}`), 404);
    expectProblem(await api('b.admin', 'PATCH', `/jobs/${job.id}`, { description: 'mine' }), 404);
    expectProblem(await transition('b.admin', job.id, 'cancelled'), 404);
    expectProblem(await api('b.technician', 'GET', `/jobs/${job.id}`), 404);
    // Job numbers overlap between orgs; ids and filters never cross.
    expectProblem(await api('b.dispatcher', 'PATCH', `/jobs/${own.id}`, { technicianId: fx.a.technicianId }), 422, 'technicianId');
    expect(await dbFingerprint()).toBe(before);
    const all = await allPages('b.admin', 'limit=200');
    expect(all.map((j) => j.id)).not.toContain(job.id);
    expect(all.every((j) => j.customerId !== fx.a.customerId)).toBe(true);
    expect((await api('b.admin', 'GET', `/jobs?customerId=${fx.a.customerId}`)).body.items).toEqual([]);
    expect((await api('b.admin', 'GET', `/jobs?technicianId=${fx.a.technicianId}`)).body.items).toEqual([]);
  });
});

describe('jobs: OpenAPI', () => {
  it('publishes the schemas and permissions', async () => {
    const doc = (await api('anon', 'GET', '/openapi.json')).body;
    expect(doc.paths['/api/jobs'].get['x-permission']).toBe('jobs.read');
    expect(doc.paths['/api/jobs'].post['x-permission']).toBe('jobs.write');
    expect(doc.paths['/api/jobs/{id}'].get['x-permission']).toBe('jobs.read');
    expect(doc.paths['/api/jobs/{id}'].patch['x-permission']).toBe('jobs.write');
    expect(doc.paths['/api/jobs/{id}/transitions'].post['x-permission']).toBe('jobs.transition');
    for (const name of ['Job', 'JobCreate', 'JobUpdate', 'JobDetail', 'JobTransition', 'JobEvent'])
      expect(doc.components.schemas[name], name).toBeDefined();
    expect(doc.components.schemas.Job.properties.status.enum).toContain('on_hold');
    expectProblem(await api('anon', 'GET', '/jobs'), 401);
    expectProblem(await api('anon', 'GET', `/jobs/${crypto.randomUUID()}`), 401);
    expectProblem(await api('anon', 'POST', `/jobs/${crypto.randomUUID()}/transitions`, { to: 'cancelled' }), 401);
  });
});
