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

/** A technician's feed of one day: `${orgId}:${technicianId}:${YYYY-MM-DD}` (rooms/technician-room.ts). */
export function technicianRoomName(orgId: string, technicianId: string, date: string): string {
  if (!technicianId || technicianId.includes(':')) throw new Error('A technician id may not be empty or contain ":"');
  return `${boardRoomName(orgId, date).slice(0, -date.length)}${technicianId}:${date}`;
}

export interface TechnicianRoomName extends BoardName {
  technicianId: string;
}

export function parseTechnicianRoomName(name: string): TechnicianRoomName {
  const parts = name.split(':');
  const date = parts.pop()!;
  const technicianId = parts.pop()!;
  const orgId = parts.join(':');
  if (!orgId || !technicianId || !isLocalDate(date)) throw new Error(`Not a technician room name: ${name}`);
  return { orgId, technicianId, date };
}
