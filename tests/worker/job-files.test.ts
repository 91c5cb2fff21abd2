/**
 * Photos and signatures (worker/jobs/files.ts): stored in R2 with a job_files row, given back by
 * the fileId the phone made, typed by their bytes as well as their Content-Type, limited by kind,
 * and reachable only by whoever may see the job. A refusal writes nothing, in libSQL or in R2.
 */
import { env, SELF } from 'cloudflare:test';
import type { Env } from '../../worker/env.ts';
import { describe, expect, it } from 'vitest';
import { api, count, dbFingerprint, expectProblem, fx, ORIGIN, sql, type Actor } from './helpers.ts';

/** The Worker's R2 bucket, to see what an upload left there. */
const files = (env as unknown as Env).FILES;

const MiB = 1024 * 1024;

/** Bytes that start like an image of each type (the server reads the signature, not the pixels). */
function image(type: 'jpeg' | 'png' | 'webp' | 'pdf', size = 64): Uint8Array {
  const head = {
    jpeg: [0xff, 0xd8, 0xff, 0xe0],
    png: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
    webp: [...'RIFF']
      .map((ch) => ch.charCodeAt(0))
      .concat(
        [0x10, 0, 0, 0],
        [...'WEBP'].map((ch) => ch.charCodeAt(0)),
      ),
    pdf: [...'%PDF-1.7'].map((ch) => ch.charCodeAt(0)),
  }[type];
  const bytes = new Uint8Array(size);
  bytes.set(head);
  for (let i = head.length; i < size; i++) bytes[i] = (i * 31) & 0xff;
  return bytes;
}

/** A job written straight into libSQL, led by `technicianId`, in org a or b. */
async function job(technicianId: string | null, org: 'a' | 'b' = 'a'): Promise<string> {
  const f = fx[org];
  const id = crypto.randomUUID();
  const now = Date.now();
  await sql.execute({
    sql: `insert into jobs (id, org_id, number, customer_id, location_id, type, priority, description, status, duration_min, technician_id, warnings, created_at, updated_at)
          values (?, ?, ?, ?, ?, 'service', 'normal', 'Files', 'on_site', 60, ?, '[]', ?, ?)`,
    args: [id, f.orgId, 9_000_000 + Math.floor(Math.random() * 1e9), f.customerId, f.locationId, technicianId, now, now],
  });
  return id;
}

const upload = (actor: Actor, jobId: string, fileId: string, query: string, bytes: Uint8Array | undefined, type?: string) =>
  api(actor, 'PUT', `/jobs/${jobId}/files/${fileId}?${query}`, bytes, type ? { 'content-type': type } : {});

/** The bytes GET /api/files/{id} gives, read as bytes (the api helper reads text). */
async function download(actor: Exclude<Actor, 'anon'>, fileId: string) {
  const [org, role] = actor.split('.') as ['a' | 'b', keyof typeof fx.a.tokens];
  const res = await SELF.fetch(`${ORIGIN}/api/files/${fileId}`, { headers: { cookie: `__Host-sb_session=${fx[org].tokens[role]}` } });
  return { status: res.status, headers: res.headers, bytes: new Uint8Array(await res.arrayBuffer()) };
}

/** Every object R2 holds for a job: a refusal must leave none. */
async function objectsOf(orgId: string, jobId: string): Promise<string[]> {
  const listed = await files.list({ prefix: `orgs/${orgId}/jobs/${jobId}/` });
  return listed.objects.map((o) => o.key);
}

