/**
 * A room connection lives no longer than its session: signing out, revoking a session,
 * deactivating a person and changing their role close that person's board and feed sockets
 * with a code the app explains (core/room-close.ts), and leave everyone else's open. What
 * happens behind the API's back the room finds at its next re-check (rooms/session-watch.ts).
 *
 * Each close is awaited on the socket's close event (bounded, see people.ts closeOf). That
 * nobody else was closed is shown with a barrier: an edit made after the close still reaches
 * the other sockets.
 */
import { runInDurableObject } from 'cloudflare:test';
import { afterEach, describe, expect, it } from 'vitest';
import { readRawJob } from '../../core/board-doc-room.ts';
import { ROOM_CLOSE } from '../../core/room-close.ts';
import type { BoardRoom } from '../../rooms/board-room.ts';
import { SESSION_RECHECK_MS, type WatchedState } from '../../rooms/session-watch.ts';
import { type BoardClient, makeJobs, roomStub, sql, testDate, trackedClients, waitFor } from './board-client.ts';
import { apiAs, closeOf, newPerson, openWith, orgAdmin, type TestSession } from './people.ts';

const connect = trackedClients();

/** Sockets opened with people.ts sessions, closed after each test whatever happens. */
const opened: BoardClient[] = [];
afterEach(() => {
  for (const c of opened.splice(0)) c.close();
});
async function open(session: TestSession, date: string, room: 'board' | 'technician' = 'board') {
  const c = await openWith(session, date, room);
  opened.push(c);
  return c;
}

/** Any frame will do to wake the re-check; a stock client's awareness renewal is the usual one. */
const presence = (userId: string) => ({ user: { id: userId, name: 'Room person', colour: '#0a7', role: 'dispatcher' }, dragging: null });

let sentinels = 0;
/** The barrier: `writer` edits a job, and every one of `others` receives it, so each is still open and live. */
async function stillLive(writer: BoardClient, jobId: string, ...others: BoardClient[]) {
  const order = ++sentinels;
  writer.set(jobId, { order });
  for (const o of others) {
    await waitFor(() => readRawJob(o.doc, jobId)?.order === order, 'the sentinel edit to reach a socket that should be open');
    expect(o.closed).toBeNull();
  }
}

describe('ending a session closes its room sockets', () => {
  it('signing out closes that session’s board socket (4401); the same person’s other session stays', async () => {
    const date = testDate(91);
    const [j] = await makeJobs('a', date, 1);
    const writer = await connect('a.dispatcher', date);
    const person = await newPerson('dispatcher', { sessions: 2 });
    const [leaving, staying] = person.sessions as [TestSession, TestSession];
    const gone = await open(leaving, date);
    const kept = await open(staying, date);
    const closed = closeOf(gone);

    expect((await apiAs(leaving, 'POST', '/auth/sign-out')).status).toBe(204);
    expect(await closed).toEqual(ROOM_CLOSE.sessionEnded);
    await stillLive(writer, j!, kept);
  });

  it('signing out closes a technician’s feed socket (4401)', async () => {
    const date = testDate(92);
    const tech = await newPerson('technician');
    const feed = await open(tech.sessions[0]!, date, 'technician');
    const closed = closeOf(feed);
    expect((await apiAs(tech.sessions[0]!, 'POST', '/auth/sign-out')).status).toBe(204);
    expect(await closed).toEqual(ROOM_CLOSE.sessionEnded);
  });

  it('revoking a session on the account page closes its sockets (4401), and “sign out the others” closes the rest', async () => {
    const date = testDate(93);
    const [j] = await makeJobs('a', date, 1);
    const writer = await connect('a.dispatcher', date);
    const person = await newPerson('dispatcher', { sessions: 3 });
    const [here, revoked, other] = person.sessions as [TestSession, TestSession, TestSession];
    const mine = await open(here, date);
    const theirs = await open(revoked, date);
    const third = await open(other, date);
    // The same session on two days: both rooms close it.
    const theirsTomorrow = await open(revoked, testDate(94));

    const closed = [closeOf(theirs), closeOf(theirsTomorrow)];
    expect((await apiAs(here, 'DELETE', `/account/sessions/${revoked.id}`)).status).toBe(204);
    expect(await Promise.all(closed)).toEqual([ROOM_CLOSE.sessionEnded, ROOM_CLOSE.sessionEnded]);
    await stillLive(writer, j!, mine, third);

    const rest = closeOf(third);
    expect((await apiAs(here, 'POST', '/account/sessions/sign-out-others')).status).toBe(204);
    expect(await rest).toEqual(ROOM_CLOSE.sessionEnded);
    await stillLive(writer, j!, mine);
  });
});

