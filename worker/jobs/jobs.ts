/**
 * Jobs: list (the factory), a detail with everything the job card shows in one batch, create,
 * change and lifecycle transitions. Every write goes through schedule.ts, which owns the job
 * row. Technicians see and move only their own jobs; a job of someone else is a 404.
 */
import { z } from '@hono/zod-openapi';
import { and, asc, desc, eq, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import { createSelectSchema } from 'drizzle-zod';
import { customers, jobAssignments, jobEvents, jobs, lineItems, locations, technicians, users } from '../../db/schema.ts';
import { BILLING_STATUSES, FIELD_STATUSES, isBilled, isJobStatus, JOB_STATUSES, label, sayStatuses } from '../../core/lifecycle.ts';
import { DEFAULT_PRIORITY, JOB_PRIORITIES, priorityRank } from '../../core/priorities.ts';
import { dayRange } from '../../core/time.ts';
import { instant, localDate, optionalText, ref, text } from '../http/fields.ts';
import { listQuery, parseFields } from '../http/list.ts';
import { idParam, pick, problemResponses, resource, writeContext, type WriteContext } from '../http/resource.ts';
import { runBatch } from '../http/batch.ts';
import { body, json, route } from '../http/router.ts';
import { fieldProblem, notFound, Problem, type FieldError } from '../problem.ts';
import {
  applyScheduleChange,
  applyTransition,
  createJob,
  ownJobsOnly,
  SCHEDULE_FIELDS,
  type JobRow,
  type ScheduleContext,
} from './schedule.ts';
import { LineItem, lineItemColumns } from './records.ts';
import { localDateOf } from '../../core/time.ts';
import { assertRefs, type RefCheck } from '../http/refs.ts';
import { kpiPulse } from '../kpis/pulse.ts';
import { Customer, Location } from '../customers/records.ts';

/**
 * A job as the API shows it: its row's public columns, named so that a new column is not
 * published by accident (the room's schedule version is not), with instants as such and the
 * warnings the room stores as JSON.
 */
export const Job = createSelectSchema(jobs, {
  requestedStart: () => instant(),
  requestedEnd: () => instant(),
  scheduledStart: () => instant(),
  technicianId: (s) => s.openapi({ description: 'Lead technician' }),
  arrivalWindowStart: () => instant(),
  arrivalWindowEnd: () => instant(),
  boardDate: (s) =>
    s.openapi({ description: 'The local day (YYYY-MM-DD) whose dispatch board holds this job; null while it waits in the backlog' }),
  warnings: z
    .array(z.object({ code: z.string(), message: z.string() }))
    .openapi({ description: 'Scheduling-rule warnings, stored by the board room' }),
  completedAt: () => instant(),
  returnVisitOf: (s) => s.openapi({ description: 'The job this one goes back to (a return visit), or null.' }),
})
  .pick({
    id: true,
    number: true,
    customerId: true,
    locationId: true,
    type: true,
    priority: true,
    description: true,
    status: true,
    requiredSkill: true,
    requiredLicenceClass: true,
    requestedStart: true,
    requestedEnd: true,
    scheduledStart: true,
    durationMin: true,
    technicianId: true,
    arrivalWindowStart: true,
    arrivalWindowEnd: true,
    boardDate: true,
    warnings: true,
    createdBy: true,
    updatedBy: true,
    completedAt: true,
    returnVisitOf: true,
    createdAt: true,
    updatedAt: true,
  })
  .openapi('Job');

const JOB_FIELDS = Object.keys(Job.shape) as (keyof typeof Job.shape)[];

/** Everything about a job except its place in the lifecycle and on the board. */
const detailShape = {
  type: text(80),
  priority: z.enum(JOB_PRIORITIES),
  description: text(5000),
  requiredSkill: optionalText(40),
  requiredLicenceClass: optionalText(40),
  requestedStart: instant().nullable().optional(),
  requestedEnd: instant().nullable().optional(),
  arrivalWindowStart: instant().nullable().optional(),
  arrivalWindowEnd: instant().nullable().optional(),
  returnVisitOf: ref().nullable().optional().openapi({
    description: 'The job of the org this one goes back to (a return visit): that job was not fixed first time. Null for none.',
  }),
};
const scheduleShape = {
  technicianId: ref().nullable().optional(),
  scheduledStart: instant().nullable().optional(),
  durationMin: z
    .number()
    .int()
    .min(5, 'At least 5 minutes.')
    .max(24 * 60, 'At most 24 hours.'),
};
const DETAIL_FIELDS = Object.keys(detailShape) as (keyof typeof detailShape)[];

const JobCreate = z
  .object({
    customerId: ref(),
    locationId: ref(),
    ...detailShape,
    priority: detailShape.priority.optional().openapi({ description: `Defaults to ${DEFAULT_PRIORITY}.` }),
    ...scheduleShape,
    durationMin: scheduleShape.durationMin.optional().openapi({ description: 'Minutes; defaults to 60.' }),
    boardDate: localDate().optional().openapi({
      description:
        "Put the job in this day's queue (YYYY-MM-DD, org timezone) without a time. Implied by scheduledStart; must agree with it when both are given.",
    }),
  })
  .strict()
  .openapi('JobCreate');

const JobUpdate = z
  .object({ ...detailShape, ...scheduleShape })
  .partial()
  .strict()
  .openapi('JobUpdate');

const JobTransition = z
  .object({
    to: z.enum(JOB_STATUSES),
    note: optionalText(1000),
  })
  .strict()
  .openapi('JobTransition');

// The customer and location a job detail embeds: subsets of the customers feature's schemas.
const JobCustomer = Customer.pick({ id: true, name: true, email: true, phone: true, billingAddress: true }).openapi('JobCustomer');
const JobLocation = Location.omit({ customerId: true, createdAt: true, updatedAt: true }).openapi('JobLocation');
/** Who works on the job: an assignment row with its technician's name and colour. */
const JobAssignment = createSelectSchema(jobAssignments)
  .pick({ technicianId: true, role: true })
  .extend(createSelectSchema(technicians).pick({ name: true, colour: true }).shape)
  .openapi('JobAssignment');
const JobEvent = z
  .object({
    id: z.string(),
    kind: z
      .string()
      .openapi({ description: 'created, updated, rescheduled, status_changed, line_item_added, line_item_changed or line_item_removed' }),
    at: z.number(),
    actorUserId: z.string().nullable(),
    actorName: z.string().nullable(),
    before: z.record(z.string(), z.unknown()).nullable(),
    after: z.record(z.string(), z.unknown()).nullable(),
  })
  .openapi('JobEvent');

/** How much history the detail carries: the newest events, oldest first. */
const EVENTS_IN_DETAIL = 200;

const JobDetail = Job.partial()
  .extend({
    customer: JobCustomer.optional(),
    location: JobLocation.optional(),
    assignments: z.array(JobAssignment).optional(),
    lineItems: z.array(LineItem).optional(),
    events: z
      .array(JobEvent)
      .optional()
      .openapi({ description: `The job's history, oldest first (the newest ${EVENTS_IN_DETAIL}).` }),
  })
  .openapi('JobDetail');

const RELATIONS = ['customer', 'location', 'assignments', 'lineItems', 'events'] as const;

const statusList = z
  .string()
  .max(200)
  .refine((s) => s.split(',').every((x) => isJobStatus(x.trim())), `Comma-separated statuses from: ${JOB_STATUSES.join(', ')}.`);

/**
 * core's priority rank as a SQL case (constants only, so written into the statement): the list
 * sorts like the board's queue, and a value that is no priority ranks as the default there too.
 */
const PRIORITY_RANKS = sql.raw(
  `${JOB_PRIORITIES.map((p) => `when '${p}' then ${priorityRank(p)}`).join(' ')} else ${priorityRank(DEFAULT_PRIORITY)}`,
);

/** Unscheduled jobs sort after every real start (and first when descending). */
const NO_START = Number.MAX_SAFE_INTEGER;

export const jobsRoutes = resource({
  path: '/jobs',
  entity: 'job',
  tag: 'Jobs',
  table: jobs,
  fields: JOB_FIELDS,
  rowSchema: Job,
  detail: false,
  filterSchema: z.object({
    status: statusList.optional().openapi({ description: 'Comma-separated statuses.' }),
    technicianId: ref().optional().openapi({ description: 'Lead or helper.' }),
    customerId: ref().optional(),
    locationId: ref().optional(),
    from: localDate().optional().openapi({ description: "Scheduled on or after this local date (YYYY-MM-DD, the org's timezone)." }),
    to: localDate().optional().openapi({ description: "Scheduled on or before this local date (YYYY-MM-DD, the org's timezone)." }),
    unscheduled: z.enum(['true', 'false']).optional().openapi({ description: 'true: jobs with no start; false: jobs with one.' }),
  }),
  filters: (q, auth) => {
    if (q.from && q.to && q.to < q.from) throw fieldProblem(400, 'to', 'query', 'Must be on or after `from`.');
    return [
      q.status
        ? inArray(
            jobs.status,
            // statusList lets only statuses through; the filter tells the types so.
            q.status
              .split(',')
              .map((s) => s.trim())
              .filter(isJobStatus),
          )
        : undefined,
      q.technicianId
        ? sql`(${jobs.technicianId} = ${q.technicianId} or exists (select 1 from ${jobAssignments} where ${jobAssignments.jobId} = ${jobs.id} and ${jobAssignments.technicianId} = ${q.technicianId}))`
        : undefined,
      q.customerId ? eq(jobs.customerId, q.customerId) : undefined,
      q.locationId ? eq(jobs.locationId, q.locationId) : undefined,
      // Local days become UTC bounds in the org's zone: a DST day is 23 or 25 hours long.
      q.from ? sql`${jobs.scheduledStart} >= ${dayRange(q.from, auth.timezone).start}` : undefined,
      q.to ? sql`${jobs.scheduledStart} < ${dayRange(q.to, auth.timezone).end}` : undefined,
      q.unscheduled === 'true' ? isNull(jobs.scheduledStart) : q.unscheduled === 'false' ? isNotNull(jobs.scheduledStart) : undefined,
    ];
  },
  sorts: {
    // A keyset cursor cannot step over NULLs, so the sort key is never NULL.
    scheduledStart: sql`coalesce(${jobs.scheduledStart}, ${sql.raw(String(NO_START))})`,
    number: jobs.number,
    createdAt: jobs.createdAt,
    updatedAt: jobs.updatedAt,
    priority: sql`(case ${jobs.priority} ${PRIORITY_RANKS} end)`,
  },
  defaultSort: 'scheduledStart',
  read: 'jobs.read',
  write: 'jobs.write',
  scope: ownJobsOnly,
});

const toJob = (row: JobRow) => Job.parse(pick(row, JOB_FIELDS));
/** A write that may reach the board rooms: the request's write context, the rooms' namespace and the KPI pages' pulse. */
const scheduleContext = (c: Parameters<typeof writeContext>[0] & Parameters<typeof kpiPulse>[0]): ScheduleContext => ({
  ...writeContext(c),
  rooms: c.env.BOARD_ROOM,
  kpis: kpiPulse(c),
});

/** The job as the caller may see it (org, and a technician's own jobs only). */
async function loadJob(ctx: WriteContext, id: string): Promise<JobRow> {
  const [row] = await ctx.db
    .select()
    .from(jobs)
    .where(and(eq(jobs.orgId, ctx.auth.orgId), eq(jobs.id, id), ownJobsOnly(ctx.auth)));
  if (!row) throw notFound('job');
  return row;
}

/** An end before its start, in the row the write would leave behind. */
function windowErrors(row: Partial<Record<string, unknown>>): FieldError[] {
  const errors: FieldError[] = [];
  for (const [start, end] of [
    ['requestedStart', 'requestedEnd'],
    ['arrivalWindowStart', 'arrivalWindowEnd'],
  ] as const) {
    const s = row[start];
    const e = row[end];
    if (typeof s === 'number' && typeof e === 'number' && e <= s)
      errors.push({ field: end, in: 'body', message: `Must be after ${start}.` });
  }
  return errors;
}

function refuseInvalid(errors: FieldError[]) {
  if (errors.length) throw new Problem(422, 'Invalid request', `Check these fields: ${errors.map((e) => e.field).join(', ')}.`, errors);
}

/**
 * The job a return visit goes back to: one of the org's (another org's job answers like one that
 * does not exist, 422 naming returnVisitOf). Any status: a callback can be booked before the
 * first visit is billed, or even finished.
 */
const returnVisitRef = (id: string | null | undefined): RefCheck => ({ field: 'returnVisitOf', table: jobs, id, what: 'job' });

/** Empty optional text means "none". */
const orNull = <T>(v: T | '' | undefined): T | null => (v === '' || v === undefined ? null : v);

jobsRoutes.openapi(
  route({
    method: 'get',
    path: '/{id}',
    tags: ['Jobs'],
    summary: 'Get one job with its customer, location, assignments, line items and history',
    permission: 'jobs.read',
    request: {
      params: idParam,
      query: z.object({
        fields: listQuery.shape.fields.openapi({ description: `Job fields and/or ${RELATIONS.join(', ')}; all by default.` }),
      }),
    },
    responses: { 200: json(JobDetail, 'The job'), ...problemResponses },
  }),
  async (c) => {
    const { id } = c.req.valid('param');
    const auth = c.get('auth');
    const db = c.get('db');
    const wanted = parseFields(c.req.valid('query').fields, [...JOB_FIELDS, ...RELATIONS]);
    const jobFields = JOB_FIELDS.filter((f) => wanted.includes(f));
    const rel = (r: (typeof RELATIONS)[number]) => wanted.includes(r);
    // The job decides visibility; the other reads may find rows, but they are only returned
    // with a job the caller can see. Each one is org-scoped on its own as well.
    const ofThisJob = and(eq(jobs.orgId, auth.orgId), eq(jobs.id, id));
    const queries = {
      job: db
        .select({ id: jobs.id, ...Object.fromEntries(jobFields.map((f) => [f, jobs[f]])) })
        .from(jobs)
        .where(and(ofThisJob, ownJobsOnly(auth))),
      customer: rel('customer')
        ? db
            .select({
              id: customers.id,
              name: customers.name,
              email: customers.email,
              phone: customers.phone,
              billingAddress: customers.billingAddress,
            })
            .from(customers)
            .innerJoin(jobs, eq(jobs.customerId, customers.id))
            .where(and(ofThisJob, eq(customers.orgId, auth.orgId)))
        : undefined,
      location: rel('location')
        ? db
            .select({
              id: locations.id,
              label: locations.label,
              address: locations.address,
              city: locations.city,
              region: locations.region,
              postalCode: locations.postalCode,
              lat: locations.lat,
              lng: locations.lng,
              timezone: locations.timezone,
              accessNotes: locations.accessNotes,
            })
            .from(locations)
            .innerJoin(jobs, eq(jobs.locationId, locations.id))
            .where(and(ofThisJob, eq(locations.orgId, auth.orgId)))
        : undefined,
      assignments: rel('assignments')
        ? db
            .select({
              technicianId: jobAssignments.technicianId,
              role: jobAssignments.role,
              name: technicians.name,
              colour: technicians.colour,
            })
            .from(jobAssignments)
            .innerJoin(technicians, eq(technicians.id, jobAssignments.technicianId))
            .where(and(eq(jobAssignments.orgId, auth.orgId), eq(jobAssignments.jobId, id), eq(technicians.orgId, auth.orgId)))
            .orderBy(sql`${jobAssignments.role} = 'lead' desc`, asc(technicians.name))
        : undefined,
      lineItems: rel('lineItems')
        ? db
            .select(lineItemColumns)
            .from(lineItems)
            .where(and(eq(lineItems.orgId, auth.orgId), eq(lineItems.jobId, id)))
            .orderBy(asc(lineItems.createdAt), asc(lineItems.id))
        : undefined,
      events: rel('events')
        ? db
            .select({
              id: jobEvents.id,
              kind: jobEvents.kind,
              at: jobEvents.at,
              actorUserId: jobEvents.actorUserId,
              actorName: users.name,
              before: jobEvents.before,
              after: jobEvents.after,
            })
            .from(jobEvents)
            .leftJoin(users, eq(users.id, jobEvents.actorUserId))
            .where(and(eq(jobEvents.orgId, auth.orgId), eq(jobEvents.jobId, id)))
            .orderBy(desc(jobEvents.at), desc(jobEvents.id))
            .limit(EVENTS_IN_DETAIL)
        : undefined,
    };
    const names = Object.keys(queries).filter((k) => queries[k as keyof typeof queries]) as (keyof typeof queries)[];
    const results = await runBatch(
      db,
      names.map((k) => queries[k]!),
    );
    const got = Object.fromEntries(names.map((k, i) => [k, results[i]])) as Record<keyof typeof queries, Record<string, unknown>[]>;
    const job = got.job[0];
    if (!job) throw notFound('job');
    const out: Record<string, unknown> = pick(job, jobFields);
    if (got.customer) out.customer = got.customer[0];
    if (got.location) out.location = got.location[0];
    if (got.assignments) out.assignments = got.assignments;
    if (got.lineItems) out.lineItems = got.lineItems;
    if (got.events) out.events = got.events.reverse();
    return c.json(JobDetail.parse(out), 200);
  },
);

jobsRoutes.openapi(
  route({
    method: 'post',
    path: '/',
    tags: ['Jobs'],
    summary: 'Create a job (numbered per org; scheduled when given a technician and a start)',
    permission: 'jobs.write',
    request: body(JobCreate),
    responses: { 201: json(Job, 'The new job'), ...problemResponses },
  }),
  async (c) => {
    const ctx = scheduleContext(c);
    const input = c.req.valid('json');
    refuseInvalid(windowErrors(input));
    if (input.boardDate && input.scheduledStart != null && localDateOf(input.scheduledStart, ctx.auth.timezone) !== input.boardDate) {
      throw fieldProblem(
        422,
        'boardDate',
        'body',
        `The start is on ${localDateOf(input.scheduledStart, ctx.auth.timezone)}, not ${input.boardDate}.`,
      );
    }
    await assertRefs(ctx.db, ctx.auth.orgId, [
      { field: 'customerId', table: customers, id: input.customerId, what: 'customer' },
      {
        field: 'locationId',
        table: locations,
        id: input.locationId,
        what: 'location',
        where: eq(locations.customerId, input.customerId),
        whereMessage: 'No location of that customer with that id in your organisation.',
      },
      {
        field: 'technicianId',
        table: technicians,
        id: input.technicianId,
        what: 'technician',
        where: eq(technicians.active, true),
        whereMessage: 'No active technician with that id in your organisation.',
      },
      returnVisitRef(input.returnVisitOf),
    ]);
    const job = await createJob(
      ctx,
      {
        customerId: input.customerId,
        locationId: input.locationId,
        type: input.type,
        priority: input.priority ?? DEFAULT_PRIORITY,
        description: input.description,
        requiredSkill: orNull(input.requiredSkill),
        requiredLicenceClass: orNull(input.requiredLicenceClass),
        requestedStart: input.requestedStart ?? null,
        requestedEnd: input.requestedEnd ?? null,
        arrivalWindowStart: input.arrivalWindowStart ?? null,
        arrivalWindowEnd: input.arrivalWindowEnd ?? null,
        returnVisitOf: input.returnVisitOf ?? null,
        technicianId: input.technicianId ?? null,
        scheduledStart: input.scheduledStart ?? null,
        durationMin: input.durationMin ?? 60,
      },
      input.boardDate ?? null,
    );
    return c.json(toJob(job), 201);
  },
);

jobsRoutes.openapi(
  route({
    method: 'patch',
    path: '/{id}',
    tags: ['Jobs'],
    summary: "Change a job's details or schedule (the status follows the schedule)",
    permission: 'jobs.write',
    request: { params: idParam, ...body(JobUpdate) },
    responses: {
      200: json(Job, 'The changed job'),
      409: { description: 'The job is past planning, or changed meanwhile (problem+json)' },
      ...problemResponses,
    },
  }),
  async (c) => {
    const ctx = scheduleContext(c);
    const { id } = c.req.valid('param');
    const input = c.req.valid('json');
    const before = await loadJob(ctx, id);
    const details: Record<string, unknown> = {};
    for (const f of DETAIL_FIELDS) {
      if (!(f in input)) continue;
      const value = f === 'requiredSkill' || f === 'requiredLicenceClass' ? orNull(input[f]) : input[f];
      if (value !== before[f]) details[f] = value;
    }
    const schedule: Record<string, unknown> = {};
    for (const f of SCHEDULE_FIELDS) if (f in input) schedule[f] = input[f] ?? null;
    if (schedule.durationMin === null) throw fieldProblem(422, 'durationMin', 'body', 'A job always has a duration.');
    refuseInvalid(windowErrors({ ...before, ...details }));
    if (details.returnVisitOf === id) throw fieldProblem(422, 'returnVisitOf', 'body', 'A job cannot be a return visit of itself.');
    await assertRefs(ctx.db, ctx.auth.orgId, [
      ...(schedule.technicianId && schedule.technicianId !== before.technicianId
        ? [
            {
              field: 'technicianId',
              table: technicians,
              id: schedule.technicianId as string,
              what: 'technician',
              where: eq(technicians.active, true),
              whereMessage: 'No active technician with that id in your organisation.',
            },
          ]
        : []),
      returnVisitRef(details.returnVisitOf as string | null | undefined),
    ]);
    const job = await applyScheduleChange(ctx, before, schedule, details);
    return c.json(toJob(job), 200);
  },
);

jobsRoutes.openapi(
  route({
    method: 'post',
    path: '/{id}/transitions',
    tags: ['Jobs'],
    summary: 'Move a job along its lifecycle',
    description: `Technicians may move their own jobs to ${FIELD_STATUSES.join(', ')}. The statuses ${BILLING_STATUSES.join(' and ')} are set by invoices and payments.`,
    permission: 'jobs.transition',
    idempotent: true,
    request: { params: idParam, ...body(JobTransition) },
    responses: {
      200: json(Job, 'The job in its new status'),
      409: { description: 'Not allowed from the current status, with the reason (problem+json)' },
      ...problemResponses,
    },
  }),
  async (c) => {
    const ctx = scheduleContext(c);
    const { id } = c.req.valid('param');
    const { to, note } = c.req.valid('json');
    const before = await loadJob(ctx, id);
    if (ctx.auth.role === 'technician' && !FIELD_STATUSES.includes(to)) {
      throw fieldProblem(
        409,
        'to',
        'body',
        `From the field a job can be moved to ${sayStatuses(FIELD_STATUSES, 'or')}; ask dispatch for ${label(to)}.`,
      );
    }
    if (isBilled(to) || isBilled(before.status)) {
      throw fieldProblem(
        409,
        'to',
        'body',
        `Invoices and payments set and clear ${sayStatuses(BILLING_STATUSES, 'and')}; work with the invoice instead.`,
      );
    }
    const job = await applyTransition(ctx, before, to, orNull(note));
    return c.json(toJob(job), 200);
  },
);
