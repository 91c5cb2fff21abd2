/**
 * Injection and markup stored through every free-text field comes back exactly as sent: the
 * API neither executes, escapes nor mangles it (escaping is the renderer's job; the app renders
 * text, never HTML). Text is trimmed at the edges, so the payloads carry no edge whitespace.
 */
import { describe, expect, it } from 'vitest';
import { api, dbFingerprint, expectProblem, fx, sql } from './helpers.ts';

const PAYLOADS = [
  `Robert'); DROP TABLE jobs;--`,
  `<script>window.__xss=1</script>`,
  `<img src=x onerror=window.__xss=1>`,
  `"><svg onload=alert(1)>`,
  `javascript:alert(1)`,
  `{{constructor.constructor('alert(1)')()}}`,
  `' OR '1'='1`,
  `%00\\x00 \u202Eevil\u202C ⚡ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢`,
  `line one\nline two\ttab`,
];

const uniq = () => crypto.randomUUID().slice(0, 8);

interface Case {
  name: string;
  create: string;
  detail: (id: string) => string;
  /** A valid body with every free-text field set to `t`, limited to `max` characters per field. */
  body: (t: string) => Record<string, unknown>;
  fields: string[];
}

/** The first `max` characters, never splitting a surrogate pair. */
const cut = (t: string, max: number) => Array.from(t).slice(0, max).join('').trim();

const CASES: Case[] = [
  {
    name: 'customer',
    create: '/customers',
    detail: (id) => `/customers/${id}`,
    body: (t) => ({ name: t, billingAddress: t, notes: t }),
    fields: ['name', 'billingAddress', 'notes'],
  },
  {
    name: 'location',
    create: '/locations',
    detail: (id) => `/locations/${id}`,
    body: (t) => ({
      customerId: fx.a.customerId,
      label: cut(t, 80),
      address: t,
      city: cut(t, 80),
      region: cut(t, 40),
      postalCode: '78701',
      lat: 30.27,
      lng: -97.74,
      accessNotes: t,
    }),
    fields: ['label', 'address', 'city', 'region', 'accessNotes'],
  },
  {
    name: 'technician',
    create: '/technicians',
    detail: (id) => `/technicians/${id}`,
    body: (t) => ({
      name: t,
      licenceClass: cut(t, 40),
      licenceNumber: cut(t, 40),
      licenceJurisdiction: cut(t, 40),
      homeAddress: t,
      skills: [cut(t, 40)],
    }),
    fields: ['name', 'licenceClass', 'licenceNumber', 'licenceJurisdiction', 'homeAddress'],
  },
  {
    name: 'job',
    create: '/jobs',
    detail: (id) => `/jobs/${id}`,
    body: (t) => ({
      customerId: fx.a.customerId,
      locationId: fx.a.locationId,
      type: t,
      description: t,
      requiredSkill: cut(t, 40),
      requiredLicenceClass: cut(t, 40),
    }),
    fields: ['type', 'description', 'requiredSkill', 'requiredLicenceClass'],
  },
  {
    name: 'line item',
    create: '/line-items',
    detail: (id) => `/line-items/${id}`,
    body: (t) => ({ jobId: fx.a.jobId, description: t, quantity: 1, unitPriceCents: 100 }),
    fields: ['description'],
  },
  {
    name: 'price-book item',
    create: '/pricebook',
    detail: (id) => `/pricebook/${id}`,
    body: (t) => ({ kind: 'service', code: `${cut(t, 30)}-${uniq()}`, name: t, description: t, unit: cut(t, 20), unitPriceCents: 100 }),
    fields: ['name', 'description', 'unit'],
  },
  {
    name: 'part',
    create: '/parts',
    detail: (id) => `/parts/${id}`,
    body: (t) => ({ sku: `${cut(t, 50)}-${uniq()}`, name: t, unit: cut(t, 20) }),
    fields: ['name', 'unit'],
  },
  {
    name: 'stock location',
    create: '/stock/locations',
    detail: (id) => `/stock/locations/${id}`,
    body: (t) => ({ kind: 'truck', name: t }),
    fields: ['name'],
  },
  {
    name: 'purchase order',
    create: '/purchase-orders',
    detail: (id) => `/purchase-orders/${id}`,
    body: (t) => ({
      supplier: t,
      notes: t,
      locationId: fx.a.warehouseId,
      lines: [{ partId: fx.a.partId, quantity: 1, unitCostCents: 100 }],
    }),
    fields: ['supplier', 'notes'],
  },
  {
    name: 'user',
    create: '/users',
    detail: (id) => `/users/${id}`,
    body: (t) => ({ email: `xss-${uniq()}@org-a.test`, name: t, role: 'technician' }),
    fields: ['name'],
  },
];

