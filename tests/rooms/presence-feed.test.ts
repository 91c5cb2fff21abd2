/**
 * Presence on the board (awareness checked by the room, technicians' positions) and the
 * technician's own feed (rooms/technician-room.ts): only their jobs, live, read-only.
 */
import { runInDurableObject, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { SUBSCRIBE_NOTICES } from '../../core/board-notices.ts';
import { readRawJob } from '../../core/board-doc-room.ts';
import { technicianRoomName } from '../../rooms/board-name.ts';
import { POSITION_EVERY_MS } from '../../rooms/presence.ts';
import type { TechnicianRoom } from '../../rooms/technician-room.ts';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { ORIGIN, at, barrier, fx, makeJobs, openRaw, roomEnv, testDate, waitFor, trackedClients } from './board-client.ts';

const connect = trackedClients();

const me = (who: 'dispatcher' | 'manager' | 'admin', extra: Record<string, unknown> = {}) => ({
  user: { id: fx.a.userIds[who], name: `${who} a`, colour: '#0a7', role: who },
  ...extra,
});

describe('presence', () => {
  it('relays who is on the board and which card they drag, re-announced to late joiners', async () => {
    const date = testDate(60);
    const [j] = await makeJobs('a', date, 1);
    const a = await connect('a.dispatcher', date);
    const b = await connect('a.manager', date);
    a.announce(me('dispatcher', { dragging: { jobId: j, technicianId: fx.a.technicianId, start: at(date, '09:00') } }));
    b.announce(me('manager'));
    await waitFor(
      () => b.presentUsers().includes(fx.a.userIds.dispatcher) && a.presentUsers().includes(fx.a.userIds.manager),
      'both to see each other',
    );
    const seen = [...b.awareness.getStates().values()].find((s: any) => s.user.id === fx.a.userIds.dispatcher) as any;
    expect(seen.dragging).toMatchObject({ jobId: j });

    // Someone arriving later is told who is already here.
    const late = await connect('a.admin', date);
    await waitFor(
      () => late.presentUsers().includes(fx.a.userIds.dispatcher) && late.presentUsers().includes(fx.a.userIds.manager),
      'a late joiner to see the others',
    );

    // Leaving takes the presence away for everyone.
    a.close();
    await waitFor(() => !b.presentUsers().includes(fx.a.userIds.dispatcher), 'the leaver to disappear');
  });

  it('refuses presence in someone else’s name, and removing or overwriting another person’s', async () => {
    const date = testDate(61);
    const a = await connect('a.dispatcher', date);
    const b = await connect('a.manager', date);
    const watcher = await connect('a.admin', date);
    a.announce(me('dispatcher'));
    await waitFor(() => watcher.presentUsers().includes(fx.a.userIds.dispatcher), 'the honest announcement');

    const forger = (clientID: number) => {
      const f = new awarenessProtocol.Awareness(new Y.Doc());
      clearInterval((f as any)._checkInterval);
      (f as any).clientID = clientID;
      // Clocks well ahead of the real client's, so only the room can stop these.
      for (let i = 0; i < 5; i++) f.setLocalState({ n: i });
      return f;
    };
    // b claims to be the dispatcher, under a client id of its own making.
    const impostor = forger(424242);
    impostor.setLocalState(me('dispatcher', { dragging: { jobId: 'x', technicianId: null, start: null } }));
    b.sendAwareness([424242], impostor);
    // b tries to remove a's entry, then to overwrite it, using a's client id.
    const hijack = forger(a.doc.clientID);
    hijack.setLocalState(null);
    b.sendAwareness([a.doc.clientID], hijack);
    hijack.setLocalState(me('dispatcher', { dragging: { jobId: 'y', technicianId: null, start: null } }));
    b.sendAwareness([a.doc.clientID], hijack);
    // Then says who it really is: that one goes through, and proves the frames before it were handled.
    b.announce(me('manager'));
    await waitFor(() => watcher.presentUsers().includes(fx.a.userIds.manager), 'the honest one from b');
    const states = [...watcher.awareness.getStates().entries()];
    expect(states.filter(([, s]: any) => s.user?.id === fx.a.userIds.dispatcher).map(([id]) => id)).toEqual([a.doc.clientID]);
    expect((watcher.awareness.getStates().get(a.doc.clientID) as any).dragging).toBeUndefined();
  });
});

describe('a technician’s feed', () => {
  it('holds only that technician’s jobs, follows the board live, and takes no writes', async () => {
    const date = testDate(62);
    const [mine] = await makeJobs('a', date, 1, 'own');
    const [theirs, later] = await makeJobs('a', date, 2, 'other');
    const board = await connect('a.dispatcher', date);
    const phone = await connect('a.technician', date, { room: 'technician' });
    expect(Object.keys(phone.schedules())).toEqual([mine]);
    expect(phone.doc.getMap('meta').get('date')).toBe(date);

    // The dispatcher gives the technician another job, and takes one away.
    board.set(later!, { technicianId: fx.a.ownTechnicianId });
    await waitFor(() => phone.job(later!)?.technicianId === fx.a.ownTechnicianId, 'the new job to reach the phone');
    board.set(mine!, { technicianId: fx.a.technicianId });
    await waitFor(() => phone.job(mine!) === undefined, 'the old job to leave the phone');
    expect(Object.keys(phone.schedules())).toEqual([later]);
    expect(phone.job(theirs!)).toBeUndefined();

    // The phone is read-only: its edits reach nobody. The barrier: the phone's presence, sent after
    // the edit through the same socket, reaches a second phone of the same technician, so the feed
    // room has handled the edit; its own doc shows what became of it.
    const second = await connect('a.technician', date, { room: 'technician' });
    phone.set(later!, { durationMin: 5 });
    await barrier(phone, second, { presenceAs: fx.a.userIds.technician });
    const feed = roomEnv.TECHNICIAN_ROOM.getByName(technicianRoomName(fx.a.orgId, fx.a.ownTechnicianId, date));
    expect(await runInDurableObject(feed, (room: TechnicianRoom) => readRawJob(room.document, later!)?.durationMin)).toBe(60);
    const again = await connect('a.technician', date, { room: 'technician' });
    expect(again.job(later!)?.durationMin).toBe(60);
    expect(second.job(later!)?.durationMin).toBe(60);
    expect(board.job(later!)?.durationMin).toBe(60);
  });

  it('receives a job booked straight onto the technician’s day through the API (a new job, not a move)', async () => {
    const date = testDate(65);
    const phone = await connect('a.technician', date, { room: 'technician' });
    expect(Object.keys(phone.schedules())).toEqual([]);
    const res = await SELF.fetch(`${ORIGIN}/api/jobs`, {
      method: 'POST',
      headers: { origin: ORIGIN, cookie: `__Host-sb_session=${fx.a.tokens.dispatcher}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        customerId: fx.a.customerId,
        locationId: fx.a.locationId,
        type: 'Service call',
        description: 'Booked onto the phone’s day',
        technicianId: fx.a.ownTechnicianId,
        scheduledStart: at(date, '15:00'),
      }),
    });
    const created = (await res.json()) as { id: string };
    expect(res.status, JSON.stringify(created)).toBe(201);
    await waitFor(() => phone.job(created.id)?.technicianId === fx.a.ownTechnicianId, 'the new job to reach the phone');
  });

  it('is only for technicians, and the board is not', async () => {
    const date = testDate(63);
    expect((await openRaw('a.dispatcher', date, { room: 'technician' })).status).toBe(403);
    expect((await openRaw('a.technician', date)).status).toBe(403);
    expect((await openRaw('anon', date, { room: 'technician' })).status).toBe(401);
  });

  it('passes the phone’s position to the boards that subscribed, throttled', async () => {
    const date = testDate(64);
    const board = await connect('a.dispatcher', date);
    board.sendCustom(SUBSCRIBE_NOTICES);
    // A client that never subscribes (a stock y-websocket provider, which throws on text frames) gets none.
    const plain = await connect('a.dispatcher', date);
    const phone = await connect('a.technician', date, { room: 'technician' });
    // The throttle goes by when a position was taken (`at`), so the test sets the times, a minute ago.
    const taken = Date.now() - 60_000;
    phone.sendCustom({ type: 'position', lat: 30.27, lng: -97.74, at: taken });
    // Within POSITION_EVERY_MS of the first: dropped. Then one that is no place on Earth.
    phone.sendCustom({ type: 'position', lat: 30.5, lng: -97.5, at: taken + 1_000 });
    phone.sendCustom({ type: 'position', lat: 999, lng: 0 });
    // The barrier: a position taken a whole interval after the first, sent last through the same
    // socket (the feed room handles its frames in order and passes positions on in that order).
    // Had the dropped one been passed on, the board would have shown it before this one. Out of
    // order, the board's own throttle settles it: after this one it is older than the last the
    // board has; before the first, it would have made this one (9 s after it) too early to show.
    phone.sendCustom({ type: 'position', lat: 30.3, lng: -97.7, at: taken + POSITION_EVERY_MS });
    const positions = () => board.notices.filter((n) => n.type === 'positions').flatMap((n) => n.positions);
    await waitFor(() => positions().some((p) => p.lat === 30.3), 'the position a whole interval later on the board');
    expect(positions()).toEqual([
      { technicianId: fx.a.ownTechnicianId, lat: 30.27, lng: -97.74, at: taken },
      { technicianId: fx.a.ownTechnicianId, lat: 30.3, lng: -97.7, at: taken + POSITION_EVERY_MS },
    ]);
    // The barrier for the plain client: the room sends a position notice to all its addressees at
    // once, so any it sent went out before the board had the last one, and before this edit.
    await barrier(board, plain);
    expect(plain.notices).toEqual([]);
    // Someone opening the board later gets the last known positions as soon as they subscribe.
    const late = await connect('a.manager', date);
    late.sendCustom(SUBSCRIBE_NOTICES);
    await waitFor(() => late.notices.some((n) => n.type === 'positions'), 'positions for a late joiner');
  });
});
