/**
 * A board room's stored warnings kept up to date: which technicians' rows changed since the
 * scheduling rules last ran, and the pass that runs them over those rows (rooms/board-warnings.ts)
 * and queues the warnings that changed, as outbox rows and job states, in one transaction.
 *
 * The room runs the pass when its outbox drains rather than per edit: a drag makes several
 * edits, and the browser shows its own evaluation instantly anyway; the stored warnings are for
 * everyone else (lists, phones, KPIs).
 */
import { changedWarnings } from './board-warnings.ts';
import { dropWarningRows, type JobState } from './outbox-store.ts';
import type { BoardDay } from './day-loader.ts';
import type { GroupCommit } from './group-commit.ts';
import type { JobStates } from './job-states.ts';
import type { TechnicianCache } from './technician-cache.ts';

export class WarningsRefresh {
  /** Technicians whose row changed since warnings were last evaluated; null = all of them (so every row once after a wake). */
  #dirtyRows: Set<string> | null = null;

  constructor(
    private readonly sql: SqlStorage,
    private readonly day: BoardDay,
    private readonly states: JobStates,
    private readonly techs: TechnicianCache,
    private readonly commits: GroupCommit,
    /** The room's name, for the log. */
    private readonly name: string,
  ) {}

  /** These technicians' rows changed (an accepted edit; null: the queue). */
  rowsChanged(technicianIds: readonly (string | null)[]): void {
    if (!this.#dirtyRows) return;
    for (const t of technicianIds) if (t) this.#dirtyRows.add(t);
  }

  /** Every row needs evaluating again (the technicians were re-read). */
  everyRow(): void {
    this.#dirtyRows = null;
  }

  /**
   * Runs the scheduling rules (core/schedule-rules.ts) as the authority over the rows that
   * changed and queues the warnings that differ from those last stored.
   */
  async refresh(): Promise<void> {
    if (this.#dirtyRows && this.#dirtyRows.size === 0) return;
    await this.techs.refreshIfStale();
    // Only the rows being evaluated matter (the rules compare a job with its technician's other
    // jobs), plus jobs holding warnings from a row they have left.
    const states = this.#dirtyRows ? this.states.on(this.#dirtyRows) : this.states.all();
    let changed: ReturnType<typeof changedWarnings>;
    try {
      changed = changedWarnings({
        timezone: this.day.timezone,
        date: this.day.date,
        technicians: this.techs.list,
        states,
        rows: this.#dirtyRows,
      });
    } catch (e) {
      console.error(`board room ${this.name}: rules failed`, e);
      return;
    }
    const byId = new Map(states.map((s) => [s.jobId, s]));
    const now = Date.now();
    this.commits.txn(() => {
      // Warnings are state, not history: a job's newer warnings replace any not yet sent.
      dropWarningRows(this.sql, [...changed.keys()]);
      for (const [jobId, warnings] of changed) {
        const state = byId.get(jobId)!;
        this.commits.pending.addRow({
          jobId,
          version: state.version,
          eventId: crypto.randomUUID(),
          actorUserId: null,
          at: now,
          kind: 'warnings',
          before: null,
          after: state.schedule,
          boardDate: this.day.date,
          takeOver: false,
          note: null,
          warnings,
        });
        this.states.setWarnings(jobId, warnings);
      }
    });
    this.#dirtyRows = new Set();
  }

  /** The warnings as of now, per job of the day (brought up to date first). */
  async current(): Promise<Record<string, JobState['warnings']>> {
    await this.refresh();
    return Object.fromEntries(this.states.all().map((s) => [s.jobId, s.warnings]));
  }
}
