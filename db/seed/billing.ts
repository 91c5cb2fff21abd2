/**
 * Billing for completed work: line items from the price book (totals by core/money), invoices
 * numbered per org with tax, payments (some partial), and the parts the technicians logged.
 * Whether a job is still completed, invoiced or paid follows from when its invoice went out
 * and when the money came in, against the demo's "now".
 */
import type * as s from '../schema.ts';
import { invoiceTotals, lineTotalCents } from '../../core/money.ts';
import { addDays } from '../../core/time.ts';
import { DAY, HOUR, MINUTE, toHhmm, type SeedContext } from './context.ts';
import type { JobDraft, Trail } from './jobs.ts';
import { USER_IDS } from './people.ts';
import type { PriceBookPlan } from './pricebook.ts';
import { MATERIALS } from './pricebook.ts';
import { rngFor, type Rng } from './prng.ts';

type LineItemRow = typeof s.lineItems.$inferInsert;
export type InvoiceRow = typeof s.invoices.$inferInsert & { id: string };
type PaymentRow = typeof s.payments.$inferInsert;
type Method = PaymentRow['method'];

export interface UsagePlan {
  jobId: string;
  partId: string;
  locationId: string;
  technicianId: string;
  actorUserId: string | null;
  quantity: number;
  at: number;
}

export interface Billing {
  lineItems: LineItemRow[];
  invoices: InvoiceRow[];
  payments: PaymentRow[];
  usages: UsagePlan[];
}

const TRUCK_SKUS = new Set(MATERIALS.filter((m) => m.truck > 0).map((m) => m.sku));
const MAX_DRAFTS = 8;

export function billCompletedWork(
  ctx: SeedContext,
  trails: readonly Trail[],
  book: PriceBookPlan,
  warehouseId: string,
  taxRateBps: number,
): Billing {
  const rng = rngFor(ctx.seed, 'billing');
  const out: Billing = { lineItems: [], invoices: [], payments: [], usages: [] };
  let drafts = 0;
  let voided = false;
  const stockedFrom = stockSources(book, warehouseId);
  const done = trails.filter((t) => t.state.status === 'completed').sort((a, b) => a.state.completedAt! - b.state.completedAt!);
  for (const trail of done) {
    const d = trail.state.draft;
    const completedAt = trail.state.completedAt!;
    const lines = linesFor(ctx, rng, trail, book, completedAt);
    out.lineItems.push(...lines);
    if (rng.chance(0.75)) out.usages.push(...usagesFor(trail, stockedFrom, lines, completedAt));
    const totals = invoiceTotals(
      lines.map((l) => ({ totalCents: l.totalCents, taxable: l.taxable })),
      taxRateBps,
    );
    const invoice = (status: InvoiceRow['status'], issuedAt: number | null, createdAt: number) =>
      invoiceFor(ctx, rng, d, totals, status, issuedAt, createdAt);

    // Residential customers often pay by card before the technician leaves.
    const onSite = !d.customer.commercial && rng.chance(0.4);
    const issuedAt = onSite
      ? completedAt + rng.int(5, 20) * MINUTE
      : ctx.at(addDays(ctx.dateOf(completedAt), rng.int(1, 2)), toHhmm(8 * 60 + 30 + rng.int(0, 150)));
    if (issuedAt > ctx.now) {
      if (drafts < MAX_DRAFTS && rng.chance(0.35)) {
        drafts++;
        out.invoices.push(invoice('draft', null, Math.min(completedAt + rng.int(10, 90) * MINUTE, ctx.now - MINUTE)));
      }
      continue;
    }
    const biller = onSite ? rng.pick(USER_IDS.dispatchers) : USER_IDS.admin;
    // One invoice went to the wrong address.
    if (!voided && !onSite && issuedAt + 2 * DAY < ctx.now) {
      voided = true;
      voidAndReissue(ctx, rng, trail, { issuedAt, biller, invoice }, out);
      continue;
    }
    settle(ctx, rng, trail, invoice('sent', issuedAt, issuedAt), { biller, onSite }, out);
  }
  return out;
}

