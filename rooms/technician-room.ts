/**
 * TechnicianRoom: one technician's jobs of one day, for their phone. Addressed by name
 * `${orgId}:${technicianId}:${YYYY-MM-DD}` (rooms/board-name.ts); the Worker routes a signed-in
 * technician only to their own (worker/rooms-route.ts).
 *
 * Why a room of its own rather than filtered messages from the board room: the board room
 * broadcasts every Yjs update to every connection (that is y-partyserver's protocol), so a
 * filter there would mean re-encoding each update per phone. A feed room holds a small doc of
 * the same shape (core/board-doc.ts) with only this technician's jobs, so a phone uses the
 * standard sync protocol and the same readers as the board, and never receives another
 * technician's job, not even in a Yjs update's bytes.
 *
 * The board room is the authority; this doc is derived from it and never persisted: on every
 * wake it is rebuilt from the board room (`jobsForTechnician`), and while phones are connected
 * the board room pushes each change (`replaceJobs`). Everyone is read-only here: a technician's
 * status changes go through the API, which sends them to the board room. The phone's position
 * arrives as a custom message and goes on to the board room, throttled.
 */
import { YServer } from 'y-partyserver';
import type { Connection, ConnectionContext, WSMessage } from 'partyserver';
import * as Y from 'yjs';
import { createClient, type Client } from '@libsql/client/web';
import type { BoardJobRecord } from '../core/board-doc.ts';
import { jobIdsOf, removeJob, writeJobEntry, writeMeta } from '../core/board-doc-room.ts';
import type { RoomEnv as Env } from './env.ts';
import { boardRoomName, parseTechnicianRoomName } from './board-name.ts';
import { identityFrom } from './identity.ts';
import { FloodGuard, screenFrame } from './message-guard.ts';
import { parsePosition, POSITION_EVERY_MS } from './presence.ts';
import { closeMatching, SessionWatch, type ConnectionMatch } from './session-watch.ts';
import type { RoomClose } from '../core/room-close.ts';

export class TechnicianRoom extends YServer<Env> {
  static options = { hibernate: true };

  #orgId = '';
  #technicianId = '';
  #date = '';
  #loaded = false;
  #flood = new FloodGuard(60, 10, 256 * 1024, 64 * 1024);
  #lastPositionAt = 0;
  #client: Client | undefined;
  /** Re-checks each phone's session as its frames arrive (rooms/session-watch.ts). */
  readonly sessionWatch = new SessionWatch(
    'feed.view',
    () => (this.#client ??= createClient({ url: this.env.LIBSQL_URL, authToken: this.env.LIBSQL_AUTH_TOKEN })),
    (p) => this.ctx.waitUntil(p),
  );

  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get('upgrade')?.toLowerCase() === 'websocket' && !identityFrom(request.headers)) {
      return new Response('Connect through /api/rooms', { status: 403 });
    }
    return super.fetch(request);
  }

  #board() {
    return this.env.BOARD_ROOM.getByName(boardRoomName(this.#orgId, this.#date));
  }

  override async onLoad(): Promise<void> {
    ({ orgId: this.#orgId, technicianId: this.#technicianId, date: this.#date } = parseTechnicianRoomName(this.name));
    const records = await this.#board().jobsForTechnician(this.#technicianId);
    const timezone = await this.#board().timezone();
    Y.transact(this.document, () => {
      writeMeta(this.document, { orgId: this.#orgId, date: this.#date, timezone });
      this.#replace(records);
    });
    this.#loaded = true;
  }

  async #ready(): Promise<void> {
    if (!this.#loaded) await this.setName(this.name);
  }

  #replace(records: readonly BoardJobRecord[]): void {
    const keep = new Set(records.map((r) => r.id));
    for (const id of jobIdsOf(this.document)) if (!keep.has(id)) removeJob(this.document, id);
    for (const r of records) writeJobEntry(this.document, r);
  }

  /** The board room's push: this technician's jobs of the day, whole. */
  async replaceJobs(records: BoardJobRecord[]): Promise<void> {
    await this.#ready();
    Y.transact(this.document, () => this.#replace(records));
  }

  override isReadOnly(): boolean {
    return true;
  }

  override onConnect(conn: Connection, ctx: ConnectionContext): void {
    const who = identityFrom(ctx.request.headers);
    // The Worker checked the session just now, at the upgrade.
    conn.setState((prev: unknown) => ({ ...(prev as object), who, sessionCheckedAt: Date.now() }));
    super.onConnect(conn, ctx);
    // Ask the board room for pushes while anyone is here (idempotent, so every connect asks).
    this.ctx.waitUntil(this.#board().subscribeFeed(this.#technicianId, true));
  }

  override onClose(conn: Connection, code: number, reason: string, wasClean: boolean): void {
    this.#flood.forget(conn.id);
    super.onClose(conn, code, reason, wasClean);
    const others = [...this.getConnections()].filter((c) => c.id !== conn.id);
    if (!others.length) this.ctx.waitUntil(this.#board().subscribeFeed(this.#technicianId, false));
  }

  override onMessage(conn: Connection, message: WSMessage): void {
    const verdict = screenFrame(conn, message, this.#flood);
    if (!verdict) return;
    this.sessionWatch.frame(conn);
    if (verdict.kind === 'ignored') return;
    super.onMessage(conn, message);
  }

  /** The Worker ended these sessions or changed these people's access (worker/room-connections.ts). */
  async closeConnections(match: ConnectionMatch, close: RoomClose): Promise<number> {
    return closeMatching(this.getConnections(), match, close);
  }

  /** `{"type":"position","lat":..,"lng":..,"at":..}` from the phone: passed to the board, throttled. */
  override onCustomMessage(_conn: Connection, message: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(message);
    } catch {
      return;
    }
    if ((parsed as { type?: unknown })?.type !== 'position') return;
    const position = parsePosition(this.#technicianId, parsed);
    if (!position || position.at - this.#lastPositionAt < POSITION_EVERY_MS) return;
    this.#lastPositionAt = position.at;
    this.ctx.waitUntil(
      this.#board()
        .reportPosition(position)
        .then(
          () => undefined,
          (e) => console.warn('position not passed on', e),
        ),
    );
  }
}
