/**
 * Exactly once (worker/http/idempotency.ts): every action the technician's phone queues offline
 * is sent with an Idempotency-Key, and may arrive three times at once or again after its answer
 * was lost. Each must have one effect, checked in the records (and the truck's stock), not only
 * in the answers.
 */
import { env } from 'cloudflare:test';
import type { Env } from '../../worker/env.ts';
import { describe, expect, it } from 'vitest';
import { dispatchedJob, onHand, onSiteJob } from './field-jobs.ts';
import { api, count, dbFingerprint, expectProblem, fx, sql, type ApiResult } from './helpers.ts';

/** The Worker's R2 bucket, to see what an upload left there. */
const files = (env as unknown as Env).FILES;

const tag = () => crypto.randomUUID().slice(0, 8);
const key = () => ({ 'Idempotency-Key': crypto.randomUUID() });

const stillInProgress = (r: ApiResult) => r.status === 409 && r.body?.title === 'Still in progress';

/**
 * Sends the same request three times at once, then once more as a phone does whose answer was
 * lost. Exactly one copy is handled; each other copy is that answer replayed or told to come back
 * (409, still in progress), and the copy sent afterwards gets the first answer again.
 */
async function sendLikeAPhone(send: () => Promise<ApiResult>, status: number): Promise<ApiResult> {
  const together = await Promise.all([send(), send(), send()]);
  const handled = together.filter((r) => !stillInProgress(r) && r.headers.get('idempotent-replayed') === null);
  expect(
    handled.map((r) => r.status),
    JSON.stringify(together.map((r) => [r.status, r.body])),
  ).toEqual([status]);
  const first = handled[0]!;
  for (const r of together) {
    if (r === first) continue;
    if (stillInProgress(r)) {
      expectProblem(r, 409, 'Idempotency-Key');
      expect(r.headers.get('retry-after')).toBe('1');
    } else expect({ status: r.status, body: r.body }).toEqual({ status, body: first.body });
  }
  const again = await send();
  expect(again.headers.get('idempotent-replayed')).toBe('true');
  expect({ status: again.status, body: again.body }).toEqual({ status, body: first.body });
  return first;
}

