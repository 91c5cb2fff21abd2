/**
 * The job facts (db/job-facts.ts) kept in the same batch as the change that alters them, through
 * every door: the API's job writes (worker/jobs/schedule.ts), billing, and the board room's
 * outbox for a status decided on a board. And the return visit link those facts read: set on
 * create and PATCH, checked, shown in the job's JSON, recorded as a job event.
 */
import { describe, expect, it } from 'vitest';
import { api, expectProblem, fx, sql } from './helpers.ts';

/** A day of this file's own on org a's boards. */
const DAY = Date.UTC(2026, 6, 14, 14, 0); // 14 July 2026, 09:00 in Chicago
let slot = 0;

async function newJob(extra: Record<string, unknown> = {}) {
  const r = await api('a.dispatcher', 'POST', '/jobs', {
    customerId: fx.a.customerId,
    locationId: fx.a.locationId,
    type: 'Service call',
    description: 'KPI facts',
    ...extra,
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body as { id: string; returnVisitOf: string | null };
}

/** A job walked to completed through the API (the board room decides and projects each step). */
async function doneJob(extra: Record<string, unknown> = {}) {
  const job = await newJob({ technicianId: fx.a.technicianId, scheduledStart: DAY + slot++ * 3600_000, ...extra });
  for (const to of ['dispatched', 'en_route', 'on_site', 'completed']) {
    const r = await api('a.dispatcher', 'POST', `/jobs/${job.id}/transitions`, { to });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  }
  return job;
}

async function fact(jobId: string) {
  const r = await sql.execute({
    sql: 'select invoiced, revenue_cents, first_time_fix, on_time, return_visit_of from job_facts where job_id = ?',
    args: [jobId],
  });
  const row = r.rows[0];
  if (!row) return null;
  const bool = (v: unknown) => (v === null ? null : Boolean(v));
  return {
    invoiced: bool(row.invoiced),
    revenueCents: Number(row.revenue_cents),
    firstTimeFix: bool(row.first_time_fix),
    onTime: bool(row.on_time),
    returnVisitOf: row.return_visit_of,
  };
}

const patch = (id: string, body: object) => api('a.dispatcher', 'PATCH', `/jobs/${id}`, body);

describe('job facts through the API', () => {
  it('writes a fact when a board completes a job, and none before', async () => {
    const job = await newJob({ technicianId: fx.a.technicianId, scheduledStart: DAY + slot++ * 3600_000 });
    for (const to of ['dispatched', 'en_route', 'on_site']) await api('a.dispatcher', 'POST', `/jobs/${job.id}/transitions`, { to });
    expect(await fact(job.id)).toBeNull();
    await api('a.dispatcher', 'POST', `/jobs/${job.id}/transitions`, { to: 'completed' });
    expect(await fact(job.id)).toEqual({ invoiced: false, revenueCents: 0, firstTimeFix: true, onTime: null, returnVisitOf: null });
  });

  it("follows the return visit link: set on create, changed, cleared, and a return visit's cancellation", async () => {
    const first = await doneJob();
    const second = await doneJob();
    const callback = await newJob({ returnVisitOf: first.id, technicianId: fx.a.technicianId, scheduledStart: DAY + slot++ * 3600_000 });
    expect(callback.returnVisitOf).toBe(first.id);
    expect((await api('a.dispatcher', 'GET', `/jobs/${callback.id}`)).body.returnVisitOf).toBe(first.id);
    expect((await fact(first.id))?.firstTimeFix).toBe(false);

    // Moved to the other job: both originals are recomputed in the same batch.
    const moved = await patch(callback.id, { returnVisitOf: second.id });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body.returnVisitOf).toBe(second.id);
    expect((await fact(first.id))?.firstTimeFix).toBe(true);
    expect((await fact(second.id))?.firstTimeFix).toBe(false);
    // Through the door: the change has its job event.
    const events = await sql.execute({
      sql: `select before, after from job_events where job_id = ? and kind = 'updated' order by at desc, rowid desc limit 1`,
      args: [callback.id],
    });
    expect(JSON.parse(String(events.rows[0]!.before))).toEqual({ returnVisitOf: first.id });
    expect(JSON.parse(String(events.rows[0]!.after))).toEqual({ returnVisitOf: second.id });

    // Cleared, and set again.
    expect((await patch(callback.id, { returnVisitOf: null })).body.returnVisitOf).toBeNull();
    expect((await fact(second.id))?.firstTimeFix).toBe(true);
    expect((await patch(callback.id, { returnVisitOf: second.id })).status).toBe(200);
    expect((await fact(second.id))?.firstTimeFix).toBe(false);

    // A cancelled return visit does not count against its original: the board room decides the
    // cancellation, and its outbox refreshes the original's fact in the same batch.
    const cancelled = await api('a.dispatcher', 'POST', `/jobs/${callback.id}/transitions`, { to: 'cancelled' });
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    expect((await fact(second.id))?.firstTimeFix).toBe(true);
  });

  it("a done return visit's own fact says so, and it is not counted for first-time fix", async () => {
    const first = await doneJob();
    const callback = await doneJob({ returnVisitOf: first.id });
    expect(await fact(callback.id)).toMatchObject({ firstTimeFix: null, returnVisitOf: first.id });
    // Unlinked after it was done: it becomes an ordinary job, and its original a first-time fix again.
    await patch(callback.id, { returnVisitOf: null });
    expect(await fact(callback.id)).toMatchObject({ firstTimeFix: true, returnVisitOf: null });
    expect((await fact(first.id))?.firstTimeFix).toBe(true);
  });

  it("refuses a link to itself, to another org's job or to no job, naming returnVisitOf and changing nothing", async () => {
    const job = await newJob();
    const theirs = await api('b.dispatcher', 'POST', '/jobs', {
      customerId: fx.b.customerId,
      locationId: fx.b.locationId,
      type: 'Service call',
      description: 'Org b',
    });
    const self = await patch(job.id, { returnVisitOf: job.id });
    expectProblem(self, 422, 'returnVisitOf');
    expect(self.body.detail).toMatch(/itself/);
    for (const id of [theirs.body.id, 'no-such-job']) {
      const refused = await patch(job.id, { returnVisitOf: id });
      expectProblem(refused, 422, 'returnVisitOf');
      // Exactly as a job that does not exist: nothing of org b's is confirmed.
      expect(refused.body.detail).toBe('No job with that id in your organisation.');
      expectProblem(
        await api('a.dispatcher', 'POST', '/jobs', {
          customerId: fx.a.customerId,
          locationId: fx.a.locationId,
          type: 'Service call',
          description: 'x',
          returnVisitOf: id,
        }),
        422,
        'returnVisitOf',
      );
    }
    expect((await api('a.dispatcher', 'GET', `/jobs/${job.id}`)).body.returnVisitOf).toBeNull();
  });

  it("recomputes on-time when a done job's arrival window is corrected", async () => {
    // The steps ran just now, so a window around now holds the arrival and one before it does not.
    const job = await doneJob();
    const now = Date.now();
    expect((await patch(job.id, { arrivalWindowStart: now - 3600_000, arrivalWindowEnd: now + 3600_000 })).status).toBe(200);
    expect((await fact(job.id))?.onTime).toBe(true);
    expect((await patch(job.id, { arrivalWindowStart: now - 7200_000, arrivalWindowEnd: now - 3600_000 })).status).toBe(200);
    expect((await fact(job.id))?.onTime).toBe(false);
  });
});

describe('job facts through billing', () => {
  it('counts an invoice from its making, and drops it the moment it is voided', async () => {
    const job = await doneJob();
    await api('a.dispatcher', 'POST', '/line-items', { jobId: job.id, description: 'Labour', quantity: 2, unitPriceCents: 12500 });
    const invoice = await api('a.dispatcher', 'POST', '/invoices', { jobId: job.id });
    expect(invoice.status, JSON.stringify(invoice.body)).toBe(201);
    expect(await fact(job.id)).toMatchObject({ invoiced: true, revenueCents: 25000 });
    const voided = await api('a.dispatcher', 'POST', `/invoices/${invoice.body.id}/transitions`, { to: 'void', reason: 'Billed twice' });
    expect(voided.status, JSON.stringify(voided.body)).toBe(200);
    expect(voided.body.status).toBe('void');
    expect(await fact(job.id)).toMatchObject({ invoiced: false, revenueCents: 0 });
    // Invoiced again, and paid: one invoice counts, before tax.
    const again = await api('a.dispatcher', 'POST', '/invoices', { jobId: job.id });
    await api('a.dispatcher', 'POST', `/invoices/${again.body.id}/transitions`, { to: 'sent' });
    const paid = await api('a.dispatcher', 'POST', '/payments', {
      invoiceId: again.body.id,
      amountCents: again.body.totalCents,
      method: 'cash',
    });
    expect(paid.body.invoice.status).toBe('paid');
    expect(await fact(job.id)).toMatchObject({ invoiced: true, revenueCents: 25000 });
  });
});
