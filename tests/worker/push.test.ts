/**
 * Web Push (issue 12): the server's key, each device's subscription, and the pushes the board
 * rooms send when the office changes a technician's day, received by the loopback push service
 * (push-service.ts), which checks the VAPID signature and decrypts each message as a browser
 * would. A room sends its pushes in the order of its changes, so a push arriving is the barrier
 * that says every push of the changes before it has been sent and answered.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { fromBase64Url } from '../../core/base64url.ts';
import { api, expectProblem, fx, sql, type Actor } from './helpers.ts';

const PUSH = inject('pushServiceUrl');

interface Device {
  id: string;
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

interface Message {
  payload?: { title: string; body: string; url: string; jobId: string; kind: string };
  vapidKey?: string;
  ttl?: string;
  topic?: string;
  error?: string;
}

/** A new device at the push service, as PushManager.subscribe gives it. */
async function device(): Promise<Device> {
  return (await fetch(`${PUSH}/devices`, { method: 'POST' })).json();
}

/** The device's messages, once it has at least `count` (the push service holds the answer until then, 20 s at most). */
async function messages(d: Device, count = 0): Promise<Message[]> {
  return (await fetch(`${PUSH}/devices/${d.id}/messages?count=${count}`)).json();
}

async function answerWith(d: Device, status: number): Promise<void> {
  await fetch(`${PUSH}/devices/${d.id}/answer`, { method: 'PUT', body: String(status) });
}

const subscribe = (actor: Actor, d: Device) => api(actor, 'POST', '/push/subscriptions', { endpoint: d.endpoint, keys: d.keys });

async function row(endpoint: string) {
  const r = await sql.execute({ sql: 'select * from push_subscriptions where endpoint = ?', args: [endpoint] });
  return r.rows[0] ?? null;
}

const made: Device[] = [];
async function deviceOf(actor: Actor): Promise<Device> {
  const d = await device();
  made.push(d);
  const res = await subscribe(actor, d);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return d;
}

afterAll(async () => {
  // Nobody else's tests should push to these devices.
  for (const d of made) await sql.execute({ sql: 'delete from push_subscriptions where endpoint = ?', args: [d.endpoint] });
});

describe('push key', () => {
  it('is one key for everyone, every time (development makes its own once)', async () => {
    const first = await api('a.technician', 'GET', '/push/key');
    expect(first.status).toBe(200);
    expect(fromBase64Url(first.body.publicKey)).toHaveLength(65);
    expect((await api('a.dispatcher', 'GET', '/push/key')).body).toEqual(first.body);
    expect((await api('b.technician', 'GET', '/push/key')).body).toEqual(first.body);
    const kept = await sql.execute('select public_key from vapid_keys');
    expect(kept.rows.map((r) => r.public_key)).toEqual([first.body.publicKey]);
  });
});

