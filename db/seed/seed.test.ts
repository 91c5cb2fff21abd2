/**
 * The demo generator, without a database: same inputs give the same rows, and the rows keep
 * the rules the product relies on (lifecycle order, money from core/money, numbering, stock,
 * time in the org's zone). Plain Node vitest.
 */
import { describe, expect, it } from 'vitest';
import { checkTransition, JOB_STATUSES, type JobStatus } from '../../core/lifecycle.ts';
import { invoiceTotals, lineTotalCents } from '../../core/money.ts';
import { addDays, localDateOf, localTimeOf } from '../../core/time.ts';
import { generateDemo } from './generate.ts';
import { rngFor } from './prng.ts';

const TODAY = '2026-11-25'; // a Wednesday
const run = (today = TODAY, pivot = '12:00', seed?: number) => generateDemo({ today, pivot, seed }).data;
const data = run();
const TZ = 'America/Chicago';

describe('determinism', () => {
  it('gives identical rows for the same seed, day and pivot', () => {
    expect(JSON.stringify(run())).toBe(JSON.stringify(data));
  });

  it('gives other rows for another seed', () => {
    const other = run(TODAY, '12:00', 7);
    expect(other.customers.map((c) => c.name)).not.toEqual(data.customers.map((c) => c.name));
  });

  it('draws the same numbers from the same stream', () => {
    const a = rngFor(1, 'x');
    const b = rngFor(1, 'x');
    expect([a.next(), a.uuid(), a.int(1, 6)]).toEqual([b.next(), b.uuid(), b.int(1, 6)]);
    expect(rngFor(1, 'y').next()).not.toBe(rngFor(1, 'x').next());
  });
});

describe('volumes', () => {
  it('has the people, places and work the brief asks for', () => {
    expect(data.technicians).toHaveLength(15);
    expect(data.customers).toHaveLength(300);
    expect(data.stockLocations.filter((l) => l.kind === 'warehouse')).toHaveLength(1);
    expect(data.stockLocations.filter((l) => l.kind === 'truck')).toHaveLength(15);
    expect(data.jobs.length).toBeGreaterThanOrEqual(850);
    expect(data.jobs.length).toBeLessThanOrEqual(1250);
    expect(data.jobs.filter((j) => j.status === 'unscheduled')).toHaveLength(25);
    expect(new Set(data.jobs.map((j) => j.status))).toEqual(new Set(JOB_STATUSES));
    expect(new Set(data.invoices.map((i) => i.status))).toEqual(new Set(['draft', 'sent', 'paid', 'void']));
    expect(data.invoices.filter((i) => i.status === 'void')).toHaveLength(1);
  });

  it('has unique ids in every table', () => {
    for (const [table, rows] of Object.entries(data)) {
      const ids = (rows as { id?: string }[]).map((r) => r.id).filter(Boolean);
      expect(new Set(ids).size, table).toBe(ids.length);
    }
  });

  it.each(['2026-11-28', '2026-11-29', '2026-11-01', '2027-03-14'])('shows every job status on %s too (weekends, DST days)', (today) => {
    expect(new Set(run(today).jobs.map((j) => j.status))).toEqual(new Set(JOB_STATUSES));
  });
});

describe('technicians and customers', () => {
  it('has one licence expiring within two weeks and one expired', () => {
    const expires = data.technicians.map((t) => t.licenceExpires!);
    expect(expires.filter((d) => d < TODAY)).toHaveLength(1);
    expect(expires.filter((d) => d >= TODAY && d <= addDays(TODAY, 14))).toHaveLength(1);
    expect(new Set(data.technicians.map((t) => t.colour)).size).toBe(15);
    expect(data.technicians.filter((t) => t.userId === '00000000-0000-4000-8000-100000000004')).toHaveLength(1);
  });

  it('places every location in the Austin metro', () => {
    for (const l of data.locations) {
      expect(Math.abs(l.lat - 30.27)).toBeLessThan(0.36);
      expect(Math.abs(l.lng + 97.74)).toBeLessThan(0.36);
      expect(l.timezone).toBe(TZ);
      expect(l.postalCode).toMatch(/^7[86]\d{3}$/);
    }
    const perCustomer = new Map<string, number>();
    for (const l of data.locations) perCustomer.set(l.customerId, (perCustomer.get(l.customerId) ?? 0) + 1);
    expect([...perCustomer.values()].every((n) => n === 1 || n === 2)).toBe(true);
    expect(perCustomer.size).toBe(300);
  });
});

