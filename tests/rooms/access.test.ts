/**
 * Who may open a board: the Worker refuses before any room is touched, and the room is always
 * the session's own org's, whatever the request says.
 */
import { jobIdsOf, readRawJob } from '../../core/board-doc-room.ts';
import { SELF, listDurableObjectIds, runInDurableObject } from 'cloudflare:test';
import { afterEach, describe, expect, it } from 'vitest';
import type { BoardRoom } from '../../rooms/board-room.ts';
import { BoardClient, barrier, fx, makeJobs, openRaw, roomStub, roomEnv, testDate, waitFor } from './board-client.ts';

const open: BoardClient[] = [];
afterEach(() => {
  for (const c of open.splice(0)) c.close();
});

async function expectRefused(res: Response, status: number) {
  expect(res.status).toBe(status);
  expect(res.webSocket).toBeNull();
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  await res.text();
}

/** Has a room for (org, date) ever been created? Refused upgrades must not create one. */
async function roomExists(org: 'a' | 'b', date: string) {
  const ids = await listDurableObjectIds(roomEnv.BOARD_ROOM);
  const id = roomEnv.BOARD_ROOM.idFromName(`${fx[org].orgId}:${date}`);
  return ids.some((x) => x.equals(id));
}

describe('who may connect', () => {
  it('refuses a signed-out client (401), a bad session (401) and a technician (403)', async () => {
    const date = testDate(30);
    await expectRefused(await openRaw('anon', date), 401);
    await expectRefused(await openRaw('anon', date, { headers: { cookie: '__Host-sb_session=not-a-session' } }), 401);
    await expectRefused(await openRaw('a.technician', date), 403);
    expect(await roomExists('a', date)).toBe(false);
  });

  it('refuses a cross-origin upgrade, even with a valid session', async () => {
    const date = testDate(31);
    await expectRefused(await openRaw('a.dispatcher', date, { origin: 'https://evil.example' }), 403);
    await expectRefused(await openRaw('a.dispatcher', date, { origin: null, headers: { 'sec-fetch-site': 'cross-site' } }), 403);
    expect(await roomExists('a', date)).toBe(false);
    // Same origin, and a non-browser client with no Origin, both get in.
    open.push(await BoardClient.open('a.dispatcher', date));
    open.push(await BoardClient.open('a.dispatcher', date, { origin: null, bearer: true }));
  });

  it('refuses dates that are not dates or far from today, and plain GETs', async () => {
    for (const bad of ['2026-02-30', 'today', '2026-1-01', `${testDate(0)}x`, testDate(500), testDate(-500)]) {
      await expectRefused(await openRaw('a.dispatcher', bad), 400);
    }
    const get = await SELF.fetch(`http://switchboard.test/api/rooms/board/${testDate(1)}`, {
      headers: { cookie: `__Host-sb_session=${fx.a.tokens.dispatcher}` },
    });
    expect(get.status).toBe(426);
    await get.text();
  });

  it('puts each person in their own org’s room: another org’s board cannot be reached', async () => {
    const date = testDate(32);
    const [aJob] = await makeJobs('a', date, 1);
    const [bJob] = await makeJobs('b', date, 1);
    const a = await BoardClient.open('a.dispatcher', date);
    // Forged room-identity headers and partyserver's own headers are not passed on.
    const b = await BoardClient.open('b.dispatcher', date, {
      headers: {
        'x-switchboard-user-id': fx.a.userIds.admin,
        'x-switchboard-role': 'admin',
        'x-partykit-room': `${fx.a.orgId}:${date}`,
        'x-partykit-props': '{"orgId":"x"}',
      },
    });
    open.push(a, b);
    expect(Object.keys(a.schedules())).toEqual([aJob]);
    expect(Object.keys(b.schedules())).toEqual([bJob]);
    b.set(bJob!, { durationMin: 33 });
    // Once org b's room holds b's edit, it went nowhere else: a socket speaks to one room. Org a's
    // room then neither has it nor ever sends it.
    const inRoom = (org: 'a' | 'b') =>
      runInDurableObject(roomStub(org, date), (room: BoardRoom) => ({
        jobs: jobIdsOf(room.document),
        durationMin: readRawJob(room.document, org === 'a' ? aJob! : bJob!)?.durationMin,
      }));
    await waitFor(async () => (await inRoom('b')).durationMin === 33, 'b’s edit in org b’s room');
    expect(await inRoom('a')).toEqual({ jobs: [aJob], durationMin: 60 });
    expect(Object.keys(a.schedules())).toEqual([aJob]);
    // The org b connection is known to its room as the org b dispatcher, not as the forged admin.
    const who = await runInDurableObject(roomStub('b', date), (room: BoardRoom) =>
      [...room.getConnections()].map((c) => (c.state as { who: { userId: string } }).who.userId),
    );
    expect(who).toEqual([fx.b.userIds.dispatcher]);
  });

  it('keeps a manager read-only even with a forged role header', async () => {
    const date = testDate(33);
    const [j] = await makeJobs('a', date, 1);
    const w = await BoardClient.open('a.dispatcher', date);
    const m = await BoardClient.open('a.manager', date, { headers: { 'x-switchboard-role': 'dispatcher' } });
    open.push(w, m);
    m.set(j!, { durationMin: 11 });
    // The barrier: the manager's presence, sent after the edit through the same socket, reaches the
    // dispatcher, so the room has handled the edit; its own doc shows what became of it.
    await barrier(m, w, { presenceAs: fx.a.userIds.manager });
    const inRoom = await runInDurableObject(roomStub('a', date), (room: BoardRoom) => readRawJob(room.document, j!)?.durationMin);
    expect(inRoom).toBe(60);
    expect(w.job(j!)?.durationMin).toBe(60);
    // Another key, so the manager's own (diverged) copy of the placement does not hide it.
    w.set(j!, { order: 7 });
    await waitFor(() => readRawJob(m.doc, j!)?.order === 7, 'manager to receive the dispatcher edit');
  });

  it('refuses an upgrade that reaches the room without the Worker’s identity', async () => {
    const res = await roomStub('a', testDate(34)).fetch('https://board-room.internal/x', { headers: { upgrade: 'websocket' } });
    expect(res.status).toBe(403);
    await res.text();
  });
});