describe('job files', () => {
  it('stores a photo from the technician in R2 with its row and event, and gives it back to them and to the office', async () => {
    const jobId = await job(fx.a.ownTechnicianId);
    const fileId = crypto.randomUUID();
    const bytes = image('jpeg', 4096);
    const res = await upload('a.technician', jobId, fileId, 'kind=photo&caption=Panel%20before', bytes, 'image/jpeg');
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toEqual({
      id: fileId,
      jobId,
      kind: 'photo',
      contentType: 'image/jpeg',
      bytes: 4096,
      caption: 'Panel before',
      signerName: null,
      signedAt: null,
      createdAt: expect.any(Number),
      url: `/api/files/${fileId}`,
    });
    expect(await objectsOf(fx.a.orgId, jobId)).toEqual([`orgs/${fx.a.orgId}/jobs/${jobId}/${fileId}`]);
    expect(await count('job_events', "job_id = ? and kind = 'photo_added'", [jobId])).toBe(1);

    for (const actor of ['a.technician', 'a.manager', 'a.dispatcher', 'a.admin'] as const) {
      const got = await download(actor, fileId);
      expect(got.status, actor).toBe(200);
      expect(got.bytes).toEqual(bytes);
      expect(got.headers.get('content-type')).toBe('image/jpeg');
      expect(got.headers.get('cache-control')).toContain('private');
      const listed = await api(actor, 'GET', `/jobs/${jobId}/files`);
      expect(listed.body.items, actor).toEqual([res.body]);
      expect(listed.roundTrips).toBeLessThanOrEqual(2);
    }
  });

  it('gives the stored file back for the same fileId, writing nothing', async () => {
    const jobId = await job(fx.a.ownTechnicianId);
    const fileId = crypto.randomUUID();
    const first = await upload('a.technician', jobId, fileId, 'kind=photo', image('png'), 'image/png');
    expect(first.status).toBe(201);
    const otherJob = await job(fx.a.ownTechnicianId);
    const before = await dbFingerprint();
    const again = await upload('a.technician', jobId, fileId, 'kind=photo', image('png'), 'image/png');
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(await dbFingerprint()).toBe(before);
    // The same id on another job is another file: refused, naming it.
    expectProblem(await upload('a.technician', otherJob, fileId, 'kind=photo', image('png'), 'image/png'), 409, 'fileId');
    expect(await objectsOf(fx.a.orgId, otherJob)).toEqual([]);
    expect(await dbFingerprint()).toBe(before);
  });

  it("stores a signature with the signer's name and when it was signed", async () => {
    const jobId = await job(fx.a.ownTechnicianId);
    const fileId = crypto.randomUUID();
    const signedAt = Date.UTC(2026, 6, 2, 16, 30);
    const res = await upload(
      'a.technician',
      jobId,
      fileId,
      `kind=signature&signerName=Dana%20Ortiz&signedAt=${signedAt}`,
      image('webp'),
      'image/webp',
    );
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ kind: 'signature', contentType: 'image/webp', signerName: 'Dana Ortiz', signedAt });
    const events = await sql.execute({ sql: "select after from job_events where job_id = ? and kind = 'signature_added'", args: [jobId] });
    expect(events.rows.map((r) => JSON.parse(String(r.after)))).toEqual([{ fileId, caption: null, signerName: 'Dana Ortiz', signedAt }]);
  });

  it('refuses what is not an image, or too big for its kind, naming the field and writing nothing', async () => {
    const jobId = await job(fx.a.ownTechnicianId);
    const before = await dbFingerprint();
    const put = (query: string, bytes: Uint8Array | undefined, type?: string) =>
      upload('a.technician', jobId, crypto.randomUUID(), query, bytes, type);
    expectProblem(await put('kind=photo', image('pdf'), 'application/pdf'), 415, 'Content-Type');
    expectProblem(await put('kind=photo', image('jpeg'), 'image/gif'), 415, 'Content-Type');
    expectProblem(await put('kind=photo', image('jpeg')), 415, 'Content-Type');
    // The declared type is not taken on trust: the bytes must be that image.
    expectProblem(await put('kind=photo', image('pdf'), 'image/jpeg'), 422, 'body');
    expectProblem(await put('kind=photo', image('jpeg'), 'image/png'), 422, 'body');
    expectProblem(await put('kind=photo', new Uint8Array(0), 'image/jpeg'), 422, 'body');
    // Limits by kind: a photo up to 10 MiB, a signature up to 1 MiB.
    expectProblem(await put('kind=photo', image('jpeg', 10 * MiB + 1), 'image/jpeg'), 413, 'body');
    expectProblem(await put('kind=signature', image('png', MiB + 1), 'image/png'), 413, 'body');
    expectProblem(await put('kind=video', image('jpeg'), 'image/jpeg'), 400, 'kind');
    expectProblem(await put('kind=photo&signerName=Dana', image('jpeg'), 'image/jpeg'), 400, 'signerName');
    expectProblem(await upload('a.technician', jobId, 'not-a-uuid', 'kind=photo', image('jpeg'), 'image/jpeg'), 400, 'fileId');
    expect(await dbFingerprint()).toBe(before);
    expect(await objectsOf(fx.a.orgId, jobId)).toEqual([]);
    // The limits are inclusive: exactly 1 MiB is a signature that fits; a photo may be far larger than other requests.
    expect((await put('kind=signature', image('png', MiB), 'image/png')).status).toBe(201);
    expect((await put('kind=photo', image('jpeg', 10 * MiB), 'image/jpeg')).status).toBe(201);
  });

  it("keeps a technician out of another technician's job and everyone out of another org's: 404, nothing written", async () => {
    const theirs = await job(fx.a.technicianId);
    const theirFile = crypto.randomUUID();
    expect((await upload('a.dispatcher', theirs, theirFile, 'kind=photo', image('jpeg'), 'image/jpeg')).status).toBe(201);
    const otherOrgJob = await job(fx.b.ownTechnicianId, 'b');
    const otherOrgFile = crypto.randomUUID();
    expect((await upload('b.technician', otherOrgJob, otherOrgFile, 'kind=photo', image('jpeg'), 'image/jpeg')).status).toBe(201);
    const mine = await job(fx.a.ownTechnicianId);

    const before = await dbFingerprint();
    expectProblem(await upload('a.technician', theirs, crypto.randomUUID(), 'kind=photo', image('jpeg'), 'image/jpeg'), 404);
    expectProblem(await api('a.technician', 'GET', `/jobs/${theirs}/files`), 404);
    expect((await download('a.technician', theirFile)).status).toBe(404);
    for (const actor of ['a.admin', 'a.technician'] as const) {
      expectProblem(await upload(actor, otherOrgJob, crypto.randomUUID(), 'kind=photo', image('jpeg'), 'image/jpeg'), 404);
      expectProblem(await api(actor, 'GET', `/jobs/${otherOrgJob}/files`), 404);
      expect((await download(actor, otherOrgFile)).status).toBe(404);
    }
    // Another org's file id sent to one's own job is not a way to learn of it: the id is taken, nothing more.
    expectProblem(await upload('a.technician', mine, otherOrgFile, 'kind=photo', image('jpeg'), 'image/jpeg'), 409, 'fileId');
    expect(await dbFingerprint()).toBe(before);
    expect(await objectsOf(fx.a.orgId, theirs)).toEqual([`orgs/${fx.a.orgId}/jobs/${theirs}/${theirFile}`]);
    expect(await objectsOf(fx.a.orgId, otherOrgJob)).toEqual([]);
    expect(await objectsOf(fx.a.orgId, mine)).toEqual([]);
  });
});