describe('jobs', () => {
  const shiftOf = new Map(data.technicians.map((t) => [t.id, t]));

  it('starts on quarter hours inside the technician shift, within a week either side of today', () => {
    for (const j of data.jobs.filter((j) => j.scheduledStart != null)) {
      const time = localTimeOf(j.scheduledStart!, TZ);
      const date = localDateOf(j.scheduledStart!, TZ);
      const tech = shiftOf.get(j.technicianId!)!;
      expect(time).toMatch(/:(00|15|30|45)$/);
      expect(time >= tech.shiftStart && time < tech.shiftEnd).toBe(true);
      expect(date >= addDays(TODAY, -7) && date <= addDays(TODAY, 7)).toBe(true);
      expect(tech.shiftDays).toContain(new Date(`${date}T12:00:00Z`).getUTCDay());
      expect(j.durationMin).toBeGreaterThanOrEqual(60);
      expect(j.durationMin).toBeLessThanOrEqual(480);
    }
  });

  it('has statuses that fit the time of the job', () => {
    const active: JobStatus[] = ['dispatched', 'en_route', 'on_site'];
    for (const j of data.jobs) {
      if (j.scheduledStart == null) {
        expect(j.status).toBe('unscheduled');
        expect(j.technicianId).toBeNull();
        expect(j.requestedStart).toBeLessThan(j.requestedEnd!);
        continue;
      }
      const date = localDateOf(j.scheduledStart, TZ);
      if (date < TODAY) expect(['completed', 'invoiced', 'paid', 'cancelled', 'on_hold']).toContain(j.status);
      if (date > TODAY) expect(j.status).toBe('scheduled');
      if (active.includes(j.status as JobStatus)) expect(date).toBe(TODAY);
    }
  });

  it('records a trail of allowed transitions that ends in the job status', () => {
    const events = new Map<string, typeof data.jobEvents>();
    for (const e of data.jobEvents) events.set(e.jobId, [...(events.get(e.jobId) ?? []), e]);
    for (const j of data.jobs) {
      const trail = events.get(j.id)!;
      expect(trail[0]!.kind).toBe('created');
      let status: JobStatus = 'unscheduled';
      let at = trail[0]!.at;
      for (const e of trail.slice(1)) {
        const to = (e.after as { status: JobStatus }).status;
        expect(checkTransition(status, to, { technicianId: j.technicianId ?? null, scheduledStart: j.scheduledStart ?? null }).ok).toBe(
          true,
        );
        expect(e.at).toBeGreaterThan(at);
        status = to;
        at = e.at;
      }
      expect(status).toBe(j.status);
      expect(j.updatedAt).toBe(at);
      expect(j.createdAt).toBe(trail[0]!.at);
    }
  });

  it('numbers jobs, invoices and purchase orders consistently with the org counters', () => {
    const org = data.orgs[0]!;
    const numbers = data.jobs.map((j) => j.number).sort((a, b) => a - b);
    expect(numbers[0]).toBe(1000);
    expect(org.nextJobNumber).toBe(numbers[numbers.length - 1]! + 1);
    expect(new Set(numbers).size).toBe(numbers.length);
    expect(org.nextInvoiceNumber).toBe(data.invoices.length + 1);
    expect(new Set(data.invoices.map((i) => i.number)).size).toBe(data.invoices.length);
    expect(org.nextPoNumber).toBe(data.purchaseOrders.length + 1);
    const leads = new Set(data.jobAssignments.filter((a) => a.role === 'lead').map((a) => a.jobId));
    for (const j of data.jobs) expect(leads.has(j.id)).toBe(j.technicianId != null);
  });
});

describe('money and stock', () => {
  it('totals lines and invoices with core/money, and never overpays', () => {
    const linesOf = new Map<string, typeof data.lineItems>();
    for (const l of data.lineItems) {
      expect(l.totalCents).toBe(lineTotalCents(l.quantityMilli, l.unitPriceCents));
      linesOf.set(l.jobId, [...(linesOf.get(l.jobId) ?? []), l]);
    }
    const paidOf = new Map<string, number>();
    for (const p of data.payments) paidOf.set(p.invoiceId, (paidOf.get(p.invoiceId) ?? 0) + p.amountCents);
    for (const inv of data.invoices) {
      const totals = invoiceTotals(
        linesOf.get(inv.jobId!)!.map((l) => ({ totalCents: l.totalCents, taxable: l.taxable })),
        825,
      );
      expect({ subtotalCents: inv.subtotalCents, taxCents: inv.taxCents, totalCents: inv.totalCents }).toEqual(totals);
      expect(inv.paidCents).toBe(paidOf.get(inv.id) ?? 0);
      expect(inv.paidCents!).toBeLessThanOrEqual(inv.totalCents);
      expect(inv.status === 'paid').toBe(inv.paidCents === inv.totalCents);
    }
    expect(data.invoices.some((i) => i.status === 'sent' && i.paidCents! > 0)).toBe(true);
  });

  it('keeps stock non-negative with some levels below their reorder point', () => {
    expect(data.stockLevels.every((l) => l.quantity >= 0)).toBe(true);
    const low = data.stockLevels.filter((l) => l.quantity < l.reorderPoint!);
    const warehouse = data.stockLocations.find((l) => l.kind === 'warehouse')!.id;
    expect(low.some((l) => l.locationId === warehouse)).toBe(true);
    expect(low.some((l) => l.locationId !== warehouse)).toBe(true);
    const materials = data.priceBookItems.filter((i) => i.kind === 'material');
    expect(materials.every((m) => m.partId)).toBe(true);
    expect(data.partUsages.length).toBe(data.stockMovements.filter((m) => m.reason === 'use').length);
    expect(data.stockMovements.some((m) => m.reason === 'receive' && m.purchaseOrderId)).toBe(true);
  });
});