describe('subscriptions', () => {
  it('refuses what is not a subscription, naming the field', async () => {
    const d = await device();
    const bad = async (body: unknown, field: string) =>
      expectProblem(await api('a.technician', 'POST', '/push/subscriptions', body), 422, field);
    await bad({ endpoint: 'http://push.example.test/x', keys: d.keys }, 'endpoint');
    await bad({ endpoint: 'not a url', keys: d.keys }, 'endpoint');
    await bad({ endpoint: d.endpoint, keys: { ...d.keys, p256dh: d.keys.auth } }, 'keys.p256dh');
    await bad({ endpoint: d.endpoint, keys: { ...d.keys, auth: d.keys.p256dh } }, 'keys.auth');
    await bad({ endpoint: d.endpoint, keys: { p256dh: d.keys.p256dh } }, 'keys.auth');
    await bad({ endpoint: d.endpoint, keys: d.keys, extra: 1 }, 'extra');
    await bad({ keys: d.keys }, 'endpoint');
    expectProblem(await api('a.technician', 'DELETE', '/push/subscriptions', {}), 422, 'endpoint');
    expect(await row(d.endpoint)).toBeNull();
  });

  it('keeps one row per device, moves it within the org, refuses another org, and deletes only your own', async () => {
    const d = await device();
    made.push(d);
    const created = await subscribe('a.technician', d);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ endpoint: d.endpoint });
    expect(await row(d.endpoint)).toMatchObject({ user_id: fx.a.userIds.technician, org_id: fx.a.orgId, failures: 0 });

    const again = await subscribe('a.technician', d);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(created.body.id);

    // The same phone, signed in by the dispatcher now: theirs.
    expect((await subscribe('a.dispatcher', d)).status).toBe(200);
    expect(await row(d.endpoint)).toMatchObject({ id: created.body.id, user_id: fx.a.userIds.dispatcher });

    // Another org cannot take it, nor learn whose it is.
    const other = await subscribe('b.technician', d);
    expectProblem(other, 409, 'endpoint');
    expect(JSON.stringify(other.body)).not.toContain(fx.a.userIds.dispatcher);
    expect(await row(d.endpoint)).toMatchObject({ user_id: fx.a.userIds.dispatcher, org_id: fx.a.orgId });

    // Only its holder removes it; anyone else's DELETE changes nothing (and says nothing).
    for (const actor of ['a.technician', 'b.dispatcher'] as const) {
      expect((await api(actor, 'DELETE', '/push/subscriptions', { endpoint: d.endpoint })).status).toBe(204);
      expect(await row(d.endpoint)).not.toBeNull();
    }
    expect((await api('a.dispatcher', 'DELETE', '/push/subscriptions', { endpoint: d.endpoint })).status).toBe(204);
    expect(await row(d.endpoint)).toBeNull();
    expect((await api('a.dispatcher', 'DELETE', '/push/subscriptions', { endpoint: d.endpoint })).status).toBe(204);
  });
});

