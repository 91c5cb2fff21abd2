/**
 * The admins' audit log (worker/audit/audit-log.ts): job events and other records' changes as one
 * list, newest first, filtered by what changed, by whom and when, paged without repeats, and only
 * the caller's org.
 */
import { describe, expect, it } from 'vitest';
import { api, type ApiResult, expectProblem, fx } from './helpers.ts';

type Entry = {
  id: string;
  at: number;
  entity: string;
  entityId: string;
  action: string;
  actorUserId: string | null;
  actorName: string | null;
};

async function all(path: string): Promise<Entry[]> {
  const out: Entry[] = [];
  let cursor: string | null = null;
  do {
    const res: ApiResult<{ items: Entry[]; nextCursor: string | null }> = await api(
      'a.admin',
      'GET',
      `${path}${path.includes('?') ? '&' : '?'}limit=3${cursor ? `&cursor=${cursor}` : ''}`,
    );
    expect(res.status).toBe(200);
    expect(res.roundTrips).toBeLessThanOrEqual(2);
    out.push(...res.body.items);
    cursor = res.body.nextCursor as string | null;
  } while (cursor);
  return out;
}

describe('audit log', () => {
  it('lists a customer’s change and a job’s change together, newest first, with who did them', async () => {
    const from = Date.now() - 1;
    const customer = await api('a.dispatcher', 'PATCH', `/customers/${fx.a.customerId}`, { notes: `audit ${crypto.randomUUID()}` });
    expect(customer.status).toBe(200);
    const job = await api('a.dispatcher', 'POST', '/jobs', {
      customerId: fx.a.customerId,
      locationId: fx.a.locationId,
      type: 'Audit',
      description: 'A job for the audit log',
    });
    expect(job.status).toBe(201);

    const entries = await all(`/audit?from=${from}&actor=${fx.a.userIds.dispatcher}`);
    const mine = entries.filter((e) => e.entityId === fx.a.customerId || e.entityId === job.body.id);
    expect(mine.map((e) => e.entity)).toEqual(['job', 'customer']);
    expect(mine.every((e) => e.actorName === 'dispatcher a')).toBe(true);
    // Newest first, each once.
    expect(entries.map((e) => e.at)).toEqual([...entries.map((e) => e.at)].sort((x, y) => y - x));
    expect(new Set(entries.map((e) => e.id)).size).toBe(entries.length);

    // Oldest first pages to the same rows, reversed.
    const oldestFirst = await all(`/audit?from=${from}&actor=${fx.a.userIds.dispatcher}&sort=at`);
    expect(oldestFirst.map((e) => e.id)).toEqual(entries.map((e) => e.id).reverse());

    const jobsOnly = await all(`/audit?from=${from}&entity=job&entityId=${job.body.id}`);
    expect(jobsOnly.length).toBeGreaterThan(0);
    expect(jobsOnly.every((e) => e.entity === 'job' && e.entityId === job.body.id)).toBe(true);
    const customersOnly = await all(`/audit?from=${from}&entity=customer`);
    expect(customersOnly.map((e) => e.entityId)).toContain(fx.a.customerId);
    expect(customersOnly.every((e) => e.entity === 'customer')).toBe(true);
  });

  it('shows only the caller’s org, to admins only, and refuses bad filters', async () => {
    const theirs = await all('/audit?entity=customer');
    expect(theirs.some((e) => e.entityId === fx.b.customerId)).toBe(false);
    expectProblem(await api('a.dispatcher', 'GET', '/audit'), 403);
    expectProblem(await api('a.manager', 'GET', '/audit'), 403);
    expectProblem(await api('a.admin', 'GET', '/audit?entity=Robert%27)%3B'), 400, 'entity');
    expectProblem(await api('a.admin', 'GET', '/audit?cursor=nonsense'), 400, 'cursor');
    expectProblem(await api('a.admin', 'GET', '/audit?limit=0'), 400, 'limit');
  });
});
