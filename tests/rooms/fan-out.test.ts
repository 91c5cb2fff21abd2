/**
 * Updates are merged before they fan out (rooms/fan-out.ts): fewer frames, the same doc. And
 * the group commit in front of the fan-out (rooms/board-room.ts): a burst of edits is stored
 * in fewer transactions than edits, a lone edit at once, and whatever a client saw is stored.
 */
import { evictDurableObject, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { BoardRoom } from '../../rooms/board-room.ts';
import { at, fx, makeJobs, roomStub, sleep, testDate, trackedClients, waitFor } from './board-client.ts';

const editStats = (date: string) => runInDurableObject(roomStub('a', date), (room: BoardRoom) => ({ ...room.edits }));

const connect = trackedClients();

describe('fan-out', () => {
  it('carries a burst of edits in fewer frames than edits, and every client ends the same', async () => {
    const date = testDate(70);
    const jobs = await makeJobs('a', date, 5);
    const writer = await connect('a.dispatcher', date);
    const watcher = await connect('a.manager', date);
    const before = watcher.frames;
    const EDITS = 60;
    for (let i = 0; i < EDITS; i++)
      writer.set(jobs[i % jobs.length]!, {
        technicianId: fx.a.technicianId,
        start: at(date, `${String(8 + (i % 10)).padStart(2, '0')}:${i % 2 ? '30' : '00'}`),
      });
    await waitFor(() => JSON.stringify(watcher.schedules()) === JSON.stringify(writer.schedules()), 'the watcher to converge');
    const frames = watcher.frames - before;
    expect(frames).toBeGreaterThan(0);
    expect(frames).toBeLessThan(EDITS);
  });

  it('stores a burst of edits in fewer transactions than edits and a lone edit at once; what a client saw survives eviction', async () => {
    const date = testDate(71);
    const jobs = await makeJobs('a', date, 5);
    const writer = await connect('a.dispatcher', date);
    const watcher = await connect('a.manager', date);
    const before = await editStats(date);
    const EDITS = 60;
    for (let i = 0; i < EDITS; i++) writer.set(jobs[i % jobs.length]!, { durationMin: 30 + i });
    await waitFor(
      () => jobs.every((id, k) => watcher.job(id)?.durationMin === 30 + EDITS - jobs.length + k),
      'the watcher to see the last edits',
    );
    const burst = await editStats(date);
    expect(burst.accepted - before.accepted).toBe(EDITS);
    expect(burst.commits - before.commits).toBeGreaterThan(0);
    expect(burst.commits - before.commits).toBeLessThan(EDITS);

    // A lone edit, well after the burst's window: its own commit, before anyone sees it.
    await sleep(50);
    const quiet = await editStats(date);
    writer.set(jobs[0]!, { durationMin: 17 });
    await waitFor(() => watcher.job(jobs[0]!)?.durationMin === 17, 'the watcher to see the lone edit');
    const lone = await editStats(date);
    expect([lone.accepted - quiet.accepted, lone.commits - quiet.commits]).toEqual([1, 1]);

    await evictDurableObject(roomStub('a', date));
    const fresh = await connect('a.manager', date);
    expect(fresh.schedules()).toEqual(watcher.schedules());
  });
});