describe('Idempotency-Key', () => {
  it('moves a job once: three copies at once and a resend after a lost answer', async () => {
    const jobId = await dispatchedJob(`Idempotency ${tag()}`, Date.UTC(2026, 6, 2, 15));
    const headers = key();
    const first = await sendLikeAPhone(() => api('a.technician', 'POST', `/jobs/${jobId}/transitions`, { to: 'en_route' }, headers), 200);
    expect(first.body).toMatchObject({ id: jobId, status: 'en_route' });
    expect(
      await count('job_events', "job_id = ? and kind = 'status_changed' and json_extract(after, '$.status') = 'en_route'", [jobId]),
    ).toBe(1);
    expect((await api('a.technician', 'GET', `/jobs/${jobId}?fields=status`)).body).toEqual({ status: 'en_route' });
  });

  it('adds a line item once', async () => {
    const jobId = await onSiteJob();
    const headers = key();
    const line = { jobId, description: `Breaker swap ${tag()}`, quantity: 1, unitPriceCents: 4500 };
    const first = await sendLikeAPhone(() => api('a.technician', 'POST', '/line-items', line, headers), 201);
    expect(first.body).toMatchObject({ jobId, totalCents: 4500 });
    expect(await count('line_items', 'job_id = ?', [jobId])).toBe(1);
    expect(await count('job_events', "job_id = ? and kind = 'line_item_added'", [jobId])).toBe(1);
  });

  it('takes parts from the truck once', async () => {
    const part = (await api('a.admin', 'POST', '/parts', { sku: `IK-${tag()}`, name: `Idempotent part ${tag()}` })).body.id as string;
    const truck = (await api('a.admin', 'POST', '/stock/locations', { kind: 'truck', name: `Idempotent truck ${tag()}` })).body
      .id as string;
    await api('a.admin', 'POST', '/stock/movements', { partId: part, toLocationId: truck, quantity: 10, reason: 'receive' });
    const jobId = await onSiteJob();
    const headers = key();
    const usage = { jobId, partId: part, locationId: truck, quantity: 2 };
    await sendLikeAPhone(() => api('a.technician', 'POST', '/part-usages', usage, headers), 201);
    expect(await count('part_usages', 'job_id = ?', [jobId])).toBe(1);
    expect(await count('stock_movements', "job_id = ? and reason = 'use'", [jobId])).toBe(1);
    expect(await onHand(part, truck)).toBe(8);
  });

  it('adds a note once', async () => {
    const jobId = await onSiteJob();
    const headers = key();
    const said = `Side gate, dog in the yard ${tag()}`;
    const first = await sendLikeAPhone(() => api('a.technician', 'POST', `/jobs/${jobId}/notes`, { text: said }, headers), 201);
    expect(first.body).toMatchObject({ jobId, text: said, authorName: 'technician a' });
    expect(await count('job_events', "job_id = ? and kind = 'note'", [jobId])).toBe(1);
    expect((await api('a.technician', 'GET', `/jobs/${jobId}/notes`)).body.items).toEqual([first.body]);
  });

  for (const [kind, query, type, head] of [
    ['photo', 'kind=photo&caption=Meter', 'image/jpeg', [0xff, 0xd8, 0xff, 0xe0]],
    ['signature', 'kind=signature&signerName=Dana%20Ortiz', 'image/png', [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
  ] as const) {
    it(`stores a ${kind} once, in R2 and in libSQL`, async () => {
      const jobId = await onSiteJob();
      const fileId = crypto.randomUUID();
      const bytes = new Uint8Array(2048);
      bytes.set(head);
      const headers = { ...key(), 'content-type': type };
      const first = await sendLikeAPhone(() => api('a.technician', 'PUT', `/jobs/${jobId}/files/${fileId}?${query}`, bytes, headers), 201);
      expect(first.body).toMatchObject({ id: fileId, jobId, kind, contentType: type, bytes: 2048 });
      expect(await count('job_files', 'job_id = ?', [jobId])).toBe(1);
      expect(await count('job_events', 'job_id = ? and kind = ?', [jobId, `${kind}_added`])).toBe(1);
      expect((await files.list({ prefix: `orgs/${fx.a.orgId}/jobs/${jobId}/` })).objects.map((o) => o.key)).toEqual([
        `orgs/${fx.a.orgId}/jobs/${jobId}/${fileId}`,
      ]);
    });
  }

  it("lets no technician act on another technician's job or another org's, even replayed: refused, nothing but the answer and the office's record kept", async () => {
    const theirs = await onSiteJob();
    await sql.execute({ sql: 'update jobs set technician_id = ? where id = ?', args: [fx.a.technicianId, theirs] });
    const otherOrg = await onSiteJob({ org: 'b', description: 'Other org' });
    const jpeg = new Uint8Array(256);
    jpeg.set([0xff, 0xd8, 0xff, 0xe0]);
    // The answers kept with their keys, and each refusal written down for the office (tests/worker/phone-refusals.test.ts).
    const withoutKeys = (fp: string) =>
      fp.split('\n').filter((t) => !t.startsWith('idempotency_keys:') && !t.startsWith('phone_refusals:'));
    const before = await dbFingerprint();
    for (const jobId of [theirs, otherOrg]) {
      const headers = [key(), key(), key(), key()];
      const fileIds = [crypto.randomUUID(), crypto.randomUUID()];
      const actions = [
        () => api('a.technician', 'POST', `/jobs/${jobId}/transitions`, { to: 'on_hold' }, headers[0]),
        () => api('a.technician', 'POST', `/jobs/${jobId}/notes`, { text: 'Not my job' }, headers[1]),
        () =>
          api('a.technician', 'PUT', `/jobs/${jobId}/files/${fileIds[0]}?kind=photo`, jpeg, {
            ...headers[2],
            'content-type': 'image/jpeg',
          }),
        () =>
          api('a.technician', 'PUT', `/jobs/${jobId}/files/${fileIds[1]}?kind=signature&signerName=X`, jpeg, {
            ...headers[3],
            'content-type': 'image/jpeg',
          }),
        () => api('a.technician', 'GET', `/jobs/${jobId}/files`),
        () => api('a.technician', 'GET', `/jobs/${jobId}/notes`),
      ];
      for (const act of actions) {
        for (const res of [await act(), await act()]) {
          expectProblem(res, 404);
          // The job's own refusal, not a route that is missing.
          expect(res.body.detail).toBe('No job with that id.');
        }
      }
      // Jobs named in the body are references: a 422 naming jobId, as those routes always answered.
      expectProblem(
        await api('a.technician', 'POST', '/line-items', { jobId, description: 'x', quantity: 1, unitPriceCents: 1 }, key()),
        422,
        'jobId',
      );
      expectProblem(
        await api('a.technician', 'POST', '/part-usages', { jobId, partId: fx.a.partId, locationId: fx.a.truckId, quantity: 1 }, key()),
        422,
        'jobId',
      );
      expect((await files.list({ prefix: `orgs/${fx.a.orgId}/jobs/${jobId}/` })).objects).toEqual([]);
    }
    expect(withoutKeys(await dbFingerprint())).toEqual(withoutKeys(before));
  });

  it('keeps a final refusal and gives it again, changing nothing', async () => {
    const jobId = await onSiteJob();
    const headers = key();
    const before = await dbFingerprint();
    const refused = await api('a.technician', 'POST', '/line-items', { jobId, quantity: 1 }, headers);
    expectProblem(refused, 422, 'description');
    const again = await api('a.technician', 'POST', '/line-items', { jobId, quantity: 1 }, headers);
    expectProblem(again, 422, 'description');
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(refused.body);
    expect(await count('line_items', 'job_id = ?', [jobId])).toBe(0);
    // The key with its answer, and the refusal written down for the office, are all that was written.
    expect(await count('idempotency_keys', 'key = ?', [headers['Idempotency-Key']])).toBe(1);
    expect(await count('phone_refusals', 'idempotency_key = ?', [headers['Idempotency-Key']])).toBe(1);
    const written = (t: string) => t.startsWith('idempotency_keys:') || t.startsWith('phone_refusals:');
    expect((await dbFingerprint()).split('\n').filter((t) => !written(t))).toEqual(before.split('\n').filter((t) => !written(t)));
  });

  it('refuses a key reused for another request with 422 naming Idempotency-Key, changing nothing', async () => {
    const jobId = await onSiteJob();
    const headers = key();
    const line = { jobId, description: 'First', quantity: 1, unitPriceCents: 100 };
    expect((await api('a.technician', 'POST', '/line-items', line, headers)).status).toBe(201);
    const before = await dbFingerprint();
    // Another body, another route, another user of the same org: each is another request.
    expectProblem(await api('a.technician', 'POST', '/line-items', { ...line, quantity: 2 }, headers), 422, 'Idempotency-Key');
    expectProblem(await api('a.technician', 'POST', `/jobs/${jobId}/transitions`, { to: 'on_hold' }, headers), 422, 'Idempotency-Key');
    expectProblem(await api('a.dispatcher', 'POST', '/line-items', line, headers), 422, 'Idempotency-Key');
    expect(await dbFingerprint()).toBe(before);
    expect(await count('line_items', 'job_id = ?', [jobId])).toBe(1);
  });

  it('refuses a malformed key with 400 naming it, before doing anything', async () => {
    const jobId = await onSiteJob();
    const before = await dbFingerprint();
    for (const bad of ['', 'x'.repeat(201), 'with space', 'naïve']) {
      expectProblem(
        await api(
          'a.technician',
          'POST',
          '/line-items',
          { jobId, description: 'x', quantity: 1, unitPriceCents: 1 },
          { 'Idempotency-Key': bad },
        ),
        400,
        'Idempotency-Key',
      );
    }
    expect(await dbFingerprint()).toBe(before);
  });

  it('keys belong to their org: the same key in another org is another request', async () => {
    const headers = key();
    const mine = await onSiteJob();
    expect(
      (await api('a.technician', 'POST', '/line-items', { jobId: mine, description: 'x', quantity: 1, unitPriceCents: 1 }, headers)).status,
    ).toBe(201);
    // Org b's admin with the same key is not answered with org a's line: their own request runs (and finds no such job).
    const other = await api('b.admin', 'POST', '/line-items', { jobId: mine, description: 'x', quantity: 1, unitPriceCents: 1 }, headers);
    expectProblem(other, 422, 'jobId');
    expect(other.headers.get('idempotent-replayed')).toBeNull();
  });

  it('answers 409 while a copy is in progress, and lets the same request take over a claim abandoned long ago', async () => {
    const jobId = await onSiteJob();
    const line = { jobId, description: `Abandoned ${tag()}`, quantity: 1, unitPriceCents: 100 };
    // A claim held by a copy that is still running: written as that copy would have (its hash included).
    const claim = key();
    const first = await api('a.technician', 'POST', '/line-items', line, claim);
    expect(first.status).toBe(201);
    await sql.execute({
      sql: "update idempotency_keys set status = 0, body = '', created_at = ? where key = ?",
      args: [Date.now(), claim['Idempotency-Key']],
    });
    const busy = await api('a.technician', 'POST', '/line-items', line, claim);
    expectProblem(busy, 409, 'Idempotency-Key');
    expect(busy.headers.get('retry-after')).toBe('1');
    expect(await count('line_items', 'job_id = ?', [jobId])).toBe(1);
    // The same claim ten minutes old: its Worker died. The request runs again and its answer is kept.
    await sql.execute({
      sql: 'update idempotency_keys set created_at = ? where key = ?',
      args: [Date.now() - 10 * 60_000, claim['Idempotency-Key']],
    });
    const retaken = await api('a.technician', 'POST', '/line-items', line, claim);
    expect(retaken.status).toBe(201);
    expect(retaken.headers.get('idempotent-replayed')).toBeNull();
    expect((await api('a.technician', 'POST', '/line-items', line, claim)).headers.get('idempotent-replayed')).toBe('true');
    // An abandoned claim of another request is still that other request's.
    await sql.execute({
      sql: 'update idempotency_keys set status = 0, created_at = ? where key = ?',
      args: [Date.now() - 10 * 60_000, claim['Idempotency-Key']],
    });
    expectProblem(await api('a.technician', 'POST', '/line-items', { ...line, quantity: 3 }, claim), 422, 'Idempotency-Key');
  });

  it('releases the key when the answer is a server error, so the next copy runs again', async () => {
    const jobId = await onSiteJob();
    const headers = key();
    // A row the Worker cannot read (its warnings are not JSON) makes the transition fail with a 500 before it writes.
    await sql.execute({ sql: "update jobs set warnings = 'not json' where id = ?", args: [jobId] });
    try {
      const failed = await api('a.technician', 'POST', `/jobs/${jobId}/transitions`, { to: 'on_hold' }, headers);
      expectProblem(failed, 500);
      expect(await count('idempotency_keys', 'key = ?', [headers['Idempotency-Key']])).toBe(0);
    } finally {
      await sql.execute({ sql: "update jobs set warnings = '[]' where id = ?", args: [jobId] });
    }
    const ran = await api('a.technician', 'POST', `/jobs/${jobId}/transitions`, { to: 'on_hold' }, headers);
    expect(ran.status, JSON.stringify(ran.body)).toBe(200);
    expect(ran.headers.get('idempotent-replayed')).toBeNull();
    expect(
      (await api('a.technician', 'POST', `/jobs/${jobId}/transitions`, { to: 'on_hold' }, headers)).headers.get('idempotent-replayed'),
    ).toBe('true');
    expect(await count('job_events', "job_id = ? and kind = 'status_changed'", [jobId])).toBe(1);
  });
});
