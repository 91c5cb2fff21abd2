/**
 * Who a board doc transaction comes from. A client's edit carries its Connection as the origin
 * (y-partyserver applies it that way); the room's own transactions carry a RoomOrigin, so the
 * update handler (rooms/board-projection.ts) can tell a load (nothing to check), an RPC's write
 * (stored at once, in its own transaction) and a repair (which must never need repairing) from
 * a client's edit, and every outbox row names the person it is attributed to.
 */
import type { Actor } from './board-contract.ts';
import type { Identity } from './identity.ts';

/** Transaction origins the room itself uses; client transactions carry their Connection. */
export class RoomOrigin {
  constructor(
    readonly kind: 'load' | 'rpc' | 'repair',
    readonly actor: Actor,
  ) {}
}

/** Loading the stored doc (or seeding it): the doc then holds what the room already accepted. */
export const LOAD = new RoomOrigin('load', { userId: null });

/** Who an update is attributed to: the room's caller, or the person behind the connection (as the Worker authenticated them). */
export function actorOf(origin: unknown): Actor {
  if (origin instanceof RoomOrigin) return origin.actor;
  const who = ((origin as { state?: unknown } | null)?.state as { who?: Identity } | null | undefined)?.who;
  return who ? { userId: who.userId, name: who.name } : { userId: null };
}
