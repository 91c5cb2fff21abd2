/**
 * The room's job states (what it last accepted per job; rooms/outbox.ts job_state) held in
 * memory in front of its SQLite. Every board edit reads one and writes one: parsing the row's
 * JSON (card included) and writing it back whole took a fifth of the room's time per edit in
 * bench/realtime's profile. SQLite stays the record: every write goes through to it, inside
 * the caller's storage transaction; a transaction that fails must `reset()` the cache.
 */
import { allJobStates, forgetJobState, writeJobSchedule, writeJobState, type JobState } from './outbox.ts';
import type { Schedule } from './schedule-guard.ts';

export class JobStates {
  #byId: Map<string, JobState> | null = null;

  constructor(private readonly sql: SqlStorage) {}

  #map(): Map<string, JobState> {
    return (this.#byId ??= new Map(allJobStates(this.sql).map((s) => [s.jobId, s])));
  }

  get(jobId: string): JobState | null {
    return this.#map().get(jobId) ?? null;
  }

  all(): JobState[] {
    return [...this.#map().values()];
  }

  /** Jobs on these technicians, and any job still holding warnings (for the rules pass). */
  on(technicianIds: Iterable<string>): JobState[] {
    const ids = new Set(technicianIds);
    return this.all().filter((s) => s.warnings.length > 0 || (s.schedule.technicianId != null && ids.has(s.schedule.technicianId)));
  }

  put(state: JobState): void {
    writeJobState(this.sql, state);
    this.#map().set(state.jobId, state);
  }

  /** A new accepted schedule: only the schedule and version columns are written. */
  setSchedule(jobId: string, schedule: Schedule, version: number): void {
    const state = this.get(jobId);
    if (!state) throw new Error(`no state for job ${jobId}`);
    writeJobSchedule(this.sql, jobId, schedule, version);
    this.#map().set(jobId, { ...state, schedule, version });
  }

  forget(jobId: string): void {
    forgetJobState(this.sql, jobId);
    this.#map().delete(jobId);
  }

  /** Drop what is in memory; the next read reloads from SQLite. */
  reset(): void {
    this.#byId = null;
  }
}
