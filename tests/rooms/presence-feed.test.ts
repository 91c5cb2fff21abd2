/**
 * Presence on the board (awareness checked by the room, technicians' positions) and the
 * technician's own feed (rooms/technician-room.ts): only their jobs, live, read-only.
 */
import { describe, expect, it } from 'vitest';
import { SUBSCRIBE_NOTICES } from '../../core/board-notices.ts';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { at, fx, makeJobs, openRaw, sleep, testDate, waitFor, trackedClients } from './board-client.ts';

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

    // The phone is read-only: its edits reach nobody.
    phone.set(later!, { durationMin: 5 });
    await sleep(200);
    const again = await connect('a.technician', date, { room: 'technician' });
    expect(again.job(later!)?.durationMin).toBe(60);
    expect(board.job(later!)?.durationMin).toBe(60);
  });

  it('is only for technicians, and the board is not', async () => {
    const date = testDate(63);
    expect((await openRaw('a.dispatcher', date, { room: 'technician' })).status).toBe(403);
    expect((await openRaw('a.technician', date)).status).toBe(403);
    expect((await openRaw('anon', date, { room: 'technician' })).status).toBe(401);
  });

  it('passes the phone’s position to the boards that subscribed, throttled', async () => {
    const date = testDate(64);
    const [job] = await makeJobs('a', date, 1, 'own');
    const board = await connect('a.dispatcher', date);
    board.sendCustom(SUBSCRIBE_NOTICES);
    // A client that never subscribes (a stock y-websocket provider, which throws on text frames) gets none.
    const plain = await connect('a.dispatcher', date);
    const phone = await connect('a.technician', date, { room: 'technician' });
    phone.sendCustom({ type: 'position', lat: 30.27, lng: -97.74, at: Date.now() });
    phone.sendCustom({ type: 'position', lat: 30.5, lng: -97.5, at: Date.now() });
    phone.sendCustom({ type: 'position', lat: 999, lng: 0 });
    await waitFor(() => board.notices.some((n) => n.type === 'positions'), 'the position on the board');
    await sleep(200);
    const positions = board.notices.filter((n) => n.type === 'positions').flatMap((n) => n.positions);
    expect(positions).toEqual([expect.objectContaining({ technicianId: fx.a.ownTechnicianId, lat: 30.27, lng: -97.74 })]);
    // Barrier: an edit sent after the position reaches the plain client after anything sent before it.
    board.set(job!, { durationMin: 45 });
    await waitFor(() => plain.job(job!)?.durationMin === 45, 'the edit after the position');
    expect(plain.notices).toEqual([]);
    // Someone opening the board later gets the last known positions as soon as they subscribe.
    const late = await connect('a.manager', date);
    late.sendCustom(SUBSCRIBE_NOTICES);
    await waitFor(() => late.notices.some((n) => n.type === 'positions'), 'positions for a late joiner');
  });
});
