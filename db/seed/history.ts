/**
 * A year of finished work before the demo's two weeks (jobs.ts), so the manager's numbers have
 * trends to show. Every working day of every technician, from the day after they were hired (or
 * after the price book was set up) to the day before the two weeks begin, has a few jobs, each
 * played through the lifecycle as the two weeks' jobs are (Trail) and billed as they are
 * (billing.ts): most invoices paid days or weeks later, some still owed in every aging bucket, a
 * few voided and reissued. Some jobs pause on hold and are finished on a second visit the next
 * working day; some need a return visit (`returnVisitOf`), a free call-back more often than not;
 * a few are cancelled. Arrivals are mostly within the window, late when a technician runs late
 * or a job before ran over.
 *
 * The year reads as a business getting better at its work (fewer late arrivals and return visits
 * as the months pass), busier in summer and quieter over the holidays. It draws from its own
 * random streams, so the two weeks come out exactly as they would without it.
 */
import type * as s from '../schema.ts';
import { invoiceTotals } from '../../core/money.ts';
import { addDays, weekdayOf } from '../../core/time.ts';
import { type InvoiceRow, invoiceFor, linesFor, type PayDays, settle, voidAndReissue } from './billing.ts';
import { HOUR, MINUTE, toHhmm, toMinutes, type SeedContext } from './context.ts';
import { CANCEL_REASONS, createdBy, draftFor, fieldActor, HOLD_REASONS, type JobDraft, Trail } from './jobs.ts';
import { typesFor } from './jobtypes.ts';
import { USER_IDS, type CustomerPlan, type TechPlan } from './people.ts';
import type { PriceBookPlan } from './pricebook.ts';
import { rngFor, type Rng } from './prng.ts';

type CustomerRow = typeof s.customers.$inferInsert & { id: string };
type LineItemRow = typeof s.lineItems.$inferInsert;
type PaymentRow = typeof s.payments.$inferInsert;

/** The first day of history: the day after the price book was set up (pricebook.ts, day -360). */
export const HISTORY_FROM = -358;
/** The last day of history: jobs.ts plans the two weeks from day -7. */
export const HISTORY_TO = -8;

export interface History {
  trails: Trail[];
  lineItems: LineItemRow[];
  invoices: InvoiceRow[];
  payments: PaymentRow[];
}

const JOBS_PER_DAY = [
  [1, 3],
  [2, 5],
  [3, 3],
  [4, 1],
] as const;
/** Minutes between one job's end and the next one's start: the drive, and the slack around it. */
const GAP_MIN = [
  [15, 3],
  [30, 4],
  [45, 2],
  [60, 2],
  [90, 1],
] as const;
const SECOND_VISIT_MIN = [
  [60, 3],
  [90, 2],
  [120, 1],
] as const;
const BOOKED_RATE = 0.7;
const CANCEL_RATE = 0.035;
const HOLD_RATE = 0.03;
const DAY_OFF_RATE = 0.04;
/** Late arrivals and return visits fall over the year, from the first rate to the second. */
const LATE_RATE = [0.1, 0.04] as const;
const RETURN_RATE = [0.075, 0.035] as const;
const FREE_RETURN_RATE = 0.65;
const VOID_RATE = 0.004;

const RETURN_REASONS = [
  'GFCI tripping again since the last visit.',
  'Breaker still trips when the AC and dryer run together.',
  'New fixture flickers again; check the connection.',
  'Outlet replaced last time is dead again.',
  'Customer reports a buzzing from the panel after the work.',
  'Inspector asked for a correction before sign-off.',
];

/** Most customers pay within weeks; some take months, and a few have not paid at all (the 90+ bucket). */
const PAY_DAYS: Record<'residential' | 'commercial', readonly (readonly [readonly [number, number] | null, number])[]> = {
  residential: [
    [[1, 14], 80],
    [[15, 40], 14],
    [[41, 120], 5],
    [null, 1],
  ],
  commercial: [
    [[7, 35], 72],
    [[36, 70], 18],
    [[71, 150], 8],
    [null, 2],
  ],
};
const payDays: PayDays = (rng, commercial) => {
  const range = rng.weighted(commercial ? PAY_DAYS.commercial : PAY_DAYS.residential);
  return range === null ? null : rng.int(range[0], range[1]);
};

const lerp = ([from, to]: readonly [number, number], progress: number) => from + (to - from) * progress;

/** A few jobs a day, more in summer (air conditioners, storms), fewer over the holidays. */
function jobsOn(rng: Rng, date: string): number {
  const month = Number(date.slice(5, 7));
  let n: number = rng.weighted(JOBS_PER_DAY);
  if (month >= 6 && month <= 8 && rng.chance(0.5)) n++;
  if ((month === 12 || month === 1) && rng.chance(0.35)) n--;
  return Math.max(1, n);
}

