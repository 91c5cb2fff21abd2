/**
 * The accounting export and the receivables, in an org of their own (kpis-org.ts) so the files
 * hold exactly this month's invoices: the QuickBooks invoices file and the payments file are
 * compared byte for byte with golden files (tests/worker/fixtures/), made by hand from the
 * QuickBooks Online invoice-import column list. Dates are the test's own (a faked clock), never
 * today's.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import goldenInvoices from './fixtures/quickbooks-invoices.csv?raw';
import goldenPayments from './fixtures/quickbooks-payments.csv?raw';
import { QUICKBOOKS_INVOICE_COLUMNS } from '../../worker/billing/export-rows.ts';
import { api, dbFingerprint, expectProblem, sql } from './helpers.ts';
import { at, clockAt, type KpiOrg, makeOrg } from './kpis-org.ts';

let org: KpiOrg;
const ids: Record<string, string> = {};
let jobNumber = 7_000;

async function completedJob(customerId: string, locationId: string, completedLocal: string): Promise<string> {
  const id = crypto.randomUUID();
  const when = at(completedLocal);
  await sql.execute({
    sql: `insert into jobs (id, org_id, number, customer_id, location_id, type, priority, description, status, duration_min, warnings, completed_at, created_at, updated_at)
          values (?, ?, ?, ?, ?, 'Service', 'normal', 'Export test', 'completed', 60, '[]', ?, ?, ?)`,
    args: [id, org.orgId, jobNumber++, customerId, locationId, when, when, when],
  });
  return id;
}

async function invoiceAt(jobId: string, madeLocal: string, extra: Record<string, unknown> = {}) {
  clockAt(madeLocal);
  return org.ok('dispatcher', 'POST', '/invoices', { jobId, ...extra });
}

async function send(id: string, local: string) {
  clockAt(local);
  return org.ok('dispatcher', 'POST', `/invoices/${id}/transitions`, { to: 'sent' });
}

async function pay(invoiceId: string, local: string, amountCents: number, method: string, reference?: string) {
  clockAt(local);
  return org.ok('dispatcher', 'POST', '/payments', { invoiceId, amountCents, method, ...(reference ? { reference } : {}) });
}

beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  clockAt('2026-01-20 09:00');
  org = await makeOrg('Golden Electric');
  const baker = await org.ok('dispatcher', 'POST', '/customers', { name: 'Baker, "Ann"' });
  const acme = await org.ok('dispatcher', 'POST', '/customers', { name: '=Acme Holdings' });
  const place = (customerId: string) =>
    org.ok('dispatcher', 'POST', '/locations', {
      customerId,
      address: '100 Congress Ave',
      city: 'Austin',
      region: 'TX',
      postalCode: '78701',
      lat: 30.27,
      lng: -97.74,
    });
  const bakerHome = await place(baker.id);
  const acmeSite = await place(acme.id);
  const call = await org.ok('admin', 'POST', '/pricebook', {
    kind: 'service',
    code: 'SVC-CALL',
    name: 'Service call',
    unitPriceCents: 8_900,
  });
  const gfci = await org.ok('admin', 'POST', '/pricebook', { kind: 'material', code: 'GFCI-20', name: 'GFCI 20A', unitPriceCents: 2_450 });

  // 1: Baker, completed Jan 30, made Feb 2, due Feb 17 (Net 15), paid in two parts.
  const j1 = await completedJob(baker.id, bakerHome.id, '2026-01-30 15:10');
  await org.ok('dispatcher', 'POST', '/line-items', { jobId: j1, priceBookItemId: call.id, quantity: 1 });
  await org.ok('dispatcher', 'POST', '/line-items', { jobId: j1, priceBookItemId: gfci.id, quantity: 2 });
  const i1 = await invoiceAt(j1, '2026-02-02 08:00', { dueDate: '2026-02-17', notes: 'Kitchen, "north" wall' });
  await send(i1.id, '2026-02-02 08:05');
  await pay(i1.id, '2026-02-05 11:00', 5_000, 'check', 'Chk #1042');
  await pay(i1.id, '2026-02-16 17:45', i1.totalCents - 5_000, 'card', 'ch_123');

  // 2: Acme, a line written by hand (1.5 hours, not taxed), sent late on Feb 27 local time (Feb 28 in UTC), Net 30 by default.
  const j2 = await completedJob(acme.id, acmeSite.id, '2026-02-26 16:00');
  await org.ok('dispatcher', 'POST', '/line-items', {
    jobId: j2,
    description: 'Troubleshooting, panel "B"',
    quantity: 1.5,
    unitPriceCents: 12_500,
    taxable: false,
  });
  const i2 = await invoiceAt(j2, '2026-02-27 21:00');
  await send(i2.id, '2026-02-27 23:30');
  ids.i2 = i2.id;

  // Not in the February file: a voided invoice, a draft, one sent in March, a payment in March.
  const j3 = await completedJob(baker.id, bakerHome.id, '2026-02-10 10:00');
  await org.ok('dispatcher', 'POST', '/line-items', { jobId: j3, priceBookItemId: call.id, quantity: 1 });
  const i3 = await invoiceAt(j3, '2026-02-10 12:00');
  await send(i3.id, '2026-02-10 12:01');
  clockAt('2026-02-10 12:30');
  await org.ok('dispatcher', 'POST', `/invoices/${i3.id}/transitions`, { to: 'void', reason: 'Wrong customer' });
  const j4 = await completedJob(acme.id, acmeSite.id, '2026-02-11 10:00');
  await org.ok('dispatcher', 'POST', '/line-items', { jobId: j4, priceBookItemId: call.id, quantity: 1 });
  await invoiceAt(j4, '2026-02-11 12:00');
  const j5 = await completedJob(acme.id, acmeSite.id, '2026-02-28 10:00');
  await org.ok('dispatcher', 'POST', '/line-items', { jobId: j5, priceBookItemId: gfci.id, quantity: 1 });
  const i5 = await invoiceAt(j5, '2026-02-28 12:00');
  await send(i5.id, '2026-03-01 00:10');
  await pay(i2.id, '2026-03-02 09:00', 100, 'ach', 'ACH 998877');

  // After the file is made, the price book moves on: the file does not (the invoice's own lines).
  await org.ok('admin', 'PATCH', `/pricebook/${gfci.id}`, { unitPriceCents: 2_999 });
  clockAt('2026-03-03 09:00');
});

afterAll(() => vi.useRealTimers());

describe('QuickBooks Online export', () => {
  it('writes the invoices sent in the range, a row per line, exactly as the golden file', async () => {
    const res = await org.call('manager', 'GET', '/exports/quickbooks/invoices.csv?from=2026-02-01&to=2026-02-28');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="quickbooks-invoices-2026-02-01-2026-02-28.csv"');
    expect(res.body).toBe(goldenInvoices);
    expect(res.roundTrips).toBeLessThanOrEqual(2);
    // The header is QuickBooks' own column list, in its order.
    expect(goldenInvoices.split('\r\n')[0]).toBe(QUICKBOOKS_INVOICE_COLUMNS.join(','));
  });

  it('writes the payments received in the range, as the golden file', async () => {
    const res = await org.call('admin', 'GET', '/exports/quickbooks/payments.csv?from=2026-02-01&to=2026-02-28');
    expect(res.status).toBe(200);
    expect(res.body).toBe(goldenPayments);
    expect(res.roundTrips).toBeLessThanOrEqual(2);
  });

  it('refuses a missing or wrong range naming it, technicians, and shows another org nothing', async () => {
    const before = await dbFingerprint();
    for (const [query, field] of [
      ['', 'from'],
      ['?from=2026-02-01', 'to'],
      ['?from=2026-02-30&to=2026-03-01', 'from'],
      ['?from=2026-03-01&to=2026-02-01', 'to'],
      ['?from=2024-01-01&to=2026-02-01', 'to'],
    ] as const) {
      const res = await org.call('manager', 'GET', `/exports/quickbooks/invoices.csv${query}`);
      expectProblem(res, 400, field);
      expectProblem(await org.call('manager', 'GET', `/exports/quickbooks/payments.csv${query}`), 400, field);
    }
    expectProblem(await org.call('techA', 'GET', '/exports/quickbooks/invoices.csv?from=2026-02-01&to=2026-02-28'), 403);
    expectProblem(await org.call('techA', 'GET', '/exports/quickbooks/payments.csv?from=2026-02-01&to=2026-02-28'), 403);
    const other = await api('b.admin', 'GET', '/exports/quickbooks/invoices.csv?from=2026-02-01&to=2026-02-28');
    expect(other.status).toBe(200);
    expect(other.body).not.toContain('Golden');
    expect(other.body).not.toContain('Baker');
    expect(await dbFingerprint()).toBe(before);
  });
});

describe('receivables', () => {
  it("buckets what sent invoices still owe by core/kpis.ts's aging rule, for the org or one customer", async () => {
    // On March 3: invoice 2 (sent Feb 27, 100 cents paid) and invoice 5 (sent Mar 1) are owed, both 0-30 days.
    const res = await org.call('manager', 'GET', '/receivables');
    expect(res.status).toBe(200);
    expect(res.roundTrips).toBeLessThanOrEqual(2);
    expect(res.body.buckets.map((b: { bucket: string }) => b.bucket)).toEqual(['0-30', '31-60', '61-90', '90+']);
    const i2 = await org.ok('manager', 'GET', `/invoices/${ids.i2}`);
    const owed = i2.totalCents - 100 + 2_652;
    expect(res.body).toMatchObject({ count: 2, totalCents: owed });
    expect(res.body.buckets[0]).toEqual({ bucket: '0-30', label: '0-30 days', cents: owed, count: 2 });
    // 40 days on, the same invoices are 31-60 days old.
    clockAt('2026-04-08 09:00');
    const later = await org.ok('manager', 'GET', '/receivables');
    expect(later.buckets[1]).toMatchObject({ bucket: '31-60', cents: owed, count: 2 });
    const acmeOnly = await org.ok('manager', 'GET', `/receivables?customerId=${i2.customerId}`);
    expect(acmeOnly.count).toBe(2);
    const overdue = await org.ok('manager', 'GET', '/invoices?overdue=true&fields=id,number');
    expect(overdue.items.map((i: { number: number }) => i.number).sort()).toEqual([2, 5]);
    const notOverdue = await org.ok('manager', 'GET', '/invoices?overdue=false&fields=number');
    expect(notOverdue.items.map((i: { number: number }) => i.number).sort()).toEqual([1, 3, 4]);
    clockAt('2026-03-03 09:00');
    expectProblem(await org.call('techA', 'GET', '/receivables'), 403);
    expectProblem(await org.call('manager', 'GET', '/invoices?overdue=maybe'), 400, 'overdue');
    expect((await api('b.admin', 'GET', `/receivables?customerId=${i2.customerId}`)).body.count).toBe(0);
  });
});
