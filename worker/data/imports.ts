/**
 * POST /api/imports/{source}/{entity}: one batch of an import from another product's export
 * (Housecall Pro, Jobber), as rows already mapped to core/import's fields. Every row is checked
 * again with the schema the app's preview used (core/import/rows.ts); a dry run answers the
 * report and writes nothing. A real run places each address (worker/geo/geocoder.ts), then writes
 * the customers, locations, jobs and invoices it has not seen before in one libSQL batch, with
 * each one's id in the old system in import_keys: a row whose key is there is skipped, so
 * importing the same file again adds nothing. Admins only.
 */
import { z } from '@hono/zod-openapi';
import { and, eq, inArray, type SQL, sql } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import { IMPORT_ENTITIES, IMPORT_SOURCES, type ImportEntity, type ImportSource, SOURCE_LABELS } from '../../core/import/aliases.ts';
import {
  checkRows,
  customerKey,
  displayName,
  importedStatus,
  type JobRowValues,
  locationKey,
  readCents,
  readLocalDateTime,
  type RowProblem,
  tagsOf,
} from '../../core/import/rows.ts';
import { DEFAULT_PRIORITY } from '../../core/priorities.ts';
import { zonedInstant } from '../../core/time.ts';
import { refreshFacts } from '../../db/job-facts.ts';
import { customers, importKeys, invoiceLines, invoices, jobEvents, jobs, locations, orgs, payments } from '../../db/schema.ts';
import { geocoderFor } from '../geo/geocoder.ts';
import { compiledItem, constraintFailed, runBatch } from '../http/batch.ts';
import { fieldProblem } from '../problem.ts';
import { auditInsert, problemResponses, type WriteContext, writeContext } from '../http/resource.ts';
import { body, json, route, router } from '../http/router.ts';
import type { Env } from '../env.ts';

/** Rows per request: a batch's statements stay one libSQL round trip and its body far below the 1 MiB limit. */
export const IMPORT_BATCH_ROWS = 500;

const ImportRequest = z
  .object({
    firstRow: z
      .number()
      .int()
      .min(2)
      .max(10_000_000)
      .default(2)
      .openapi({ description: "The file's row number of the first row here (the header is row 1), so the report names file rows." }),
    rows: z
      .array(z.record(z.string().max(40), z.string().max(2000)))
      .min(1)
      .max(IMPORT_BATCH_ROWS)
      .openapi({ description: "Rows mapped to the import's fields (core/import/aliases.ts); empty cells left out." }),
  })
  .strict()
  .openapi('ImportBatch');

const Counts = z.object({
  customers: z.number().int(),
  locations: z.number().int(),
  jobs: z.number().int(),
  invoices: z.number().int(),
  payments: z.number().int(),
});

const ImportResult = z
  .object({
    dryRun: z.boolean(),
    rows: z.number().int(),
    /** Rows that were (or, dry, would be) brought in. */
    imported: z.number().int(),
    /** Rows whose customer or job an earlier import already brought in. */
    alreadyImported: z.number().int(),
    /** Rows with a problem, left out. */
    rejected: z.number().int(),
    created: Counts,
    problems: z.array(z.object({ row: z.number().int(), field: z.string(), problem: z.string() })),
  })
  .openapi('ImportResult');
export type ImportResultBody = z.infer<typeof ImportResult>;

const params = z.object({
  source: z.enum(IMPORT_SOURCES).openapi({ param: { name: 'source', in: 'path' } }),
  entity: z.enum(IMPORT_ENTITIES).openapi({ param: { name: 'entity', in: 'path' } }),
});

export const importsRoutes = router();

importsRoutes.openapi(
  route({
    method: 'post',
    path: '/{source}/{entity}',
    tags: ['Import and export'],
    summary: 'Import a batch of rows from a Housecall Pro or Jobber export',
    description:
      'Send at most 500 mapped rows per request, with an Idempotency-Key per batch. `?dryRun=1` answers the validation report and changes nothing. A real run skips every row an earlier import brought in (import_keys), so sending the same file again adds nothing.',
    permission: 'data.import',
    // A batch sent again (a retry after a lost answer) gets its first answer back, whatever was imported since.
    idempotent: true,
    request: {
      params,
      query: z.object({ dryRun: z.enum(['0', '1', 'true', 'false']).optional().openapi({ description: '1: check only, write nothing.' }) }),
      ...body(ImportRequest),
    },
    responses: { 200: json(ImportResult, 'What the batch brought in (or would), and each bad row'), ...problemResponses },
  }),
  async (c) => {
    const { source, entity } = c.req.valid('param');
    const q = c.req.valid('query');
    const { firstRow, rows } = c.req.valid('json');
    const dryRun = q.dryRun === '1' || q.dryRun === 'true';
    const result = await importBatch(writeContext(c), c.env, { source, entity, firstRow, rows, dryRun });
    return c.json(result, 200);
  },
);

