/**
 * Presence on a board: who is here and which card each person is dragging travel as Yjs
 * awareness (core/board-doc.ts `BoardAwareness`), relayed by y-partyserver; technicians'
 * positions arrive from their phones (rooms/technician-room.ts) and go out to the board as a
 * custom message, to the clients that subscribed (core/board-notices.ts). None of it touches the doc: a Y.Map keeps every value ever written.
 *
 * The room checks awareness before relaying it, because it is shown to everyone as fact:
 * - a state names its sender as the Worker authenticated them (user.id), so nobody can appear
 *   as someone else or drag-lock a card in another person's name;
 * - a client id belongs to the connection that first announced it, so nobody can remove or
 *   overwrite another person's presence;
 * - states are small (a name, a colour, a card id).
 */
import type { AwarenessEntry } from './message-guard.ts';
import type { Identity } from './identity.ts';
import type { TechnicianPosition } from '../core/board-notices.ts';

const MAX_STATE_BYTES = 2048;

/**
 * Whether connection `connId` may send these awareness entries. `ownerOf` names the connection
 * that first announced a client id (undefined: nobody yet).
 */
export function mayAnnounce(
  entries: readonly AwarenessEntry[],
  who: Identity,
  connId: string,
  ownerOf: (clientId: number) => string | undefined,
): boolean {
  for (const e of entries) {
    const owner = ownerOf(e.clientId);
    if (owner !== undefined && owner !== connId) return false;
    if (e.state === null) {
      if (owner !== connId) return false;
      continue;
    }
    const user = e.state.user as { id?: unknown } | undefined;
    if (!user || user.id !== who.userId) return false;
    if (JSON.stringify(e.state).length > MAX_STATE_BYTES) return false;
  }
  return true;
}

/** A position a phone reported, checked: a real place on Earth, taken recently. */
export function parsePosition(technicianId: string, raw: unknown, now = Date.now()): TechnicianPosition | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const { lat, lng, at } = raw as Record<string, unknown>;
  if (typeof lat !== 'number' || typeof lng !== 'number' || !Number.isFinite(lat) || !Number.isFinite(lng)) return null;
  if (Math.abs(lat) > 90 || Math.abs(lng) > 180) return null;
  const taken = typeof at === 'number' && Number.isFinite(at) ? Math.min(at, now) : now;
  if (now - taken > 10 * 60_000) return null;
  return { technicianId, lat, lng, at: taken };
}

/**
 * Positions are throttled per technician: a phone may report often, the board needs one every
 * POSITION_EVERY_MS (and the latest wins).
 */
export const POSITION_EVERY_MS = 10_000;

/** What a connection keeps in its attachment for presence (it survives hibernation). */
interface PresenceState {
  who?: Identity;
  /** Awareness client ids this connection announced. */
  announced?: number[];
}

interface PresenceConnection {
  id: string;
  state: unknown;
  setState(update: (prev: unknown) => unknown): unknown;
}

/**
 * Awareness client id -> the connection that first announced it, so nobody can remove or
 * overwrite another person's presence. In memory, rebuilt from the sockets' attachments after a
 * wake (each connection also keeps the ids it announced there).
 */
export class AwarenessOwners {
  #owners: Map<number, string> | null = null;

  constructor(private readonly connections: () => Iterable<PresenceConnection>) {}

  /** Whether `conn` may send these entries (mayAnnounce); if so, it owns the ids it announces for the first time. */
  admit(conn: PresenceConnection, entries: readonly AwarenessEntry[]): boolean {
    const who = (conn.state as PresenceState | null)?.who;
    const owners = this.#map();
    if (!who || !mayAnnounce(entries, who, conn.id, (id) => owners.get(id))) return false;
    const fresh = entries.filter((e) => e.state !== null && !owners.has(e.clientId)).map((e) => e.clientId);
    if (fresh.length) {
      for (const id of fresh) owners.set(id, conn.id);
      conn.setState((prev: unknown) => ({
        ...(prev as object),
        announced: [...((prev as PresenceState | null)?.announced ?? []), ...fresh],
      }));
    }
    return true;
  }

  /** A connection closed: its ids are free again. */
  forget(connId: string): void {
    if (this.#owners) for (const [id, owner] of this.#owners) if (owner === connId) this.#owners.delete(id);
  }

  #map(): Map<number, string> {
    if (!this.#owners) {
      this.#owners = new Map();
      for (const c of this.connections()) for (const id of (c.state as PresenceState | null)?.announced ?? []) this.#owners.set(id, c.id);
    }
    return this.#owners;
  }
}
