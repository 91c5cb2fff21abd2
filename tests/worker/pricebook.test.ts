import { describe, expect, it } from 'vitest';
import { api, count, dbFingerprint, expectProblem, fx } from './helpers.ts';

const tag = () => crypto.randomUUID().slice(0, 8);
const NASTY = `Robert'); DROP TABLE parts;-- <script>alert("x")</script> 50%_off \\ "quoted" ünïcødé`;

async function collect(path: string, limit: number): Promise<Record<string, unknown>[]> {
  const seen: Record<string, unknown>[] = [];
  let cursor: string | null = null;
  do {
    const r: { status: number; body: { items: Record<string, unknown>[]; nextCursor: string | null } } = await api(
      'a.dispatcher',
      'GET',
      `${path}${path.includes('?') ? '&' : '?'}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`,
    );
    expect(r.status).toBe(200);
    expect(r.body.items.length).toBeLessThanOrEqual(limit);
    seen.push(...r.body.items);
    cursor = r.body.nextCursor;
  } while (cursor);
  return seen;
}

describe('parts', () => {
  it('creates, reads, updates and searches, with an audit trail', async () => {
    const t = tag();
    const created = await api('a.admin', 'POST', '/parts', { sku: `WIRE-12-${t}`, name: `12 AWG THHN ${t}`, unit: 'ft', costCents: 45 });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ sku: `WIRE-12-${t}`, unit: 'ft', costCents: 45 });
    const id = created.body.id;

    expect((await api('a.technician', 'GET', `/parts/${id}`)).body.name).toBe(`12 AWG THHN ${t}`);
    const patched = await api('a.admin', 'PATCH', `/parts/${id}`, { costCents: 52 });
    expect(patched.body).toMatchObject({ costCents: 52, unit: 'ft', sku: `WIRE-12-${t}` });
    expect(await count('audit_events', "entity = 'part' and entity_id = ?", [id])).toBe(2);

    const bySku = await api('a.dispatcher', 'GET', `/parts?q=wire-12-${t}&fields=id,sku`);
    expect(bySku.body.items).toEqual([{ id, sku: `WIRE-12-${t}` }]);
    const byName = await api('a.dispatcher', 'GET', `/parts?q=${t}`);
    expect(byName.body.items.map((p: { id: string }) => p.id)).toEqual([id]);
  });

  it('paginates by sku without repeating a row', async () => {
    const t = tag();
    for (let i = 0; i < 5; i++)
      expect((await api('a.admin', 'POST', '/parts', { sku: `PG-${t}-${i}`, name: `Paged ${t}` })).status).toBe(201);
    const rows = await collect(`/parts?q=PG-${t}&sort=-sku&fields=sku`, 2);
    expect(rows).toEqual([4, 3, 2, 1, 0].map((i) => ({ sku: `PG-${t}-${i}` })));
  });

  it('refuses a SKU already used in the org with a 409 naming sku, but not in another org', async () => {
    const t = tag();
    const first = await api('a.admin', 'POST', '/parts', { sku: `DUP-${t}`, name: 'First' });
    const other = await api('a.admin', 'POST', '/parts', { sku: `OTHER-${t}`, name: 'Other' });
    const before = await dbFingerprint();
    expectProblem(await api('a.admin', 'POST', '/parts', { sku: `DUP-${t}`, name: 'Second' }), 409, 'sku');
    expectProblem(await api('a.admin', 'PATCH', `/parts/${other.body.id}`, { sku: `DUP-${t}` }), 409, 'sku');
    expect(await dbFingerprint()).toBe(before);
    expect((await api('b.admin', 'POST', '/parts', { sku: `DUP-${t}`, name: 'Org b has its own' })).status).toBe(201);
    expect(first.status).toBe(201);
  });

  it('refuses bad input naming the field, changing nothing', async () => {
    const before = await dbFingerprint();
    expectProblem(await api('a.admin', 'POST', '/parts', { sku: 12, name: 'x' }), 422, 'sku');
    expectProblem(await api('a.admin', 'POST', '/parts', { name: 'x' }), 422, 'sku');
    expectProblem(await api('a.admin', 'POST', '/parts', { sku: 'x', name: 'x', costCents: 1.5 }), 422, 'costCents');
    expectProblem(await api('a.admin', 'POST', '/parts', { sku: 'x', name: 'x', costCents: -1 }), 422, 'costCents');
    expectProblem(await api('a.admin', 'POST', '/parts', { sku: 'x', name: 'x', orgId: fx.b.orgId }), 422, 'orgId');
    expectProblem(await api('a.admin', 'POST', '/parts', { sku: 'x'.repeat(100_000), name: 'x' }), 422, 'sku');
    expectProblem(await api('a.admin', 'PATCH', `/parts/${fx.a.partId}`, { sku: '   ' }), 422, 'sku');
    expectProblem(await api('a.admin', 'GET', '/parts?cursor=eyJub3QiOiJpdCJ9'), 400, 'cursor');
    expectProblem(await api('a.admin', 'GET', '/parts?sort=costCents;drop'), 400, 'sort');
    expectProblem(await api('a.admin', 'GET', '/parts?fields=id,orgId'), 400, 'fields');
    expectProblem(await api('a.dispatcher', 'POST', '/parts', { sku: 'x', name: 'x' }), 403);
    expect(await dbFingerprint()).toBe(before);
  });
});

