/**
 * What the technicians' phones sent about a job that the server refused for good: a replay that
 * no longer fits because the office cancelled the job, moved it on or gave it to someone else
 * while the phone was offline. The phone shows the technician the refusal in plain words; this is
 * the office's side of it, written down with the refused answer (worker/http/idempotency.ts,
 * worker/jobs/phone-refusal-record.ts).
 *
 * One route on the job, like its notes and files, rather than a list of the org's: the office
 * reads refusals where it deals with them, on the job's page and in the board's drawer, and a job
 * gathers a handful at most. The job decides who sees them: any job of the office's org, whoever
 * it is assigned to now, so a refusal of a job since given to another technician is still on it.
 * Technicians do not read this (the phone keeps each technician's own); another org's job is a 404.
 */
import { z } from '@hono/zod-openapi';
import { and, desc, eq, sql } from 'drizzle-orm';
import { jobs, phoneRefusals, technicians, users } from '../../db/schema.ts';
import { runBatch } from '../http/batch.ts';
import { idParam, problemResponses } from '../http/resource.ts';
import { json, route, router } from '../http/router.ts';
import { notFound } from '../problem.ts';

/** The newest this many: far more than a job ever gathers, and a bound on the answer all the same. */
const MAX_REFUSALS = 200;

const PhoneRefusal = z
  .object({
    id: z.string(),
    jobId: z.string(),
    technicianId: z.string().openapi({ description: 'The user whose phone sent it' }),
    technicianName: z.string(),
    action: z
      .string()
      .openapi({ description: 'What was attempted, in plain words: Status change, Note, Photo, Signature, Line item, Part used' }),
    attempted: z
      .string()
      .nullable()
      .openapi({ description: "What the request asked for, trimmed: the note's text, the status asked for, a photo's caption and size" }),
    method: z.string(),
    path: z.string().openapi({ description: 'The route the phone sent it to, without its query' }),
    status: z.number().int().openapi({ description: "The refusal's HTTP status (400, 403, 404, 409 or 422)" }),
    title: z.string(),
    detail: z.string().nullable().openapi({ description: 'The reason the server gave' }),
    at: z.number().openapi({ description: 'When it was refused (UTC epoch milliseconds)' }),
  })
  .openapi('PhoneRefusal');

/** The name the office knows the technician by (their technician record, as on the board), else their user's. */
const technicianName = sql<string>`coalesce((select ${technicians.name} from ${technicians} where ${technicians.orgId} = ${phoneRefusals.orgId} and ${technicians.userId} = ${phoneRefusals.userId} order by ${technicians.active} desc limit 1), ${users.name})`;

export const phoneRefusalsRoutes = router();

phoneRefusalsRoutes.openapi(
  route({
    method: 'get',
    path: '/{id}/phone-refusals',
    tags: ['Jobs'],
    summary: "What technicians' phones sent about a job that was refused for good, newest first",
    permission: 'phonerefusals.read',
    request: { params: idParam },
    responses: {
      200: json(z.object({ items: z.array(PhoneRefusal) }), `The refusals (the newest ${MAX_REFUSALS})`),
      ...problemResponses,
    },
  }),
  async (c) => {
    const { id } = c.req.valid('param');
    const { orgId } = c.get('auth');
    const db = c.get('db');
    const [job, items] = (await runBatch(db, [
      db
        .select({ id: jobs.id })
        .from(jobs)
        .where(and(eq(jobs.orgId, orgId), eq(jobs.id, id))),
      db
        .select({
          id: phoneRefusals.id,
          jobId: phoneRefusals.jobId,
          technicianId: phoneRefusals.userId,
          technicianName,
          action: phoneRefusals.action,
          attempted: phoneRefusals.attempted,
          method: phoneRefusals.method,
          path: phoneRefusals.path,
          status: phoneRefusals.status,
          title: phoneRefusals.title,
          detail: phoneRefusals.detail,
          at: phoneRefusals.at,
        })
        .from(phoneRefusals)
        .innerJoin(users, eq(users.id, phoneRefusals.userId))
        .where(and(eq(phoneRefusals.orgId, orgId), eq(phoneRefusals.jobId, id)))
        .orderBy(desc(phoneRefusals.at), desc(phoneRefusals.id))
        .limit(MAX_REFUSALS),
    ])) as [unknown[], z.infer<typeof PhoneRefusal>[]];
    // The job decides: refusals are shown only with a job of the caller's org.
    if (!job.length) throw notFound('job');
    return c.json({ items }, 200);
  },
);
