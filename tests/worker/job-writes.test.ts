/**
 * The shared job-row statements (db/job-writes.ts) inside the Worker's drizzle batches
 * (worker/http/batch.ts compiledItem, compiled, rowOf), against the real libSQL: one round trip,
 * the returned row read exactly as drizzle reads a jobs row, and a guard that does not hold
 * changing nothing, its event included.
 */
import { describe, expect, inject, it } from 'vitest';
import { and, eq, getTableColumns, sql as drizzleSql } from 'drizzle-orm';
import { jobEventIfChanged, updateJob } from '../../db/job-writes.ts';
import { jobs } from '../../db/schema.ts';
import { openDb } from '../../worker/db.ts';
import { compiled, compiledItem, rowOf, runBatch } from '../../worker/http/batch.ts';
import { api, count, fx } from './helpers.ts';

/** Every column of a jobs row, as the API's changes return them. */
const allColumns = Object.values(getTableColumns(jobs)).map((c) => c.name);

async function newJob(): Promise<string> {
  const res = await api('a.dispatcher', 'POST', '/jobs', {
    customerId: fx.a.customerId,
    locationId: fx.a.locationId,
    type: 'Panel upgrade',
    description: 'Job writes test',
  });
  if (res.status !== 201) throw new Error(`job create failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

describe('job writes in a drizzle batch', () => {
  it('runs the guarded update and its event in one round trip and reads the row as drizzle does', async () => {
    const { db, stats } = openDb({ LIBSQL_URL: inject('libsqlUrl') });
    const id = await newJob();
    const at = Date.now();
    const statements = [
      compiledItem(
        db,
        updateJob({
          orgId: fx.a.orgId,
          job: id,
          set: { description: 'Rewired' },
          by: { actor: fx.a.userIds.dispatcher, at },
          // A drizzle condition, as billing gives one.
          guards: { status: 'unscheduled', also: compiled(drizzleSql`${jobs.description} = ${'Job writes test'}`) },
          returning: allColumns,
        }),
      ),
      compiledItem(
        db,
        jobEventIfChanged(fx.a.orgId, {
          id: crypto.randomUUID(),
          jobId: id,
          actor: fx.a.userIds.dispatcher,
          at,
          kind: 'updated',
          before: null,
          after: '{}',
        }),
      ),
    ];
    const [rows] = (await runBatch(db, statements)) as [Record<string, unknown>[]];
    expect(stats.roundTrips).toBe(1);
    const [stored] = await db
      .select()
      .from(jobs)
      .where(and(eq(jobs.orgId, fx.a.orgId), eq(jobs.id, id)));
    const returned = rowOf(jobs, rows[0]);
    expect(returned).toEqual(stored);
    expect(returned).toMatchObject({ id, status: 'unscheduled', warnings: [], technicianId: null, updatedAt: at });
    expect(stored!.description).toBe('Rewired');
    expect(await count('job_events', `job_id = ? and kind = 'updated'`, [id])).toBe(1);
  });

  it('changes nothing, event included, when a guard does not hold', async () => {
    const { db } = openDb({ LIBSQL_URL: inject('libsqlUrl') });
    const id = await newJob();
    const [rows] = (await runBatch(db, [
      compiledItem(
        db,
        updateJob({ orgId: fx.a.orgId, job: id, set: { description: 'Never' }, guards: { status: 'scheduled' }, returning: ['id'] }),
      ),
      compiledItem(
        db,
        jobEventIfChanged(fx.a.orgId, {
          id: crypto.randomUUID(),
          jobId: id,
          actor: null,
          at: 1,
          kind: 'updated',
          before: null,
          after: null,
        }),
      ),
    ])) as [unknown[]];
    expect(rows).toEqual([]);
    expect(rowOf(jobs, undefined)).toBeUndefined();
    expect(await count('jobs', `id = ? and description = 'Job writes test'`, [id])).toBe(1);
    expect(await count('job_events', `job_id = ? and kind = 'updated'`, [id])).toBe(0);
  });
});
