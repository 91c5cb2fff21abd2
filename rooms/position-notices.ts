/**
 * Technicians' positions on a board, as custom (`__YPS:` text) frames (core/board-notices.ts).
 * They go only to clients that asked for them: a stock y-websocket provider parses every frame
 * as binary Yjs and throws on text. Switchboard's board asks with
 * `{"type":"subscribe","notices":["positions"]}` once connected (rooms/presence.ts); the room
 * marks that in the connection's attachment, so it survives hibernation.
 */
import type { Connection } from 'partyserver';
import { isSubscribe, type BoardNotice, type TechnicianPosition } from '../core/board-notices.ts';
import { readPositions, recordPosition } from './positions-store.ts';

interface NoticeState {
  /** The client asked for the room's custom frames. */
  notices?: boolean;
}

const subscribed = (conn: Connection) => Boolean((conn.state as NoticeState | null)?.notices);

export class PositionNotices {
  constructor(
    private readonly sql: SqlStorage,
    /** y-partyserver's sendCustomMessage. */
    private readonly send: (conn: Connection, message: string) => void,
  ) {}

  /** A client's custom message: a subscription gets the positions known so far at once. */
  received(conn: Connection, message: string): void {
    if (!isSubscribe(message) || subscribed(conn)) return;
    conn.setState((prev: unknown) => ({ ...(prev as object), notices: true }));
    const positions = readPositions(this.sql);
    if (positions.length) this.send(conn, JSON.stringify({ type: 'positions', positions } satisfies BoardNotice));
  }

  /** A phone reported where it is: stored, and told to the subscribed clients, at most every POSITION_EVERY_MS per technician. */
  report(p: TechnicianPosition, connections: Iterable<Connection>): boolean {
    if (!recordPosition(this.sql, p)) return false;
    const notice = JSON.stringify({ type: 'positions', positions: [p] } satisfies BoardNotice);
    for (const conn of connections) if (subscribed(conn)) this.send(conn, notice);
    return true;
  }
}
