import { describe, expect, it } from 'vitest';
import { api, count, dbFingerprint, expectProblem, fx } from './helpers.ts';

describe('health', () => {
  it('reports libSQL reachable', async () => {
    const r = await api('anon', 'GET', '/health');
    expect(r.status).toBe(200);
    expect(r.body.libsql.reachable).toBe(true);
  });
});

describe('customers', () => {
  it('creates, reads, updates and lists with an audit trail', async () => {
    // A tag of its own: other files (the import's) add commercial customers to the same org.
    const tag = `commercial-${crypto.randomUUID().slice(0, 8)}`;
    const created = await api('a.dispatcher', 'POST', '/customers', {
      name: 'Zed Voltage',
      phone: '(512) 555-0199',
      email: 'Zed@Example.com',
      tags: [tag],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Zed Voltage', email: 'zed@example.com', tags: [tag] });
    const id = created.body.id;

    const got = await api('a.manager', 'GET', `/customers/${id}`);
    expect(got.status).toBe(200);
    expect(got.body.phone).toBe('(512) 555-0199');

    const patched = await api('a.admin', 'PATCH', `/customers/${id}`, { notes: 'Gate code 4411' });
    expect(patched.status).toBe(200);
    expect(patched.body.notes).toBe('Gate code 4411');
    expect(await count('audit_events', "entity = 'customer' and entity_id = ?", [id])).toBe(2);

    const search = await api('a.dispatcher', 'GET', '/customers?q=5125550199');
    expect(search.body.items.map((c: { id: string }) => c.id)).toContain(id);
    const byTag = await api('a.dispatcher', 'GET', `/customers?tag=${tag}&fields=id,name`);
    expect(byTag.body.items).toEqual([{ id, name: 'Zed Voltage' }]);
  });

  it('paginates with cursors and never repeats a row', async () => {
    for (let i = 0; i < 7; i++) await api('a.dispatcher', 'POST', '/customers', { name: `Page ${i}`, tags: ['paging'] });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const r: any = await api('a.dispatcher', 'GET', `/customers?tag=paging&limit=3&sort=-name${cursor ? `&cursor=${cursor}` : ''}`);
      expect(r.status).toBe(200);
      seen.push(...r.body.items.map((c: { name: string }) => c.name));
      cursor = r.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['Page 6', 'Page 5', 'Page 4', 'Page 3', 'Page 2', 'Page 1', 'Page 0']);
  });

  it('refuses bad input with problem+json naming the field, changing nothing', async () => {
    const before = await dbFingerprint();
    expectProblem(await api('a.dispatcher', 'POST', '/customers', { name: 42 }), 422, 'name');
    expectProblem(await api('a.dispatcher', 'POST', '/customers', {}), 422, 'name');
    expectProblem(await api('a.dispatcher', 'POST', '/customers', { name: 'x', colour: 'red' }), 422, 'colour');
    expectProblem(await api('a.dispatcher', 'POST', '/customers', { name: 'x'.repeat(100_000) }), 422, 'name');
    expectProblem(await api('a.dispatcher', 'POST', '/customers', '{"name":'), 400);
    expectProblem(await api('a.dispatcher', 'GET', '/customers?cursor=not-a-cursor'), 400, 'cursor');
    expectProblem(await api('a.dispatcher', 'GET', '/customers?fields=name,password'), 400, 'fields');
    expectProblem(await api('a.dispatcher', 'GET', '/customers?limit=100000'), 400, 'limit');
    expect(await dbFingerprint()).toBe(before);
  });

  it('keeps orgs apart', async () => {
    expectProblem(await api('b.admin', 'GET', `/customers/${fx.a.customerId}`), 404);
    expectProblem(await api('b.admin', 'PATCH', `/customers/${fx.a.customerId}`, { name: 'stolen' }), 404);
    const list = await api('b.admin', 'GET', '/customers?limit=200');
    expect(list.body.items.map((c: { id: string }) => c.id)).not.toContain(fx.a.customerId);
  });

  it('answers list and detail in at most 2 libSQL round trips', async () => {
    expect((await api('a.dispatcher', 'GET', '/customers')).roundTrips).toBeLessThanOrEqual(2);
    expect((await api('a.dispatcher', 'GET', `/customers/${fx.a.customerId}`)).roundTrips).toBeLessThanOrEqual(2);
  });
});
