/**
 * A board room's name: `${orgId}:${YYYY-MM-DD}`, one room per org and local day (the org's
 * IANA timezone decides the day). The Worker builds it from the session's org, never from the
 * request; the room parses it back to know whose records it projects into.
 */
import { isLocalDate } from '../core/time.ts';

export interface BoardName {
  orgId: string;
  date: string;
}

export function boardRoomName(orgId: string, date: string): string {
  if (!orgId || orgId.includes(':')) throw new Error('An org id may not be empty or contain ":"');
  if (!isLocalDate(date)) throw new Error(`Not a calendar date: ${date}`);
  return `${orgId}:${date}`;
}

export function parseBoardRoomName(name: string): BoardName {
  const at = name.lastIndexOf(':');
  const orgId = name.slice(0, at);
  const date = name.slice(at + 1);
  if (at <= 0 || !isLocalDate(date)) throw new Error(`Not a board room name: ${name}`);
  return { orgId, date };
}
