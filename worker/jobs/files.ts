/**
 * Photos and signatures from the field: the bytes in R2 (the FILES binding) under
 * `orgs/{org}/jobs/{job}/{file}`, and a job_files row saying what they are. The phone makes each
 * file's id, so an upload is a PUT to that id: the phone's outbox sending it again after a lost
 * answer finds the file there and gets it back, and nothing is written twice. Those uploads also
 * take an Idempotency-Key like every write the phone queues (worker/http/idempotency.ts).
 *
 * What is stored is checked here, not taken on trust: the declared Content-Type must be one of
 * the three image types a phone makes and the first bytes must be an image of that type, and each
 * kind has its size limit. A refused upload writes nothing, neither in R2 nor in libSQL.
 *
 * Who sees what follows the job: office roles any job of their org, technicians only their own
 * (ownJobsOnly); another technician's job or another org's is a 404, as on every job route.
 */
import { z } from '@hono/zod-openapi';
import { and, asc, eq } from 'drizzle-orm';
import { bodyLimit } from 'hono/body-limit';
import type { MiddlewareHandler } from 'hono';
import { JOB_FILE_KINDS, jobFiles, jobs } from '../../db/schema.ts';
import type { AppEnv } from '../env.ts';
import { instant, optionalText } from '../http/fields.ts';
import { idParam, problemResponses, writeContext } from '../http/resource.ts';
import { runBatch } from '../http/batch.ts';
import { json, route, router } from '../http/router.ts';
import { fieldProblem, notFound, Problem } from '../problem.ts';
import { jobEventIfChanged, visibleJob } from './schedule.ts';

type Kind = (typeof JOB_FILE_KINDS)[number];

const MiB = 1024 * 1024;
/** The largest body of each kind: a phone's photo is compressed on the phone first; a signature is a small drawing. */
const LIMITS: Record<Kind, number> = { photo: 10 * MiB, signature: 1 * MiB };

const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
type ImageType = (typeof IMAGE_TYPES)[number];
const isImageType = (t: string): t is ImageType => (IMAGE_TYPES as readonly string[]).includes(t);