interface Batch {
  source: ImportSource;
  entity: ImportEntity;
  firstRow: number;
  rows: readonly unknown[];
  dryRun: boolean;
}

interface Placed {
  row: number;
  values: JobRowValues;
  point: { lat: number; lng: number } | null;
}

export async function importBatch(ctx: WriteContext, env: Env, batch: Batch): Promise<ImportResultBody> {
  const { valid, problems } = checkRows(batch.entity, batch.rows, batch.firstRow);
  const placed = await placeAll(env, valid, batch.firstRow, problems);
  const known = await knownKeys(ctx, batch.source, placed);
  const plan = planWrites(ctx, batch, placed, known);
  if (!batch.dryRun && plan.statements.length) {
    await write(ctx, [
      ...plan.statements,
      auditInsert(ctx, 'import', crypto.randomUUID(), 'import', null, {
        source: batch.source,
        entity: batch.entity,
        firstRow: batch.firstRow,
        rows: batch.rows.length,
        created: plan.created,
      }),
    ]);
  }
  problems.sort((a, b) => a.row - b.row);
  return {
    dryRun: batch.dryRun,
    rows: batch.rows.length,
    imported: plan.imported,
    alreadyImported: plan.alreadyImported,
    rejected: new Set(problems.map((p) => p.row)).size,
    created: plan.created,
    problems,
  };
}

/**
 * The batch's writes, all or nothing. Two requests importing the same rows at once both find
 * them new; import_keys' primary key lets only the first write them, and the other is refused
 * whole with words that say what to do.
 */
function write(ctx: WriteContext, statements: BatchItem<'sqlite'>[]) {
  return runBatch(ctx.db, statements).catch((err: unknown) => {
    if (!constraintFailed(err, 'UNIQUE', 'import_keys')) throw err;
    throw fieldProblem(
      409,
      'rows',
      'body',
      'Some of these rows were imported by another request meanwhile, so nothing of this batch was written. Send the file again: what is already imported is skipped.',
    );
  });
}

/**
 * Each valid row's point, from the one geocoder. Rows are placed a few at a time (a provider is a
 * network call; the ZIP centres are not), and each distinct address once. A row whose ZIP code
 * nobody knows joins the report.
 */
async function placeAll(env: Env, valid: { index: number; values: JobRowValues }[], firstRow: number, problems: RowProblem[]) {
  const geocoder = geocoderFor(env);
  const cache = new Map<string, Promise<{ lat: number; lng: number } | null>>();
  const placeOf = (v: JobRowValues) => {
    if (!v.zip || !v.street) return Promise.resolve(null);
    const key = `${v.street}|${v.city}|${v.state}|${v.zip}`.toLowerCase();
    let found = cache.get(key);
    if (!found) {
      found = geocoder.geocode({ postalCode: v.zip, address: v.street, city: v.city, region: v.state });
      cache.set(key, found);
    }
    return found;
  };
  const placed: Placed[] = [];
  const WIDTH = 8;
  for (let i = 0; i < valid.length; i += WIDTH) {
    const slice = valid.slice(i, i + WIDTH);
    const points = await Promise.all(slice.map(({ values }) => placeOf(values)));
    slice.forEach(({ index, values }, k) => {
      const row = firstRow + index;
      if (values.zip && values.street && !points[k]) {
        problems.push({ row, field: 'zip', problem: 'No such US ZIP code.' });
        return;
      }
      placed.push({ row, values, point: points[k] ? { lat: points[k]!.lat, lng: points[k]!.lng } : null });
    });
  }
  return placed;
}

type Known = Record<'customer' | 'location' | 'job', Map<string, string>>;

/** What earlier imports from this source brought in, of this batch's keys: one libSQL round trip. */
async function knownKeys(ctx: WriteContext, source: ImportSource, placed: Placed[]): Promise<Known> {
  const keys = {
    customer: [...new Set(placed.map((p) => customerKey(p.values)))],
    location: [...new Set(placed.map((p) => locationKey(p.values)).filter((k): k is string => k !== null))],
    job: [...new Set(placed.map((p) => p.values.jobId).filter((k): k is string => !!k))],
  };
  const known: Known = { customer: new Map(), location: new Map(), job: new Map() };
  const kinds = (Object.keys(keys) as (keyof Known)[]).filter((k) => keys[k].length);
  if (!kinds.length) return known;
  const reads = kinds.map((kind) =>
    ctx.db
      .select({ externalId: importKeys.externalId, entityId: importKeys.entityId })
      .from(importKeys)
      .where(
        and(
          eq(importKeys.orgId, ctx.auth.orgId),
          eq(importKeys.source, source),
          eq(importKeys.entity, kind),
          inArray(importKeys.externalId, keys[kind]),
        ),
      ),
  );
  const results = (await runBatch(ctx.db, reads)) as { externalId: string; entityId: string }[][];
  kinds.forEach((kind, i) => {
    for (const r of results[i]!) known[kind].set(r.externalId, r.entityId);
  });
  return known;
}

