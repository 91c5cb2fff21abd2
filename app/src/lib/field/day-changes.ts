/**
 * What changed on a technician's day between two readings of it (the day last seen, kept on the
 * phone, and the live feed; or two feed updates), in the words My day shows on the job's card:
 * a job added, moved, taken off, or with a new status. Pure, so the words are tested.
 */
import { statusLabel } from '#core/lifecycle.ts';
import type { JobStatus } from '#core/lifecycle.ts';

/** One job of the day as My day lists it (from the technician feed's board document). */
export interface DayJob {
  id: string;
  number: number;
  type: string;
  priority: string;
  status: JobStatus;
  /** UTC ms; null while the job has no time (it sits in the day's queue). */
  start: number | null;
  durationMin: number;
  customerName: string;
  address: string;
  lat: number | null;
  lng: number | null;
}

export interface DayChange {
  jobId: string;
  kind: 'added' | 'moved' | 'status' | 'removed';
  words: string;
}

/** Jobs in the order of the day: by start, jobs without a time last, then by number. */
export function inDayOrder<J extends Pick<DayJob, 'start' | 'number'>>(jobs: readonly J[]): J[] {
  return [...jobs].sort((a, b) => (a.start ?? Number.MAX_SAFE_INTEGER) - (b.start ?? Number.MAX_SAFE_INTEGER) || a.number - b.number);
}

/**
 * The changes from `before` to `after`. `before` null (nothing seen yet on this phone) means no
 * changes: the first sight of a day is not news. `time` formats a start for the words.
 */
export function dayChanges(before: readonly DayJob[] | null, after: readonly DayJob[], time: (at: number) => string): DayChange[] {
  if (!before) return [];
  const old = new Map(before.map((j) => [j.id, j]));
  const changes: DayChange[] = [];
  for (const job of after) {
    const was = old.get(job.id);
    if (!was) {
      changes.push({ jobId: job.id, kind: 'added', words: job.start == null ? 'New on your day' : `New: ${time(job.start)}` });
      continue;
    }
    if (was.start !== job.start || was.durationMin !== job.durationMin) {
      const words =
        job.start == null
          ? 'Time taken off'
          : was.start == null
            ? `Now at ${time(job.start)}`
            : `Moved from ${time(was.start)} to ${time(job.start)}`;
      changes.push({ jobId: job.id, kind: 'moved', words: was.start === job.start ? `Now ${job.durationMin} min` : words });
    } else if (was.status !== job.status) {
      changes.push({ jobId: job.id, kind: 'status', words: `Now ${statusLabel(job.status).toLowerCase()}` });
    }
  }
  const now = new Set(after.map((j) => j.id));
  for (const job of before) if (!now.has(job.id)) changes.push({ jobId: job.id, kind: 'removed', words: 'Taken off your day' });
  return changes;
}