/** What the bytes are, by their signature: JPEG FF D8 FF, PNG 89 'PNG' CR LF 1A LF, WebP 'RIFF' size 'WEBP'. */
export function imageTypeOf(bytes: Uint8Array): ImageType | null {
  const at = (offset: number, ...expected: number[]) => expected.every((b, i) => bytes[offset + i] === b);
  if (at(0, 0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  if (at(0, 0x52, 0x49, 0x46, 0x46) && at(8, 0x57, 0x45, 0x42, 0x50)) return 'image/webp';
  return null;
}

export const JobFile = z
  .object({
    id: z.string(),
    jobId: z.string(),
    kind: z.enum(JOB_FILE_KINDS),
    contentType: z.enum(IMAGE_TYPES),
    bytes: z.number().int(),
    caption: z.string().nullable(),
    signerName: z.string().nullable().openapi({ description: "A signature's signer, as printed by them" }),
    signedAt: z.number().nullable().openapi({ description: 'When a signature was made (UTC epoch milliseconds)' }),
    createdAt: z.number(),
    url: z.string().openapi({ description: 'Where the bytes are: GET /api/files/{id}' }),
  })
  .openapi('JobFile');

const fileColumns = {
  id: jobFiles.id,
  jobId: jobFiles.jobId,
  kind: jobFiles.kind,
  contentType: jobFiles.contentType,
  bytes: jobFiles.bytes,
  caption: jobFiles.caption,
  signerName: jobFiles.signerName,
  signedAt: jobFiles.signedAt,
  createdAt: jobFiles.createdAt,
};
type FileRow = { [K in keyof typeof fileColumns]: (typeof jobFiles.$inferSelect)[K] };

const toJobFile = (row: FileRow) => JobFile.parse({ ...row, url: `/api/files/${row.id}` });

const UploadParams = z.object({
  id: idParam.shape.id,
  fileId: z.uuid('A UUID the phone made for this file.').openapi({ param: { name: 'fileId', in: 'path' } }),
});

const UploadQuery = z
  .object({
    kind: z.enum(JOB_FILE_KINDS),
    caption: optionalText(500),
    signerName: optionalText(200).openapi({ description: 'Signatures: the signer as they printed their name.' }),
    signedAt: z.coerce.number().pipe(instant()).optional().openapi({
      description:
        'Signatures: when it was signed (UTC epoch milliseconds), which may be long before an upload made offline; defaults to now.',
    }),
  })
  .strict();

const MiBs = (n: number) => `${n / MiB} MiB`;
const tooLarge = (kind: Kind) =>
  new Problem(413, 'Too large', `A ${kind} may be at most ${MiBs(LIMITS[kind])}; nothing was stored.`, [
    { field: 'body', in: 'body', message: `Larger than ${MiBs(LIMITS[kind])}.` },
  ]);

/**
 * The body limit of an upload, by its kind. It runs before the idempotency key, which reads the
 * body, so an oversized body is refused before anything reads it; a kind that is no kind gets
 * the largest limit here and its own refusal from the query's validation.
 */
const LIMIT_BY_KIND = Object.fromEntries(
  JOB_FILE_KINDS.map((kind) => [
    kind,
    bodyLimit({
      maxSize: LIMITS[kind],
      onError: () => {
        throw tooLarge(kind);
      },
    }),
  ]),
) as Record<Kind, MiddlewareHandler>;
const uploadLimit: MiddlewareHandler<AppEnv> = (c, next) => (LIMIT_BY_KIND[c.req.query('kind') as Kind] ?? LIMIT_BY_KIND.photo)(c, next);

/** Uploads are the one API request larger than 1 MiB: worker/app.ts leaves their body limit to uploadLimit. */
export const isUpload = (method: string, path: string) => method === 'PUT' && /^\/api\/jobs\/[^/]+\/files\/[^/]+$/.test(path);

const binary = { schema: z.string().openapi({ type: 'string', format: 'binary' }) };

/** Under /api/jobs: a job's files. */
export const jobFilesRoutes = router();
/** Under /api/files: a file's bytes. */
export const filesRoutes = router();

jobFilesRoutes.openapi(
  route({
    method: 'put',
    path: '/{id}/files/{fileId}',
    tags: ['Jobs'],
    summary: 'Store a photo or a signature of a job (the same fileId again gives back the stored file)',
    description: `The body is the image: image/jpeg, image/png or image/webp, checked by its first bytes. A photo may be ${MiBs(LIMITS.photo)}, a signature ${MiBs(LIMITS.signature)}.`,
    permission: 'jobs.transition',
    idempotent: true,
    middleware: [uploadLimit],
    request: {
      params: UploadParams,
      query: UploadQuery,
      body: { content: Object.fromEntries(IMAGE_TYPES.map((t) => [t, binary])), required: true },
    },
    responses: {
      200: json(JobFile, 'Stored before with this fileId: nothing was written'),
      201: json(JobFile, 'Stored'),
      409: { description: 'The fileId is taken by another file (problem+json)' },
      413: { description: 'Too large for its kind, naming body (problem+json)' },
      415: { description: 'Not an image type we keep, naming Content-Type (problem+json)' },
      ...problemResponses,
    },
  }),
  async (c) => {
    const ctx = writeContext(c);
    const { db, auth } = ctx;
    const { id: jobId, fileId } = c.req.valid('param');
    const q = c.req.valid('query');
    if (q.kind !== 'signature') {
      for (const field of ['signerName', 'signedAt'] as const)
        if (q[field] != null) throw fieldProblem(400, field, 'query', 'Only a signature has a signer.');
    }
    const [[job], [stored]] = (await runBatch(db, [
      db.select({ id: jobs.id }).from(jobs).where(visibleJob(auth, jobId)),
      db
        .select(fileColumns)
        .from(jobFiles)
        .where(and(eq(jobFiles.orgId, auth.orgId), eq(jobFiles.id, fileId))),
    ])) as [{ id: string }[], FileRow[]];
    if (!job) throw notFound('job');
    // Sent again (the phone's outbox after a lost answer): the file is there already.
    if (stored) return c.json(storedAgain(stored, jobId), 200);

    const declared = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (!isImageType(declared)) {
      throw new Problem(415, 'Unsupported media type', `Send the image as ${IMAGE_TYPES.join(', ')}.`, [
        { field: 'Content-Type', in: 'header', message: declared ? `${declared.slice(0, 100)} is not kept here.` : 'Missing.' },
      ]);
    }
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    if (bytes.byteLength === 0) throw fieldProblem(422, 'body', 'body', "Empty: send the image's bytes.");
    if (bytes.byteLength > LIMITS[q.kind]) throw tooLarge(q.kind);
    const actual = imageTypeOf(bytes);
    if (actual !== declared)
      throw fieldProblem(
        422,
        'body',
        'body',
        actual ? `The bytes are ${actual}, not ${declared}.` : `The bytes are not an image (${declared} declared).`,
      );

    const objectKey = `orgs/${auth.orgId}/jobs/${jobId}/${fileId}`;
    const row = {
      id: fileId,
      orgId: auth.orgId,
      jobId,
      kind: q.kind,
      objectKey,
      contentType: declared,
      bytes: bytes.byteLength,
      caption: q.caption || null,
      signerName: q.kind === 'signature' ? q.signerName || null : null,
      signedAt: q.kind === 'signature' ? (q.signedAt ?? ctx.now) : null,
      uploadedBy: auth.userId,
      createdAt: ctx.now,
    };
    // The bytes first: a row never points at nothing. If this Worker dies before the row, the
    // phone sends the file again and the object is written over with the same bytes.
    await c.env.FILES.put(objectKey, bytes, { httpMetadata: { contentType: declared } });
    const [inserted] = (await runBatch(db, [
      db.insert(jobFiles).values(row).onConflictDoNothing().returning(fileColumns),
      jobEventIfChanged(ctx, jobId, `${q.kind}_added`, null, {
        fileId,
        caption: row.caption,
        ...(q.kind === 'signature' ? { signerName: row.signerName, signedAt: row.signedAt } : {}),
      }),
    ])) as [FileRow[]];
    if (inserted[0]) return c.json(toJobFile(inserted[0]), 201);
    // Another copy of this upload stored it first (sent without a key, or with another one).
    const [won] = await db
      .select(fileColumns)
      .from(jobFiles)
      .where(and(eq(jobFiles.orgId, auth.orgId), eq(jobFiles.id, fileId)));
    if (!won) {
      // The id is another org's: keep nothing of this upload.
      await c.env.FILES.delete(objectKey);
      throw fileIdTaken();
    }
    return c.json(storedAgain(won, jobId), 200);
  },
);

const fileIdTaken = () => fieldProblem(409, 'fileId', 'path', 'That file id is taken by another file; make a new id for each file.');

/** A file already stored under this id: given back when it is this job's, else the id is taken. */
function storedAgain(row: FileRow, jobId: string) {
  if (row.jobId !== jobId) throw fileIdTaken();
  return toJobFile(row);
}

jobFilesRoutes.openapi(
  route({
    method: 'get',
    path: '/{id}/files',
    tags: ['Jobs'],
    summary: "A job's photos and signatures, oldest first",
    permission: 'jobs.read',
    request: { params: idParam },
    responses: { 200: json(z.object({ items: z.array(JobFile) }), 'The files'), ...problemResponses },
  }),
  async (c) => {
    const { id } = c.req.valid('param');
    const auth = c.get('auth');
    const db = c.get('db');
    const [job, rows] = (await runBatch(db, [
      db.select({ id: jobs.id }).from(jobs).where(visibleJob(auth, id)),
      db
        .select(fileColumns)
        .from(jobFiles)
        .where(and(eq(jobFiles.orgId, auth.orgId), eq(jobFiles.jobId, id)))
        .orderBy(asc(jobFiles.createdAt), asc(jobFiles.id)),
    ])) as [unknown[], FileRow[]];
    // The job decides: its files are only listed with a job the caller can see.
    if (!job.length) throw notFound('job');
    return c.json({ items: rows.map(toJobFile) }, 200);
  },
);

filesRoutes.openapi(
  route({
    method: 'get',
    path: '/{id}',
    tags: ['Jobs'],
    summary: "A photo's or a signature's bytes",
    permission: 'jobs.read',
    request: { params: idParam },
    responses: {
      200: { content: Object.fromEntries(IMAGE_TYPES.map((t) => [t, binary])), description: 'The image' },
      ...problemResponses,
    },
  }),
  async (c) => {
    const { id } = c.req.valid('param');
    const auth = c.get('auth');
    const [file] = await c
      .get('db')
      .select({ objectKey: jobFiles.objectKey, contentType: jobFiles.contentType, kind: jobFiles.kind })
      .from(jobFiles)
      .innerJoin(jobs, eq(jobs.id, jobFiles.jobId))
      .where(and(eq(jobFiles.orgId, auth.orgId), eq(jobFiles.id, id), visibleJob(auth, jobFiles.jobId)));
    if (!file) throw notFound('file');
    const object = await c.env.FILES.get(file.objectKey);
    if (!object) throw notFound('file');
    return c.body(object.body, 200, {
      'content-type': file.contentType,
      'content-length': String(object.size),
      // A file never changes under its id; private, since only this person may see it.
      'cache-control': 'private, max-age=86400',
      etag: object.httpEtag,
      'content-disposition': `inline; filename="${file.kind}-${id}.${file.contentType.split('/')[1]}"`,
    });
  },
);
