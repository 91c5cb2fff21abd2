/** Updates are merged before they fan out (rooms/fan-out.ts): fewer frames, the same doc. */
import { describe, expect, it } from 'vitest';
import { at, fx, makeJobs, testDate, trackedClients, waitFor } from './board-client.ts';

const connect = trackedClients();

describe('fan-out', () => {
  it('carries a burst of edits in fewer frames than edits, and every client ends the same', async () => {
    const date = testDate(70);
    const jobs = await makeJobs('a', date, 5);
    const writer = await connect('a.dispatcher', date);
    const watcher = await connect('a.manager', date);
    const before = watcher.frames;
    const EDITS = 60;
    for (let i = 0; i < EDITS; i++) writer.set(jobs[i % jobs.length]!, { technicianId: fx.a.technicianId, start: at(date, `${String(8 + (i % 10)).padStart(2, '0')}:${i % 2 ? '30' : '00'}`) });
    await waitFor(() => JSON.stringify(watcher.schedules()) === JSON.stringify(writer.schedules()), 'the watcher to converge');
    const frames = watcher.frames - before;
    expect(frames).toBeGreaterThan(0);
    expect(frames).toBeLessThan(EDITS);
  });
});
