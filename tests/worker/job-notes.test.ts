/**
 * A job's notes (worker/jobs/notes.ts): job events of kind 'note', oldest first, with their
 * author; a technician writes and reads them on their own jobs only, another org's job is
 * nobody's. A refused note writes nothing.
 */
import { describe, expect, it } from 'vitest';
import { api, dbFingerprint, expectProblem, fx, sql } from './helpers.ts';

async function job(technicianId: string | null, org: 'a' | 'b' = 'a'): Promise<string> {
  const f = fx[org];
  const id = crypto.randomUUID();
  const now = Date.now();
  await sql.execute({
    sql: `insert into jobs (id, org_id, number, customer_id, location_id, type, priority, description, status, duration_min, technician_id, warnings, created_at, updated_at)
          values (?, ?, ?, ?, ?, 'service', 'normal', 'Notes', 'on_site', 60, ?, '[]', ?, ?)`,
    args: [id, f.orgId, 6_000_000 + Math.floor(Math.random() * 1e9), f.customerId, f.locationId, technicianId, now, now],
  });
  return id;
}

describe('job notes', () => {
  it('keeps notes from the field and the office on the job, oldest first, with their authors', async () => {
    const jobId = await job(fx.a.ownTechnicianId);
    const first = await api('a.technician', 'POST', `/jobs/${jobId}/notes`, { text: '  Breaker 12 is scorched  ' });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body).toEqual({
      id: expect.any(String),
      jobId,
      text: 'Breaker 12 is scorched',
      at: expect.any(Number),
      authorName: 'technician a',
    });
    const second = await api('a.dispatcher', 'POST', `/jobs/${jobId}/notes`, { text: 'Customer called: gate code 4411' });
    expect(second.status).toBe(201);
    for (const actor of ['a.technician', 'a.manager'] as const) {
      const listed = await api(actor, 'GET', `/jobs/${jobId}/notes`);
      expect(listed.status).toBe(200);
      expect(listed.body.items).toEqual([first.body, second.body]);
      expect(listed.roundTrips).toBeLessThanOrEqual(2);
    }
    // Notes are the job's history too.
    const detail = await api('a.manager', 'GET', `/jobs/${jobId}?fields=events`);
    expect(detail.body.events.filter((e: { kind: string }) => e.kind === 'note').map((e: { after: unknown }) => e.after)).toEqual([
      { text: 'Breaker 12 is scorched' },
      { text: 'Customer called: gate code 4411' },
    ]);
  });

  it('keeps a technician to their own jobs and everyone to their org: 404, nothing written; bad text names the field', async () => {
    const theirs = await job(fx.a.technicianId);
    const otherOrg = await job(fx.b.ownTechnicianId, 'b');
    const mine = await job(fx.a.ownTechnicianId);
    const before = await dbFingerprint();
    expectProblem(await api('a.technician', 'POST', `/jobs/${theirs}/notes`, { text: 'Not mine' }), 404);
    expectProblem(await api('a.technician', 'GET', `/jobs/${theirs}/notes`), 404);
    for (const actor of ['a.admin', 'a.technician'] as const) {
      expectProblem(await api(actor, 'POST', `/jobs/${otherOrg}/notes`, { text: 'Other org' }), 404);
      expectProblem(await api(actor, 'GET', `/jobs/${otherOrg}/notes`), 404);
    }
    expectProblem(await api('a.technician', 'POST', `/jobs/${mine}/notes`, { text: '   ' }), 422, 'text');
    expectProblem(await api('a.technician', 'POST', `/jobs/${mine}/notes`, { text: 'x'.repeat(2001) }), 422, 'text');
    expectProblem(await api('a.technician', 'POST', `/jobs/${mine}/notes`, { text: 'ok', at: 1 }), 422, 'at');
    expect(await dbFingerprint()).toBe(before);
  });
});
