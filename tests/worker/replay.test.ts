/**
 * POST /api/replay (worker/http/replay.ts): the phone's outbox in one request. Each action must
 * have exactly the effect it has when sent on its own (checked in the records and the truck's
 * stock, not only in the answers), the run must stop where the phone would stop, and the batch
 * must open no door: a technician can do through it only what they can do without it.
 */
import { describe, expect, it } from 'vitest';
import { MAX_REPLAY_ACTIONS } from '../../worker/http/replay.ts';
import { onHand, onSiteJob } from './field-jobs.ts';
import { api, count, dbFingerprint, expectProblem, fx, sql } from './helpers.ts';

const tag = () => crypto.randomUUID().slice(0, 8);

/** A part with ten on a new truck, so the stock the actions take is the test's own. */
async function truckWithParts(): Promise<{ partId: string; truckId: string }> {
  const partId = (await api('a.admin', 'POST', '/parts', { sku: `RP-${tag()}`, name: `Replay part ${tag()}` })).body.id as string;
  const truckId = (await api('a.admin', 'POST', '/stock/locations', { kind: 'truck', name: `Replay truck ${tag()}` })).body.id as string;
  await api('a.admin', 'POST', '/stock/movements', { partId, toLocationId: truckId, quantity: 10, reason: 'receive' });
  return { partId, truckId };
}

const action = <B>(path: string, body: B, method = 'POST') => ({ key: crypto.randomUUID(), method, path, body });

/** A day's actions on one job, as the outbox would hold them: notes, a line item, a part used. */
function daysWork(jobId: string, partId: string, truckId: string) {
  return [
    action(`/api/jobs/${jobId}/notes`, { text: `Panel opened ${tag()}` }),
    action('/api/line-items', { jobId, description: `Breaker swap ${tag()}`, quantity: 1, unitPriceCents: 4500 }),
    action('/api/part-usages', { jobId, partId, locationId: truckId, quantity: 2 }),
    action(`/api/jobs/${jobId}/notes`, { text: `Tested, all good ${tag()}` }),
  ];
}

