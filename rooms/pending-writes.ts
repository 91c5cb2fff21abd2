/**
 * What a board room has accepted in memory and owes its storage: Yjs updates and outbox rows,
 * in the order they were accepted. The room writes them in one storage transaction (its group
 * commit, rooms/board-room.ts), with as few statements as it can: the updates merged into one
 * row, the outbox rows eight to an INSERT. In workerd each SQL statement costs far more than the
 * SQLite work it does (a cursor, its bindings, the call into C++): at 800 edits/s, three
 * statements per edit were a fifth of the room's time (bench/realtime/profile.mjs).
 */
import * as Y from 'yjs';
import { enqueueAll, type OutboxRow } from './outbox-store.ts';
import { appendUpdate } from './persistence.ts';

export type NewOutboxRow = Omit<OutboxRow, 'seq'>;

export class PendingWrites {
  #updates: Uint8Array[] = [];
  #rows: NewOutboxRow[] = [];

  get empty(): boolean {
    return this.#updates.length === 0 && this.#rows.length === 0;
  }

  /** How many Yjs updates are waiting. */
  get updates(): number {
    return this.#updates.length;
  }

  addUpdate(update: Uint8Array): void {
    this.#updates.push(update);
  }

  addRow(row: NewOutboxRow): void {
    this.#rows.push(row);
  }

  /**
   * Writes everything, inside the caller's storage transaction. The buffers are kept until
   * `clear()`, which the caller runs once that transaction has committed: if it fails, the
   * caller still knows what storage is missing.
   */
  write(sql: SqlStorage): void {
    // Yjs updates commute and merge into one equivalent update, so one row holds the lot.
    if (this.#updates.length) appendUpdate(sql, this.#updates.length === 1 ? this.#updates[0]! : Y.mergeUpdates(this.#updates));
    if (this.#rows.length) enqueueAll(sql, this.#rows);
  }

  clear(): void {
    this.#updates = [];
    this.#rows = [];
  }
}
