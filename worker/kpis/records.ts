/**
 * The manager's numbers as the API shows them: the report (its one definition: the Worker answers
 * it and the app reads it through the generated types) and the three kinds of row a drill-down lists. The drill-down queries
 * (drills.ts) select exactly these fields, and the CSV export writes them in this order.
 */
import { z } from '@hono/zod-openapi';
import { AGING_BUCKETS, DRILLS, FIGURES, type FigureId } from '../../core/kpis.ts';
import { JOB_STATUSES } from '../../core/lifecycle.ts';
import { payments } from '../../db/schema.ts';

const BUCKET_IDS = AGING_BUCKETS.map((b) => b.id) as [(typeof AGING_BUCKETS)[number]['id'], ...(typeof AGING_BUCKETS)[number]['id'][]];
export const AgingBucket = z.enum(BUCKET_IDS);

const Range = z.object({ from: z.string(), to: z.string() });

const Figure = z
  .object({
    value: z.number().nullable().openapi({ description: 'Cents, a count or a share (0..1); null when there is nothing to count.' }),
    previous: z.number().nullable().openapi({ description: 'The same figure over the previous equal period.' }),
    change: z.number().nullable().openapi({ description: 'Relative change (0.1 = up 10%); null when there is nothing to compare with.' }),
  })
  .openapi('KpiFigure');

export const KpiReport = z
  .object({
    from: z.string(),
    to: z.string(),
    timezone: z.string(),
    previous: Range,
    asOf: z.number().openapi({ description: 'When the numbers were read (UTC epoch ms).' }),
    figures: z.object(Object.fromEntries(FIGURES.map((id) => [id, Figure])) as Record<FigureId, typeof Figure>),
    queue: z.object({ size: z.number().int(), oldestDays: z.number().int().nullable(), averageDays: z.number().nullable() }),
    receivables: z.array(z.object({ bucket: AgingBucket, label: z.string(), cents: z.number().int(), count: z.number().int() })),
    days: z.array(z.object({ day: z.string(), invoicedCents: z.number().int(), completed: z.number().int() })),
    technicians: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        colour: z.string(),
        completed: z.number().int(),
        invoicedCents: z.number().int(),
        firstTimeFix: z.number().nullable(),
        onTime: z.number().nullable(),
        utilisation: z.number().nullable(),
        onSiteMinutes: z.number().int(),
        shiftMinutes: z.number().int(),
      }),
    ),
  })
  .openapi('KpiReport');

/** A job behind a figure. The facts (completedAt … onSiteMinutes) are null for a job that is not done. */
export const KpiJob = z
  .object({
    id: z.string(),
    number: z.number().int(),
    customerName: z.string(),
    technicianId: z.string().nullable(),
    technicianName: z.string().nullable(),
    status: z.enum(JOB_STATUSES),
    scheduledStart: z.number().nullable(),
    completedAt: z.number().nullable(),
    invoicedCents: z.number().int().nullable().openapi({ description: 'Before tax, non-void invoices; null while not invoiced.' }),
    returnVisitOf: z.string().nullable(),
    firstTimeFix: z.boolean().nullable().openapi({ description: 'Null for a return visit.' }),
    onTime: z.boolean().nullable().openapi({ description: 'Null without an arrival window or an arrival.' }),
    onSiteMinutes: z.number().int().nullable(),
    createdAt: z.number().openapi({ description: 'When the job was made: a waiting job has waited since.' }),
  })
  .openapi('KpiJob');

export const KpiInvoice = z
  .object({
    id: z.string(),
    number: z.number().int(),
    customerName: z.string(),
    jobId: z.string().nullable(),
    issuedAt: z.number().nullable(),
    totalCents: z.number().int(),
    paidCents: z.number().int(),
    outstandingCents: z.number().int(),
    bucket: AgingBucket,
  })
  .openapi('KpiInvoice');

export const KpiPayment = z
  .object({
    id: z.string(),
    invoiceId: z.string(),
    invoiceNumber: z.number().int(),
    customerName: z.string(),
    amountCents: z.number().int(),
    method: z.enum(payments.method.enumValues),
    receivedAt: z.number(),
  })
  .openapi('KpiPayment');

export type KpiJobRow = z.infer<typeof KpiJob>;
export type KpiInvoiceRow = z.infer<typeof KpiInvoice>;
export type KpiPaymentRow = z.infer<typeof KpiPayment>;

/** The columns of each list, in order: the JSON items' keys and the CSV's header. */
export const LIST_FIELDS = {
  jobs: Object.keys(KpiJob.shape) as (keyof KpiJobRow)[],
  invoices: Object.keys(KpiInvoice.shape) as (keyof KpiInvoiceRow)[],
  payments: Object.keys(KpiPayment.shape) as (keyof KpiPaymentRow)[],
};

const truncated = z.boolean().openapi({ description: 'More rows than one answer carries; narrow the range.' });
const drill = z.enum(DRILLS);

export const KpiDrillList = z
  .discriminatedUnion('lists', [
    z.object({ drill, lists: z.literal('jobs'), items: z.array(KpiJob), truncated }),
    z.object({ drill, lists: z.literal('invoices'), items: z.array(KpiInvoice), truncated }),
    z.object({ drill, lists: z.literal('payments'), items: z.array(KpiPayment), truncated }),
  ])
  .openapi('KpiDrillList');
