/**
 * The Worker's half of "changes from outside go through the room": which day's board owns a
 * job, and how a schedule change reaches it by Durable Object RPC, including a move from one
 * day to another.
 *
 * A move between days is two calls: the old day's room hands the job off (takes it off its
 * board and returns what it last accepted, writing nothing to libSQL), then the new day's room
 * takes it over and projects ONE outbox row that changes jobs.board_date and the schedule
 * together. The records therefore never show the job on neither day or on both; only the two
 * docs are briefly apart, for the length of the second call. If the new room refuses, the old
 * one gets the job back as it was.
 */
import type { BoardRoom } from '../../rooms/board-room.ts';
import type { Actor, ApplyResult, Placement } from '../../rooms/board-contract.ts';
import { boardRoomName } from '../../rooms/board-name.ts';
import { localDateOf } from '../../core/time.ts';

export type BoardRooms = DurableObjectNamespace<BoardRoom>;

/** The day whose board owns a job: jobs.board_date, or for rows from before it existed, its start's day. */
export function owningDay(job: { boardDate: string | null; scheduledStart: number | null }, timezone: string): string | null {
  return job.boardDate ?? (job.scheduledStart != null ? localDateOf(job.scheduledStart, timezone) : null);
}

export function roomFor(rooms: BoardRooms, orgId: string, date: string) {
  return rooms.getByName(boardRoomName(orgId, date));
}

/**
 * Billing moved a job's status in libSQL (invoiced, paid, or completed again when its invoice
 * was voided): the board that owns the job re-reads it, so everyone on it sees the new status.
 * The records are right either way, so a room that cannot be reached is logged, not an error:
 * it picks the status up the next time it reads the job. `job` is the billing batch's
 * `returning` row, absent when the status did not move.
 */
export async function showBillingOnBoard(
  rooms: BoardRooms,
  orgId: string,
  timezone: string,
  job: { id: string; boardDate: string | null; scheduledStart: number | null } | undefined,
): Promise<void> {
  const day = job && owningDay(job, timezone);
  if (!job || !day) return;
  try {
    await roomFor(rooms, orgId, day).refreshJob(job.id);
  } catch (e) {
    console.warn(`board of ${day}: job ${job.id} not refreshed after billing`, e);
  }
}

/**
 * Sends a schedule change to the room(s) it concerns. `placement.start` decides the target
 * day: an instant puts the job on that day's board, null sends it to the backlog, absent keeps
 * it where it is. Returns null when no board is involved (a backlog job staying in the backlog).
 */
export async function scheduleThroughRooms(
  rooms: BoardRooms,
  orgId: string,
  timezone: string,
  job: { id: string; boardDate: string | null; scheduledStart: number | null },
  placement: Placement,
  actor: Actor,
  note?: string | null,
): Promise<ApplyResult | null> {
  const from = owningDay(job, timezone);
  const to = placement.start === null ? null : placement.start !== undefined ? localDateOf(placement.start, timezone) : from;
  if (from === null && to === null) return null;
  if (to === null) {
    // To the backlog: the owning room releases it (its outbox clears board_date).
    return roomFor(rooms, orgId, from!).applySchedule(job.id, null, actor, note);
  }
  if (from === null || from === to) return roomFor(rooms, orgId, to).applySchedule(job.id, placement, actor, note);

  const source = roomFor(rooms, orgId, from);
  const handed = await source.handOff(job.id);
  if (!handed.ok) return handed;
  let taken: ApplyResult;
  try {
    taken = await roomFor(rooms, orgId, to).takeOver(handed.state, placement, actor);
  } catch (e) {
    await source.restore(handed.state);
    throw e;
  }
  if (!taken.ok) await source.restore(handed.state);
  return taken;
}
