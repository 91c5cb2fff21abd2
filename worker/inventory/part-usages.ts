/**
 * Parts used on a job: a technician logs "2 breakers from my truck on job 1042". Each usage is
 * a part_usages row, a 'use' stock movement and the level's decrement, in one batch; the
 * database refuses a negative level, so logging more than is on hand changes nothing.
 *
 * Technicians log and see usage only on their own jobs (the jobs they lead or help on), like
 * the jobs list shows them only those.
 */
import { z } from '@hono/zod-openapi';
import { and, eq, sql } from 'drizzle-orm';
import { createSelectSchema } from 'drizzle-zod';
import { jobs, partUsages, parts, stockLocations, technicians } from '../../db/schema.ts';
import { ref } from '../http/fields.ts';
import { auditInsert, pick, problemResponses, resource, writeContext } from '../http/resource.ts';
import { runBatch } from '../http/batch.ts';
import { localDatesQuery, withinLocalDates } from '../http/local-dates.ts';
import { body, json, route } from '../http/router.ts';
import { fieldProblem } from '../problem.ts';
import { ownJobsOnly } from '../jobs/schedule.ts';
import { moveStock, overdrawProblem, quantity } from './stock-moves.ts';

const PartUsage = createSelectSchema(partUsages, {
  locationId: (s) => s.openapi({ description: 'The stock location the parts came from (usually a truck).' }),
})
  .omit({ orgId: true })
  .openapi('PartUsage');

const FIELDS = Object.keys(PartUsage.shape);

const PartUsageInput = z
  .object({
    jobId: ref(),
    partId: ref(),
    locationId: ref(),
    quantity: quantity(),
    technicianId: ref()
      .nullable()
      .optional()
      .openapi({ description: "Office roles only; a technician's usage is always their own. Defaults to the job's lead." }),
  })
  .strict()
  .openapi('PartUsageCreate');

/** Statuses in which no work happens on a job, so nothing can be used on it. */
const CLOSED = ['cancelled'];

export const partUsagesRoutes = resource({
  path: '/part-usages',
  entity: 'part usage',
  tag: 'Part usage',
  table: partUsages,
  fields: FIELDS,
  rowSchema: PartUsage,
  filterSchema: localDatesQuery.extend({
    jobId: ref().optional(),
    partId: ref().optional(),
    locationId: ref().optional(),
    technicianId: ref().optional(),
  }),
  filters: (q, auth) => [
    q.jobId ? eq(partUsages.jobId, q.jobId) : undefined,
    q.partId ? eq(partUsages.partId, q.partId) : undefined,
    q.locationId ? eq(partUsages.locationId, q.locationId) : undefined,
    q.technicianId ? eq(partUsages.technicianId, q.technicianId) : undefined,
    withinLocalDates(partUsages.at, q, auth.timezone),
  ],
  scope: (auth) => {
    const own = ownJobsOnly(auth);
    return own
      ? sql`exists (select 1 from ${jobs} where ${jobs.id} = ${partUsages.jobId} and ${jobs.orgId} = ${auth.orgId} and ${own})`
      : undefined;
  },
  sorts: { at: partUsages.at },
  defaultSort: '-at',
  read: 'stock.read',
  // Technicians log parts as they log line items.
  write: 'lineitems.write',
});

partUsagesRoutes.openapi(
  route({
    method: 'post',
    path: '/',
    tags: ['Part usage'],
    summary: 'Log parts used on a job (takes them from a stock location in the same transaction)',
    permission: 'lineitems.write',
    idempotent: true,
    request: body(PartUsageInput),
    responses: {
      201: json(PartUsage, 'The usage'),
      409: { description: 'Not enough stock (naming quantity) or the job is closed (naming jobId); problem+json' },
      ...problemResponses,
    },
  }),
  async (c) => {
    const input = c.req.valid('json');
    const ctx = writeContext(c);
    const { db, auth, now } = ctx;
    if (auth.role === 'technician' && input.technicianId !== undefined)
      throw fieldProblem(422, 'technicianId', 'body', 'Your usage is logged as yours: leave this out.');
    const inOrg = <T extends typeof parts | typeof stockLocations | typeof technicians>(t: T, id: string) =>
      db
        .select({ id: t.id })
        .from(t)
        .where(and(eq(t.orgId, auth.orgId), eq(t.id, id)));
    const [[job], [part], [place], [tech]] = (await runBatch(db, [
      db
        .select({ status: jobs.status, technicianId: jobs.technicianId })
        .from(jobs)
        .where(and(eq(jobs.orgId, auth.orgId), eq(jobs.id, input.jobId), ownJobsOnly(auth))),
      inOrg(parts, input.partId),
      inOrg(stockLocations, input.locationId),
      auth.role === 'technician'
        ? db
            .select({ id: technicians.id })
            .from(technicians)
            .where(and(eq(technicians.orgId, auth.orgId), eq(technicians.userId, auth.userId)))
        : inOrg(technicians, input.technicianId ?? ''),
    ])) as [{ status: string; technicianId: string | null }[], { id: string }[], { id: string }[], { id: string }[]];
    if (!job)
      throw fieldProblem(
        422,
        'jobId',
        'body',
        auth.role === 'technician' ? 'No job of yours with that id.' : 'No job with that id in your organisation.',
      );
    if (!part) throw fieldProblem(422, 'partId', 'body', 'No part with that id in your organisation.');
    if (!place) throw fieldProblem(422, 'locationId', 'body', 'No stock location with that id in your organisation.');
    if (input.technicianId && !tech) throw fieldProblem(422, 'technicianId', 'body', 'No technician with that id in your organisation.');
    if (CLOSED.includes(job.status)) throw fieldProblem(409, 'jobId', 'body', `This job is ${job.status}; no parts can be used on it.`);

    const usage = {
      id: crypto.randomUUID(),
      orgId: auth.orgId,
      jobId: input.jobId,
      partId: input.partId,
      locationId: input.locationId,
      technicianId:
        auth.role === 'technician'
          ? (tech?.id ?? null)
          : input.technicianId === undefined
            ? (job.technicianId ?? null)
            : input.technicianId,
      quantity: input.quantity,
      at: now,
    };
    const taken = moveStock(ctx, {
      partId: input.partId,
      from: input.locationId,
      to: null,
      quantity: input.quantity,
      reason: 'use',
      jobId: input.jobId,
    });
    try {
      await runBatch(db, [
        ...taken.statements,
        db.insert(partUsages).values(usage),
        auditInsert(ctx, 'part usage', usage.id, 'create', null, pick(usage, FIELDS)),
      ]);
    } catch (err) {
      throw await overdrawProblem(err, db, auth.orgId, input.partId, input.locationId);
    }
    return c.json(pick(usage, FIELDS), 201);
  },
);
