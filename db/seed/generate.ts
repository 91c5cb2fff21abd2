/**
 * The whole demo data set as plain rows, built without touching a database: same seed, same
 * `today` and same `pivot` give the same rows (ids included). index.ts writes them.
 */
import type * as s from '../schema.ts';
import type { BusinessHours } from '../schema.ts';
import { billCompletedWork, numberInvoices } from './billing.ts';
import { seedContext, type SeedContext } from './context.ts';
import { planHistory } from './history.ts';
import { planQueue, planScheduledJobs, simulateJobs } from './jobs.ts';
import { demoCustomers, demoTechnicians, demoUsers } from './people.ts';
import { demoPriceBook, demoStockLevels } from './pricebook.ts';
import { demoStockFlow } from './stockflow.ts';

type Insert<T extends { $inferInsert: unknown }> = T['$inferInsert'][];

export const TAX_RATE_BPS = 825;
export const FIRST_JOB_NUMBER = 1000;

/** Rows per table, in an order that satisfies the foreign keys. */
export interface DemoData {
  orgs: Insert<typeof s.orgs>;
  users: Omit<Insert<typeof s.users>[number], 'passwordHash'>[];
  stockLocations: Insert<typeof s.stockLocations>;
  technicians: Insert<typeof s.technicians>;
  customers: Insert<typeof s.customers>;
  locations: Insert<typeof s.locations>;
  parts: Insert<typeof s.parts>;
  priceBookItems: Insert<typeof s.priceBookItems>;
  stockLevels: Insert<typeof s.stockLevels>;
  jobs: Insert<typeof s.jobs>;
  jobAssignments: Insert<typeof s.jobAssignments>;
  jobEvents: Insert<typeof s.jobEvents>;
  lineItems: Insert<typeof s.lineItems>;
  invoices: Insert<typeof s.invoices>;
  payments: Insert<typeof s.payments>;
  purchaseOrders: Insert<typeof s.purchaseOrders>;
  purchaseOrderLines: Insert<typeof s.purchaseOrderLines>;
  stockMovements: Insert<typeof s.stockMovements>;
  partUsages: Insert<typeof s.partUsages>;
}

export interface GenerateOptions {
  seed?: number;
  /** The org's local date to build around, 'YYYY-MM-DD'. */
  today: string;
  /** Local 'HH:MM' treated as "now" on that day (10:00-14:00 gives a busy board). */
  pivot: string;
  /** The year of work before the two weeks (history.ts); on unless false. */
  history?: boolean;
}

export function generateDemo(opts: GenerateOptions): { ctx: SeedContext; data: DemoData } {
  const ctx = seedContext(opts);
  const { technicians, stockLocations, warehouseId } = demoTechnicians(ctx);
  const { customers, locations, plans } = demoCustomers(ctx);
  const book = demoPriceBook(ctx);
  const stockLevels = demoStockLevels(
    ctx,
    book,
    warehouseId,
    technicians.map((t) => t.truckId),
  );

  const drafts = [...planScheduledJobs(ctx, technicians, plans), ...planQueue(ctx, plans)];
  const trails = simulateJobs(ctx, drafts);
  const billing = billCompletedWork(ctx, trails, book, warehouseId, TAX_RATE_BPS);
  const flow = demoStockFlow(ctx, book, stockLevels, warehouseId, technicians, billing.usages);
  // The year before the two weeks: its own streams, so the two weeks' rows are as they were.
  const history =
    opts.history === false
      ? { trails: [], lineItems: [], invoices: [], payments: [] }
      : planHistory(ctx, technicians, customers, plans, book, TAX_RATE_BPS);
  const invoices = [...history.invoices, ...billing.invoices];
  numberInvoices(invoices);

  // Job and invoice numbers follow the order they were taken, as the API would have numbered them.
  const ordered = [...history.trails, ...trails].sort(
    (a, b) => a.state.draft.createdAt - b.state.draft.createdAt || (a.state.draft.id < b.state.draft.id ? -1 : 1),
  );
  const jobs = ordered.map((t, i) => {
    const d = t.state.draft;
    const last = t.state.events[t.state.events.length - 1]!;
    const windowStart = d.window?.start ?? (d.start === null ? null : d.start - (d.startMin! % 60) * 60_000);
    return {
      id: d.id,
      orgId: ctx.orgId,
      number: FIRST_JOB_NUMBER + i,
      customerId: d.customer.id,
      locationId: d.locationId,
      type: d.jobType.type,
      priority: d.priority,
      description: d.description,
      status: t.state.status,
      requiredSkill: d.jobType.skill,
      requiredLicenceClass: d.jobType.licence ?? null,
      requestedStart: d.requestedStart,
      requestedEnd: d.requestedEnd,
      scheduledStart: d.start,
      durationMin: d.durationMin,
      // A scheduled job lives on its day's board; a queued request waits on the board of the
      // day it was asked for, so each demo day opens with a queue to dispatch.
      boardDate:
        d.start !== null
          ? ctx.dateOf(d.start)
          : t.state.status === 'unscheduled' && d.requestedStart !== null
            ? ctx.dateOf(Math.max(d.requestedStart, ctx.now))
            : null,
      technicianId: d.tech?.row.id ?? null,
      arrivalWindowStart: windowStart,
      arrivalWindowEnd: d.window?.end ?? (windowStart === null ? null : windowStart + 2 * 3_600_000),
      warnings: [],
      createdBy: d.createdBy,
      updatedBy: last.actorUserId ?? null,
      completedAt: t.state.completedAt,
      returnVisitOf: d.returnVisitOf ?? null,
      createdAt: d.createdAt,
      updatedAt: last.at,
    };
  });

  const weekday = { open: '07:00', close: '17:00' };
  const businessHours: BusinessHours = {
    '0': null,
    '1': weekday,
    '2': weekday,
    '3': weekday,
    '4': weekday,
    '5': weekday,
    '6': { open: '08:00', close: '12:00' },
  };
  const data: DemoData = {
    orgs: [
      {
        id: ctx.orgId,
        name: 'Bright Line Electric',
        timezone: ctx.tz,
        taxRateBps: TAX_RATE_BPS,
        businessHours,
        nextJobNumber: FIRST_JOB_NUMBER + jobs.length,
        nextInvoiceNumber: invoices.length + 1,
        nextPoNumber: flow.purchaseOrders.length + 1,
        createdAt: ctx.at(ctx.day(-400), '08:00'),
      },
    ],
    users: demoUsers(ctx),
    stockLocations,
    technicians: technicians.map((t) => t.row),
    customers,
    locations,
    parts: book.parts,
    priceBookItems: book.items,
    stockLevels,
    jobs,
    jobAssignments: jobs
      .filter((j) => j.technicianId)
      .map((j) => ({ orgId: ctx.orgId, jobId: j.id, technicianId: j.technicianId!, role: 'lead' as const })),
    jobEvents: ordered.flatMap((t) => t.state.events),
    lineItems: [...history.lineItems, ...billing.lineItems],
    invoices,
    payments: [...history.payments, ...billing.payments],
    purchaseOrders: flow.purchaseOrders,
    purchaseOrderLines: flow.purchaseOrderLines,
    stockMovements: flow.movements,
    partUsages: flow.partUsages,
  };
  return { ctx, data };
}