describe('price book', () => {
  it('creates services and materials, reads, updates and filters them', async () => {
    const t = tag();
    const service = await api('a.admin', 'POST', '/pricebook', {
      kind: 'service',
      code: `SVC-${t}`,
      name: `Service call ${t}`,
      unit: 'visit',
      unitPriceCents: 8900,
    });
    expect(service.status).toBe(201);
    expect(service.body).toMatchObject({ kind: 'service', taxable: false, active: true, partId: null, costCents: 0 });
    const material = await api('a.admin', 'POST', '/pricebook', {
      kind: 'material',
      code: `BRK-${t}`,
      name: `20A breaker ${t}`,
      unitPriceCents: 2400,
      costCents: 900,
      partId: fx.a.partId,
      description: 'Square D QO',
    });
    expect(material.status).toBe(201);
    expect(material.body).toMatchObject({ taxable: true, partId: fx.a.partId, unit: 'each' });

    const got = await api('a.technician', 'GET', `/pricebook/${material.body.id}?fields=code,unitPriceCents`);
    expect(got.body).toEqual({ code: `BRK-${t}`, unitPriceCents: 2400 });

    const retired = await api('a.admin', 'PATCH', `/pricebook/${service.body.id}`, { active: false, unitPriceCents: 9900 });
    expect(retired.body).toMatchObject({ active: false, unitPriceCents: 9900, unit: 'visit' });
    expect(await count('audit_events', "entity = 'price book item' and entity_id = ?", [service.body.id])).toBe(2);

    const ids = async (query: string) =>
      (await api('a.manager', 'GET', `/pricebook?q=${t}&${query}`)).body.items.map((i: { id: string }) => i.id);
    expect(await ids('kind=material')).toEqual([material.body.id]);
    expect(await ids('kind=service')).toEqual([service.body.id]);
    expect(await ids('active=false')).toEqual([service.body.id]);
    expect(await ids('active=true')).toEqual([material.body.id]);
    expect(await ids('sort=-unitPriceCents')).toEqual([service.body.id, material.body.id]);
    expect((await api('a.manager', 'GET', `/pricebook?q=brk-${t}`)).body.items.map((i: { id: string }) => i.id)).toEqual([
      material.body.id,
    ]);
  });

  it('paginates with cursors', async () => {
    const t = tag();
    for (let i = 0; i < 5; i++)
      await api('a.admin', 'POST', '/pricebook', { kind: 'service', code: `P${i}-${t}`, name: `Page ${t} ${i}`, unitPriceCents: 100 * i });
    const rows = await collect(`/pricebook?q=${t}&sort=code&fields=code`, 2);
    expect(rows).toEqual([0, 1, 2, 3, 4].map((i) => ({ code: `P${i}-${t}` })));
  });

  it('stores SQL and HTML metacharacters byte for byte and finds them literally', async () => {
    const t = tag();
    const created = await api('a.admin', 'POST', '/pricebook', {
      kind: 'service',
      code: `Q%_${t}`,
      name: `${NASTY} ${t}`,
      description: NASTY,
      unitPriceCents: 1,
    });
    expect(created.status).toBe(201);
    const got = await api('a.admin', 'GET', `/pricebook/${created.body.id}`);
    expect(got.body.name).toBe(`${NASTY} ${t}`);
    expect(got.body.description).toBe(NASTY);
    // '%' and '_' are literal in a search, not wildcards.
    expect((await api('a.admin', 'GET', `/pricebook?q=${encodeURIComponent(`Q%_${t}`)}`)).body.items).toHaveLength(1);
    expect((await api('a.admin', 'GET', `/pricebook?q=${encodeURIComponent(`Q__${t}`)}`)).body.items).toHaveLength(0);
  });

  it('refuses a duplicate code with a 409 naming code, changing nothing', async () => {
    const t = tag();
    await api('a.admin', 'POST', '/pricebook', { kind: 'service', code: `DUP-${t}`, name: 'One', unitPriceCents: 1 });
    const second = await api('a.admin', 'POST', '/pricebook', { kind: 'service', code: `NOT-DUP-${t}`, name: 'Two', unitPriceCents: 1 });
    const before = await dbFingerprint();
    expectProblem(
      await api('a.admin', 'POST', '/pricebook', { kind: 'material', code: `DUP-${t}`, name: 'Three', unitPriceCents: 1 }),
      409,
      'code',
    );
    expectProblem(await api('a.admin', 'PATCH', `/pricebook/${second.body.id}`, { code: `DUP-${t}` }), 409, 'code');
    expect(await dbFingerprint()).toBe(before);
  });

  it('refuses bad input and other orgs’ parts, naming the field and changing nothing', async () => {
    const ok = { kind: 'material', code: `X-${tag()}`, name: 'x', unitPriceCents: 100 };
    const service = await api('a.admin', 'POST', '/pricebook', { ...ok, kind: 'service' });
    const material = await api('a.admin', 'POST', '/pricebook', { ...ok, code: `M-${tag()}`, partId: fx.a.partId });
    const before = await dbFingerprint();
    expectProblem(await api('a.admin', 'POST', '/pricebook', { ...ok, partId: fx.b.partId }), 422, 'partId');
    expectProblem(await api('a.admin', 'POST', '/pricebook', { ...ok, partId: 'no-such-part' }), 422, 'partId');
    expectProblem(await api('a.admin', 'POST', '/pricebook', { ...ok, kind: 'service', partId: fx.a.partId }), 422, 'partId');
    expectProblem(await api('a.admin', 'PATCH', `/pricebook/${service.body.id}`, { partId: fx.a.partId }), 422, 'partId');
    expectProblem(await api('a.admin', 'PATCH', `/pricebook/${material.body.id}`, { kind: 'service' }), 422, 'kind');
    expectProblem(await api('a.admin', 'POST', '/pricebook', { ...ok, kind: 'labour' }), 422, 'kind');
    expectProblem(await api('a.admin', 'POST', '/pricebook', { ...ok, unitPriceCents: '100' }), 422, 'unitPriceCents');
    expectProblem(await api('a.admin', 'POST', '/pricebook', { ...ok, taxable: 'yes' }), 422, 'taxable');
    expectProblem(await api('a.admin', 'POST', '/pricebook', { kind: 'service', name: 'x', unitPriceCents: 1 }), 422, 'code');
    expectProblem(await api('a.admin', 'POST', '/pricebook', { ...ok, colour: 'red' }), 422, 'colour');
    expectProblem(await api('a.admin', 'POST', '/pricebook', { ...ok, description: 'y'.repeat(100_000) }), 422, 'description');
    expectProblem(await api('a.admin', 'GET', '/pricebook?kind=labour'), 400, 'kind');
    expectProblem(await api('a.admin', 'GET', `/pricebook?q=${'q'.repeat(5000)}`), 400, 'q');
    expectProblem(await api('a.admin', 'GET', '/pricebook?active=maybe'), 400, 'active');
    expectProblem(await api('a.admin', 'GET', '/pricebook?cursor=%%%'), 400, 'cursor');
    expectProblem(await api('a.dispatcher', 'POST', '/pricebook', ok), 403);
    expect(await dbFingerprint()).toBe(before);
  });

  it('keeps orgs apart', async () => {
    const mine = await api('a.admin', 'POST', '/pricebook', { kind: 'service', code: `A-${tag()}`, name: 'Org a only', unitPriceCents: 1 });
    expectProblem(await api('b.admin', 'GET', `/pricebook/${mine.body.id}`), 404);
    expectProblem(await api('b.admin', 'PATCH', `/pricebook/${mine.body.id}`, { name: 'stolen' }), 404);
    expectProblem(await api('b.admin', 'GET', `/parts/${fx.a.partId}`), 404);
    expectProblem(await api('b.admin', 'PATCH', `/parts/${fx.a.partId}`, { name: 'stolen' }), 404);
    const items = (await api('b.admin', 'GET', '/pricebook?limit=200')).body.items.map((i: { id: string }) => i.id);
    expect(items).not.toContain(mine.body.id);
    const partIds = (await api('b.admin', 'GET', '/parts?q=BR-20A&limit=200')).body.items.map((i: { id: string }) => i.id);
    expect(partIds).toEqual([fx.b.partId]);
  });

  it('answers list and detail in at most 2 libSQL round trips', async () => {
    const item = await api('a.admin', 'POST', '/pricebook', {
      kind: 'service',
      code: `RT-${tag()}`,
      name: 'Round trips',
      unitPriceCents: 1,
    });
    for (const path of ['/pricebook', `/pricebook/${item.body.id}`, '/pricebook?kind=service&q=round', '/parts', `/parts/${fx.a.partId}`]) {
      const r = await api('a.technician', 'GET', path);
      expect(r.status, path).toBe(200);
      expect(r.roundTrips, path).toBeLessThanOrEqual(2);
    }
  });
});

