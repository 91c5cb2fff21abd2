/**
 * A board room's core promises: it starts equal to the records, dispatchers converge, read-only
 * people cannot write, nothing acknowledged is lost to eviction, the records follow the doc
 * (with who did it), and the API's door (applySchedule) updates everyone.
 */
import { readJob } from '../../core/board-client.ts';
import { readRawJob } from '../../core/board-doc-room.ts';
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { BoardRoom } from '../../rooms/board-room.ts';
import {
  type BoardClient,
  at,
  barrier,
  fx,
  makeJobs,
  record,
  recordsOf,
  roomStub,
  sql,
  testDate,
  waitFor,
  trackedClients,
} from './board-client.ts';

const connect = trackedClients();

/** Waits until libSQL holds exactly the doc's schedule for every job of the doc. */
async function recordsMatch(client: BoardClient, org: 'a' | 'b', date: string) {
  await waitFor(async () => {
    await runDurableObjectAlarm(roomStub(org, date));
    return JSON.stringify(await recordsOf(client)) === JSON.stringify(client.schedules());
  }, 'libSQL to match the doc');
}

const storedCounts = (org: 'a' | 'b', date: string) =>
  runInDurableObject(roomStub(org, date), (_room: BoardRoom, state) => ({
    updates: Number(state.storage.sql.exec('select count(*) as n from doc_updates').one().n),
    outbox: Number(state.storage.sql.exec('select count(*) as n from outbox').one().n),
  }));