/** Rows per multi-row insert: well inside SQLite's limit on bound values. */
const CHUNK = 100;

function chunked<T>(items: T[], make: (part: T[]) => BatchItem<'sqlite'>): BatchItem<'sqlite'>[] {
  const out: BatchItem<'sqlite'>[] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(make(items.slice(i, i + CHUNK)));
  return out;
}

/** The instant a row's local date and time happen in the org's zone; a date alone is 08:00. */
function instantOf(text: string | undefined, timezone: string): number | null {
  const read = text ? readLocalDateTime(text) : null;
  return read ? zonedInstant(read.date, read.time ?? '08:00', timezone) : null;
}

/** A row to insert whose columns may be SQL computed inside the batch (a number from the org's counter). */
type WithSql<R> = { [K in keyof R]: R[K] | SQL };

function planWrites(ctx: WriteContext, batch: Batch, placed: Placed[], known: Known) {
  const { auth, now, db } = ctx;
  const created = { customers: 0, locations: 0, jobs: 0, invoices: 0, payments: 0 };
  const customerRows: (typeof customers.$inferInsert)[] = [];
  const locationRows: (typeof locations.$inferInsert)[] = [];
  const jobRows: WithSql<typeof jobs.$inferInsert>[] = [];
  const eventRows: (typeof jobEvents.$inferInsert)[] = [];
  const invoiceRows: WithSql<typeof invoices.$inferInsert>[] = [];
  const lineRows: (typeof invoiceLines.$inferInsert)[] = [];
  const paymentRows: (typeof payments.$inferInsert)[] = [];
  const keyRows: (typeof importKeys.$inferInsert)[] = [];
  const doneJobs: string[] = [];
  let imported = 0;
  let alreadyImported = 0;
  const key = (entity: keyof Known, externalId: string, entityId: string) => {
    known[entity].set(externalId, entityId);
    keyRows.push({ orgId: auth.orgId, source: batch.source, entity, externalId, entityId, createdAt: now });
  };
  const from = SOURCE_LABELS[batch.source];

  for (const { values: v, point } of placed) {
    if (batch.entity === 'jobs' && known.job.has(v.jobId!)) {
      alreadyImported++;
      continue;
    }
    const cKey = customerKey(v);
    let customerId = known.customer.get(cKey);
    const newCustomer = !customerId;
    if (!customerId) {
      customerId = crypto.randomUUID();
      customerRows.push({
        id: customerId,
        orgId: auth.orgId,
        name: displayName(v)!,
        email: v.email ?? null,
        phone: v.mobilePhone ?? v.homePhone ?? null,
        billingAddress: null,
        notes: v.notes ?? null,
        tags: tagsOf(v.tags),
        createdAt: now,
        updatedAt: now,
      });
      key('customer', cKey, customerId);
      created.customers++;
    }
    const lKey = locationKey(v);
    let locationId = lKey ? known.location.get(lKey) : undefined;
    if (lKey && !locationId && point) {
      locationId = crypto.randomUUID();
      locationRows.push({
        id: locationId,
        orgId: auth.orgId,
        customerId,
        label: null,
        address: [v.street, v.street2].filter(Boolean).join(', '),
        city: v.city!,
        region: v.state!,
        postalCode: v.zip!,
        lat: point.lat,
        lng: point.lng,
        timezone: auth.timezone,
        accessNotes: null,
        createdAt: now,
        updatedAt: now,
      });
      key('location', lKey, locationId);
      created.locations++;
    }
    if (batch.entity === 'customers') {
      if (newCustomer) imported++;
      else alreadyImported++;
      continue;
    }

    // A job row: the job, its event, and its invoice (with what was paid) when the job is done.
    const jobId = crypto.randomUUID();
    const status = importedStatus(v.jobStatus ?? 'scheduled') ?? 'unscheduled';
    const start = instantOf(v.jobStart, auth.timezone)!;
    const end = instantOf(v.jobEnd, auth.timezone);
    const durationMin = end && end > start ? Math.min(Math.round((end - start) / 60_000), 24 * 60) : 60;
    const total = v.invoiceTotal ? readCents(v.invoiceTotal) : null;
    const billed = status === 'completed' && total !== null && total >= 0;
    const paid = billed ? paidCents(total!, v) : 0;
    const jobStatus = !billed ? status : paid >= total! ? 'paid' : 'invoiced';
    created.jobs++;
    imported++;
    jobRows.push({
      id: jobId,
      orgId: auth.orgId,
      number: sql`(select ${orgs.nextJobNumber} from ${orgs} where ${orgs.id} = ${auth.orgId}) + ${created.jobs - 1}`,
      customerId,
      locationId: locationId!,
      type: v.jobType ?? 'Imported',
      priority: DEFAULT_PRIORITY,
      description: v.jobDescription ?? `Imported from ${from} (${v.jobId})`,
      status: jobStatus,
      // Open work keeps its date as the customer's request; done work keeps when it happened.
      requestedStart: status === 'unscheduled' ? start : null,
      requestedEnd: status === 'unscheduled' ? start + durationMin * 60_000 : null,
      scheduledStart: status === 'unscheduled' ? null : start,
      durationMin,
      technicianId: null,
      warnings: [],
      boardDate: null,
      createdBy: auth.userId,
      updatedBy: auth.userId,
      completedAt: status === 'completed' ? (end ?? start + durationMin * 60_000) : null,
      createdAt: now,
      updatedAt: now,
    });
    eventRows.push({
      id: crypto.randomUUID(),
      orgId: auth.orgId,
      jobId,
      actorUserId: auth.userId,
      at: now,
      kind: 'imported',
      before: null,
      after: { status: jobStatus, source: batch.source, externalId: v.jobId! },
    });
    key('job', v.jobId!, jobId);
    if (status === 'completed') doneJobs.push(jobId);
    if (billed) {
      const invoiceId = crypto.randomUUID();
      const issuedAt = end ?? start;
      created.invoices++;
      invoiceRows.push({
        id: invoiceId,
        orgId: auth.orgId,
        number: sql`(select ${orgs.nextInvoiceNumber} from ${orgs} where ${orgs.id} = ${auth.orgId}) + ${created.invoices - 1}`,
        jobId,
        customerId,
        status: paid >= total! ? 'paid' : 'sent',
        issuedAt,
        dueDate: null,
        // The exports give the total only; it is kept as it was billed, with no tax split made up.
        subtotalCents: total!,
        taxCents: 0,
        totalCents: total!,
        paidCents: paid,
        notes: `${from} invoice ${v.invoiceNumber ?? v.jobId}`,
        voidReason: null,
        createdAt: now,
        updatedAt: now,
      });
      lineRows.push({
        id: crypto.randomUUID(),
        orgId: auth.orgId,
        invoiceId,
        position: 0,
        priceBookItemId: null,
        description: v.jobDescription ?? `Work billed in ${from}`,
        quantityMilli: 1000,
        unitPriceCents: total!,
        taxable: false,
        totalCents: total!,
      });
      if (paid > 0) {
        created.payments++;
        paymentRows.push({
          id: crypto.randomUUID(),
          orgId: auth.orgId,
          invoiceId,
          amountCents: paid,
          // The exports do not say how it was paid; the reference says where it was recorded.
          method: 'check',
          reference: `Paid before the import (${from})`,
          receivedAt: issuedAt,
          createdAt: now,
        });
      }
    }
  }

  const statements: BatchItem<'sqlite'>[] = [
    ...chunked(customerRows, (part) => db.insert(customers).values(part)),
    ...chunked(locationRows, (part) => db.insert(locations).values(part)),
    ...chunked(jobRows, (part) => db.insert(jobs).values(part)),
    ...chunked(eventRows, (part) => db.insert(jobEvents).values(part)),
    ...chunked(invoiceRows, (part) => db.insert(invoices).values(part)),
    ...chunked(lineRows, (part) => db.insert(invoiceLines).values(part)),
    ...chunked(paymentRows, (part) => db.insert(payments).values(part)),
    ...chunked(keyRows, (part) => db.insert(importKeys).values(part)),
  ];
  // The numbers were read from the org's counters above, inside the same transaction; now advance them.
  if (created.jobs || created.invoices) {
    statements.push(
      db
        .update(orgs)
        .set({
          nextJobNumber: sql`${orgs.nextJobNumber} + ${created.jobs}`,
          nextInvoiceNumber: sql`${orgs.nextInvoiceNumber} + ${created.invoices}`,
        })
        .where(eq(orgs.id, auth.orgId)),
    );
  }
  // Done jobs count in the manager's numbers from the moment they exist (db/job-facts.ts).
  for (const statement of refreshFacts(auth.orgId, { ids: doneJobs })) statements.push(compiledItem(db, statement));
  return { statements: keyRows.length ? statements : [], created, imported, alreadyImported };
}

/** What was paid of an invoice: the export's paid amount, else its total less the balance; never more than the total. */
function paidCents(total: number, v: JobRowValues): number {
  const paid = v.invoicePaid ? readCents(v.invoicePaid) : null;
  const balance = v.invoiceBalance ? readCents(v.invoiceBalance) : null;
  const amount = paid ?? (balance !== null ? total - balance : 0);
  return Math.max(0, Math.min(total, amount));
}
