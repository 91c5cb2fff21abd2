/**
 * The outbox's set statements against a real libSQL (rooms/outbox.ts setMovesStatements): many
 * plain moves in four statements, with the guards of the one-row statements, and a replay of
 * a batch libSQL already took changes nothing.
 */
import { describe, expect, it } from 'vitest';
import { setMovesStatements } from '../../rooms/outbox-sql.ts';
import type { OutboxRow } from '../../rooms/outbox-store.ts';
import { at, fx, makeJobs, record, sql, testDate } from './board-client.ts';

const eventsOf = async (jobId: string) =>
  (await sql.execute({ sql: `select actor_user_id, kind, after from job_events where job_id = ? order by at`, args: [jobId] })).rows.map(
    (r) => ({ actor: r.actor_user_id, kind: r.kind, after: JSON.parse(String(r.after)) }),
  );
const leadOf = async (jobId: string) =>
  (await sql.execute({ sql: `select technician_id from job_assignments where job_id = ? and role = 'lead'`, args: [jobId] })).rows.map(
    (r) => r.technician_id,
  );

describe('outbox set statements', () => {
  it('moves many jobs in four statements with the one-row guards, and a replay adds nothing', async () => {
    const date = testDate(80);
    const [moved, retimed, foreign, older] = await makeJobs('a', date, 4);
    const version = Date.now() * 1000;
    const row = (jobId: string, after: Partial<OutboxRow['after']>, extra: Partial<OutboxRow> = {}): OutboxRow => ({
      seq: 0,
      jobId,
      version,
      eventId: crypto.randomUUID(),
      actorUserId: fx.a.userIds.dispatcher,
      at: Date.now(),
      kind: 'rescheduled',
      before: { technicianId: fx.a.ownTechnicianId, start: at(date, '08:00'), durationMin: 60, status: 'scheduled' },
      after: { technicianId: fx.a.ownTechnicianId, start: at(date, '13:00'), durationMin: 45, status: 'scheduled', ...after },
      boardDate: date,
      takeOver: false,
      note: null,
      warnings: null,
      ...extra,
    });
    const rows = [
      row(moved!, { technicianId: fx.a.technicianId }),
      row(retimed!, {}),
      // Another org's technician: refused, as statementsFor refuses it.
      row(foreign!, { technicianId: fx.b.technicianId }),
      // Older than what the job holds: ignored.
      row(older!, {}, { version: -1 }),
    ];
    const untouched = { foreign: await record(foreign!), older: await record(older!) };
    const statements = setMovesStatements(fx.a.orgId, date, rows);
    expect(statements).toHaveLength(4);
    await sql.batch(statements, 'write');

    expect(await record(moved!)).toMatchObject({
      technicianId: fx.a.technicianId,
      start: at(date, '13:00'),
      durationMin: 45,
      scheduleVersion: version,
    });
    expect(await leadOf(moved!)).toEqual([fx.a.technicianId]);
    expect(await record(retimed!)).toMatchObject({ technicianId: fx.a.ownTechnicianId, start: at(date, '13:00'), durationMin: 45 });
    expect(await record(foreign!)).toEqual(untouched.foreign);
    expect(await record(older!)).toEqual(untouched.older);
    expect(await eventsOf(moved!)).toEqual([
      {
        actor: fx.a.userIds.dispatcher,
        kind: 'rescheduled',
        after: expect.objectContaining({ technicianId: fx.a.technicianId, via: 'board', scheduleVersion: version }),
      },
    ]);
    expect(await eventsOf(foreign!)).toEqual([]);
    expect(await eventsOf(older!)).toEqual([]);

    // The same batch again (its acknowledgement was lost, say): nothing more.
    await sql.batch(statements, 'write');
    expect(await eventsOf(moved!)).toHaveLength(1);
    expect(await eventsOf(retimed!)).toHaveLength(1);
  });
});
