/**
 * Technicians' feeds as a board room sees them: which technicians have phones connected to
 * their feed room (rooms/technician-room.ts subscribes and unsubscribes), and the pushes of
 * their jobs when those change. Kept in the room's `feeds` table, in memory in front of it.
 *
 * A push goes one fan-out window after the change: a phone needs no faster than that, and a
 * burst of edits then costs one push per technician and does not force a group commit per
 * edit. Before a push the room commits (a push shows jobs' states: store the edits behind them
 * first); a push that fails is caught up by the feed's next wake or the next change.
 */
import type { BoardJobRecord } from '../core/board-doc.ts';
import type { RoomEnv } from './env.ts';
import { technicianRoomName } from './board-name.ts';
import { WINDOW_MS } from './fan-out.ts';

/** Where a board room's pushes go: the feed rooms of its org and day. */
export interface FeedRooms {
  rooms: RoomEnv['TECHNICIAN_ROOM'];
  orgId: string;
  date: string;
  /** The board room's name, for the log. */
  name: string;
}

export class Feeds {
  #subscribed: Set<string>;
  #dirty = new Set<string>();
  #flushing = false;

  constructor(
    private readonly sql: SqlStorage,
    /** Stores pending edits; false if storage failed (then nothing is pushed). */
    private readonly commit: () => boolean,
    /** One technician's current jobs, as records. */
    private readonly jobsOf: (technicianId: string) => BoardJobRecord[],
    private readonly to: FeedRooms,
  ) {
    sql.exec(`create table if not exists feeds (technician_id text primary key)`);
    this.#subscribed = new Set(
      sql
        .exec<{ technician_id: string }>(`select technician_id from feeds`)
        .toArray()
        .map((r) => r.technician_id),
    );
  }

  /** A feed room with phones connected asks for pushes; one with none stops asking. */
  subscribe(technicianId: string, on: boolean): void {
    if (on) {
      this.sql.exec(`insert or ignore into feeds (technician_id) values (?)`, technicianId);
      this.#subscribed.add(technicianId);
    } else {
      this.sql.exec(`delete from feeds where technician_id = ?`, technicianId);
      this.#subscribed.delete(technicianId);
    }
  }

  /** These technicians' lists changed: push them (the subscribed ones) one window from now. */
  touch(...technicianIds: (string | null)[]): void {
    for (const t of technicianIds) if (t && this.#subscribed.has(t)) this.#dirty.add(t);
    if (this.#dirty.size && !this.#flushing) {
      this.#flushing = true;
      setTimeout(() => void this.#flush(), WINDOW_MS);
    }
  }

  async #flush(): Promise<void> {
    try {
      while (this.#dirty.size) {
        if (!this.commit()) return;
        const batch = [...this.#dirty].filter((t) => this.#subscribed.has(t));
        this.#dirty.clear();
        await Promise.all(batch.map((t) => this.#push(t)));
      }
    } finally {
      this.#flushing = false;
    }
  }

  /** Sends one technician's current jobs to their feed room. */
  async #push(technicianId: string): Promise<void> {
    const records = this.jobsOf(technicianId);
    const { rooms, orgId, date, name } = this.to;
    try {
      await rooms.getByName(technicianRoomName(orgId, technicianId, date)).replaceJobs(records);
    } catch (e) {
      // The feed reloads from this room on its next wake; a phone connected now catches up on the next change.
      console.warn(`board room ${name}: feed of technician ${technicianId} not updated`, e);
    }
  }
}