/** Customers by the days they can be given a job: those on the books for the longest lead a job has (jobs.ts draftFor), and then some. */
function customerPools(ctx: SeedContext, customers: readonly CustomerRow[], plans: readonly CustomerPlan[], dates: readonly string[]) {
  const createdAt = new Map(customers.map((c) => [c.id, c.createdAt]));
  const sorted = [...plans].sort((a, b) => createdAt.get(a.id)! - createdAt.get(b.id)!);
  return new Map(
    dates.map((date) => {
      const before = ctx.at(date, '00:00') - 11 * 24 * HOUR;
      const known = sorted.filter((c) => createdAt.get(c.id)! < before);
      return [date, { residential: known.filter((c) => !c.commercial), commercial: known.filter((c) => c.commercial) }] as const;
    }),
  );
}

interface ReturnDue {
  of: Trail;
  due: string;
  free: boolean;
}

export function planHistory(
  ctx: SeedContext,
  techs: readonly TechPlan[],
  customers: readonly CustomerRow[],
  plans: readonly CustomerPlan[],
  book: PriceBookPlan,
  taxRateBps: number,
): History {
  const rng = rngFor(ctx.seed, 'history');
  const dates: string[] = [];
  for (let d = HISTORY_FROM; d <= HISTORY_TO; d++) dates.push(ctx.day(d));
  const pools = customerPools(ctx, customers, plans, dates);
  const lastHold = ctx.day(HISTORY_TO - 6);
  const trails: Trail[] = [];
  const done: Trail[] = [];
  const free = new Set<Trail>();

  for (const tech of techs) {
    const types = typesFor(tech.skills, tech.cls);
    const quick = types.filter((t) => t.durations.some(([m]) => m === 60));
    const shiftStart = toMinutes(tech.row.shiftStart);
    const shiftEnd = toMinutes(tech.row.shiftEnd);
    /** A job on hold since this technician's last working day, finished first thing on the next. */
    let onHold: Trail | null = null;
    const returns: ReturnDue[] = [];

    dates.forEach((date, i) => {
      if (!tech.row.shiftDays.includes(weekdayOf(date)) || ctx.at(date, '00:00') < tech.row.createdAt) return;
      if (!onHold && rng.chance(DAY_OFF_RATE)) return;
      const progress = i / (dates.length - 1);
      const dispatcher = rng.pick(USER_IDS.dispatchers);
      const dispatchAt = ctx.at(date, tech.row.shiftStart) - rng.int(30, 60) * MINUTE;
      const pool = pools.get(date)!;
      let cursor = shiftStart;
      /** When the technician finished the previous job of the day (0: they start from home). */
      let freeAt = 0;

      /** Drives out, arrives (late now and then, or behind a job that ran over), and works until `until`. */
      const visit = (t: Trail, until: 'completed' | 'on_hold', late: boolean) => {
        const d = t.state.draft;
        const actor = fieldActor(rng, tech);
        const travel = rng.int(15, 35) * MINUTE;
        const delay = late ? rng.int(100, 180) : rng.chance(0.015) ? rng.int(-25, -5) : rng.int(0, 15);
        const arrival = Math.max(d.start! + delay * MINUTE, freeAt + travel);
        t.move('dispatched', dispatchAt, dispatcher);
        t.move('en_route', arrival - travel, actor);
        t.move('on_site', arrival, actor);
        if (until === 'on_hold') {
          t.move('on_hold', arrival + rng.int(20, Math.max(21, d.durationMin / 2)) * MINUTE, actor, { reason: rng.pick(HOLD_REASONS) });
        } else {
          t.move('completed', arrival + (d.durationMin + rng.int(-5, 30)) * MINUTE, actor);
          done.push(t);
        }
        freeAt = t.lastAt;
      };

      if (onHold) {
        // Back to yesterday's paused job: a new slot first thing, the first visit's window kept.
        const t = onHold;
        onHold = null;
        const durationMin = rng.weighted(SECOND_VISIT_MIN);
        const start = ctx.at(date, tech.row.shiftStart);
        t.reschedule(Math.min(t.lastAt + rng.int(2, 20) * HOUR, start - 30 * MINUTE), dispatcher, {
          date,
          startMin: shiftStart,
          start,
          durationMin,
        });
        visit(t, 'completed', false);
        cursor = shiftStart + durationMin + rng.weighted(GAP_MIN);
      }

      const target = jobsOn(rng, date);
      for (let k = 0; k < target && cursor < shiftEnd; k++) {
        const due = returns.findIndex((r) => r.due <= date);
        const back = due >= 0 ? returns.splice(due, 1)[0]! : null;
        let jobType = back ? back.of.state.draft.jobType : rng.weighted(types.map((t) => [t, t.weight] as const));
        let durationMin: number = back ? 60 : rng.weighted(jobType.durations);
        if (cursor + durationMin > shiftEnd + 45) {
          if (back || cursor + 60 > shiftEnd + 45 || !quick.length) break;
          jobType = rng.pick(quick);
          durationMin = 60;
        }
        const draft: JobDraft = back
          ? returnVisit(ctx, rng, back.of, { date, startMin: cursor })
          : draftFor(ctx, rng, {
              tech,
              jobType,
              durationMin,
              date,
              startMin: cursor,
              pool: jobType.commercialOnly || rng.chance(0.12) ? pool.commercial : pool.residential,
            });
        cursor += durationMin + rng.weighted(GAP_MIN);
        // Most work is booked into a slot on the phone; the rest waits in the queue a while first.
        const booked = rng.chance(BOOKED_RATE);
        const t = new Trail(ctx, rng, draft, booked);
        trails.push(t);
        if (back?.free) free.add(t);
        if (!booked)
          t.schedule(Math.min(draft.createdAt + rng.int(5, 120) * MINUTE, draft.start! - 15 * MINUTE), rng.pick(USER_IDS.dispatchers));
        if (rng.chance(CANCEL_RATE)) {
          const at = draft.createdAt + Math.floor(rng.next() * (draft.start! - draft.createdAt));
          t.move('cancelled', at, rng.pick(USER_IDS.dispatchers), { reason: rng.pick(CANCEL_REASONS) });
          continue;
        }
        const late = rng.chance(lerp(LATE_RATE, progress));
        if (!back && !onHold && date <= lastHold && rng.chance(HOLD_RATE)) {
          const window = draft.start! - (draft.startMin! % 60) * MINUTE;
          draft.window = { start: window, end: window + 2 * HOUR };
          visit(t, 'on_hold', late);
          onHold = t;
          continue;
        }
        visit(t, 'completed', late);
        if (!back && rng.chance(lerp(RETURN_RATE, progress)))
          returns.push({ of: t, due: addDays(date, rng.int(2, 12)), free: rng.chance(FREE_RETURN_RATE) });
      }
    });
  }
  return { trails, ...billHistory(ctx, done, free, book, taxRateBps) };
}

