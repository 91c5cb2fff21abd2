/**
 * libSQL goes away while dispatchers edit. The sqld process is really stopped and started
 * again (tests/rooms/global-setup.ts runs it and offers stop/start on a loopback control
 * port), so the room's drain meets refused connections exactly as in an outage.
 */
import { env, evictDurableObject, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { afterEach, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { BoardRoom } from '../../rooms/board-room.ts';
import type { MetricsRoom } from '../../rooms/metrics-room.ts';
import type { RoomEnv } from '../../rooms/env.ts';
import { BoardClient, at, fx, makeJobs, recordsOf, roomStub, sleep, sql, testDate, waitFor } from './board-client.ts';

const control = inject('sqldControlUrl');
async function sqld(action: 'stop' | 'start') {
  const res = await fetch(`${control}/sqld/${action}`, { method: 'POST' });
  if (res.status !== 204) throw new Error(`sqld ${action}: ${res.status} ${await res.text()}`);
}

const open: BoardClient[] = [];
afterEach(async () => {
  for (const c of open.splice(0)) c.close();
  // Never leave the shared database down for the next test.
  await sqld('start').catch(() => undefined);
});

const roomStorage = (date: string) =>
  runInDurableObject(roomStub('a', date), (_r: BoardRoom, s) => ({
    outbox: Number(s.storage.sql.exec('select count(*) as n from outbox').one().n),
    failures: Number(s.storage.sql.exec(`select value from room_meta where key = 'drainFailures'`).toArray()[0]?.value ?? 0),
    dead: Number(s.storage.sql.exec('select count(*) as n from outbox_dead').one().n),
  }));

/** What the org's metrics room holds of this board room's outbox (rooms/outbox-report.ts): its line, or none at 0. */
const metricsOf = (date: string) =>
  runInDurableObject((env as unknown as RoomEnv).METRICS_ROOM.getByName(fx.a.orgId), (_m: MetricsRoom, s) =>
    s.storage.sql.exec('select backlog, dead_letters from outbox where room = ?', `${fx.a.orgId}:${date}`).toArray(),
  );

describe('libSQL outage', () => {
  it('acknowledges and keeps edits while libSQL is down, survives eviction, and ends with libSQL equal to the doc', async () => {
    const date = testDate(85);
    const ids = await makeJobs('a', date, 4);
    const a = await BoardClient.open('a.dispatcher', date);
    const b = await BoardClient.open('a.admin', date);
    open.push(a, b);

    await sqld('stop');
    let n = 0;
    const edit = (c: BoardClient, k: number) => {
      n++;
      c.set(
        ids[k % 4]!,
        k % 3 === 0
          ? { technicianId: k % 2 ? fx.a.technicianId : fx.a.ownTechnicianId }
          : k % 3 === 1
            ? { durationMin: 30 + k }
            : { start: at(date, `${String(8 + (k % 9)).padStart(2, '0')}:15`) },
      );
    };
    // In bursts of ten: the sleep paces the load, nothing waits on it.
    for (let k = 0; k < 40; k++) {
      edit(k % 2 ? a : b, k);
      if (k % 10 === 9) await sleep(50);
    }
    // Acknowledged: the room persisted and fanned out every edit although libSQL is away.
    await waitFor(() => JSON.stringify(a.schedules()) === JSON.stringify(b.schedules()), 'both clients to converge during the outage');
    await waitFor(async () => (await roomStorage(date)).failures > 0, 'the drain to fail at least once');
    const during = await roomStorage(date);
    expect(during.outbox).toBeGreaterThan(0);
    expect(n).toBe(40);
    // The org's metrics hear of the backlog (switchboard_outbox_backlog of GET /api/metrics).
    await waitFor(async () => Number((await metricsOf(date))[0]?.backlog ?? 0) > 0, 'the backlog to reach the metrics');

    // The room is evicted mid-outage: the doc and the outbox come back from its own storage.
    await evictDurableObject(roomStub('a', date));
    a.set(ids[0]!, { durationMin: 99 });
    await waitFor(() => b.job(ids[0]!)?.durationMin === 99, 'an edit after the wake, libSQL still down');
    expect((await roomStorage(date)).outbox).toBeGreaterThanOrEqual(during.outbox);

    await sqld('start');
    await waitFor(
      async () => {
        await runDurableObjectAlarm(roomStub('a', date));
        return (await roomStorage(date)).outbox === 0;
      },
      'the outbox to drain',
      20_000,
    );

    expect(await recordsOf(a)).toEqual(a.schedules());
    expect(a.schedules()).toEqual(b.schedules());
    const after = await roomStorage(date);
    expect(after).toEqual({ outbox: 0, failures: 0, dead: 0 });
    // And of its end: back at 0, the room's line is gone.
    await waitFor(async () => (await metricsOf(date)).length === 0, 'the metrics to hear the outbox is empty');
    // Every job's last event describes what the record now holds.
    for (const id of ids) {
      const ev = await sql.execute({
        sql: `select after from job_events where job_id = ? order by json_extract(after, '$.scheduleVersion') desc limit 1`,
        args: [id],
      });
      const last = JSON.parse(String(ev.rows[0]!.after));
      const doc = a.schedules()[id]!;
      expect({ technicianId: last.technicianId, start: last.scheduledStart, durationMin: last.durationMin, status: last.status }).toEqual(
        doc,
      );
    }
  });

  it('refuses to open a day it has never loaded while libSQL is down, and opens it once libSQL is back', async () => {
    const date = testDate(86);
    const [j] = await makeJobs('a', date, 1);
    await sqld('stop');
    // The Worker cannot even check the session: the upgrade fails, nobody gets an empty board.
    const { openRaw } = await import('./board-client.ts');
    const res = await openRaw('a.dispatcher', date);
    expect(res.status).toBe(503);
    await res.text();
    await sqld('start');
    const c = await BoardClient.open('a.dispatcher', date);
    open.push(c);
    expect(Object.keys(c.schedules())).toEqual([j]);
  });
});
