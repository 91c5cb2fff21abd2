/**
 * Who is on the other end of a room connection. The Worker authenticates the upgrade and
 * passes the person to the room in these headers on a request it builds itself (nothing the
 * client sent is copied onto it), so the room trusts them: a Durable Object is reachable only
 * through the Worker.
 */
import { ROLES, type Role } from '../core/roles.ts';

export const IDENTITY_HEADERS = {
  userId: 'x-switchboard-user-id',
  role: 'x-switchboard-role',
  name: 'x-switchboard-user-name',
  sessionId: 'x-switchboard-session-id',
} as const;

export interface Identity {
  userId: string;
  role: Role;
  name: string;
  /**
   * The session the upgrade came with: its key in the sessions table (the token's SHA-256,
   * never the token). The room re-checks it (rooms/session-watch.ts), and the Worker closes the
   * connections of a session that ends by it (worker/room-connections.ts).
   */
  sessionId: string;
}

export function identityHeaders(who: Identity): Record<string, string> {
  // Names are any Unicode; header values must be ASCII.
  return {
    [IDENTITY_HEADERS.userId]: who.userId,
    [IDENTITY_HEADERS.role]: who.role,
    [IDENTITY_HEADERS.name]: encodeURIComponent(who.name),
    [IDENTITY_HEADERS.sessionId]: who.sessionId,
  };
}

export function identityFrom(headers: Headers): Identity | null {
  const userId = headers.get(IDENTITY_HEADERS.userId);
  const role = headers.get(IDENTITY_HEADERS.role) as Role | null;
  const name = headers.get(IDENTITY_HEADERS.name);
  const sessionId = headers.get(IDENTITY_HEADERS.sessionId);
  if (!userId || !role || !ROLES.includes(role) || name === null || !sessionId) return null;
  try {
    return { userId, role, name: decodeURIComponent(name), sessionId };
  } catch {
    return null;
  }
}