describe('free text through every field', () => {
  for (const c of CASES) {
    it(`${c.name}: stored and returned byte for byte`, async () => {
      for (const payload of PAYLOADS) {
        const body = c.body(payload);
        const created = await api('a.admin', 'POST', c.create, body);
        expect(created.status, `${c.name} ${JSON.stringify(created.body).slice(0, 300)}`).toBe(201);
        const got = await api('a.admin', 'GET', c.detail(created.body.id));
        expect(got.status).toBe(200);
        for (const field of c.fields) expect(got.body[field], `${c.name}.${field}`).toBe(body[field]);
      }
    });
  }

  it('refuses text that is not valid Unicode, naming the field, instead of failing inside libSQL', async () => {
    const before = await dbFingerprint();
    const res = await api('a.admin', 'POST', '/parts', `{"sku":"LONE-1","name":"half a pair \\ud835 here","unit":"each"}`);
    expectProblem(res, 422, 'name');
    expectProblem(await api('a.admin', 'POST', '/customers', { name: 'ok', tags: ['fine', 'bad \ud800'] }), 422, 'tags.1');
    expect(await dbFingerprint()).toBe(before);
  });

  it('invoice notes, payment references and invitation names too', async () => {
    // A completed job with a line, written directly: only completed jobs can be invoiced.
    const jobId = crypto.randomUUID();
    const now = Date.now();
    await sql.execute({
      sql: `insert into jobs (id, org_id, number, customer_id, location_id, type, priority, description, status, duration_min, warnings, created_at, updated_at) values (?, ?, ?, ?, ?, 'Text', 'normal', 'Text', 'completed', 60, '[]', ?, ?)`,
      args: [jobId, fx.a.orgId, 800_000_000 + Math.floor(Math.random() * 1e8), fx.a.customerId, fx.a.locationId, now, now],
    });
    expect(
      (await api('a.admin', 'POST', '/line-items', { jobId, description: 'Labour', quantity: 1, unitPriceCents: 100_000 })).status,
    ).toBe(201);
    const invoice = await api('a.admin', 'POST', '/invoices', { jobId });
    expect(invoice.status).toBe(201);
    for (const payload of PAYLOADS) {
      expect((await api('a.admin', 'PATCH', `/invoices/${invoice.body.id}`, { notes: payload })).status).toBe(200);
      expect((await api('a.admin', 'GET', `/invoices/${invoice.body.id}`)).body.notes).toBe(payload);
    }
    expect((await api('a.admin', 'POST', `/invoices/${invoice.body.id}/transitions`, { to: 'sent' })).status).toBe(200);
    for (const payload of PAYLOADS) {
      const paid = await api('a.admin', 'POST', '/payments', {
        invoiceId: invoice.body.id,
        amountCents: 1,
        method: 'check',
        reference: payload,
      });
      expect(paid.status).toBe(201);
      expect((await api('a.admin', 'GET', `/payments/${paid.body.id}`)).body.reference).toBe(payload);
    }
    for (const payload of PAYLOADS) {
      const inv = await api('a.admin', 'POST', '/invitations', { email: `xss-${uniq()}@org-a.test`, name: payload, role: 'technician' });
      expect(inv.body.name).toBe(payload);
    }
  });
});
