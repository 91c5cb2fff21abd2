/**
 * Compaction of a board room's stored doc (rooms/persistence.ts: a snapshot, then one row per
 * group commit of the updates it stored). After COMPACT_EVERY such rows, and on y-partyserver's
 * debounced save, the doc as it is becomes the snapshot and the rows go, so a wake replays a
 * short tail rather than the whole day's edits.
 */
import type * as Y from 'yjs';
import { compactDoc } from './persistence.ts';
import type { GroupCommit } from './group-commit.ts';

/** Compact the stored doc after this many appended rows of updates (and on y-partyserver's debounced onSave). */
const COMPACT_EVERY = 200;

export class Compaction {
  #since = 0;
  #queued = false;

  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly doc: Y.Doc,
    private readonly commits: GroupCommit,
  ) {}

  /** After a load: how many rows of updates the stored doc already has behind its snapshot. */
  resume(rows: number): void {
    this.#since = rows;
  }

  /**
   * A transaction appended a row of updates. Compaction follows rows, not updates: a busy board
   * commits a dozen updates in one row, and counting those would encode the whole doc several
   * times a second (a long day's doc is hundreds of kilobytes to encode).
   */
  appended(): void {
    if (++this.#since < COMPACT_EVERY || this.#queued) return;
    this.#queued = true;
    queueMicrotask(() => {
      this.#queued = false;
      this.compact();
    });
  }

  compact(): void {
    if (this.#since === 0) return;
    // Pending updates first: the snapshot holds them, and the compaction then drops their rows.
    if (!this.commits.commit()) return;
    this.commits.txn(() => compactDoc(this.storage.sql, this.doc));
    this.#since = 0;
  }
}
