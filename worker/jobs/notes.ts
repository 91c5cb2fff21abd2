/**
 * A job's notes: what the technician or the office writes down on a job ("dog in the yard, use
 * the side gate"), each with its time and author. A note is a job_events row of kind 'note', so
 * it sits in the job's history beside its status changes; these routes add and read only those.
 * Technicians reach the notes of their own jobs only (ownJobsOnly, as for the job itself); a job
 * they cannot see is a 404, as on every job route.
 */
import { z } from '@hono/zod-openapi';
import { and, asc, eq, sql } from 'drizzle-orm';
import { jobEvents, jobs, users } from '../../db/schema.ts';
import type { AuthContext } from '../auth/session.ts';
import { text } from '../http/fields.ts';
import { idParam, problemResponses, writeContext } from '../http/resource.ts';
import { insertIf, runBatch } from '../http/batch.ts';
import { body, json, route, router } from '../http/router.ts';
import { notFound } from '../problem.ts';
import { visibleJob } from './schedule.ts';

const NOTE = 'note';
/** A job's notes as one list: far more than a job ever gathers, and a bound on the answer all the same. */
const MAX_NOTES = 1000;

const JobNote = z
  .object({
    id: z.string(),
    jobId: z.string(),
    text: z.string(),
    at: z.number().openapi({ description: 'UTC epoch milliseconds' }),
    authorName: z.string().nullable(),
  })
  .openapi('JobNote');

const JobNoteCreate = z
  .object({ text: text(2000) })
  .strict()
  .openapi('JobNoteCreate');

/** visibleJob as a condition of a statement on another table. */
const visibleExists = (auth: AuthContext, id: string) => sql`exists (select 1 from ${jobs} where ${visibleJob(auth, id)})`;

export const jobNotesRoutes = router();

jobNotesRoutes.openapi(
  route({
    method: 'post',
    path: '/{id}/notes',
    tags: ['Jobs'],
    summary: 'Add a note to a job',
    permission: 'jobs.transition',
    idempotent: true,
    request: { params: idParam, ...body(JobNoteCreate) },
    responses: { 201: json(JobNote, 'The note'), ...problemResponses },
  }),
  async (c) => {
    const ctx = writeContext(c);
    const { id } = c.req.valid('param');
    const { text: said } = c.req.valid('json');
    const note = { id: crypto.randomUUID(), orgId: ctx.auth.orgId, jobId: id, actorUserId: ctx.auth.userId, at: ctx.now, kind: NOTE };
    // One statement: the note is written only if the job is there for this caller at that moment.
    const written = await insertIf(
      ctx.db,
      jobEvents,
      { ...note, before: null, after: { text: said } },
      visibleExists(ctx.auth, id),
    ).returning({
      id: jobEvents.id,
    });
    if (!written.length) throw notFound('job');
    return c.json({ id: note.id, jobId: id, text: said, at: note.at, authorName: ctx.auth.name }, 201);
  },
);

jobNotesRoutes.openapi(
  route({
    method: 'get',
    path: '/{id}/notes',
    tags: ['Jobs'],
    summary: "A job's notes, oldest first",
    permission: 'jobs.read',
    request: { params: idParam },
    responses: { 200: json(z.object({ items: z.array(JobNote) }), `The notes (at most ${MAX_NOTES})`), ...problemResponses },
  }),
  async (c) => {
    const { id } = c.req.valid('param');
    const auth = c.get('auth');
    const db = c.get('db');
    const [job, rows] = (await runBatch(db, [
      db.select({ id: jobs.id }).from(jobs).where(visibleJob(auth, id)),
      db
        .select({ id: jobEvents.id, at: jobEvents.at, after: jobEvents.after, authorName: users.name })
        .from(jobEvents)
        .leftJoin(users, eq(users.id, jobEvents.actorUserId))
        .where(and(eq(jobEvents.orgId, auth.orgId), eq(jobEvents.jobId, id), eq(jobEvents.kind, NOTE)))
        .orderBy(asc(jobEvents.at), asc(jobEvents.id))
        .limit(MAX_NOTES),
    ])) as [unknown[], { id: string; at: number; after: Record<string, unknown> | null; authorName: string | null }[]];
    // The job decides: notes are only shown with a job the caller can see.
    if (!job.length) throw notFound('job');
    const items = rows.map((r) => ({ id: r.id, jobId: id, text: String(r.after?.text ?? ''), at: r.at, authorName: r.authorName }));
    return c.json({ items }, 200);
  },
);
