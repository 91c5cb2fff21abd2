/**
 * OrgRoom: the live channel of the manager's numbers. One per org, named by the org id; the
 * Worker admits a person at `GET /api/rooms/org` (worker/rooms-route.ts, permission kpis.read)
 * and names the room from the session's org, never from the request.
 *
 * Why a room of the org and not a message of the board room: a job is completed on any day's
 * board, or in the backlog where no board holds it; invoices and payments belong to no day at
 * all. The KPI page is about the whole org over any range, so it would have to sit in every
 * day's board room at once to hear everything. Here every writer (the Worker after a committed
 * change, a board room's outbox after a drained completion) calls one room, `changed`, and the
 * room tells every socket.
 *
 * A plain partyserver Server, no Yjs: there is no shared state, only a notice to pass on
 * (core/kpi-pulse.ts), and the page reads the numbers themselves from the API. Sockets
 * hibernate, so an org's open KPI pages cost nothing between changes. Clients have nothing to
 * say here: their frames are screened (rooms/message-guard.ts, a small allowance) and ignored.
 *
 * A socket lives no longer than its session, as on the boards: the Worker notes each upgrade
 * (worker/room-connections.ts) and calls `closeConnections` when a session ends or access
 * changes; what happens behind its back (a session expiring) rooms/session-watch.ts finds.
 */
import { Server, type Connection, type ConnectionContext, type WSMessage } from 'partyserver';
import { createClient, type Client } from '@libsql/client/web';
import { kpisChangedFrame, type KpiChange } from '../core/kpi-pulse.ts';
import type { RoomClose } from '../core/room-close.ts';
import type { RoomEnv as Env } from './env.ts';
import { identityFrom } from './identity.ts';
import { FloodGuard, screenFrame } from './message-guard.ts';
import { closeMatching, SessionWatch, type ConnectionMatch } from './session-watch.ts';

export class OrgRoom extends Server<Env> {
  static options = { hibernate: true };

  /** A client sends nothing this room reads: a few frames are let pass (and ignored), a stream is closed. */
  #flood = new FloodGuard(10, 1, 16 * 1024, 1024);
  #client: Client | undefined;
  /**
   * Re-checks each socket's session (rooms/session-watch.ts). A board socket's session is
   * checked as its frames arrive; the sockets here are silent, so theirs is checked as the room
   * sends to them too (`changed`): a socket whose session has ended gets at most the notice in
   * flight, which tells nothing but that something changed, and is closed.
   */
  readonly sessionWatch = new SessionWatch(
    'kpis.read',
    () => (this.#client ??= createClient({ url: this.env.LIBSQL_URL, authToken: this.env.LIBSQL_AUTH_TOKEN })),
    (p) => this.ctx.waitUntil(p),
  );

  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get('upgrade')?.toLowerCase() === 'websocket' && !identityFrom(request.headers)) {
      return new Response('Connect through /api/rooms', { status: 403 });
    }
    return super.fetch(request);
  }

  override onConnect(conn: Connection, ctx: ConnectionContext): void {
    // In the socket attachment, so it survives hibernation. The Worker checked the session just
    // now, at the upgrade: that is its first check.
    conn.setState({ who: identityFrom(ctx.request.headers), sessionCheckedAt: Date.now() });
  }

  override onMessage(conn: Connection, message: WSMessage): void {
    if (screenFrame(conn, message, this.#flood)) this.sessionWatch.frame(conn);
  }

  override onClose(conn: Connection): void {
    this.#flood.forget(conn.id);
  }

  /** The numbers of this org may have moved: tell every socket (core/kpi-pulse.ts). */
  async changed(what: KpiChange): Promise<void> {
    this.broadcast(kpisChangedFrame(what, Date.now()));
    for (const conn of this.getConnections()) this.sessionWatch.frame(conn);
  }

  /** An error on purpose, from inside a room: the admin's check that error tracking sees the rooms too (worker/monitoring/health.ts). */
  async raiseTestError(): Promise<never> {
    throw new Error('Switchboard test error, raised on purpose in the org room');
  }

  /** The Worker ended these sessions or changed these people's access (worker/room-connections.ts). */
  async closeConnections(match: ConnectionMatch, close: RoomClose): Promise<number> {
    return closeMatching(this.getConnections(), match, close);
  }
}
