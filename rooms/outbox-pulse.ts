/**
 * The outbox's word to the manager's numbers. A job completed (or reopened) on a board reaches
 * libSQL through the board room's outbox, not through the Worker, so the drain is the one place
 * that knows when such a change is committed. After a drain that libSQL took, if a row of it
 * moved a job's status to or from a done status (core/lifecycle.ts isDone), the org's room
 * (rooms/org-room.ts) is told, and the KPI pages read their numbers again. One notice a drain
 * however many jobs it completed: a page rereads everything on any notice.
 *
 * Not awaited, and never a reason for the drain to fail: the change is in libSQL either way, and
 * a page that missed a notice catches up at the next one or when it reconnects. The bindings are
 * read from cloudflare:workers (the env every Durable Object of this Worker gets) rather than
 * passed down, so the drain asks nothing more of the room that runs it.
 */
import { env } from 'cloudflare:workers';
import { isDone, type JobStatus } from '../core/lifecycle.ts';
import type { RoomEnv } from './env.ts';
import type { OutboxRow } from './outbox-store.ts';

/** Whether any schedule row moves its job into or out of a done status (warnings rows carry no status change). */
export function crossesDone(rows: readonly OutboxRow[]): boolean {
  return rows.some(
    (row) =>
      row.kind !== 'warnings' && row.before !== null && isDone(row.before.status as JobStatus) !== isDone(row.after.status as JobStatus),
  );
}

/** Tells the org's room that a job's done status changed; logs, never throws. */
export function pulseKpis(orgId: string): void {
  Promise.resolve()
    .then(() => (env as unknown as RoomEnv).ORG_ROOM.getByName(orgId).changed('job'))
    .catch((e: unknown) => console.warn(`org room ${orgId}: completion not announced`, e));
}
