/**
 * Changes from outside the board go through the room (DESIGN.md, "Who owns what"): the REST
 * API's reschedules, moves to another day and status changes reach connected clients and the
 * records through the room of the job's day, and the room stores the scheduling rules'
 * warnings with its projection.
 */
import { SELF, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { BoardRoom } from '../../rooms/board-room.ts';
import { readJob } from '../../core/board-client.ts';
import { setMovesStatements, statementsFor } from '../../rooms/outbox-sql.ts';
import { ORIGIN, at, fx, makeJobs, record, roomStub, sql, testDate, waitFor, type Actor, trackedClients } from './board-client.ts';

const connect = trackedClients();

async function api(actor: Exclude<Actor, 'anon'>, method: string, path: string, body?: unknown) {
  const [org, role] = actor.split('.') as ['a' | 'b', keyof (typeof fx)['a']['tokens']];
  const res = await SELF.fetch(`${ORIGIN}/api${path}`, {
    method,
    headers: {
      origin: ORIGIN,
      cookie: `__Host-sb_session=${fx[org].tokens[role]}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: (await res.json()) as any };
}

const boardDateOf = async (jobId: string) =>
  (await sql.execute({ sql: `select board_date from jobs where id = ?`, args: [jobId] })).rows[0]!.board_date;
const eventsOf = async (jobId: string) =>
  (
    await sql.execute({ sql: `select kind, actor_user_id, after from job_events where job_id = ? order by at, rowid`, args: [jobId] })
  ).rows.map((r) => ({ kind: r.kind, actor: r.actor_user_id, after: JSON.parse(String(r.after)) }));
const onBoard = (org: 'a' | 'b', date: string, jobId: string) =>
  runInDurableObject(roomStub(org, date), (room: BoardRoom) => room.jobState(jobId));

describe('changes from outside go through the room', () => {
  it('shows billing on the board: invoiced, completed again after a void, then paid', async () => {
    const date = testDate(50);
    const [j] = await makeJobs('a', date, 1);
    const c = await connect('a.manager', date);
    for (const to of ['dispatched', 'en_route', 'on_site', 'completed'])
      expect((await api('a.dispatcher', 'POST', `/jobs/${j}/transitions`, { to })).status).toBe(200);
    await waitFor(() => c.job(j!)?.status === 'completed', 'the board to show the job completed');
    const now = Date.now();
    await sql.execute({
      sql: `insert into line_items (id, org_id, job_id, description, quantity_milli, unit_price_cents, taxable, total_cents, created_at, updated_at) values (?, ?, ?, 'Breaker', 1000, 4500, 1, 4500, ?, ?)`,
      args: [crypto.randomUUID(), fx.a.orgId, j!, now, now],
    });

    const first = await api('a.dispatcher', 'POST', '/invoices', { jobId: j });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    await waitFor(() => c.job(j!)?.status === 'invoiced', 'the board to show the job invoiced');
    expect((await onBoard('a', date, j!))?.schedule.status).toBe('invoiced');

    expect(
      (await api('a.dispatcher', 'POST', `/invoices/${first.body.id}/transitions`, { to: 'void', reason: 'Billed twice' })).status,
    ).toBe(200);
    await waitFor(() => c.job(j!)?.status === 'completed', 'the board to show the job completed again');

    const second = await api('a.dispatcher', 'POST', '/invoices', { jobId: j });
    expect((await api('a.dispatcher', 'POST', `/invoices/${second.body.id}/transitions`, { to: 'sent' })).status).toBe(200);
    const paid = await api('a.dispatcher', 'POST', '/payments', {
      invoiceId: second.body.id,
      amountCents: second.body.totalCents,
      method: 'card',
    });
    expect(paid.status, JSON.stringify(paid.body)).toBe(201);
    await waitFor(() => c.job(j!)?.status === 'paid', 'the board to show the job paid');
    expect(await record(j!)).toMatchObject({ status: 'paid' });
  });

  it('shows an API reschedule to connected clients, and the records say who did it', async () => {
    const date = testDate(40);
    const [j] = await makeJobs('a', date, 1);
    const c = await connect('a.manager', date);
    const res = await api('a.dispatcher', 'PATCH', `/jobs/${j}`, { technicianId: fx.a.technicianId, scheduledStart: at(date, '13:00') });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      technicianId: fx.a.technicianId,
      scheduledStart: at(date, '13:00'),
      boardDate: date,
      status: 'scheduled',
    });
    await waitFor(
      () => c.job(j!)?.start === at(date, '13:00') && c.job(j!)?.technicianId === fx.a.technicianId,
      'the client to see the API change',
    );
    // The API answered once libSQL had it: no waiting on the outbox here.
    expect(await record(j!)).toMatchObject({ technicianId: fx.a.technicianId, start: at(date, '13:00') });
    expect((await eventsOf(j!)).at(-1)).toMatchObject({
      kind: 'rescheduled',
      actor: fx.a.userIds.dispatcher,
      after: { via: 'board', boardDate: date },
    });
  });

  it('moves a job to another day with the records on exactly one day throughout', async () => {
    const d1 = testDate(42);
    const d2 = testDate(43);
    const [j] = await makeJobs('a', d1, 1);
    await sql.execute({ sql: `update jobs set board_date = ? where id = ?`, args: [d1, j!] });
    const c1 = await connect('a.dispatcher', d1);
    const c2 = await connect('a.dispatcher', d2);
    expect(c1.job(j!)).toBeDefined();
    // An edit on the first day still waiting in its outbox when the move happens.
    c1.set(j!, { durationMin: 75 });
    await waitFor(async () => (await onBoard('a', d1, j!))?.schedule.durationMin === 75, 'the first room to accept the edit');

    const res = await api('a.dispatcher', 'PATCH', `/jobs/${j}`, { scheduledStart: at(d2, '10:00') });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ scheduledStart: at(d2, '10:00'), boardDate: d2, durationMin: 75 });

    await waitFor(
      () => c1.job(j!) === undefined && c2.job(j!)?.start === at(d2, '10:00'),
      'the job to leave one board and land on the other',
    );
    expect(await onBoard('a', d1, j!)).toBeNull();
    expect((await onBoard('a', d2, j!))?.schedule).toMatchObject({ start: at(d2, '10:00'), durationMin: 75 });
    await runDurableObjectAlarm(roomStub('a', d1));
    expect(await boardDateOf(j!)).toBe(d2);
    expect(await record(j!)).toMatchObject({ start: at(d2, '10:00'), durationMin: 75 });

    // The old day's room can no longer write this job, whatever version it sends.
    // Neither said alone nor in a set of moves (rooms/outbox-sql.ts setMovesStatements).
    const staleRow = {
      seq: 1,
      jobId: j!,
      version: Number.MAX_SAFE_INTEGER,
      eventId: crypto.randomUUID(),
      actorUserId: null,
      at: Date.now(),
      kind: 'rescheduled' as const,
      before: null,
      after: { technicianId: fx.a.ownTechnicianId, start: at(d1, '09:00'), durationMin: 60, status: 'scheduled' },
      boardDate: d1,
      takeOver: false,
      note: null,
      warnings: null,
    };
    await sql.batch(statementsFor(fx.a.orgId, d1, staleRow), 'write');
    await sql.batch(setMovesStatements(fx.a.orgId, d1, [staleRow, { ...staleRow, eventId: crypto.randomUUID() }]), 'write');
    expect(await boardDateOf(j!)).toBe(d2);
    expect(await record(j!)).toMatchObject({ start: at(d2, '10:00') });

    // A client of the old day cannot bring it back either.
    c1.jobs().set(j!, new Y.Map());
    expect(c1.jobs().has(j!)).toBe(true);
    await waitFor(() => !c1.jobs().has(j!), 'the old room to take it off again');
    expect(await onBoard('a', d1, j!)).toBeNull();

    // And back again, to the backlog: no day owns it.
    const back = await api('a.dispatcher', 'PATCH', `/jobs/${j}`, { scheduledStart: null });
    expect(back.body).toMatchObject({ scheduledStart: null, boardDate: null, status: 'unscheduled' });
    await waitFor(() => c2.job(j!) === undefined, 'the job to leave the second board');
    expect(await boardDateOf(j!)).toBeNull();
  });

  it('refuses a move the lifecycle refuses and leaves both days as they were', async () => {
    const d1 = testDate(44);
    const d2 = testDate(45);
    const [j] = await makeJobs('a', d1, 1);
    for (const to of ['dispatched', 'en_route'])
      expect((await api('a.dispatcher', 'POST', `/jobs/${j}/transitions`, { to })).status).toBe(200);
    const res = await api('a.dispatcher', 'PATCH', `/jobs/${j}`, { scheduledStart: at(d2, '10:00') });
    expect(res.status).toBe(409);
    expect(res.body.errors[0]).toMatchObject({ field: 'scheduledStart' });
    expect((await onBoard('a', d1, j!))?.schedule.status).toBe('en_route');
    expect(await onBoard('a', d2, j!)).toBeNull();
    expect(await record(j!)).toMatchObject({ start: at(d1, '08:00'), status: 'en_route' });
  });

  it('puts a technician’s status change on the board, and a new job on its day', async () => {
    const date = testDate(46);
    const [j] = await makeJobs('a', date, 1, 'own');
    const c = await connect('a.dispatcher', date);
    expect((await api('a.dispatcher', 'POST', `/jobs/${j}/transitions`, { to: 'dispatched' })).status).toBe(200);
    const r = await api('a.technician', 'POST', `/jobs/${j}/transitions`, { to: 'en_route', note: 'Leaving the shop' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    await waitFor(() => c.job(j!)?.status === 'en_route', 'the board to show en route');
    expect((await eventsOf(j!)).at(-1)).toMatchObject({
      kind: 'status_changed',
      actor: fx.a.userIds.technician,
      after: { status: 'en_route', note: 'Leaving the shop' },
    });

    const created = await api('a.dispatcher', 'POST', '/jobs', {
      customerId: fx.a.customerId,
      locationId: fx.a.locationId,
      type: 'Service call',
      description: 'Made through the API',
      technicianId: fx.a.technicianId,
      scheduledStart: at(date, '14:00'),
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.boardDate).toBe(date);
    await waitFor(() => c.job(created.body.id)?.start === at(date, '14:00'), 'the new job to appear on its board');

    expect((await api('a.dispatcher', 'POST', `/jobs/${created.body.id}/transitions`, { to: 'cancelled' })).status).toBe(200);
    await waitFor(() => c.job(created.body.id) === undefined, 'a cancelled job to leave the board');

    // Reopened, it waits in its day's queue again, without its old slot (the lifecycle allows
    // cancelled -> unscheduled; the room refused it as a reschedule of cancelled work).
    const reopened = await api('a.dispatcher', 'POST', `/jobs/${created.body.id}/transitions`, { to: 'unscheduled' });
    expect(reopened.status, JSON.stringify(reopened.body)).toBe(200);
    expect(reopened.body).toMatchObject({ status: 'unscheduled', scheduledStart: null, boardDate: date });
    await waitFor(() => c.job(created.body.id)?.status === 'unscheduled', 'the reopened job to join the day’s queue');
  });

  it('creates a job in a day’s queue without a time, and refuses a day its start contradicts', async () => {
    const date = testDate(48);
    const c = await connect('a.dispatcher', date);
    const base = { customerId: fx.a.customerId, locationId: fx.a.locationId, type: 'Service call', description: 'Waiting for a slot' };
    const queued = await api('a.dispatcher', 'POST', '/jobs', { ...base, boardDate: date });
    expect(queued.status, JSON.stringify(queued.body)).toBe(201);
    expect(queued.body).toMatchObject({ boardDate: date, scheduledStart: null, status: 'unscheduled' });
    await waitFor(() => c.job(queued.body.id) !== undefined, 'the job to join the day’s queue');
    expect(readJob(c.doc, queued.body.id)).toMatchObject({ technicianId: null, start: null });

    const wrong = await api('a.dispatcher', 'POST', '/jobs', { ...base, boardDate: date, scheduledStart: at(testDate(49), '09:00') });
    expect(wrong.status).toBe(422);
    expect(wrong.body.errors[0]).toMatchObject({ field: 'boardDate' });
  });

  it('stores the rules’ warnings with the projection, and clears them when the clash goes', async () => {
    const date = testDate(47);
    const [j1, j2] = await makeJobs('a', date, 2, 'other');
    const c = await connect('a.dispatcher', date);
    c.set(j2!, { start: at(date, '08:30') });
    const warningsOf = async (id: string) =>
      JSON.parse(String((await sql.execute({ sql: `select warnings from jobs where id = ?`, args: [id] })).rows[0]!.warnings)) as {
        code: string;
        message: string;
      }[];
    await waitFor(async () => {
      await runDurableObjectAlarm(roomStub('a', date));
      return (
        (await warningsOf(j1!)).some((w) => w.code === 'double-booked') && (await warningsOf(j2!)).some((w) => w.code === 'double-booked')
      );
    }, 'double-booking warnings in libSQL');
    expect((await warningsOf(j2!)).find((w) => w.code === 'double-booked')!.message).toMatch(/#\d+/);
    c.set(j2!, { start: at(date, '12:00') });
    await waitFor(async () => {
      await runDurableObjectAlarm(roomStub('a', date));
      return (
        !(await warningsOf(j1!)).some((w) => w.code === 'double-booked') && !(await warningsOf(j2!)).some((w) => w.code === 'double-booked')
      );
    }, 'the warnings to clear');
  });
});
