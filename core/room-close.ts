/**
 * Why a room closed a connection that the person cannot simply open again, as WebSocket close
 * codes in the range RFC 6455 leaves to applications (4000-4999; the last three digits echo
 * the HTTP status the door would now answer). The rooms send them and the app reads them, so
 * they are defined here once. A client closed with one of these must not reconnect by itself:
 * the door would refuse the same cookie, or the person now has other access.
 */
export const ROOM_CLOSE = {
  /** The session ended: signed out, signed out from another device, expired, second factor reset. */
  sessionEnded: { code: 4401, reason: 'session ended' },
  /** The person's access changed: a new role, an account turned off, a room their role no longer opens. */
  accessChanged: { code: 4403, reason: 'access changed' },
} as const;

export type RoomClose = (typeof ROOM_CLOSE)[keyof typeof ROOM_CLOSE];

/** The close for this code, if it is one of ours. */
export function roomCloseOf(code: number): RoomClose | null {
  return Object.values(ROOM_CLOSE).find((c) => c.code === code) ?? null;
}
