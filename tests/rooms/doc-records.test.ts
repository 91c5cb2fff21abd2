/**
 * The board and the records never disagree: whatever a client writes into a job's entry, the
 * room accepts it into libSQL or repairs it in the doc, and after the dust settles every job of
 * the doc reads the same in libSQL. Placements on technicians the org does not have, and junk in
 * any field of a queued or a placed job, are repaired, and stay repaired across a restart.
 */
import { evictDurableObject, runDurableObjectAlarm } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { rngFor } from '../../db/seed/prng.ts';
import {
  type BoardClient,
  at,
  barrier,
  fx,
  makeJobs,
  record,
  recordsOf,
  roomStub,
  testDate,
  trackedClients,
  waitFor,
} from './board-client.ts';

const connect = trackedClients();

/** The doc's schedule of every job as `watcher` has it, and libSQL's, once the room has handled everything `client` sent and drained. */
async function settle(client: BoardClient, watcher: BoardClient, date: string) {
  // The barrier: once `watcher` has `client`'s sentinel edit, the room has handled every earlier
  // frame of `client`, and `watcher` has the repairs they caused (`client` may not yet: its
  // socket is another one).
  await barrier(client, watcher);
  await runDurableObjectAlarm(roomStub('a', date));
  return { doc: watcher.schedules(), records: await recordsOf(watcher) };
}

describe('the doc and the records agree', () => {
  it('repairs a placement on a technician the org does not have, and the records never take it, also after a restart', async () => {
    const date = testDate(81);
    const [placed, queued] = await makeJobs('a', date, 2);
    const a = await connect('a.dispatcher', date);
    const watcher = await connect('a.manager', date);
    await waitFor(() => a.job(queued!) !== undefined, 'the queued job on the board');
    a.set(queued!, { technicianId: null, start: null });
    await settle(a, watcher, date);
    const unknown = crypto.randomUUID();
    // Another org's technician is as unknown here as a made-up id.
    a.set(placed!, { technicianId: fx.b.ownTechnicianId });
    a.set(queued!, { technicianId: unknown, start: at(date, '13:00') });
    const { doc, records } = await settle(a, watcher, date);
    expect(watcher.job(placed!)).toMatchObject({ technicianId: fx.a.ownTechnicianId, status: 'scheduled' });
    expect(watcher.job(queued!)).toMatchObject({ technicianId: null, start: null, status: 'unscheduled' });
    expect(doc).toEqual(records);
    expect(await record(queued!)).toMatchObject({ technicianId: null, status: 'unscheduled' });

    await evictDurableObject(roomStub('a', date), { webSockets: 'close' });
    const after = await connect('a.manager', date);
    expect(after.job(placed!)).toMatchObject({ technicianId: fx.a.ownTechnicianId, status: 'scheduled' });
    expect(after.job(queued!)).toMatchObject({ technicianId: null, start: null, status: 'unscheduled' });
  });

  it('repairs a malformed placement on a queued job and on a placed one, also after a restart', async () => {
    const date = testDate(82);
    const [placed, queued] = await makeJobs('a', date, 2);
    const a = await connect('a.dispatcher', date);
    const watcher = await connect('a.manager', date);
    a.set(queued!, { technicianId: null, start: null });
    await settle(a, watcher, date);
    for (const id of [placed!, queued!]) a.set(id, { technicianId: 12345, start: 'tomorrow', durationMin: -5 });
    const { doc, records } = await settle(a, watcher, date);
    expect(watcher.job(queued!)).toEqual({ technicianId: null, start: null, durationMin: 60, status: 'unscheduled' });
    expect(watcher.job(placed!)).toEqual({
      technicianId: fx.a.ownTechnicianId,
      start: at(date, '08:00'),
      durationMin: 60,
      status: 'scheduled',
    });
    expect(doc).toEqual(records);

    await evictDurableObject(roomStub('a', date), { webSockets: 'close' });
    const after = await connect('a.manager', date);
    expect(after.job(queued!)).toEqual({ technicianId: null, start: null, durationMin: 60, status: 'unscheduled' });
    expect(after.job(placed!)).toEqual({
      technicianId: fx.a.ownTechnicianId,
      start: at(date, '08:00'),
      durationMin: 60,
      status: 'scheduled',
    });
  });

  it('after random edits from three clients, valid and invalid, every job reads the same in the doc and in libSQL', async () => {
    const date = testDate(83);
    const ids = await makeJobs('a', date, 8);
    const clients = [await connect('a.dispatcher', date), await connect('a.dispatcher', date), await connect('a.admin', date)];
    const watcher = await connect('a.manager', date);
    const rng = rngFor(20261203, 'doc-records');
    const technicians = [fx.a.ownTechnicianId, fx.a.technicianId, null, fx.b.ownTechnicianId, crypto.randomUUID(), 42, '', 'x'.repeat(100)];
    const starts = [
      at(date, '08:00'),
      at(date, '09:15'),
      at(date, '13:30'),
      at(date, '23:45'),
      null,
      at(testDate(84), '09:00'),
      'noon',
      -1,
      1.5,
    ];
    const durations = [30, 60, 90, 240, 0, -5, 1441, 2.5, '60', null];
    const statuses = ['scheduled', 'unscheduled', 'en_route', 'in_progress', 'on_hold', 'completed', 'cancelled', 'paid', 'nonsense', 7];
    const EDITS = 400;
    for (let i = 0; i < EDITS; i++) {
      const client = rng.pick(clients);
      const id = rng.pick(ids);
      const kind = rng.int(0, 9);
      if (kind < 5) client.set(id, { technicianId: rng.pick(technicians), start: rng.pick(starts), durationMin: rng.pick(durations) });
      else if (kind < 8) client.set(id, { status: rng.pick(statuses) });
      else if (kind < 9) client.set(id, { technicianId: null, start: null });
      else client.set(id, { order: rng.pick([1, 2.5, 'first', null]) });
    }
    for (const c of clients) await barrier(c, watcher);
    // Every client converges on the room's doc, and libSQL holds exactly that doc.
    await waitFor(
      () => clients.every((c) => JSON.stringify(c.schedules()) === JSON.stringify(watcher.schedules())),
      'the clients to converge',
    );
    await waitFor(async () => {
      await runDurableObjectAlarm(roomStub('a', date));
      return JSON.stringify(await recordsOf(watcher)) === JSON.stringify(watcher.schedules());
    }, 'libSQL to hold the doc');
    const doc = watcher.schedules();
    const records = await recordsOf(watcher);
    for (const id of ids) expect({ id, ...(doc[id] as object) }).toEqual({ id, ...(records[id] as object) });
  });
});
