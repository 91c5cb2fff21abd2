/**
 * A board room's group commit. A client's edit is accepted in memory (its update, outbox rows
 * and job state wait in `pending`); before anything shows it outside the room (the fan-out, a
 * sync reply, an RPC answer, a feed push, a drain) everything pending is stored in ONE storage
 * transaction. The output gate holds every frame until then, so nobody sees an edit that is not
 * durable; an edit lost in a crash before its commit was seen by nobody but its sender, whose
 * provider sends it again when it reconnects.
 *
 * If storing fails while clients' edits are held in memory, the instance is dropped (`abort`):
 * the doc in memory holds edits that storage does not, and a restart reloads from storage.
 */
import type { JobStates } from './job-states.ts';
import { PendingWrites } from './pending-writes.ts';

export interface CommitHooks {
  /** A transaction stored clients' edits (counted for tests and diagnostics). */
  committedClientEdits(): void;
  /** A transaction appended a row of updates (the room compacts after enough of them). */
  appended(): void;
  /** Drops the instance; the next request reloads from storage. */
  abort(reason: string): void;
}

export class GroupCommit {
  readonly pending = new PendingWrites();
  #lost = false;

  constructor(
    private readonly storage: DurableObjectStorage,
    /** The room's job states (set when the room loads): flushed in every transaction, dropped when one fails. */
    private readonly states: () => JobStates,
    private readonly hooks: CommitHooks,
  ) {}

  /**
   * One storage transaction: `fn`, then everything pending (clients' edits accepted since the
   * last commit, and whatever `fn` added, in the order accepted) and the job states changed in
   * memory. If it fails, the job-state cache is dropped; if it carried clients' edits, which the
   * doc in memory already holds, the instance too.
   */
  txn<T>(fn: () => T): T {
    const clientUpdates = this.pending.updates;
    try {
      const result = this.storage.transactionSync(() => {
        const r = fn();
        this.pending.write(this.storage.sql);
        this.states().flush();
        return r;
      });
      if (clientUpdates) this.hooks.committedClientEdits();
      if (this.pending.updates) this.hooks.appended();
      this.pending.clear();
      return result;
    } catch (e) {
      this.states().reset();
      if (clientUpdates) this.lose(e);
      else this.pending.clear();
      throw e;
    }
  }

  /** Stores every edit accepted in memory since the last commit. False if storage failed (the instance is then gone). */
  commit(): boolean {
    if (this.pending.empty && !this.states().dirty) return true;
    try {
      this.txn(() => undefined);
      return true;
    } catch {
      return false;
    }
  }

  /** The doc in memory holds edits storage does not: drop this instance. Nothing of those edits was shown to anyone. */
  lose(e: unknown): void {
    this.pending.clear();
    if (this.#lost) return;
    this.#lost = true;
    console.error('board room: could not persist accepted edits; resetting', e);
    this.hooks.abort('persistence failed');
  }
}