/** A job's invoice, numbered later (numberInvoices). */
export function invoiceFor(
  ctx: SeedContext,
  rng: Rng,
  d: JobDraft,
  totals: ReturnType<typeof invoiceTotals>,
  status: InvoiceRow['status'],
  issuedAt: number | null,
  createdAt: number,
): InvoiceRow {
  return {
    id: rng.uuid(),
    orgId: ctx.orgId,
    number: 0,
    jobId: d.id,
    customerId: d.customer.id,
    status,
    issuedAt,
    dueDate: issuedAt === null ? null : addDays(ctx.dateOf(issuedAt), d.customer.commercial ? 30 : 15),
    ...totals,
    paidCents: 0,
    notes: d.customer.commercial && rng.chance(0.3) ? `PO ${rng.int(40_000, 49_999)}` : null,
    createdAt,
    updatedAt: issuedAt ?? createdAt,
  };
}

/**
 * An invoice sent to the wrong location: voided (the job returns to completed), then reissued
 * and settled. `invoice` makes the job's invoice rows.
 */
export function voidAndReissue(
  ctx: SeedContext,
  rng: Rng,
  trail: Trail,
  how: {
    issuedAt: number;
    biller: string;
    invoice: (status: InvoiceRow['status'], issuedAt: number, createdAt: number) => InvoiceRow;
    payDays?: PayDays;
  },
  out: Pick<Billing, 'invoices' | 'payments'>,
) {
  const wrong = { ...how.invoice('void', how.issuedAt, how.issuedAt), voidReason: 'Billed to the wrong location.' };
  out.invoices.push(wrong);
  trail.move('invoiced', how.issuedAt, how.biller, { invoiceId: wrong.id });
  const voidAt = how.issuedAt + rng.int(2, 20) * HOUR;
  wrong.updatedAt = voidAt;
  trail.move('completed', voidAt, USER_IDS.admin, { invoiceId: wrong.id, reason: 'Invoice voided: billed to the wrong location.' });
  const issuedAt = voidAt + rng.int(10, 60) * MINUTE;
  const fixed = how.invoice('sent', issuedAt, issuedAt);
  // Linked by id for now; numberInvoices turns these into notes naming the numbers.
  wrong.notes = fixed.id;
  fixed.notes = wrong.id;
  settle(ctx, rng, trail, fixed, { biller: USER_IDS.admin, onSite: false, payDays: how.payDays }, out);
}

/** Days from the invoice to the payment, or null for a customer who has not paid yet. */
export type PayDays = (rng: Rng, commercial: boolean) => number | null;

/**
 * Records payments up to "now" and marks the invoice and job paid when settled in full (at once
 * for an invoice of $0). Customers pay within `payDays` of the invoice (by default within two
 * weeks, commercial ones within five).
 */
export function settle(
  ctx: SeedContext,
  rng: Rng,
  trail: Trail,
  inv: InvoiceRow,
  how: { biller: string; onSite: boolean; payDays?: PayDays },
  out: Pick<Billing, 'invoices' | 'payments'>,
) {
  const issuedAt = inv.issuedAt!;
  const onSite = how.onSite;
  trail.move('invoiced', issuedAt, how.biller, { invoiceId: inv.id });
  out.invoices.push(inv);
  const commercial = trail.state.draft.customer.commercial;
  const total = inv.totalCents;
  const pay = (amount: number, at: number, method: Method) => {
    out.payments.push({
      id: rng.uuid(),
      orgId: ctx.orgId,
      invoiceId: inv.id,
      amountCents: amount,
      method,
      reference: reference(rng, method),
      receivedAt: at,
      createdAt: at,
    });
    inv.paidCents = (inv.paidCents ?? 0) + amount;
    inv.updatedAt = at;
  };
  if (total === 0) {
    // Nothing to pay: a free return visit.
  } else if (onSite && rng.chance(0.85)) {
    pay(total, issuedAt + rng.int(1, 5) * MINUTE, 'card');
  } else {
    const method: Method = commercial
      ? rng.weighted([
          ['check', 50],
          ['ach', 45],
          ['card', 5],
        ] as const)
      : rng.weighted([
          ['card', 55],
          ['check', 30],
          ['ach', 5],
          ['cash', 10],
        ] as const);
    const days = how.payDays ? how.payDays(rng, commercial) : commercial ? rng.int(7, 35) : rng.int(1, 14);
    const payAt =
      days === null ? Number.POSITIVE_INFINITY : ctx.at(addDays(ctx.dateOf(issuedAt), days), toHhmm(9 * 60 + rng.int(0, 7 * 60)));
    const deposit = Math.round((total * rng.int(30, 60)) / 100 / 100) * 100;
    const depositAt = issuedAt + rng.int(2, 30) * HOUR;
    if (payAt <= ctx.now) {
      // A few customers pay in two instalments.
      if (deposit > 0 && deposit < total && depositAt < payAt && rng.chance(0.12)) {
        pay(deposit, depositAt, method);
        pay(total - deposit, payAt, method);
      } else {
        pay(total, payAt, method);
      }
    } else if (deposit > 0 && deposit < total && depositAt <= ctx.now && rng.chance(0.25)) {
      pay(deposit, depositAt, method);
    }
  }
  if (inv.paidCents === total) {
    inv.status = 'paid';
    trail.move('paid', inv.updatedAt!, rng.chance(0.7) ? USER_IDS.admin : rng.pick(USER_IDS.dispatchers), { invoiceId: inv.id });
  }
}

