/**
 * Which live rooms a session has open, and closing them when the session ends or the person's
 * access changes. A room socket is authenticated once, at the upgrade; without this, a socket
 * opened before a sign-out would go on receiving the board.
 *
 * The room door (worker/rooms-route.ts) notes every upgrade here before handing the socket to
 * the room; sign-out, a session revoked on the account page, a person deactivated or given
 * another role, and a second factor reset then look up the rooms that session or person has
 * open and ask each to close the matching sockets (`closeConnections` on every room kind),
 * with a close code the app explains (core/room-close.ts). What happens behind the API's back
 * (a session expiring, a row changed by hand) the rooms find themselves (rooms/session-watch.ts).
 */
import { and, eq, lt, ne, sql } from 'drizzle-orm';
import type { RoomClose } from '../core/room-close.ts';
import { roomConnections } from '../db/schema.ts';
import type { ConnectionMatch } from '../rooms/session-watch.ts';
import { SESSION_ABSOLUTE_MS } from './auth/session.ts';
import type { Db } from './db.ts';
import type { Env } from './env.ts';

export type RoomKind = (typeof roomConnections.kind.enumValues)[number];

/**
 * Notes that `sessionId` is opening `room`, in one round trip. Rows older than a session can
 * live go in the same batch: their sessions have expired, and the rooms close such sockets
 * themselves at the next re-check.
 */
export async function noteRoomConnection(
  db: Db,
  row: { sessionId: string; userId: string; kind: RoomKind; room: string },
  now = Date.now(),
): Promise<void> {
  await db.batch([
    db.delete(roomConnections).where(lt(roomConnections.openedAt, now - SESSION_ABSOLUTE_MS)),
    db
      .insert(roomConnections)
      .values({ ...row, openedAt: now })
      .onConflictDoUpdate({
        target: [roomConnections.sessionId, roomConnections.kind, roomConnections.room],
        set: { openedAt: sql`excluded.opened_at` },
      }),
  ]);
}

/** The room a row names: every kind answers closeConnections. */
function roomOf(env: Env, kind: RoomKind, room: string) {
  switch (kind) {
    case 'board':
      return env.BOARD_ROOM.getByName(room);
    case 'technician':
      return env.TECHNICIAN_ROOM.getByName(room);
    case 'org':
      return env.ORG_ROOM.getByName(room);
  }
}

/** Whose sockets to close: one session's, or every session of a person's (but one, for "sign out the others"). */
export type Whose = { sessionId: string } | { userId: string; exceptSessionId?: string };

/**
 * Closes the room sockets of `whose` with `close`. Call it after the change is stored, so a
 * client that reconnects at once meets the new state. A room that cannot be reached is logged
 * and left: its own re-check closes the socket within a minute of its next frame.
 */
export async function closeRoomConnections(env: Env, db: Db, whose: Whose, close: RoomClose): Promise<void> {
  const where =
    'sessionId' in whose
      ? eq(roomConnections.sessionId, whose.sessionId)
      : and(
          eq(roomConnections.userId, whose.userId),
          whose.exceptSessionId === undefined ? undefined : ne(roomConnections.sessionId, whose.exceptSessionId),
        );
  const rows = await db
    .select({ sessionId: roomConnections.sessionId, kind: roomConnections.kind, room: roomConnections.room })
    .from(roomConnections)
    .where(where);
  const rooms = new Map<string, { kind: RoomKind; room: string; sessionIds: string[] }>();
  for (const r of rows) {
    const key = `${r.kind}:${r.room}`;
    const entry = rooms.get(key) ?? { kind: r.kind, room: r.room, sessionIds: [] };
    entry.sessionIds.push(r.sessionId);
    rooms.set(key, entry);
  }
  const results = await Promise.allSettled(
    [...rooms.values()].map(({ kind, room, sessionIds }) => {
      // A whole person is matched by user in the room too, so a socket whose row is missing goes as well.
      const match: ConnectionMatch =
        'userId' in whose && whose.exceptSessionId === undefined ? { userIds: [whose.userId] } : { sessionIds };
      return roomOf(env, kind, room).closeConnections(match, close);
    }),
  );
  for (const r of results) if (r.status === 'rejected') console.error('room connections not closed', r.reason);
}