describe('pushes when the office changes a technician day', () => {
  // Tuesday 22 September 2026, 09:00 in Chicago (the fixtures' zone); a fixed day of these tests' own.
  const T = Date.UTC(2026, 8, 22, 14, 0);
  const H = 3600_000;
  let tech: Device;
  let other: Device;
  let office: Device;
  let otherOrg: Device;
  let otherTechnicianId: string;
  let key: string;

  /** A second technician of org a with a phone subscribed (written straight into the records: they never sign in here). */
  async function secondTechnician(): Promise<{ technicianId: string; d: Device }> {
    const userId = crypto.randomUUID();
    const technicianId = crypto.randomUUID();
    const now = Date.now();
    await sql.execute({
      sql: `insert into users (id, org_id, email, name, role, active, created_at, updated_at) values (?, ?, ?, 'Second tech', 'technician', 1, ?, ?)`,
      args: [userId, fx.a.orgId, `push-${userId}@org-a.test`, now, now],
    });
    await sql.execute({
      sql: `insert into technicians (id, org_id, user_id, name, skills, shift_start, shift_end, shift_days, timezone, colour, created_at, updated_at) values (?, ?, ?, 'Second tech', '[]', '07:00', '15:30', '[1,2,3,4,5]', 'America/Chicago', '#16a34a', ?, ?)`,
      args: [technicianId, fx.a.orgId, userId, now, now],
    });
    const d = await device();
    made.push(d);
    await sql.execute({
      sql: 'insert into push_subscriptions (id, org_id, user_id, endpoint, p256dh, auth, created_at) values (?, ?, ?, ?, ?, ?, ?)',
      args: [crypto.randomUUID(), fx.a.orgId, userId, d.endpoint, d.keys.p256dh, d.keys.auth, now],
    });
    return { technicianId, d };
  }

  async function newJob(): Promise<{ id: string; number: number }> {
    const res = await api('a.dispatcher', 'POST', '/jobs', {
      customerId: fx.a.customerId,
      locationId: fx.a.locationId,
      type: 'Panel upgrade',
      description: 'Push test',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  }

  const patch = async (id: string, body: Record<string, unknown>) => {
    const res = await api('a.dispatcher', 'PATCH', `/jobs/${id}`, body);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  };

  beforeAll(async () => {
    tech = await deviceOf('a.technician');
    office = await deviceOf('a.dispatcher');
    otherOrg = await deviceOf('b.technician');
    ({ technicianId: otherTechnicianId, d: other } = await secondTechnician());
    key = (await api('a.technician', 'GET', '/push/key')).body.publicKey;
  });

  it('tells the technician of a job assigned, moved and taken away, and nobody else', async () => {
    const job = await newJob();
    const url = `/field/jobs/${job.id}`;

    await patch(job.id, { technicianId: fx.a.ownTechnicianId, scheduledStart: T, durationMin: 60 });
    const [assigned] = await messages(tech, 1);
    expect(assigned).toMatchObject({ vapidKey: key, ttl: '86400', topic: job.id.replace(/-/g, '') });
    expect(assigned!.payload).toEqual({
      kind: 'assigned',
      jobId: job.id,
      url,
      title: `New job #${job.number}`,
      body: 'Panel upgrade for Customer a, Tue, Sep 22, 09:00, 1 h',
    });

    await patch(job.id, { scheduledStart: T + 2 * H, durationMin: 90 });
    const moved = (await messages(tech, 2))[1]!;
    expect(moved.payload).toEqual({
      kind: 'moved',
      jobId: job.id,
      url,
      title: `Job #${job.number} moved`,
      body: 'Panel upgrade for Customer a, now Tue, Sep 22, 11:00, 1 h 30 min',
    });
    // The room sent the moved push after every push of the assignment: nobody else had one.
    expect(await messages(other)).toEqual([]);

    // Given to the second technician: taken from the first, new for the second.
    await patch(job.id, { technicianId: otherTechnicianId });
    const taken = (await messages(tech, 3))[2]!;
    expect(taken.payload).toEqual({
      kind: 'unassigned',
      jobId: job.id,
      url,
      title: `Job #${job.number} taken off your day`,
      body: 'Panel upgrade for Customer a, was Tue, Sep 22, 11:00',
    });
    const [given] = await messages(other, 1);
    expect(given!.payload).toMatchObject({ kind: 'assigned', jobId: job.id, title: `New job #${job.number}` });

    // Back to the queue: taken from the second technician.
    await patch(job.id, { scheduledStart: null });
    const [, queued] = await messages(other, 2);
    expect(queued!.payload).toMatchObject({ kind: 'unassigned', jobId: job.id });

    expect(await messages(tech)).toHaveLength(3);
    expect(await messages(office)).toEqual([]);
    expect(await messages(otherOrg)).toEqual([]);
  });

  it('tells the technician of a job created straight onto their day', async () => {
    const phone = await deviceOf('a.technician');
    const res = await api('a.dispatcher', 'POST', '/jobs', {
      customerId: fx.a.customerId,
      locationId: fx.a.locationId,
      type: 'EV charger',
      description: 'Push test, booked at once',
      technicianId: fx.a.ownTechnicianId,
      scheduledStart: T + 8 * H,
      durationMin: 45,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const [created] = await messages(phone, 1);
    expect(created!.payload).toEqual({
      kind: 'assigned',
      jobId: res.body.id,
      url: `/field/jobs/${res.body.id}`,
      title: `New job #${res.body.number}`,
      body: 'EV charger for Customer a, Tue, Sep 22, 17:00, 45 min',
    });
  });

  it('removes a subscription the push service calls gone (410), and counts other failures', async () => {
    const gone = await deviceOf('a.technician');
    const failing = await deviceOf('a.technician');
    await answerWith(gone, 410);
    await answerWith(failing, 500);
    const first = await newJob();
    await patch(first.id, { technicianId: fx.a.ownTechnicianId, scheduledStart: T + 4 * H, durationMin: 60 });
    expect((await messages(gone, 1))[0]!.payload).toMatchObject({ jobId: first.id, kind: 'assigned' });
    expect((await messages(failing, 1))[0]!.payload).toMatchObject({ jobId: first.id, kind: 'assigned' });

    // The next change's push arriving says the first change's answers have been written down.
    const barrier = await newJob();
    await patch(barrier.id, { technicianId: otherTechnicianId, scheduledStart: T + 6 * H, durationMin: 60 });
    await messages(other, 3);

    expect(await row(gone.endpoint)).toBeNull();
    const counted = await row(failing.endpoint);
    expect(counted).toMatchObject({ failures: 1 });
    expect(Number(counted!.last_failure_at)).toBeGreaterThan(0);
    expect(await row(tech.endpoint)).toMatchObject({ failures: 0 });
    expect(Number((await row(tech.endpoint))!.last_success_at)).toBeGreaterThan(0);
  });
});