describe('POST /api/replay', () => {
  it('runs each action once, in order, with the answer each would get on its own', async () => {
    const jobId = await onSiteJob();
    const { partId, truckId } = await truckWithParts();
    const actions = daysWork(jobId, partId, truckId);
    const said = (i: number) => (actions[i]!.body as { text: string }).text;
    const res = await api('a.technician', 'POST', '/replay', { actions });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.stopped).toBe(false);
    expect(res.body.results.map((r: { key: string; status: number }) => [r.key, r.status])).toEqual(actions.map((a) => [a.key, 201]));
    expect(res.body.results[0].body).toMatchObject({ jobId, text: said(0) });
    expect(await count('job_events', "job_id = ? and kind = 'note'", [jobId])).toBe(2);
    expect(await count('line_items', 'job_id = ?', [jobId])).toBe(1);
    expect(await count('part_usages', 'job_id = ?', [jobId])).toBe(1);
    expect(await onHand(partId, truckId)).toBe(8);
    // In the order they were taken.
    const notes = (await api('a.technician', 'GET', `/jobs/${jobId}/notes`)).body.items.map((n: { text: string }) => n.text);
    expect(notes).toEqual([said(0), said(3)]);
  });

  it('has one effect per action however the run is sent again: three at once, then once more, then each action alone', async () => {
    const jobId = await onSiteJob();
    const { partId, truckId } = await truckWithParts();
    const actions = daysWork(jobId, partId, truckId);
    const together = await Promise.all([1, 2, 3].map(() => api('a.technician', 'POST', '/replay', { actions })));
    for (const r of together) expect(r.status, JSON.stringify(r.body)).toBe(200);
    // Once more after every copy answered (a lost answer), and each action on its own: all of them the first answers.
    const again = await api('a.technician', 'POST', '/replay', { actions });
    expect(again.body.stopped).toBe(false);
    expect(again.body.results.map((r: { status: number }) => r.status)).toEqual([201, 201, 201, 201]);
    for (const a of actions) {
      const alone = await api('a.technician', 'POST', a.path.replace(/^\/api/, ''), a.body, { 'Idempotency-Key': a.key });
      expect(alone.headers.get('idempotent-replayed')).toBe('true');
    }
    expect(await count('job_events', "job_id = ? and kind = 'note'", [jobId])).toBe(2);
    expect(await count('line_items', 'job_id = ?', [jobId])).toBe(1);
    expect(await count('part_usages', 'job_id = ?', [jobId])).toBe(1);
    expect(await count('stock_movements', "job_id = ? and reason = 'use'", [jobId])).toBe(1);
    expect(await onHand(partId, truckId)).toBe(8);
  });

  it('goes on after a final refusal, kept with its key, as the phone does', async () => {
    const mine = await onSiteJob();
    const theirs = await onSiteJob({ technicianId: fx.a.technicianId });
    const actions = [
      action(`/api/jobs/${mine}/notes`, { text: `Before ${tag()}` }),
      action(`/api/jobs/${theirs}/notes`, { text: `Not my job ${tag()}` }),
      action(`/api/jobs/${mine}/notes`, { text: `After ${tag()}` }),
    ];
    const res = await api('a.technician', 'POST', '/replay', { actions });
    expect(res.body.stopped).toBe(false);
    const statuses = res.body.results.map((r: { status: number }) => r.status);
    expect(statuses[0]).toBe(201);
    expect([403, 404]).toContain(statuses[1]);
    expect(res.body.results[1].body).toMatchObject({ status: statuses[1] });
    expect(statuses[2]).toBe(201);
    expect(await count('job_events', "job_id = ? and kind = 'note'", [mine])).toBe(2);
    expect(await count('job_events', "job_id = ? and kind = 'note'", [theirs])).toBe(0);
  });

  it('stops at an action that must be sent again later, and runs nothing after it', async () => {
    const jobId = await onSiteJob();
    const actions = [
      action(`/api/jobs/${jobId}/notes`, { text: `First ${tag()}` }),
      action(`/api/jobs/${jobId}/notes`, { text: `Second ${tag()}` }),
      action(`/api/jobs/${jobId}/notes`, { text: `Third ${tag()}` }),
    ];
    // The second action's key held by a copy still running (the page and Background Sync at once).
    const held = await api('a.technician', 'POST', `/jobs/${jobId}/notes`, actions[1]!.body, { 'Idempotency-Key': actions[1]!.key });
    expect(held.status).toBe(201);
    await sql.execute({
      sql: "update idempotency_keys set status = 0, body = '', created_at = ? where key = ?",
      args: [Date.now(), actions[1]!.key],
    });
    const res = await api('a.technician', 'POST', '/replay', { actions });
    expect(res.status).toBe(200);
    expect(res.body.stopped).toBe(true);
    expect(res.body.results.map((r: { status: number }) => r.status)).toEqual([201, 409]);
    expect(res.body.results[1].retryAfter).toBe(1);
    // The third never ran: the job has the first note and the second (sent alone before), and its key was never claimed.
    expect(await count('job_events', "job_id = ? and kind = 'note'", [jobId])).toBe(2);
    expect(await count('idempotency_keys', 'key = ?', [actions[2]!.key])).toBe(0);
  });

  it("opens no door: another role's write, another org's job and a signed-out caller are refused as they would be alone, nothing written", async () => {
    const otherOrgJob = await onSiteJob({ org: 'b', description: 'Other org' });
    // The refusals' answers are kept, with their keys and for the office: nothing else may change.
    const withoutKeys = (fp: string) =>
      fp.split('\n').filter((t) => !t.startsWith('idempotency_keys:') && !t.startsWith('phone_refusals:'));
    const before = await dbFingerprint();
    const res = await api('a.technician', 'POST', '/replay', {
      actions: [
        action('/api/customers', { name: `Made by a technician ${tag()}` }),
        action(`/api/jobs/${otherOrgJob}/notes`, { text: 'Into org b' }),
        action('/api/line-items', { jobId: otherOrgJob, description: 'Into org b', quantity: 1, unitPriceCents: 1 }),
      ],
    });
    expect(res.status).toBe(200);
    // As alone: the role refused, another org's job not found, and a line item's job that is not in the org named.
    expect(res.body.results.map((r: { status: number }) => r.status)).toEqual([403, 404, 422]);
    expect(res.body.results[2].body.errors.map((e: { field: string }) => e.field)).toContain('jobId');
    const anon = await api('anon', 'POST', '/replay', { actions: [action(`/api/jobs/${otherOrgJob}/notes`, { text: 'x' })] });
    expectProblem(anon, 401);
    expect(withoutKeys(await dbFingerprint())).toEqual(withoutKeys(before));
  });

  it('refuses a run it cannot take with problem+json naming the field, running none of it', async () => {
    const jobId = await onSiteJob();
    const note = () => action(`/api/jobs/${jobId}/notes`, { text: `Refused run ${tag()}` });
    const cases: [unknown, string][] = [
      [{ actions: [] }, 'actions'],
      [{ actions: Array.from({ length: MAX_REPLAY_ACTIONS + 1 }, note) }, 'actions'],
      [{ actions: [note(), { ...note(), path: '/api/replay' }] }, 'actions.1.path'],
      [{ actions: [{ ...note(), path: '/api/../admin' }] }, 'actions.0.path'],
      [{ actions: [{ ...note(), path: 'https://elsewhere.test/api/jobs' }] }, 'actions.0.path'],
      [{ actions: [{ ...note(), method: 'GET' }] }, 'actions.0.method'],
      [{ actions: [{ ...note(), key: 'has spaces' }] }, 'actions.0.key'],
    ];
    const same = note();
    cases.push([{ actions: [same, { ...same, body: { text: 'other' } }] }, 'actions']);
    for (const [body, field] of cases) {
      const res = await api('a.technician', 'POST', '/replay', body);
      expectProblem(res, 422, field);
    }
    expect(await count('job_events', "job_id = ? and kind = 'note'", [jobId])).toBe(0);
  });
});
