/**
 * The demo generator, without a database: same inputs give the same rows, and the rows keep
 * the rules the product relies on (lifecycle order, money from core/money, numbering, stock,
 * time in the org's zone). Plain Node vitest.
 */
import { describe, expect, it } from 'vitest';
import { agingBucketOf } from '../../core/kpis.ts';
import { checkTransition, isDone, JOB_STATUSES, type JobStatus } from '../../core/lifecycle.ts';
import { invoiceTotals, lineTotalCents } from '../../core/money.ts';
import { limitsProblem } from '../../core/stock.ts';
import { addDays, localDateOf, localTimeOf, weekdayOf, zonedInstant } from '../../core/time.ts';
import { generateDemo } from './generate.ts';
import { HISTORY_FROM, HISTORY_TO } from './history.ts';
import { rngFor } from './prng.ts';

const TODAY = '2026-11-25'; // a Wednesday
const run = (today = TODAY, pivot = '12:00', seed?: number) => generateDemo({ today, pivot, seed }).data;
const data = run();
const TZ = 'America/Chicago';
const NOW = zonedInstant(TODAY, '12:00', TZ);
/** The two weeks begin here; jobs scheduled before are the year of history. */
const TWO_WEEKS = addDays(TODAY, HISTORY_TO + 1);
const dayOf = (j: { scheduledStart?: number | null }) => (j.scheduledStart == null ? null : localDateOf(j.scheduledStart, TZ));
const isHistory = (j: { scheduledStart?: number | null }) => (dayOf(j) ?? TODAY) < TWO_WEEKS;
const eventsOf = new Map<string, typeof data.jobEvents>();
for (const e of data.jobEvents) eventsOf.set(e.jobId, [...(eventsOf.get(e.jobId) ?? []), e]);

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
    const twoWeeks = data.jobs.filter((j) => !isHistory(j));
    expect(twoWeeks.length).toBeGreaterThanOrEqual(700);
    expect(twoWeeks.length).toBeLessThanOrEqual(1250);
    // A few jobs a working day for each of 15 technicians, over the year before.
    expect(data.jobs.length - twoWeeks.length).toBeGreaterThanOrEqual(6000);
    expect(data.jobs.length - twoWeeks.length).toBeLessThanOrEqual(11_000);
    expect(data.jobs.filter((j) => j.status === 'unscheduled')).toHaveLength(25);
    expect(new Set(data.jobs.map((j) => j.status))).toEqual(new Set(JOB_STATUSES));
    expect(new Set(data.invoices.map((i) => i.status))).toEqual(new Set(['draft', 'sent', 'paid', 'void']));
    const historyJobs = new Set(data.jobs.filter(isHistory).map((j) => j.id));
    const voids = data.invoices.filter((i) => i.status === 'void');
    expect(voids.filter((i) => !historyJobs.has(i.jobId!))).toHaveLength(1);
    expect(voids.filter((i) => historyJobs.has(i.jobId!)).length).toBeGreaterThanOrEqual(3);
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

  it('starts on quarter hours inside the technician shift, from a year before today to a week after', () => {
    for (const j of data.jobs.filter((j) => j.scheduledStart != null)) {
      const time = localTimeOf(j.scheduledStart!, TZ);
      const date = localDateOf(j.scheduledStart!, TZ);
      const tech = shiftOf.get(j.technicianId!)!;
      expect(time).toMatch(/:(00|15|30|45)$/);
      expect(time >= tech.shiftStart && time < tech.shiftEnd).toBe(true);
      expect(date >= addDays(TODAY, HISTORY_FROM) && date <= addDays(TODAY, 7)).toBe(true);
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
    for (const j of data.jobs) {
      const trail = eventsOf.get(j.id)!;
      expect(trail[0]!.kind).toBe('created');
      // Queued first, or booked straight into its slot (then the job was created scheduled).
      let status = (trail[0]!.after as { status: JobStatus }).status;
      expect(['unscheduled', 'scheduled']).toContain(status);
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

  it("gives every truck level a maximum above its minimum, and a received order's lines their count", () => {
    const trucks = new Set(data.stockLocations.filter((l) => l.kind === 'truck').map((l) => l.id));
    const onTrucks = data.stockLevels.filter((l) => trucks.has(l.locationId));
    expect(onTrucks.length).toBeGreaterThan(0);
    for (const l of onTrucks) expect(limitsProblem({ reorderPoint: l.reorderPoint!, maxQuantity: l.maxQuantity! })).toBeNull();
    expect(onTrucks.every((l) => l.maxQuantity! > 0 && l.quantity <= l.maxQuantity!)).toBe(true);
    const received = new Set(data.purchaseOrders.filter((o) => o.status === 'received').map((o) => o.id));
    const lines = data.purchaseOrderLines.filter((l) => received.has(l.purchaseOrderId));
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((l) => l.receivedQuantity === l.quantity)).toBe(true);
  });
});

describe('a year of history', () => {
  const history = data.jobs.filter(isHistory);
  const done = history.filter((j) => isDone(j.status as JobStatus));
  const firstArrival = (id: string) => eventsOf.get(id)!.find((e) => (e.after as { status?: string }).status === 'on_site')?.at;
  /** The first and the last quarter of the year. */
  const early = (j: (typeof data.jobs)[number]) => dayOf(j)! < addDays(TODAY, HISTORY_FROM + 90);
  const late = (j: (typeof data.jobs)[number]) => dayOf(j)! >= addDays(TODAY, HISTORY_TO - 90);

  it('fills nearly every working day of every technician with a few jobs', () => {
    for (const t of data.technicians) {
      const perDay = new Map<string, number>();
      for (const j of history.filter((j) => j.technicianId === t.id)) perDay.set(dayOf(j)!, (perDay.get(dayOf(j)!) ?? 0) + 1);
      let workdays = 0;
      for (let d = HISTORY_FROM; d <= HISTORY_TO; d++) if (t.shiftDays.includes(weekdayOf(addDays(TODAY, d)))) workdays++;
      expect(perDay.size / workdays, t.name).toBeGreaterThan(0.9);
      expect(Math.max(...perDay.values()), t.name).toBeLessThanOrEqual(7);
    }
    expect(new Set(done.map((j) => dayOf(j)!.slice(0, 7))).size).toBeGreaterThanOrEqual(12);
  });

  it('is all done and billed by now, or cancelled', () => {
    expect(new Set(history.map((j) => j.status))).toEqual(new Set(['invoiced', 'paid', 'cancelled']));
    expect(history.filter((j) => j.status === 'cancelled').length / history.length).toBeLessThan(0.06);
  });

  it('pauses some jobs on hold and finishes them on a second visit, keeping the first visit’s window', () => {
    const paused = done.filter((j) => eventsOf.get(j.id)!.some((e) => (e.after as { status?: string }).status === 'on_hold'));
    expect(paused.length).toBeGreaterThanOrEqual(50);
    for (const j of paused) {
      const visits = eventsOf.get(j.id)!.filter((e) => (e.after as { status?: string }).status === 'on_site');
      expect(visits).toHaveLength(2);
      expect(dayOf({ scheduledStart: visits[1]!.at })).toBe(dayOf(j));
      expect(j.arrivalWindowEnd!).toBeLessThan(j.scheduledStart!);
    }
  });

  it('arrives within the window most of the time, late less often as the year goes on', () => {
    const onTime = (j: (typeof data.jobs)[number]) => {
      const at = firstArrival(j.id)!;
      return at >= j.arrivalWindowStart! && at <= j.arrivalWindowEnd!;
    };
    const share = (jobs: typeof done) => jobs.filter(onTime).length / jobs.length;
    expect(share(done)).toBeGreaterThan(0.8);
    expect(share(done)).toBeLessThan(0.97);
    expect(share(done.filter(late))).toBeGreaterThan(share(done.filter(early)));
  });

  it('links return visits to the job they go back to, most of them free of charge', () => {
    const byId = new Map(data.jobs.map((j) => [j.id, j]));
    const invoiceOf = new Map(data.invoices.filter((i) => i.status !== 'void').map((i) => [i.jobId!, i]));
    const returns = history.filter((j) => j.returnVisitOf);
    expect(returns.length).toBeGreaterThanOrEqual(150);
    for (const r of returns) {
      const of = byId.get(r.returnVisitOf!)!;
      expect(isDone(of.status as JobStatus)).toBe(true);
      expect([r.customerId, r.locationId, r.technicianId]).toEqual([of.customerId, of.locationId, of.technicianId]);
      expect(of.completedAt!).toBeLessThan(r.createdAt);
    }
    const billed = returns.filter((r) => isDone(r.status as JobStatus)).map((r) => invoiceOf.get(r.id)!);
    const free = billed.filter((i) => i.totalCents === 0);
    expect(free.length / billed.length).toBeGreaterThan(0.5);
    expect(free.length).toBeLessThan(billed.length);
    expect(free.every((i) => i.status === 'paid')).toBe(true);
    expect(data.payments.some((p) => free.some((i) => i.id === p.invoiceId))).toBe(false);
    // Fewer call-backs as the year goes on: the first-time fix rate rises.
    const returnShare = (jobs: typeof done) => {
      const back = new Set(returns.map((r) => r.returnVisitOf));
      const originals = jobs.filter((j) => !j.returnVisitOf);
      return originals.filter((j) => back.has(j.id)).length / originals.length;
    };
    expect(returnShare(done.filter(late))).toBeLessThan(returnShare(done.filter(early)));
  });

  it('is paid days or weeks after the invoice, with some still owed in every aging bucket', () => {
    const historyIds = new Set(history.map((j) => j.id));
    const invoices = data.invoices.filter((i) => historyIds.has(i.jobId!) && i.status !== 'void');
    expect(invoices.filter((i) => i.status === 'paid').length / invoices.length).toBeGreaterThan(0.9);
    const owed = data.invoices.filter((i) => i.status === 'sent' && i.paidCents! < i.totalCents);
    expect(new Set(owed.map((i) => agingBucketOf(i.issuedAt!, NOW)))).toEqual(new Set(['0-30', '31-60', '61-90', '90+']));
    const lastPayment = new Map<string, number>();
    for (const p of data.payments) lastPayment.set(p.invoiceId, Math.max(lastPayment.get(p.invoiceId) ?? 0, p.receivedAt));
    const waits = invoices
      .filter((i) => i.status === 'paid' && i.totalCents > 0)
      .map((i) => (lastPayment.get(i.id)! - i.issuedAt!) / 86_400_000)
      .sort((a, b) => a - b);
    expect(waits[Math.floor(waits.length / 2)]).toBeGreaterThan(1);
    expect(waits[Math.floor(waits.length / 2)]).toBeLessThan(30);
  });

  it('leaves the two weeks as they are without it (its own random streams)', () => {
    const alone = generateDemo({ today: TODAY, pivot: '12:00', history: false }).data;
    // Numbers follow creation over the whole demo, so the year before shifts them; nothing else moves.
    const unnumbered = (r: object) => JSON.stringify({ ...r, number: undefined, notes: undefined });
    for (const table of ['jobs', 'jobEvents', 'lineItems', 'invoices', 'payments', 'partUsages', 'stockLevels'] as const) {
      const withHistory = new Map((data[table] as { id?: string }[]).map((r) => [r.id ?? JSON.stringify(r), unnumbered(r)]));
      for (const r of alone[table] as { id?: string }[]) expect(withHistory.get(r.id ?? JSON.stringify(r)), table).toBe(unnumbered(r));
    }
  });
});