describe('changing a person’s access closes their room sockets', () => {
  it('deactivating a person closes every one of their board and feed sockets (4403); others stay', async () => {
    const date = testDate(95);
    const [j] = await makeJobs('a', date, 1);
    const writer = await connect('a.dispatcher', date);
    const bystander = await open((await newPerson('dispatcher')).sessions[0]!, date);
    const person = await newPerson('dispatcher', { sessions: 2 });
    const sockets = [await open(person.sessions[0]!, date), await open(person.sessions[1]!, date)];
    const tech = await newPerson('technician');
    const feed = await open(tech.sessions[0]!, date, 'technician');

    const closed = sockets.map((s) => closeOf(s));
    expect((await apiAs(orgAdmin, 'PATCH', `/users/${person.userId}`, { active: false })).status).toBe(200);
    expect(await Promise.all(closed)).toEqual([ROOM_CLOSE.accessChanged, ROOM_CLOSE.accessChanged]);
    await stillLive(writer, j!, bystander);

    const feedClosed = closeOf(feed);
    expect((await apiAs(orgAdmin, 'PATCH', `/users/${tech.userId}`, { active: false })).status).toBe(200);
    expect(await feedClosed).toEqual(ROOM_CLOSE.accessChanged);
  });

  it('changing a person’s role closes their board and feed sockets (4403); others stay', async () => {
    const date = testDate(96);
    const [j] = await makeJobs('a', date, 1);
    const writer = await connect('a.dispatcher', date);
    const bystander = await open((await newPerson('manager')).sessions[0]!, date);
    const person = await newPerson('dispatcher');
    const socket = await open(person.sessions[0]!, date);
    const tech = await newPerson('technician');
    const feed = await open(tech.sessions[0]!, date, 'technician');

    const closed = closeOf(socket);
    expect((await apiAs(orgAdmin, 'PATCH', `/users/${person.userId}`, { role: 'manager' })).status).toBe(200);
    expect(await closed).toEqual(ROOM_CLOSE.accessChanged);
    await stillLive(writer, j!, bystander);

    const feedClosed = closeOf(feed);
    expect((await apiAs(orgAdmin, 'PATCH', `/users/${tech.userId}`, { role: 'dispatcher' })).status).toBe(200);
    expect(await feedClosed).toEqual(ROOM_CLOSE.accessChanged);
  });

  it('a name change closes nothing', async () => {
    const date = testDate(97);
    const [j] = await makeJobs('a', date, 1);
    const writer = await connect('a.dispatcher', date);
    const person = await newPerson('dispatcher');
    const socket = await open(person.sessions[0]!, date);
    expect((await apiAs(orgAdmin, 'PATCH', `/users/${person.userId}`, { name: 'Renamed in a room test' })).status).toBe(200);
    await stillLive(writer, j!, socket);
  });
});

describe('the room re-checks sessions itself', () => {
  it('closes a socket whose session was revoked behind the API’s back, at its first frame after the interval', async () => {
    const date = testDate(98);
    const [j] = await makeJobs('a', date, 1);
    const writer = await connect('a.dispatcher', date);
    const person = await newPerson('dispatcher', { sessions: 2 });
    const [revoked, fine] = person.sessions as [TestSession, TestSession];
    const socket = await open(revoked, date);
    const other = await open(fine, date);
    const room = roomStub('a', date);
    const checks = () => runInDurableObject(room, (r: BoardRoom) => r.sessionWatch.checks);
    expect(await runInDurableObject(room, (r: BoardRoom) => r.sessionWatch.everyMs)).toBe(SESSION_RECHECK_MS);

    await sql.execute({ sql: `update sessions set revoked_at = ? where token_hash = ?`, args: [Date.now(), revoked.id] });
    // Within the interval frames cost no libSQL query: this socket's frames (its edit, received
    // back by the writer as the barrier) start no check.
    const before = await checks();
    socket.set(j!, { order: 4242 });
    await waitFor(() => readRawJob(writer.doc, j!)?.order === 4242, 'the revoked socket’s edit to arrive');
    expect(await checks()).toBe(before);

    // The interval passed (for this room instance: the test cannot wait a minute); the next frame
    // starts a check, which finds the session revoked and closes only that socket.
    await runInDurableObject(room, (r: BoardRoom) => {
      r.sessionWatch.everyMs = 0;
    });
    const closed = closeOf(socket);
    socket.announce(presence(person.userId));
    expect(await closed).toEqual(ROOM_CLOSE.sessionEnded);

    // The other session's frame is checked too, and found good: its check is stored, and it stays.
    const checkedAt = () =>
      runInDurableObject(room, (r: BoardRoom) =>
        [...r.getConnections()]
          .map((c) => c.state as WatchedState)
          .filter((s) => s.who?.sessionId === fine.id)
          .map((s) => s.sessionCheckedAt),
      );
    const [connectedAt] = await checkedAt();
    other.announce(presence(person.userId));
    await waitFor(async () => (await checkedAt())[0] !== connectedAt, 'the other session’s check to finish');
    await stillLive(writer, j!, other);
  });

  it('closes a socket whose person lost the role behind the API’s back (4403)', async () => {
    const date = testDate(99);
    const person = await newPerson('dispatcher');
    const socket = await open(person.sessions[0]!, date);
    await runInDurableObject(roomStub('a', date), (r: BoardRoom) => {
      r.sessionWatch.everyMs = 0;
    });
    await sql.execute({ sql: `update users set role = 'technician' where id = ?`, args: [person.userId] });
    const closed = closeOf(socket);
    socket.announce(presence(person.userId));
    expect(await closed).toEqual(ROOM_CLOSE.accessChanged);
  });
});
