/**
 * A room connection lives no longer than the session it was opened with. The Worker checks
 * the session at the upgrade; after that a socket can stay open all day. Two things close it:
 *
 * - The Worker, when it ends a session or changes a person's access (sign-out, a session
 *   revoked on the account page, a person deactivated or given another role): it calls the
 *   room's `closeConnections`, which closes the matching sockets (`closeMatching`).
 * - This watch, for what the Worker does not see (a session expiring, a row changed by hand):
 *   when a frame arrives on a connection whose session was last checked more than
 *   SESSION_RECHECK_MS ago, the session is read again from libSQL, one query, off the frame's
 *   path (the frame is handled at once either way). Stock Yjs clients renew their awareness
 *   every 15 s, so a live connection is re-checked about once a minute; a silent one is
 *   checked on its next frame, before anything it sends could matter for long.
 *
 * The check is the door's own (core/permissions.ts refusalFor), so a socket is closed for
 * exactly the reasons the door would now refuse it, with a code the app explains
 * (core/room-close.ts). The idle timeout is the one rule not applied here: frames on the socket
 * are the session in use, and the idle timeout applies again at the next upgrade. If libSQL
 * does not answer, the connection stays open and is checked again an interval later: the board
 * works through a libSQL outage, and a check must not end it for everyone.
 */
import type { Client } from '@libsql/client/web';
import type { Connection } from 'partyserver';
import { mustEnrolSecondFactor, refusalFor, type Permission } from '../core/permissions.ts';
import { ROOM_CLOSE, type RoomClose } from '../core/room-close.ts';
import { ROLES, type Role } from '../core/roles.ts';
import type { Identity } from './identity.ts';

export const SESSION_RECHECK_MS = 60_000;

/** Which connections a `closeConnections` call means: any whose session, or whose person, is listed. */
export interface ConnectionMatch {
  sessionIds?: string[];
  userIds?: string[];
}

/** What this module keeps in a connection's state (the socket attachment, so it survives hibernation). */
export interface WatchedState {
  who?: Identity;
  /** When the session behind this connection was last found good: the upgrade, then each re-check. */
  sessionCheckedAt?: number;
}

/** Closes the connections `match` names with `close`; answers how many. */
export function closeMatching(connections: Iterable<Connection>, match: ConnectionMatch, close: RoomClose): number {
  const sessions = new Set(match.sessionIds ?? []);
  const users = new Set(match.userIds ?? []);
  let closed = 0;
  for (const conn of connections) {
    const who = (conn.state as WatchedState | null)?.who;
    if (!who || !(sessions.has(who.sessionId) || users.has(who.userId))) continue;
    try {
      conn.close(close.code, close.reason);
      closed++;
    } catch {
      // already closing
    }
  }
  return closed;
}

/** A session's row as the re-check reads it; undefined when there is none. */
export interface SessionRow {
  revokedAt: number | null;
  expiresAt: number;
  method: string;
  role: string;
  active: boolean;
  requireForTechnicians: boolean;
}

/**
 * Whether a connection opened as `who` for `permission` must close now, and with what; null
 * while its session still holds. A session that is gone, revoked or past its absolute lifetime
 * ended; a person turned off, with another role, or refused by the door's check lost access.
 */
export function closeFor(row: SessionRow | undefined, who: Identity, permission: Permission, now: number): RoomClose | null {
  if (!row || row.revokedAt !== null || row.expiresAt <= now) return ROOM_CLOSE.sessionEnded;
  if (!row.active || row.role !== who.role || !ROLES.includes(row.role as Role)) return ROOM_CLOSE.accessChanged;
  const role = row.role as Role;
  const refusal = refusalFor(
    { role, mustEnrolSecondFactor: mustEnrolSecondFactor(row.method, role, row.requireForTechnicians) },
    permission,
  );
  if (refusal) return refusal.kind === 'signed-out' ? ROOM_CLOSE.sessionEnded : ROOM_CLOSE.accessChanged;
  return null;
}

export class SessionWatch {
  /** How long a check holds. A field so a test can shorten it for one room instance (runInDurableObject). */
  everyMs = SESSION_RECHECK_MS;
  /** Re-checks started (tests, diagnostics). */
  checks = 0;
  /** When each connection was last checked, in memory; after a wake, read once from its attachment. */
  #checkedAt = new WeakMap<object, number>();

  constructor(
    private readonly permission: Permission,
    private readonly libsql: () => Client,
    private readonly waitUntil: (p: Promise<unknown>) => void,
  ) {}

  /** Call with every frame of `conn`: starts a re-check of its session when one is due. Never waits for it. */
  frame(conn: Connection, now = Date.now()): void {
    let at = this.#checkedAt.get(conn);
    if (at === undefined) {
      at = (conn.state as WatchedState | null)?.sessionCheckedAt ?? 0;
      this.#checkedAt.set(conn, at);
    }
    if (now - at < this.everyMs) return;
    // Counted from the start, so a slow check is not started again by the frames behind it.
    this.#checkedAt.set(conn, now);
    this.checks++;
    this.waitUntil(this.#recheck(conn, now));
  }

  async #recheck(conn: Connection, now: number): Promise<void> {
    const who = (conn.state as WatchedState | null)?.who;
    let close: RoomClose | null;
    try {
      close = who ? closeFor(await this.#read(who), who, this.permission, now) : ROOM_CLOSE.sessionEnded;
    } catch (e) {
      console.warn('room: session re-check failed; the next frame after the interval tries again', e);
      return;
    }
    try {
      if (close) conn.close(close.code, close.reason);
      else conn.setState((prev: unknown) => ({ ...(prev as object), sessionCheckedAt: now }));
    } catch {
      // closed meanwhile
    }
  }

  async #read(who: Identity): Promise<SessionRow | undefined> {
    const r = await this.libsql().execute({
      sql: `select s.revoked_at, s.expires_at, s.method, u.role, u.active, o.require_totp_for_technicians
            from sessions s join users u on u.id = s.user_id join orgs o on o.id = u.org_id
            where s.token_hash = ? and s.user_id = ?`,
      args: [who.sessionId, who.userId],
    });
    const row = r.rows[0];
    if (!row) return undefined;
    return {
      revokedAt: row.revoked_at == null ? null : Number(row.revoked_at),
      expiresAt: Number(row.expires_at),
      method: String(row.method),
      role: String(row.role),
      active: Boolean(Number(row.active)),
      requireForTechnicians: Boolean(Number(row.require_totp_for_technicians)),
    };
  }
}
