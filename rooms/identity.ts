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
} as const;

export interface Identity {
  userId: string;
  role: Role;
  name: string;
}

export function identityHeaders(who: Identity): Record<string, string> {
  // Names are any Unicode; header values must be ASCII.
  return {
    [IDENTITY_HEADERS.userId]: who.userId,
    [IDENTITY_HEADERS.role]: who.role,
    [IDENTITY_HEADERS.name]: encodeURIComponent(who.name),
  };
}

export function identityFrom(headers: Headers): Identity | null {
  const userId = headers.get(IDENTITY_HEADERS.userId);
  const role = headers.get(IDENTITY_HEADERS.role) as Role | null;
  const name = headers.get(IDENTITY_HEADERS.name);
  if (!userId || !role || !ROLES.includes(role) || name === null) return null;
  try {
    return { userId, role, name: decodeURIComponent(name) };
  } catch {
    return null;
  }
}