describe('board room', () => {
  it('starts a new day equal to the records of that day, and nothing from other days', async () => {
    const date = testDate(10);
    const [j1, j2] = await makeJobs('a', date, 2, 'own');
    const [queued] = await makeJobs('a', date, 1, null);
    const [otherDay] = await makeJobs('a', testDate(11), 1);
    const c = await connect('a.dispatcher', date);
    expect(Object.keys(c.schedules()).sort()).toEqual([j1, j2, queued].sort());
    expect(c.schedules()).toEqual(await recordsOf(c));
    expect(c.job(j1!)).toMatchObject({ technicianId: fx.a.ownTechnicianId, durationMin: 60, status: 'scheduled' });
    expect(readJob(c.doc, j1!)).toMatchObject({ customerName: 'Customer a', address: expect.stringContaining('100 Congress Ave') });
    expect(c.job(queued!)).toMatchObject({ technicianId: null, status: 'unscheduled' });
    expect(c.job(otherDay!)).toBeUndefined();
    expect(c.doc.getMap('meta').toJSON()).toMatchObject({ orgId: fx.a.orgId, date, timezone: 'America/Chicago' });
  });

  it('lets two dispatchers edit at once and converge, and the records follow with who did it', async () => {
    const date = testDate(12);
    const [j1, j2, j3] = await makeJobs('a', date, 3);
    const a = await connect('a.dispatcher', date);
    const b = await connect('a.admin', date);
    // Concurrent: neither waits for the other before writing; j3 is written by both.
    a.set(j1!, { durationMin: 90 });
    b.set(j2!, { technicianId: fx.a.technicianId, start: at(date, '14:00') });
    a.set(j3!, { durationMin: 30 });
    b.set(j3!, { durationMin: 45 });
    await waitFor(
      () =>
        JSON.stringify(a.schedules()) === JSON.stringify(b.schedules()) &&
        a.job(j2!)?.technicianId === fx.a.technicianId &&
        b.job(j1!)?.durationMin === 90,
      'both docs to converge',
    );
    expect([30, 45]).toContain(a.job(j3!)?.durationMin);
    await recordsMatch(a, 'a', date);

    const events = await sql.execute({
      sql: `select job_id, actor_user_id, kind, after from job_events where job_id in (?, ?) order by at`,
      args: [j1!, j2!],
    });
    const byJob = Object.fromEntries(events.rows.map((r) => [r.job_id, r]));
    expect(byJob[j1!]).toMatchObject({ actor_user_id: fx.a.userIds.dispatcher, kind: 'rescheduled' });
    expect(byJob[j2!]).toMatchObject({ actor_user_id: fx.a.userIds.admin, kind: 'rescheduled' });
    expect(JSON.parse(String(byJob[j2!]!.after))).toMatchObject({
      technicianId: fx.a.technicianId,
      scheduledStart: at(date, '14:00'),
      via: 'board',
    });
    // The lead assignment follows the technician, as for API reschedules.
    const lead = await sql.execute({ sql: `select technician_id from job_assignments where job_id = ? and role = 'lead'`, args: [j2!] });
    expect(lead.rows.map((r) => r.technician_id)).toEqual([fx.a.technicianId]);
  });

  for (const role of ['manager'] as const) {
    it(`refuses a ${role}'s write: not applied, not persisted, not projected`, async () => {
      const date = testDate(14);
      const [j1] = await makeJobs('a', date, 1);
      const before = await record(j1!);
      const writer = await connect('a.dispatcher', date);
      const reader = await connect(`a.${role}`, date);
      const updatesBefore = (await storedCounts('a', date)).updates;

      reader.set(j1!, { durationMin: 15, technicianId: fx.a.technicianId });
      // The barrier: the reader's presence, sent after its write through the same socket, reaches the
      // writer, so the room has handled (and dropped) the write before anything below looks.
      await barrier(reader, writer, { presenceAs: fx.a.userIds[role] });
      writer.set(j1!, { start: at(date, '10:00'), order: 3 });
      // The reader's own copy of the placement has diverged (its write never reached the room),
      // so watch another key of the same edit.
      await waitFor(() => readRawJob(reader.doc, j1!)?.order === 3, 'reader to receive the dispatcher edit');
      expect(writer.job(j1!)).toMatchObject({ durationMin: 60, technicianId: fx.a.ownTechnicianId });

      const room = await runInDurableObject(roomStub('a', date), (r: BoardRoom) => readRawJob(r.document, j1!));
      expect(room).toMatchObject({ durationMin: 60, technicianId: fx.a.ownTechnicianId, start: at(date, '10:00') });
      // Exactly one stored update since: the dispatcher's.
      expect((await storedCounts('a', date)).updates - updatesBefore).toBe(1);
      await recordsMatch(writer, 'a', date);
      expect(await record(j1!)).toMatchObject({
        durationMin: before.durationMin,
        technicianId: before.technicianId,
        start: at(date, '10:00'),
      });

      await evictDurableObject(roomStub('a', date));
      const fresh = await connect('a.dispatcher', date);
      expect(fresh.job(j1!)).toMatchObject({ durationMin: 60, technicianId: fx.a.ownTechnicianId });
    });
  }

  it('keeps every acknowledged edit across eviction and compaction, and serves the old sockets after the wake', async () => {
    const date = testDate(16);
    const ids = await makeJobs('a', date, 5);
    const a = await connect('a.dispatcher', date);
    const b = await connect('a.dispatcher', date);
    // 250 edits in a burst: stored in far fewer rows (the group commit), which the debounced
    // save then compacts into the snapshot, so the snapshot path runs too.
    for (let i = 0; i < 250; i++) a.set(ids[i % 5]!, { durationMin: 30 + i });
    await waitFor(() => ids.every((id, k) => b.job(id)?.durationMin === 30 + 245 + k), 'b to acknowledge every edit');
    expect((await storedCounts('a', date)).updates).toBeLessThan(250);
    await waitFor(async () => (await storedCounts('a', date)).updates === 0, 'the debounced save to compact', 8_000);

    await evictDurableObject(roomStub('a', date));
    const c = await connect('a.manager', date);
    expect(c.schedules()).toEqual(a.schedules());
    // The hibernated sockets still work: the wake loads the doc before handling the frame.
    a.set(ids[0]!, { durationMin: 17 });
    await waitFor(() => b.job(ids[0]!)?.durationMin === 17 && c.job(ids[0]!)?.durationMin === 17, 'edit after the wake to reach everyone');

    await evictDurableObject(roomStub('a', date), { webSockets: 'close' });
    const d = await connect('a.admin', date);
    expect(d.schedules()).toEqual(a.schedules());
    await recordsMatch(d, 'a', date);
  });

  it('applies a change from outside (RPC) to connected clients and the records, adopts a job from the backlog, and leaves other days’ jobs alone', async () => {
    const date = testDate(18);
    const [j1] = await makeJobs('a', date, 1);
    const [elsewhere] = await makeJobs('a', testDate(19), 1, null);
    const [otherDays] = await makeJobs('a', testDate(19), 1);
    // In the backlog: no day, no technician.
    await sql.execute({ sql: `update jobs set scheduled_start = null where id = ?`, args: [elsewhere!] });
    const c = await connect('a.manager', date);
    const stub = roomStub('a', date);
    const actor = { userId: fx.a.userIds.admin, name: 'admin a' };

    const moved = await stub.applySchedule(j1!, { start: at(date, '15:30'), technicianId: fx.a.technicianId }, actor);
    expect(moved).toMatchObject({ ok: true, schedule: { start: at(date, '15:30'), technicianId: fx.a.technicianId, status: 'scheduled' } });
    await waitFor(() => c.job(j1!)?.start === at(date, '15:30'), 'client to see the RPC change');

    const adopted = await stub.applySchedule(elsewhere!, { start: at(date, '07:00') }, actor);
    expect(adopted.ok).toBe(true);
    await waitFor(() => c.job(elsewhere!)?.start === at(date, '07:00'), 'client to see the adopted job');
    expect(readJob(c.doc, elsewhere!)).toMatchObject({ customerName: 'Customer a' });
    // A job another day's board owns moves through both rooms (worker/jobs/schedule.ts), not by adoption.
    expect(await stub.applySchedule(otherDays!, { start: at(date, '09:00') }, actor)).toMatchObject({ ok: false, code: 'other-day' });

    const refused = await stub.applySchedule(j1!, { start: at(testDate(20), '09:00') }, actor);
    expect(refused.ok).toBe(false);
    const other = await stub.applySchedule(fx.b.jobId, { start: at(date, '09:00') }, actor);
    expect(other).toEqual({ ok: false, code: 'not-found', reason: 'No such job.' });

    await recordsMatch(c, 'a', date);
    const v = (await record(j1!)).scheduleVersion;
    expect(moved.ok && v).toBe(
      moved.ok
        ? await runInDurableObject(stub, (_r: BoardRoom, s) =>
            Number(s.storage.sql.exec('select version from job_state where job_id = ?', j1!).one().version),
          )
        : -1,
    );
    const ev = await sql.execute({
      sql: `select actor_user_id from job_events where job_id = ? and kind = 'rescheduled'`,
      args: [elsewhere!],
    });
    expect(ev.rows.map((r) => r.actor_user_id)).toEqual([fx.a.userIds.admin]);

    // Off the board: back to the queue in the records, gone from the doc.
    const off = await stub.applySchedule(j1!, null, actor);
    // To the backlog: no day; the technician named for it stays named.
    expect(off).toMatchObject({
      ok: true,
      boardDate: null,
      schedule: { start: null, technicianId: fx.a.technicianId, status: 'unscheduled' },
    });
    await waitFor(() => c.job(j1!) === undefined, 'job to leave the board');
    await waitFor(async () => {
      await runDurableObjectAlarm(stub);
      return (await record(j1!)).start === null;
    }, 'records to unschedule the job');
    expect(await record(j1!)).toMatchObject({ start: null, status: 'unscheduled' });
  });

  it('repairs doc values the records could not hold, and derives the status from the schedule', async () => {
    const date = testDate(22);
    const [j1, j2] = await makeJobs('a', date, 2);
    const a = await connect('a.dispatcher', date);
    const b = await connect('a.dispatcher', date);
    a.set(j1!, { status: 'paid', durationMin: -5, start: at(testDate(23), '09:00') });
    a.set(j2!, { technicianId: null });
    a.doc.transact(() => a.jobs().set('not-a-job', new Y.Map()));
    await waitFor(
      () =>
        JSON.stringify(b.job(j1!) && { s: b.job(j1!)!.status, d: b.job(j1!)!.durationMin, t: b.job(j1!)!.start }) ===
          JSON.stringify({ s: 'scheduled', d: 60, t: at(date, '08:00') }) &&
        b.job(j2!)?.technicianId === null &&
        b.job(j2!)?.status === 'unscheduled' &&
        a.job('not-a-job') === undefined,
      'the room to repair the doc',
    );
    // A dispatcher cannot delete a job from the board either (it leaves through the API).
    a.doc.transact(() => a.jobs().delete(j1!));
    await waitFor(() => a.job(j1!)?.status === 'scheduled' && b.job(j1!)?.durationMin === 60, 'the deleted job to come back');
    await recordsMatch(a, 'a', date);
    expect(await record(j2!)).toMatchObject({ technicianId: null, status: 'unscheduled' });
    expect(await record(j1!)).toMatchObject({ status: 'scheduled', durationMin: 60, scheduleVersion: 0 });
  });
});
