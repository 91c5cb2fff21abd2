import { describe, expect, it } from 'vitest';
import { invoiceTotals, lineTotalCents } from '../../core/money.ts';
import { addDays, localDateOf } from '../../core/time.ts';
import { api, count, dbFingerprint, expectProblem, fx, sql } from './helpers.ts';

interface Line {
  quantityMilli: number;
  unitPriceCents: number;
  taxable: boolean;
}

/** Troubleshooting 1.5 h (not taxed), two breakers and a GFCI (taxed). */
const ELECTRICAL: Line[] = [
  { quantityMilli: 1500, unitPriceCents: 12_500, taxable: false },
  { quantityMilli: 2000, unitPriceCents: 2_400, taxable: true },
  { quantityMilli: 1000, unitPriceCents: 1_899, taxable: true },
];

/**
 * A job with its line items, written straight into libSQL: the jobs and line-items APIs are
 * someone else's, and invoicing only needs the rows.
 */
async function jobWith(lines: Line[], opts: { org?: 'a' | 'b'; status?: string; customerId?: string } = {}): Promise<string> {
  const f = fx[opts.org ?? 'a'];
  const id = crypto.randomUUID();
  const now = Date.now();
  await sql.execute({
    sql: `insert into jobs (id, org_id, number, customer_id, location_id, type, priority, description, status, duration_min, warnings, completed_at, created_at, updated_at)
          values (?, ?, ?, ?, ?, 'service', 'normal', 'Breaker trips <when> the dryer "runs"', ?, 60, '[]', ?, ?, ?)`,
    args: [
      id,
      f.orgId,
      5_000_000 + Math.floor(Math.random() * 1e9),
      opts.customerId ?? f.customerId,
      f.locationId,
      opts.status ?? 'completed',
      now,
      now,
      now,
    ],
  });
  for (const [i, l] of lines.entries()) {
    await sql.execute({
      sql: `insert into line_items (id, org_id, job_id, description, quantity_milli, unit_price_cents, taxable, total_cents, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      args: [
        crypto.randomUUID(),
        f.orgId,
        id,
        `Line ${i}`,
        l.quantityMilli,
        l.unitPriceCents,
        l.taxable ? 1 : 0,
        lineTotalCents(l.quantityMilli, l.unitPriceCents),
        now + i,
        now + i,
      ],
    });
  }
  return id;
}

async function jobStatus(id: string): Promise<string> {
  return String((await sql.execute({ sql: 'select status from jobs where id = ?', args: [id] })).rows[0]!.status);
}

async function statusEvents(jobId: string): Promise<string[]> {
  const r = await sql.execute({
    sql: "select before, after from job_events where job_id = ? and kind = 'status_changed' order by at, rowid",
    args: [jobId],
  });
  return r.rows.map((e) => `${JSON.parse(String(e.before)).status}->${JSON.parse(String(e.after)).status}`);
}

async function sentInvoice(lines: Line[] = ELECTRICAL, customerId?: string) {
  const job = await jobWith(lines, { customerId });
  const inv = await api('a.dispatcher', 'POST', '/invoices', { jobId: job });
  expect(inv.status).toBe(201);
  expect((await api('a.dispatcher', 'POST', `/invoices/${inv.body.id}/transitions`, { to: 'sent' })).status).toBe(200);
  return { job, invoice: inv.body as { id: string; totalCents: number; number: number } };
}

const pay = (
  invoiceId: string,
  amountCents: unknown,
  extra: Record<string, unknown> = {},
  actor: 'a.dispatcher' | 'b.admin' = 'a.dispatcher',
) => api(actor, 'POST', '/payments', { invoiceId, amountCents, method: 'card', ...extra });

describe('invoices', () => {
  it("makes a draft from a completed job's lines with tax at the org rate, and marks the job invoiced", async () => {
    const job = await jobWith(ELECTRICAL);
    const before = Number(
      (await sql.execute({ sql: 'select next_invoice_number as n from orgs where id = ?', args: [fx.a.orgId] })).rows[0]!.n,
    );
    const res = await api('a.dispatcher', 'POST', '/invoices', { jobId: job, notes: 'Thanks! <3 & "more"' });
    expect(res.status).toBe(201);
    // 18750 labour (untaxed) + 4800 + 1899 taxed at 8.25%: 6699 x 0.0825 = 552.67 -> 553.
    expect(res.body).toMatchObject({
      status: 'draft',
      jobId: job,
      customerId: fx.a.customerId,
      subtotalCents: 25_449,
      taxCents: 553,
      totalCents: 26_002,
      paidCents: 0,
      issuedAt: null,
    });
    expect(res.body).toMatchObject(
      invoiceTotals(
        ELECTRICAL.map((l) => ({ totalCents: lineTotalCents(l.quantityMilli, l.unitPriceCents), taxable: l.taxable })),
        825,
      ),
    );
    expect(res.body.notes).toBe('Thanks! <3 & "more"');
    expect(res.body.number).toBeGreaterThanOrEqual(before);
    expect(res.body.lines.map((l: { totalCents: number }) => l.totalCents)).toEqual([18_750, 4_800, 1_899]);
    expect(await jobStatus(job)).toBe('invoiced');
    expect(await statusEvents(job)).toEqual(['completed->invoiced']);
    expect(await count('audit_events', "entity = 'invoice' and entity_id = ?", [res.body.id])).toBe(1);

    const detail = await api('a.manager', 'GET', `/invoices/${res.body.id}`);
    expect(detail.body).toEqual(res.body);
    expect(detail.roundTrips).toBeLessThanOrEqual(2);

    const next = await api('a.dispatcher', 'POST', '/invoices', {
      jobId: await jobWith([{ quantityMilli: 1000, unitPriceCents: 100, taxable: false }]),
    });
    expect(next.body.number).toBeGreaterThan(res.body.number);
    expect(next.body).toMatchObject({ subtotalCents: 100, taxCents: 0, totalCents: 100 });
  });

  it('refuses jobs that are not completed, already invoiced, empty or not in the org, changing nothing', async () => {
    const onSite = await jobWith(ELECTRICAL, { status: 'on_site' });
    const invoiced = await jobWith(ELECTRICAL);
    expect((await api('a.dispatcher', 'POST', '/invoices', { jobId: invoiced })).status).toBe(201);
    const empty = await jobWith([]);
    const free = await jobWith([{ quantityMilli: 1000, unitPriceCents: 0, taxable: true }]);
    const otherOrg = await jobWith(ELECTRICAL, { org: 'b' });
    const before = await dbFingerprint();
    expectProblem(await api('a.dispatcher', 'POST', '/invoices', { jobId: onSite }), 409, 'jobId');
    expectProblem(await api('a.dispatcher', 'POST', '/invoices', { jobId: invoiced }), 409, 'jobId');
    expectProblem(await api('a.dispatcher', 'POST', '/invoices', { jobId: empty }), 422, 'jobId');
    expectProblem(await api('a.dispatcher', 'POST', '/invoices', { jobId: free }), 422, 'jobId');
    expectProblem(await api('a.dispatcher', 'POST', '/invoices', { jobId: otherOrg }), 422, 'jobId');
    expectProblem(await api('a.dispatcher', 'POST', '/invoices', { jobId: "' or 1=1 --" }), 422, 'jobId');
    expectProblem(await api('a.dispatcher', 'POST', '/invoices', {}), 422, 'jobId');
    expectProblem(await api('a.dispatcher', 'POST', '/invoices', { jobId: 42 }), 422, 'jobId');
    expectProblem(await api('a.dispatcher', 'POST', '/invoices', { jobId: onSite, totalCents: 1 }), 422, 'totalCents');
    expectProblem(await api('a.dispatcher', 'POST', '/invoices', { jobId: onSite, dueDate: '2026-13-01' }), 422, 'dueDate');
    expectProblem(await api('a.dispatcher', 'POST', '/invoices', { jobId: onSite, notes: 'n'.repeat(20_000) }), 422, 'notes');
    expectProblem(await api('a.manager', 'POST', '/invoices', { jobId: onSite }), 403);
    expectProblem(await api('a.technician', 'GET', '/invoices'), 403);
    expect(await dbFingerprint()).toBe(before);
    expect(await jobStatus(otherOrg)).toBe('completed');
  });

  it('invoices a job once even when two requests race', async () => {
    const job = await jobWith(ELECTRICAL);
    const results = await Promise.all([1, 2, 3].map(() => api('a.dispatcher', 'POST', '/invoices', { jobId: job })));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    expect(await count('invoices', 'job_id = ?', [job])).toBe(1);
    expect(await statusEvents(job)).toEqual(['completed->invoiced']);
  });

  it('edits drafts, sends with a default due date, and refuses edits after', async () => {
    const job = await jobWith(ELECTRICAL);
    const inv = (await api('a.dispatcher', 'POST', '/invoices', { jobId: job })).body;
    const edited = await api('a.dispatcher', 'PATCH', `/invoices/${inv.id}`, { notes: 'Net 15', dueDate: '2031-01-15' });
    expect(edited.body).toMatchObject({ notes: 'Net 15', dueDate: '2031-01-15', status: 'draft' });
    const cleared = await api('a.dispatcher', 'PATCH', `/invoices/${inv.id}`, { dueDate: null });
    expect(cleared.body.dueDate).toBeNull();
    const sent = await api('a.dispatcher', 'POST', `/invoices/${inv.id}/transitions`, { to: 'sent' });
    expect(sent.body.status).toBe('sent');
    expect(sent.body.issuedAt).toBeGreaterThan(0);
    expect(sent.body.dueDate).toBe(addDays(localDateOf(Date.now(), 'America/Chicago'), 30));

    const before = await dbFingerprint();
    expectProblem(await api('a.dispatcher', 'PATCH', `/invoices/${inv.id}`, { notes: 'late edit' }), 409, 'status');
    expectProblem(await api('a.dispatcher', 'POST', `/invoices/${inv.id}/transitions`, { to: 'sent' }), 409, 'to');
    expectProblem(await api('a.dispatcher', 'POST', `/invoices/${inv.id}/transitions`, { to: 'paid' }), 422, 'to');
    expectProblem(await api('a.dispatcher', 'PATCH', `/invoices/${inv.id}`, { totalCents: 1 }), 422, 'totalCents');
    expect(await dbFingerprint()).toBe(before);
  });

  it('voids an invoice: the job goes back to completed and can be invoiced again', async () => {
    const job = await jobWith(ELECTRICAL);
    const first = (await api('a.dispatcher', 'POST', '/invoices', { jobId: job })).body;
    await api('a.dispatcher', 'POST', `/invoices/${first.id}/transitions`, { to: 'sent' });
    const voided = await api('a.dispatcher', 'POST', `/invoices/${first.id}/transitions`, {
      to: 'void',
      reason: 'Sent to the wrong address',
    });
    expect(voided.body.status).toBe('void');
    expect(await jobStatus(job)).toBe('completed');
    expect(await statusEvents(job)).toEqual(['completed->invoiced', 'invoiced->completed']);
    expectProblem(await api('a.dispatcher', 'POST', `/invoices/${first.id}/transitions`, { to: 'void', reason: 'Twice' }), 409, 'to');
    expectProblem(await pay(first.id, 100), 409, 'invoiceId');

    const again = await api('a.dispatcher', 'POST', '/invoices', { jobId: job });
    expect(again.status).toBe(201);
    expect(again.body.number).toBeGreaterThan(first.number);
    expect(await jobStatus(job)).toBe('invoiced');
  });

  it('lists with filters by status, customer and local date, fields and cursors', async () => {
    const customer = await api('a.dispatcher', 'POST', '/customers', { name: `Invoice filter ${crypto.randomUUID().slice(0, 6)}` });
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const job = await jobWith([{ quantityMilli: 1000, unitPriceCents: 1000 * (i + 1), taxable: true }], { customerId: customer.body.id });
      ids.push((await api('a.dispatcher', 'POST', '/invoices', { jobId: job })).body.id);
    }
    await api('a.dispatcher', 'POST', `/invoices/${ids[0]}/transitions`, { to: 'sent' });
    const c = customer.body.id;
    const list = async (q: string) => (await api('a.manager', 'GET', `/invoices?customerId=${c}&${q}`)).body.items;
    expect((await list('status=sent&fields=id')).map((i: { id: string }) => i.id)).toEqual([ids[0]]);
    expect((await list('status=draft&sort=number&fields=id')).map((i: { id: string }) => i.id)).toEqual(ids.slice(1));
    expect(await list('fields=id,totalCents&sort=-totalCents&limit=1')).toEqual([{ id: ids[3], totalCents: 4330 }]);
    const today = localDateOf(Date.now(), 'America/Chicago');
    expect(await list(`from=${today}&to=${today}`)).toHaveLength(4);
    expect(await list(`from=${addDays(today, 1)}`)).toHaveLength(0);
    expect(await list(`to=${addDays(today, -1)}`)).toHaveLength(0);

    for (const sort of ['number', '-number', 'date', '-createdAt', 'totalCents']) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const r: any = await api('a.manager', 'GET', `/invoices?customerId=${c}&sort=${sort}&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
        expect(r.status).toBe(200);
        seen.push(...r.body.items.map((i: { id: string }) => i.id));
        cursor = r.body.nextCursor;
      } while (cursor);
      expect(new Set(seen).size, sort).toBe(4);
    }

    const before = await dbFingerprint();
    expectProblem(await api('a.manager', 'GET', '/invoices?status=unpaid'), 400, 'status');
    expectProblem(await api('a.manager', 'GET', '/invoices?from=yesterday'), 400, 'from');
    expectProblem(await api('a.manager', 'GET', '/invoices?sort=notes'), 400, 'sort');
    expectProblem(await api('a.manager', 'GET', '/invoices?fields=payments'), 400, 'fields');
    expectProblem(await api('a.manager', 'GET', '/invoices?cursor=eyJzIjoibnVtYmVyIiwiZCI6MSwidiI6MSwiaWQiOjF9'), 400, 'cursor');
    expect(await dbFingerprint()).toBe(before);
  });

  it('keeps orgs apart', async () => {
    const { job, invoice } = await sentInvoice();
    const before = await dbFingerprint();
    expectProblem(await api('b.admin', 'GET', `/invoices/${invoice.id}`), 404);
    expectProblem(await api('b.admin', 'PATCH', `/invoices/${invoice.id}`, { notes: 'stolen' }), 404);
    expectProblem(await api('b.admin', 'POST', `/invoices/${invoice.id}/transitions`, { to: 'void', reason: 'stolen' }), 404);
    expectProblem(await pay(invoice.id, 1, {}, 'b.admin'), 422, 'invoiceId');
    expectProblem(await api('b.admin', 'POST', '/invoices', { jobId: job }), 422, 'jobId');
    expect(await dbFingerprint()).toBe(before);
    expect((await api('b.admin', 'GET', '/invoices?limit=200')).body.items.map((i: { id: string }) => i.id)).not.toContain(invoice.id);
    expect((await api('b.admin', 'GET', `/payments?invoiceId=${invoice.id}`)).body.items).toEqual([]);
  });

  it('answers list and detail in at most 2 libSQL round trips', async () => {
    const { invoice } = await sentInvoice();
    const payment = await pay(invoice.id, 100);
    for (const path of [
      '/invoices',
      '/invoices?status=sent&from=2026-01-01',
      `/invoices/${invoice.id}`,
      '/payments',
      `/payments?invoiceId=${invoice.id}`,
      `/payments/${payment.body.id}`,
    ]) {
      const r = await api('a.manager', 'GET', path);
      expect(r.status, path).toBe(200);
      expect(r.roundTrips, path).toBeLessThanOrEqual(2);
    }
  });
});

