/**
 * A replay that no longer fits is kept for the office (issue 12): a technician's phone write that
 * the server refuses for good (worker/http/idempotency.ts keeps the answer) is written down with
 * the job, and the office reads it on the job (GET /api/jobs/{id}/phone-refusals), whoever the
 * job belongs to now. One record per Idempotency-Key; none for a request without one; never
 * another org's; not for technicians, whose phone keeps their own.
 */
import { describe, expect, it } from 'vitest';
import { dispatchedJob } from './field-jobs.ts';
import { api, count, expectProblem, fx } from './helpers.ts';

const tag = () => crypto.randomUUID().slice(0, 8);
const key = () => ({ 'Idempotency-Key': crypto.randomUUID() });

/** A dispatched job of the fixture technician, made through the API. */
const job = () => dispatchedJob(`Phone refusals ${tag()}`, Date.UTC(2026, 6, 3, 15));

const refusalsOf = (jobId: string, actor: 'a.dispatcher' | 'a.manager' | 'a.admin' | 'b.dispatcher' = 'a.dispatcher') =>
  api(actor, 'GET', `/jobs/${jobId}/phone-refusals`);

describe('phone refusals kept for the office', () => {
  it('lists a status change the lifecycle refused after the office cancelled the job, with who, what, why and when', async () => {
    const jobId = await job();
    expect((await api('a.dispatcher', 'POST', `/jobs/${jobId}/transitions`, { to: 'cancelled' })).status).toBe(200);
    const before = Date.now();
    // The phone, back online, sends "On my way" it queued before the job was cancelled.
    const refused = await api('a.technician', 'POST', `/jobs/${jobId}/transitions`, { to: 'en_route' }, key());
    expectProblem(refused, 409);
    const after = Date.now();

    const list = await refusalsOf(jobId);
    expect(list.status, JSON.stringify(list.body)).toBe(200);
    expect(list.body.items).toHaveLength(1);
    const [item] = list.body.items;
    expect(item).toMatchObject({
      jobId,
      technicianId: fx.a.userIds.technician,
      technicianName: 'Field user a',
      action: 'Status change',
      attempted: 'To En route',
      method: 'POST',
      path: `/api/jobs/${jobId}/transitions`,
      status: 409,
      title: refused.body.title,
      detail: refused.body.detail,
    });
    expect(item.at).toBeGreaterThanOrEqual(before);
    expect(item.at).toBeLessThanOrEqual(after);
    // Managers and admins read it too.
    for (const actor of ['a.manager', 'a.admin'] as const) expect((await refusalsOf(jobId, actor)).body.items).toEqual(list.body.items);
  });

  it('keeps a note on a job reassigned to another technician on that job, once per key, and nothing without a key', async () => {
    const jobId = await job();
    const moved = await api('a.dispatcher', 'PATCH', `/jobs/${jobId}`, { technicianId: fx.a.technicianId });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    const said = `Breaker panel is behind the water heater ${tag()}`;
    const headers = key();
    const refused = await api('a.technician', 'POST', `/jobs/${jobId}/notes`, { text: said }, headers);
    expectProblem(refused, 404);

    const [item, ...more] = (await refusalsOf(jobId)).body.items;
    expect(more).toEqual([]);
    expect(item).toMatchObject({
      jobId,
      technicianName: 'Field user a',
      action: 'Note',
      attempted: said,
      path: `/api/jobs/${jobId}/notes`,
      status: 404,
      title: 'Not found',
      detail: 'No job with that id.',
    });

    // The phone sends it again (its answer was lost): the same refusal comes back, no second record.
    const again = await api('a.technician', 'POST', `/jobs/${jobId}/notes`, { text: said }, headers);
    expectProblem(again, 404);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await count('phone_refusals', 'idempotency_key = ?', [headers['Idempotency-Key']])).toBe(1);

    // Without a key it is not the phone's outbox: refused as always, nothing kept.
    const stored = await count('phone_refusals', 'job_id = ?', [jobId]);
    expectProblem(await api('a.technician', 'POST', `/jobs/${jobId}/notes`, { text: `${said} (no key)` }), 404);
    expect(await count('phone_refusals', 'job_id = ?', [jobId])).toBe(stored);
    expect((await refusalsOf(jobId)).body.items).toEqual([item]);
  });

  it("describes a refused photo by its caption and size, never its bytes; a line item by its body's jobId", async () => {
    const jobId = await job();
    expect((await api('a.dispatcher', 'PATCH', `/jobs/${jobId}`, { technicianId: fx.a.technicianId })).status).toBe(200);
    const jpeg = new Uint8Array(3000);
    jpeg.set([0xff, 0xd8, 0xff, 0xe0]);
    const photo = await api('a.technician', 'PUT', `/jobs/${jobId}/files/${crypto.randomUUID()}?kind=photo&caption=Meter%20base`, jpeg, {
      ...key(),
      'content-type': 'image/jpeg',
    });
    expectProblem(photo, 404);
    const line = await api(
      'a.technician',
      'POST',
      '/line-items',
      { jobId, description: 'Breaker swap', quantity: 2, unitPriceCents: 4500 },
      key(),
    );
    expectProblem(line, 422, 'jobId');

    const items: { action: string; attempted: string; status: number }[] = (await refusalsOf(jobId)).body.items;
    expect(items.map((i) => [i.action, i.attempted, i.status]).sort()).toEqual([
      ['Line item', '2 × Breaker swap', 422],
      ['Photo', 'Meter base (image/jpeg, 3 KB)', 404],
    ]);
  });

  it('keeps a refusal met inside a replay run (POST /api/replay) the same way, once per key', async () => {
    const jobId = await job();
    expect((await api('a.dispatcher', 'PATCH', `/jobs/${jobId}`, { technicianId: fx.a.technicianId })).status).toBe(200);
    const said = `Replayed note ${tag()}`;
    const action = { key: crypto.randomUUID(), method: 'POST', path: `/api/jobs/${jobId}/notes`, body: { text: said } };
    for (let i = 0; i < 2; i++) {
      const run = await api('a.technician', 'POST', '/replay', { actions: [action] });
      expect(run.status, JSON.stringify(run.body)).toBe(200);
      expect(run.body.results.map((r: { status: number }) => r.status)).toEqual([404]);
    }
    const items = (await refusalsOf(jobId)).body.items;
    expect(items.map((i: { action: string; attempted: string; status: number }) => [i.action, i.attempted, i.status])).toEqual([
      ['Note', said, 404],
    ]);
  });

  it("never shows one org's refusals to another, and not to technicians", async () => {
    const jobId = await job();
    expect((await api('a.dispatcher', 'POST', `/jobs/${jobId}/transitions`, { to: 'cancelled' })).status).toBe(200);
    expectProblem(await api('a.technician', 'POST', `/jobs/${jobId}/transitions`, { to: 'on_site' }, key()), 409);
    expect((await refusalsOf(jobId)).body.items).toHaveLength(1);

    // Org b's dispatcher: org a's job is not there.
    expectProblem(await refusalsOf(jobId, 'b.dispatcher'), 404);
    // Org a's technician, sending to org b's job, is refused; the record is org a's and org b sees none of it.
    expectProblem(await api('a.technician', 'POST', `/jobs/${fx.b.jobId}/notes`, { text: `Not ours ${tag()}` }, key()), 404);
    const theirs = await refusalsOf(fx.b.jobId, 'b.dispatcher');
    expect(theirs.status).toBe(200);
    expect(theirs.body.items.filter((i: { technicianId: string }) => i.technicianId === fx.a.userIds.technician)).toEqual([]);
    expectProblem(await refusalsOf(fx.b.jobId), 404);

    // The technician's phone keeps their own; this list is the office's.
    const asTechnician = await api('a.technician', 'GET', `/jobs/${jobId}/phone-refusals`);
    expectProblem(asTechnician, 403);
  });
});
