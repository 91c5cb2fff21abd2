/**
 * The bindings the rooms read (wrangler.toml gives the same env to the Worker and to every
 * Durable Object). The Worker's Env (worker/env.ts) extends this one with its own bindings, so
 * each binding is declared once and the rooms import nothing from the Worker.
 *
 * Each room calls the other: the board room pushes a technician's jobs to their feed room, and
 * the feed room asks the board room for them and passes positions on. Typing those namespaces
 * with the room classes would make the two room modules import each other (through this file),
 * so here each room is seen only through the calls the other makes on it. worker/env.ts narrows
 * the namespaces to the classes, and tsc checks there that each class still answers these calls.
 * The board room's outbox calls the org room the same way (it tells it of completions).
 */
import type { BoardJobRecord } from '../core/board-doc.ts';
import type { TechnicianPosition } from '../core/board-notices.ts';
import type { KpiChange } from '../core/kpi-pulse.ts';
import type { MetricsRoom } from './metrics-room.ts';

/** What a technician's feed room asks of its day's board room (rooms/technician-room.ts). */
export interface BoardRoomCalls extends Rpc.DurableObjectBranded {
  jobsForTechnician(technicianId: string): Promise<BoardJobRecord[]>;
  timezone(): Promise<string>;
  subscribeFeed(technicianId: string, on: boolean): Promise<void>;
  reportPosition(p: TechnicianPosition): Promise<boolean>;
}

/** What the board room asks of a technician's feed room (rooms/board-room.ts). */
export interface TechnicianRoomCalls extends Rpc.DurableObjectBranded {
  replaceJobs(records: BoardJobRecord[]): Promise<void>;
}

/** What a board room's outbox tells its org's room after a drain that completed or reopened a job (rooms/outbox-pulse.ts). */
export interface OrgRoomCalls extends Rpc.DurableObjectBranded {
  changed(what: KpiChange): Promise<void>;
}

export interface RoomEnv {
  /** libSQL over HTTP: the local sqld in development and tests, Turso in production. */
  LIBSQL_URL: string;
  LIBSQL_AUTH_TOKEN?: string;
  /** Live board rooms, one per org and local day, named `${orgId}:${YYYY-MM-DD}`. */
  BOARD_ROOM: DurableObjectNamespace<BoardRoomCalls>;
  /** One technician's jobs of one day, named `${orgId}:${technicianId}:${YYYY-MM-DD}`, fed by the board room. */
  TECHNICIAN_ROOM: DurableObjectNamespace<TechnicianRoomCalls>;
  /** The live channel of the manager's numbers, one per org, named by the org id (rooms/org-room.ts). */
  ORG_ROOM: DurableObjectNamespace<OrgRoomCalls>;
  /**
   * One org's metrics, named by the org id (rooms/metrics-room.ts): the Worker flushes request
   * counts there, and the board rooms report their outbox (rooms/outbox-report.ts). It imports
   * nothing of the other rooms, so it is typed by its class here.
   */
  METRICS_ROOM: DurableObjectNamespace<MetricsRoom>;
  /**
   * Web Push (VAPID) keys, base64url: the public key (an uncompressed P-256 point) and the private
   * scalar, with the contact push services may use (mailto: or https:). Secrets in production;
   * unset, development makes its own pair and keeps it in libSQL (rooms/push-keys.ts). Here, not
   * in the Worker's Env: the board rooms sign the pushes (rooms/outbox-push.ts).
   */
  VAPID_PUBLIC_KEY?: string;
  VAPID_PRIVATE_KEY?: string;
  VAPID_SUBJECT?: string;
}