describe('payments', () => {
  it('takes partial payments, then the last one marks the invoice and its job paid', async () => {
    const { job, invoice } = await sentInvoice();
    const first = await pay(invoice.id, 10_000, { method: 'check', reference: 'Chk #1042 <b>' });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      invoiceId: invoice.id,
      amountCents: 10_000,
      method: 'check',
      reference: 'Chk #1042 <b>',
      invoice: { status: 'sent', paidCents: 10_000 },
    });
    expect(await jobStatus(job)).toBe('invoiced');

    const second = await pay(invoice.id, 6_002, { receivedAt: Date.now() - 86_400_000 });
    expect(second.body.invoice).toMatchObject({ status: 'sent', paidCents: 16_002 });
    const last = await pay(invoice.id, 10_000, { method: 'ach' });
    expect(last.body.invoice).toEqual({ id: invoice.id, status: 'paid', totalCents: 26_002, paidCents: 26_002 });
    expect(await jobStatus(job)).toBe('paid');
    expect(await statusEvents(job)).toEqual(['completed->invoiced', 'invoiced->paid']);
    expect(await count('audit_events', "entity = 'invoice' and entity_id = ? and action = 'paid'", [invoice.id])).toBe(1);

    const detail = await api('a.manager', 'GET', `/invoices/${invoice.id}`);
    expect(detail.body).toMatchObject({ status: 'paid', paidCents: 26_002 });
    expect(detail.body.payments.map((p: { amountCents: number }) => p.amountCents)).toEqual([6_002, 10_000, 10_000]);

    const listed = await api('a.manager', 'GET', `/payments?invoiceId=${invoice.id}&sort=amountCents&fields=amountCents,method`);
    expect(listed.body.items[0]).toEqual({ amountCents: 6_002, method: 'card' });
    expect(
      listed.body.items
        .slice(1)
        .map((p: { method: string }) => p.method)
        .sort(),
    ).toEqual(['ach', 'check']);
    const yesterday = addDays(localDateOf(Date.now(), 'America/Chicago'), -1);
    const byDate = await api('a.manager', 'GET', `/payments?invoiceId=${invoice.id}&from=${yesterday}&to=${yesterday}&fields=amountCents`);
    // Received 24 hours ago is yesterday in Chicago, unless the test runs within a DST shift's extra hour.
    expect(byDate.body.items.map((p: { amountCents: number }) => p.amountCents)).toContain(6_002);
    expect((await api('a.manager', 'GET', `/payments/${first.body.id}`)).body).toMatchObject({ amountCents: 10_000, method: 'check' });

    const pages: string[] = [];
    let cursor: string | null = null;
    do {
      const r: any = await api('a.manager', 'GET', `/payments?invoiceId=${invoice.id}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      pages.push(...r.body.items.map((p: { id: string }) => p.id));
      cursor = r.body.nextCursor;
    } while (cursor);
    expect(pages).toEqual([last.body.id, first.body.id, second.body.id]);

    const before = await dbFingerprint();
    expectProblem(await pay(invoice.id, 1), 409, 'invoiceId');
    expectProblem(
      await api('a.dispatcher', 'POST', `/invoices/${invoice.id}/transitions`, { to: 'void', reason: 'Paid already' }),
      409,
      'to',
    );
    expect(await dbFingerprint()).toBe(before);
  });

  it('refuses overpayment and bad payments, changing nothing', async () => {
    const { invoice } = await sentInvoice();
    await pay(invoice.id, 26_000);
    const draftJob = await jobWith(ELECTRICAL);
    const draft = (await api('a.dispatcher', 'POST', '/invoices', { jobId: draftJob })).body;
    const before = await dbFingerprint();
    const over = await pay(invoice.id, 3);
    expectProblem(over, 422, 'amountCents');
    expect(over.body.detail).toContain('2 cents');
    expectProblem(await pay(invoice.id, 0), 422, 'amountCents');
    expectProblem(await pay(invoice.id, -100), 422, 'amountCents');
    expectProblem(await pay(invoice.id, 1.5), 422, 'amountCents');
    expectProblem(await pay(invoice.id, '1'), 422, 'amountCents');
    expectProblem(await pay(invoice.id, 1, { method: 'bitcoin' }), 422, 'method');
    expectProblem(await pay(invoice.id, 1, { reference: 'r'.repeat(5_000) }), 422, 'reference');
    expectProblem(await pay(invoice.id, 1, { receivedAt: Date.now() + 86_400_000 }), 422, 'receivedAt');
    expectProblem(await pay(invoice.id, 1, { receivedAt: 'today' }), 422, 'receivedAt');
    expectProblem(await pay(invoice.id, 1, { paidCents: 1 }), 422, 'paidCents');
    expectProblem(await pay('no-such-invoice', 1), 422, 'invoiceId');
    expectProblem(await pay(draft.id, 1), 409, 'invoiceId');
    expectProblem(await api('a.manager', 'POST', '/payments', { invoiceId: invoice.id, amountCents: 1, method: 'cash' }), 403);
    expectProblem(await api('a.manager', 'GET', '/payments?method=bitcoin'), 400, 'method');
    expectProblem(await api('a.manager', 'GET', '/payments?cursor=abc'), 400, 'cursor');
    expect(await dbFingerprint()).toBe(before);
  });

  it('never overpays when payments race for the balance', async () => {
    const { job, invoice } = await sentInvoice();
    const results = await Promise.all([1, 2, 3, 4].map(() => pay(invoice.id, invoice.totalCents)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    for (const r of results.filter((x) => x.status !== 201)) expect([409, 422]).toContain(r.status);
    const row = (await sql.execute({ sql: 'select paid_cents, total_cents, status from invoices where id = ?', args: [invoice.id] }))
      .rows[0]!;
    expect(Number(row.paid_cents)).toBe(Number(row.total_cents));
    expect(row.status).toBe('paid');
    expect(await count('payments', 'invoice_id = ?', [invoice.id])).toBe(1);
    expect(await statusEvents(job)).toEqual(['completed->invoiced', 'invoiced->paid']);
  });

  it('takes one of two partial payments that together would pass the total, and refuses the other whole', async () => {
    const { job, invoice } = await sentInvoice();
    expect((await pay(invoice.id, 6_002)).status).toBe(201);
    // 20,000 cents still due: each payment alone fits, both together would not.
    const [one, two] = await Promise.all([
      pay(invoice.id, 12_000, { method: 'check', reference: 'Chk #77' }),
      pay(invoice.id, 12_000, { method: 'cash' }),
    ]);
    expect([one.status, two.status].sort()).toEqual([201, 422]);
    expectProblem(one.status === 422 ? one : two, 422, 'amountCents');
    const row = (await sql.execute({ sql: 'select paid_cents, status from invoices where id = ?', args: [invoice.id] })).rows[0]!;
    expect([Number(row.paid_cents), row.status]).toEqual([18_002, 'sent']);
    expect(await count('payments', 'invoice_id = ?', [invoice.id])).toBe(2);
    expect(await count('audit_events', "entity = 'payment' and after like ?", [`%${invoice.id}%`])).toBe(2);
    expect(await jobStatus(job)).toBe('invoiced');
  });
});

describe('an invoice keeps its own lines', () => {
  it('copies the lines when it is made, so a later price-book or line change leaves it as it was', async () => {
    const t = crypto.randomUUID().slice(0, 6);
    const item = await api('a.admin', 'POST', '/pricebook', {
      kind: 'service',
      code: `SNAP-${t}`,
      name: 'Service call',
      unitPriceCents: 8_900,
    });
    const job = await jobWith([]);
    const line = await api('a.dispatcher', 'POST', '/line-items', { jobId: job, priceBookItemId: item.body.id, quantity: 1 });
    expect(line.status).toBe(201);
    await api('a.dispatcher', 'POST', '/line-items', { jobId: job, description: 'Breaker, 20A', quantity: 2, unitPriceCents: 2_400 });
    const made = await api('a.dispatcher', 'POST', '/invoices', { jobId: job });
    expect(made.status).toBe(201);
    const snapshot = (await api('a.manager', 'GET', `/invoices/${made.body.id}`)).body;
    expect(snapshot.lines.map((l: { description: string; totalCents: number }) => [l.description, l.totalCents])).toEqual([
      ['Service call', 8_900],
      ['Breaker, 20A', 4_800],
    ]);
    expect(await count('invoice_lines', 'invoice_id = ?', [made.body.id])).toBe(2);

    // The price book moves on; the invoice does not.
    await api('a.admin', 'PATCH', `/pricebook/${item.body.id}`, { name: 'Service call (2027 rate)', unitPriceCents: 9_900 });
    expect((await api('a.manager', 'GET', `/invoices/${made.body.id}`)).body).toEqual(snapshot);

    // Voided, the job's lines are changed and it is invoiced again: the first invoice still shows what it billed.
    await api('a.dispatcher', 'POST', `/invoices/${made.body.id}/transitions`, { to: 'void', reason: 'Wrong breaker count' });
    expect((await api('a.dispatcher', 'PATCH', `/line-items/${line.body.id}`, { quantity: 3 })).status).toBe(200);
    const again = await api('a.dispatcher', 'POST', '/invoices', { jobId: job });
    expect(again.body.lines.map((l: { totalCents: number }) => l.totalCents)).toEqual([26_700, 4_800]);
    const first = (await api('a.manager', 'GET', `/invoices/${made.body.id}`)).body;
    expect(first.lines).toEqual(snapshot.lines);
    expect(first.lines.reduce((s: number, l: { totalCents: number }) => s + l.totalCents, 0)).toBe(first.subtotalCents);
  });
});

describe('voiding', () => {
  it('needs a reason, keeps it on the invoice and in the audit trail', async () => {
    const { job, invoice } = await sentInvoice();
    const before = await dbFingerprint();
    expectProblem(await api('a.dispatcher', 'POST', `/invoices/${invoice.id}/transitions`, { to: 'void' }), 422, 'reason');
    expectProblem(await api('a.dispatcher', 'POST', `/invoices/${invoice.id}/transitions`, { to: 'void', reason: '   ' }), 422, 'reason');
    expectProblem(
      await api('a.dispatcher', 'POST', `/invoices/${invoice.id}/transitions`, { to: 'void', reason: 'r'.repeat(1_001) }),
      422,
      'reason',
    );
    expect(await dbFingerprint()).toBe(before);
    const voided = await api('a.dispatcher', 'POST', `/invoices/${invoice.id}/transitions`, {
      to: 'void',
      reason: 'Billed to the <wrong> address',
    });
    expect(voided.body).toMatchObject({ status: 'void', voidReason: 'Billed to the <wrong> address' });
    expect(await jobStatus(job)).toBe('completed');
    const audit = await sql.execute({
      sql: "select after from audit_events where entity = 'invoice' and entity_id = ? and action = 'void'",
      args: [invoice.id],
    });
    expect(JSON.parse(String(audit.rows[0]!.after))).toMatchObject({ status: 'void', voidReason: 'Billed to the <wrong> address' });
    expect((await api('a.manager', 'GET', `/invoices/${invoice.id}`)).body.voidReason).toBe('Billed to the <wrong> address');
  });
});