describe('price book CSV import', () => {
  const HEAD = 'code,kind,name,description,unit,unitPriceCents,costCents,taxable,active';

  it('creates new codes and changes known ones, all in one go, with an audit trail', async () => {
    const t = tag();
    const known = await api('a.admin', 'POST', '/pricebook', { kind: 'material', code: `CSV-K-${t}`, name: 'GFCI', unitPriceCents: 1_899 });
    const same = await api('a.admin', 'POST', '/pricebook', { kind: 'service', code: `CSV-S-${t}`, name: 'Same', unitPriceCents: 100 });
    const csv = [
      HEAD,
      `CSV-N-${t},service,"Troubleshooting, per hour","Diagnose ""dead"" circuits",hour,12500,0,false,true`,
      `CSV-K-${t},material,GFCI 20A,,,2199,950,true,true`,
      `CSV-S-${t},service,Same,,each,100,0,false,true`,
      `CSV-A-${t},material,=Old fixture,,each,500,,,false`,
      '',
    ].join('\r\n');
    const res = await api('a.admin', 'POST', '/pricebook/import', { csv });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ created: 2, updated: 1, unchanged: 1 });
    const byCode = async (code: string) => (await api('a.admin', 'GET', `/pricebook?q=${code}`)).body.items[0];
    expect(await byCode(`CSV-N-${t}`)).toMatchObject({
      kind: 'service',
      name: 'Troubleshooting, per hour',
      description: 'Diagnose "dead" circuits',
      unit: 'hour',
      unitPriceCents: 12_500,
      taxable: false,
      active: true,
    });
    expect(await byCode(`CSV-K-${t}`)).toMatchObject({
      id: known.body.id,
      name: 'GFCI 20A',
      unitPriceCents: 2_199,
      costCents: 950,
      unit: 'each',
    });
    expect(await byCode(`CSV-A-${t}`)).toMatchObject({ name: '=Old fixture', taxable: true, costCents: 0, active: false });
    expect(await count('audit_events', "entity = 'price book item' and entity_id = ? and action = 'update'", [known.body.id])).toBe(1);
    expect(await count('audit_events', "entity = 'price book item' and entity_id = ?", [same.body.id])).toBe(1);
  });

  it('refuses a file with any bad cell, naming its line and column, and imports nothing', async () => {
    const t = tag();
    const before = await dbFingerprint();
    const bad = async (csv: string, field: string) => expectProblem(await api('a.admin', 'POST', '/pricebook/import', { csv }), 422, field);
    await bad(
      `${HEAD}\nB1-${t},service,Fine,,each,100,0,false,true\nB2-${t},service,Dollars,,each,125.00,0,false,true`,
      'csv[3].unitPriceCents',
    );
    await bad(`${HEAD}\nB3-${t},gadget,Kind,,each,100,0,false,true`, 'csv[2].kind');
    await bad(`${HEAD}\nB4-${t},service,,,each,100,0,false,true`, 'csv[2].name');
    await bad(`${HEAD}\nB5-${t},service,Flag,,each,100,0,maybe,true`, 'csv[2].taxable');
    await bad(`${HEAD}\nB6-${t},service,Twice,,each,100,0,false,true\nB6-${t},service,Twice,,each,100,0,false,true`, 'csv[3].code');
    await bad(`code,kind,name,price\nB7-${t},service,No price,100`, 'csv');
    await bad('', 'csv');
    await bad(`${HEAD}\n${'x'.repeat(50)},service,Long code,,each,100,0,false,true`, 'csv[2].code');
    expectProblem(await api('a.admin', 'POST', '/pricebook/import', { csv: `${HEAD}\n`, extra: 1 }), 422, 'extra');
    expectProblem(await api('a.dispatcher', 'POST', '/pricebook/import', { csv: `${HEAD}\nB8-${t},service,X,,each,1,0,false,true` }), 403);
    expect(await dbFingerprint()).toBe(before);
  });

  it("matches codes in the caller's org only", async () => {
    const t = tag();
    const theirs = await api('b.admin', 'POST', '/pricebook', { kind: 'service', code: `ORG-${t}`, name: 'Org b', unitPriceCents: 1 });
    const res = await api('a.admin', 'POST', '/pricebook/import', { csv: `${HEAD}\nORG-${t},service,Org a,,each,2,0,false,true` });
    expect(res.body).toEqual({ created: 1, updated: 0, unchanged: 0 });
    expect((await api('b.admin', 'GET', `/pricebook/${theirs.body.id}`)).body).toMatchObject({ name: 'Org b', unitPriceCents: 1 });
  });
});

