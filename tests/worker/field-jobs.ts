/**
 * Jobs for the tests of the technician's phone (idempotency, replay, refusals): one made through
 * the API and dispatched, or one already on site written straight into libSQL (no board holds it),
 * and the truck stock an action takes from.
 */
import { expect } from 'vitest';
import { api, fx, sql } from './helpers.ts';

/** A job of the fixture technician on a board, dispatched (so they may set off), made through the API. */
export async function dispatchedJob(description: string, scheduledStart: number): Promise<string> {
  const made = await api('a.dispatcher', 'POST', '/jobs', {
    customerId: fx.a.customerId,
    locationId: fx.a.locationId,
    type: 'Service call',
    description,
    technicianId: fx.a.ownTechnicianId,
    scheduledStart,
  });
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  const dispatched = await api('a.dispatcher', 'POST', `/jobs/${made.body.id}/transitions`, { to: 'dispatched' });
  expect(dispatched.status, JSON.stringify(dispatched.body)).toBe(200);
  return made.body.id;
}

/** A job on site in org `org` (a by default) for `technicianId` (org a's technician user by default), straight into libSQL. */
export async function onSiteJob(opts: { org?: 'a' | 'b'; technicianId?: string; description?: string } = {}): Promise<string> {
  const f = fx[opts.org ?? 'a'];
  const id = crypto.randomUUID();
  const now = Date.now();
  await sql.execute({
    sql: `insert into jobs (id, org_id, number, customer_id, location_id, type, priority, description, status, duration_min, technician_id, warnings, created_at, updated_at)
          values (?, ?, ?, ?, ?, 'service', 'normal', ?, 'on_site', 60, ?, '[]', ?, ?)`,
    args: [
      id,
      f.orgId,
      8_000_000 + Math.floor(Math.random() * 1e9),
      f.customerId,
      f.locationId,
      opts.description ?? 'On site',
      opts.technicianId ?? f.ownTechnicianId,
      now,
      now,
    ],
  });
  return id;
}

/** How many of a part a stock location holds (NaN when it holds no row for it). */
export async function onHand(partId: string, locationId: string): Promise<number> {
  const r = await sql.execute({
    sql: 'select quantity from stock_levels where part_id = ? and location_id = ?',
    args: [partId, locationId],
  });
  return Number(r.rows[0]?.quantity ?? Number.NaN);
}
