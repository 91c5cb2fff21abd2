/**
 * Parts used on a job: a technician logs "2 breakers from my truck on job 1042". Each usage is
 * a part_usages row, a 'use' stock movement and the level's decrement, in one batch; the
 * database refuses a negative level.
 *
 * What happens when the place has fewer than that on record depends on who logs it. The office
 * is refused (409), since it can correct the stock first. A technician's usage is what they
 * really put in at the customer's, often logged offline hours later: refusing it would lose it,
 * so it is recorded with `flagged` set and takes nothing from stock, and the office looks into
 * it (the records were wrong, or the part came from elsewhere). Whether there were enough is
 * decided inside the batch, so a usage racing another one is flagged rather than overdrawing.
 *
 * Technicians log and see usage only on their own jobs (the jobs they lead or help on), like
 * the jobs list shows them only those; their parts come from their truck unless they name
 * another place.
 */
import { z } from '@hono/zod-openapi';
import { and, eq, sql } from 'drizzle-orm';
import { createSelectSchema } from 'drizzle-zod';
import { jobs, partUsages, parts, stockLevels, stockLocations, technicians } from '../../db/schema.ts';
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
  .extend({
    flagged: z.boolean().openapi({
      description:
        "A technician's usage logged although the place had fewer on record: nothing was taken from stock; for the office to look into.",
    }),
  })
  .openapi('PartUsage');

const FIELDS = Object.keys(PartUsage.shape);

const PartUsageInput = z
  .object({
    jobId: ref(),
    partId: ref(),
    locationId: ref().optional().openapi({ description: "Where the parts came from. Defaults to a technician's own truck." }),
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
    description:
      "A technician's usage comes from their truck unless locationId names another place; if the place has fewer on record, it is still recorded, flagged, and nothing is taken.",
    permission: 'lineitems.write',
    idempotent: true,
    request: body(PartUsageInput),
    responses: {
      201: json(PartUsage, 'The usage'),
      409: { description: 'Not enough stock for an office role (naming quantity) or the job is closed (naming jobId); problem+json' },
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
    const ownTechnician = and(eq(technicians.orgId, auth.orgId), eq(technicians.userId, auth.userId));
    // A technician's parts come from their truck unless they say otherwise.
    const from =
      input.locationId ??
      (auth.role === 'technician' ? sql`(select ${technicians.truckLocationId} from ${technicians} where ${ownTechnician})` : '');
    const [[job], [part], [place], [tech]] = (await runBatch(db, [
      db
        .select({ status: jobs.status, technicianId: jobs.technicianId })
        .from(jobs)
        .where(and(eq(jobs.orgId, auth.orgId), eq(jobs.id, input.jobId), ownJobsOnly(auth))),
      inOrg(parts, input.partId),
      db
        .select({ id: stockLocations.id })
        .from(stockLocations)
        .where(and(eq(stockLocations.orgId, auth.orgId), eq(stockLocations.id, from))),
      auth.role === 'technician'
        ? db.select({ id: technicians.id, truckLocationId: technicians.truckLocationId }).from(technicians).where(ownTechnician)
        : inOrg(technicians, input.technicianId ?? ''),
    ])) as [
      { status: string; technicianId: string | null }[],
      { id: string }[],
      { id: string }[],
      { id: string; truckLocationId?: string | null }[],
    ];
    const locationId = input.locationId ?? (auth.role === 'technician' ? tech?.truckLocationId : undefined);
    if (!job)
      throw fieldProblem(
        422,
        'jobId',
        'body',
        auth.role === 'technician' ? 'No job of yours with that id.' : 'No job with that id in your organisation.',
      );
    if (!part) throw fieldProblem(422, 'partId', 'body', 'No part with that id in your organisation.');
    if (!locationId)
      throw fieldProblem(
        422,
        'locationId',
        'body',
        auth.role === 'technician' ? 'You have no truck on record: name the stock location.' : 'Required: where the parts came from.',
      );
    if (!place) throw fieldProblem(422, 'locationId', 'body', 'No stock location with that id in your organisation.');
    if (input.technicianId && !tech) throw fieldProblem(422, 'technicianId', 'body', 'No technician with that id in your organisation.');
    if (CLOSED.includes(job.status)) throw fieldProblem(409, 'jobId', 'body', `This job is ${job.status}; no parts can be used on it.`);

    const usage = {
      id: crypto.randomUUID(),
      orgId: auth.orgId,
      jobId: input.jobId,
      partId: input.partId,
      locationId,
      technicianId:
        auth.role === 'technician'
          ? (tech?.id ?? null)
          : input.technicianId === undefined
            ? (job.technicianId ?? null)
            : input.technicianId,
      quantity: input.quantity,
      at: now,
    };
    // A technician's usage is flagged when the place has too few at this point of the batch; the
    // stock is then taken only if it was not (an office role's is never flagged: it overdraws and is refused).
    const mayFlag = auth.role === 'technician';
    const enough = sql`exists (select 1 from ${stockLevels} where ${and(
      eq(stockLevels.orgId, auth.orgId),
      eq(stockLevels.partId, input.partId),
      eq(stockLevels.locationId, locationId),
    )} and ${stockLevels.quantity} >= ${input.quantity})`;
    const taken = sql`exists (select 1 from ${partUsages} where ${partUsages.id} = ${usage.id} and ${partUsages.flagged} = 0)`;
    const flagged = sql`not ${taken}`;
    const move = moveStock(
      ctx,
      { partId: input.partId, from: locationId, to: null, quantity: input.quantity, reason: 'use', jobId: input.jobId },
      mayFlag ? taken : undefined,
    );
    const audit = (isFlagged: boolean, when?: typeof taken) =>
      auditInsert(ctx, 'part usage', usage.id, 'create', null, pick({ ...usage, flagged: isFlagged }, FIELDS), when);
    let rows: Record<string, unknown>[];
    try {
      [rows] = (await runBatch(db, [
        db
          .insert(partUsages)
          .values({ ...usage, flagged: mayFlag ? sql`(case when ${enough} then 0 else 1 end)` : false })
          .returning(),
        ...move.statements,
        ...(mayFlag ? [audit(false, taken), audit(true, flagged)] : [audit(false)]),
      ])) as [Record<string, unknown>[]];
    } catch (err) {
      throw await overdrawProblem(err, db, auth.orgId, input.partId, locationId);
    }
    return c.json(pick(rows[0]!, FIELDS), 201);
  },
);