describe('OpenAPI document', () => {
  it('publishes the money and materials routes with their permissions and named schemas', async () => {
    const doc = (await api('anon', 'GET', '/openapi.json')).body;
    const permission = (method: string, path: string) => doc.paths[path]?.[method]?.['x-permission'];
    expect(permission('get', '/api/pricebook')).toBe('pricebook.read');
    expect(permission('patch', '/api/pricebook/{id}')).toBe('pricebook.write');
    expect(permission('post', '/api/parts')).toBe('parts.write');
    expect(permission('get', '/api/stock/levels')).toBe('stock.read');
    expect(permission('patch', '/api/stock/levels')).toBe('stock.write');
    expect(permission('post', '/api/stock/movements')).toBe('stock.write');
    expect(permission('post', '/api/purchase-orders/{id}/transitions')).toBe('purchaseorders.write');
    expect(permission('get', '/api/invoices/{id}')).toBe('invoices.read');
    expect(permission('post', '/api/invoices/{id}/transitions')).toBe('invoices.write');
    expect(permission('post', '/api/payments')).toBe('payments.write');
    expect(permission('get', '/api/part-usages')).toBe('stock.read');
    expect(permission('post', '/api/part-usages')).toBe('lineitems.write');
    for (const name of [
      'PriceBookItem',
      'Part',
      'StockLocation',
      'StockLevel',
      'StockMovement',
      'StockMovementCreate',
      'PurchaseOrderDetail',
      'InvoiceDetail',
      'Payment',
      'PaymentReceipt',
      'PartUsage',
    ]) {
      expect(doc.components.schemas[name], name).toBeDefined();
    }
  });
});
