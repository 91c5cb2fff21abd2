/** Display helpers: instants shown as wall-clock time in the org's timezone, never the browser's. */
import { isJobStatus as isStatus, JOB_STATUSES, STATUS_LABELS, type JobStatus } from '#core/lifecycle.ts';
import { localDateOf } from '#core/time.ts';

export const FALLBACK_TIMEZONE = 'UTC';

export function todayIn(timeZone: string): string {
  return localDateOf(Date.now(), timeZone);
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function fmt(timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${timeZone}|${JSON.stringify(options)}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(undefined, { timeZone, ...options });
    formatters.set(key, f);
  }
  return f;
}

export function formatTime(instant: number, timeZone: string): string {
  return fmt(timeZone, { hour: 'numeric', minute: '2-digit' }).format(instant);
}

export function formatDateTime(instant: number, timeZone: string): string {
  return fmt(timeZone, { weekday: 'short', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' }).format(instant);
}

/** A local 'YYYY-MM-DD' as a readable day ("Tuesday, March 3"). */
export function formatLocalDate(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return fmt('UTC', { weekday: 'long', month: 'long', day: 'numeric', year: 'numeric' }).format(Date.UTC(y, m - 1, d));
}

export function formatDuration(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return h && m ? `${h} h ${m} min` : h ? `${h} h` : `${m} min`;
}

export const STATUS_OPTIONS = JOB_STATUSES.map((value) => ({ value, label: STATUS_LABELS[value] }));

/** A query parameter that names a status (core's check, with a missing parameter allowed for). */
export function isJobStatus(value: string | null): value is JobStatus {
  return value !== null && isStatus(value);
}