export function reference(rng: Rng, method: Method): string | null {
  if (method === 'card') return `ch_${rng.uuid().replace(/-/g, '').slice(0, 16)}`;
  if (method === 'check') return `Check #${rng.int(1001, 9999)}`;
  if (method === 'ach') return `ACH ${rng.int(100_000, 999_999)}`;
  return null;
}

/**
 * Numbers follow the order invoices were created, over the whole demo (the year of history and
 * the two weeks); a void and its replacement, linked by id until now, name each other's number.
 */
export function numberInvoices(invoices: InvoiceRow[]) {
  invoices.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
  invoices.forEach((inv, i) => (inv.number = i + 1));
  const byId = new Map(invoices.map((i) => [i.id, i]));
  for (const inv of invoices) {
    const other = inv.notes ? byId.get(inv.notes) : undefined;
    if (!other) continue;
    inv.notes =
      inv.status === 'void'
        ? `Voided: billed to the wrong location. Replaced by invoice #${other.number}.`
        : `Replaces voided invoice #${other.number}.`;
  }
}

export function linesFor(ctx: SeedContext, rng: Rng, trail: Trail, book: PriceBookPlan, completedAt: number): LineItemRow[] {
  const d = trail.state.draft;
  const merged = new Map<string, number>();
  for (const p of d.jobType.lines(rng, d.durationMin)) {
    const code = 'code' in p ? p.code : `MAT-${p.sku}`;
    merged.set(code, (merged.get(code) ?? 0) + ('code' in p ? p.quantityMilli : p.quantity * 1000));
  }
  const at = completedAt - 5 * MINUTE;
  return [...merged].map(([code, quantityMilli]) => {
    const item = book.itemByCode.get(code);
    if (!item) throw new Error(`demo price book has no ${code}`);
    return {
      id: rng.uuid(),
      orgId: ctx.orgId,
      jobId: d.id,
      priceBookItemId: item.id,
      description: item.name,
      quantityMilli,
      unitPriceCents: item.unitPriceCents,
      taxable: item.taxable,
      totalCents: lineTotalCents(quantityMilli, item.unitPriceCents),
      createdAt: at,
      updatedAt: at,
    };
  });
}

type StockSources = Map<string, { partId: string; fromTruck: boolean; warehouseId: string }>;

/** For each material in the price book: its part, and whether trucks carry it. */
function stockSources(book: PriceBookPlan, warehouseId: string): StockSources {
  const skuOf = new Map(book.parts.map((p) => [p.id!, p.sku]));
  return new Map(
    book.items
      .filter((i) => i.partId)
      .map((i) => [i.id!, { partId: i.partId!, fromTruck: TRUCK_SKUS.has(skuOf.get(i.partId!)!), warehouseId }]),
  );
}

/** Materials came off the technician's truck, or from the warehouse for parts trucks do not carry. */
function usagesFor(trail: Trail, sources: StockSources, lines: readonly LineItemRow[], completedAt: number): UsagePlan[] {
  const tech = trail.state.draft.tech!;
  return lines.flatMap((l) => {
    const src = sources.get(l.priceBookItemId!);
    if (!src) return [];
    return [
      {
        jobId: trail.state.draft.id,
        partId: src.partId,
        locationId: src.fromTruck ? tech.truckId : src.warehouseId,
        technicianId: tech.row.id,
        actorUserId: tech.userId,
        quantity: l.quantityMilli / 1000,
        at: completedAt - 10 * MINUTE,
      },
    ];
  });
}