/** A return visit to a completed job: the same customer, place and kind of work, an hour booked a few days later. */
function returnVisit(ctx: SeedContext, rng: Rng, of: Trail, slot: { date: string; startMin: number }): JobDraft {
  const o = of.state.draft;
  const start = ctx.at(slot.date, toHhmm(slot.startMin));
  return {
    id: rng.uuid(),
    tech: o.tech,
    customer: o.customer,
    locationId: o.locationId,
    jobType: o.jobType,
    durationMin: 60,
    date: slot.date,
    startMin: slot.startMin,
    start,
    priority: 'high',
    description: `Return visit: ${rng.pick(RETURN_REASONS)}`,
    requestedStart: null,
    requestedEnd: null,
    createdAt: Math.min(of.state.completedAt! + rng.int(2, 48) * HOUR, start - 2 * HOUR),
    createdBy: createdBy(rng),
    returnVisitOf: o.id,
  };
}

/** Invoices for the year's completed work; a free return visit gets a $0 invoice, settled when sent. */
function billHistory(ctx: SeedContext, done: readonly Trail[], free: ReadonlySet<Trail>, book: PriceBookPlan, taxRateBps: number) {
  const rng = rngFor(ctx.seed, 'history-billing');
  const out: Omit<History, 'trails'> = { lineItems: [], invoices: [], payments: [] };
  for (const trail of done) {
    const d = trail.state.draft;
    const completedAt = trail.state.completedAt!;
    const lines = free.has(trail) ? [noCharge(ctx, rng, d, completedAt)] : linesFor(ctx, rng, trail, book, completedAt);
    out.lineItems.push(...lines);
    const totals = invoiceTotals(
      lines.map((l) => ({ totalCents: l.totalCents, taxable: l.taxable })),
      taxRateBps,
    );
    const invoice = (status: InvoiceRow['status'], issuedAt: number | null, createdAt: number) =>
      invoiceFor(ctx, rng, d, totals, status, issuedAt, createdAt);
    // As in the two weeks: card on site for some residential customers, otherwise sent a day or two later.
    const onSite = !d.customer.commercial && rng.chance(0.4);
    const issuedAt = onSite
      ? completedAt + rng.int(5, 20) * MINUTE
      : ctx.at(addDays(d.date!, rng.int(1, 2)), toHhmm(8 * 60 + 30 + rng.int(0, 150)));
    const biller = onSite ? rng.pick(USER_IDS.dispatchers) : USER_IDS.admin;
    if (!onSite && totals.totalCents > 0 && rng.chance(VOID_RATE))
      voidAndReissue(ctx, rng, trail, { issuedAt, biller, invoice, payDays }, out);
    else settle(ctx, rng, trail, invoice('sent', issuedAt, issuedAt), { biller, onSite, payDays }, out);
  }
  return out;
}

function noCharge(ctx: SeedContext, rng: Rng, d: JobDraft, completedAt: number): LineItemRow {
  const at = completedAt - 5 * MINUTE;
  return {
    id: rng.uuid(),
    orgId: ctx.orgId,
    jobId: d.id,
    priceBookItemId: null,
    description: 'Return visit under warranty: no charge',
    quantityMilli: 1000,
    unitPriceCents: 0,
    taxable: false,
    totalCents: 0,
    createdAt: at,
    updatedAt: at,
  };
}
