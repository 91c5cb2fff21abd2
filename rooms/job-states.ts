/**
 * The room's job states (what it last accepted per job; rooms/outbox-store.ts job_state) held in
 * memory in front of its SQLite. Every board edit reads one and writes one: parsing the row's
 * JSON (card included) and writing it back whole took a fifth of the room's time per edit in
 * bench/realtime's profile. SQLite stays the record: `put` and `forget` write through at once;
 * `setSchedule` and `setWarnings` (the per-edit writes) are written by the next `flush()`, in
 * one statement, which the room runs at the end of every storage transaction (its group commit
 * included), so a job moved five times in one commit is written once. A transaction that fails
 * must `reset()` the cache.
 */
import type { ScheduleWarning } from '../core/schedule-rules.ts';
import { allJobStates, forgetJobState, writeJobSchedules, writeJobState, type JobState } from './outbox-store.ts';
import type { BoardJobRecord } from '../core/board-doc.ts';
import type { LoadedJob } from './board-records.ts';
import type { Schedule } from './schedule-guard.ts';

export class JobStates {
  #byId: Map<string, JobState> | null = null;
  /** Jobs changed in memory since the last flush(). */
  #unwritten = new Set<string>();

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

  /** One technician's jobs on the day, as records (what their feed room shows). */
  recordsOf(technicianId: string): BoardJobRecord[] {
    return this.all()
      .filter((s) => s.schedule.technicianId === technicianId)
      .map(recordOf);
  }

  put(state: JobState): void {
    writeJobState(this.sql, state);
    this.#map().set(state.jobId, state);
    this.#unwritten.delete(state.jobId);
  }

  /** A new accepted schedule, in memory now; written (schedule, version, warnings) by flush(). */
  setSchedule(jobId: string, schedule: Schedule, version: number): void {
    this.#change(jobId, (state) => ({ ...state, schedule, version }));
  }

  /** New warnings from the rules, in memory now; written by flush(). */
  setWarnings(jobId: string, warnings: ScheduleWarning[]): void {
    this.#change(jobId, (state) => ({ ...state, warnings }));
  }

  #change(jobId: string, next: (state: JobState) => JobState): void {
    const state = this.get(jobId);
    if (!state) throw new Error(`no state for job ${jobId}`);
    this.#map().set(jobId, next(state));
    this.#unwritten.add(jobId);
  }

  forget(jobId: string): void {
    forgetJobState(this.sql, jobId);
    this.#map().delete(jobId);
    this.#unwritten.delete(jobId);
  }

  /** Whether a change has yet to be written by flush(). */
  get dirty(): boolean {
    return this.#unwritten.size > 0;
  }

  /** Writes every change since the last flush, in one statement; the caller runs it inside its storage transaction. */
  flush(): void {
    if (!this.#unwritten.size) return;
    const changed = [...this.#unwritten].map((id) => this.#byId?.get(id)).filter((s): s is JobState => s !== undefined);
    writeJobSchedules(this.sql, changed);
    this.#unwritten.clear();
  }

  /** Drop what is in memory (written or not); the next read reloads from SQLite. */
  reset(): void {
    this.#byId = null;
    this.#unwritten.clear();
  }
}

/** A job as libSQL holds it, as the room keeps it. */
export function stateOf(job: LoadedJob): JobState {
  const { id, status, technicianId, scheduledStart, durationMin, ...card } = job.record;
  return {
    jobId: id,
    schedule: { technicianId, start: scheduledStart, durationMin, status },
    card,
    version: job.version,
    warnings: job.warnings,
  };
}

/** A job state as a record again: what the doc entry and the technicians' feeds are written from. */
export function recordOf(s: JobState): BoardJobRecord {
  return {
    ...s.card,
    id: s.jobId,
    status: s.schedule.status,
    technicianId: s.schedule.technicianId,
    scheduledStart: s.schedule.start,
    durationMin: s.schedule.durationMin,
  };
}
