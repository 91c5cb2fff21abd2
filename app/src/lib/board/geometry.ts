/**
 * The schedule grid's geometry, kept pure so it can be tested without a browser: the time axis
 * of a board day, instants <-> pixels, 15-minute snapping, shift bands, lanes for overlapping
 * jobs, and the queue's filter.
 *
 * Everything is in instants (UTC ms) laid out linearly, so a daylight-saving day simply has a
 * 23- or 25-hour axis; hour labels are wall-clock time in the org's timezone.
 */
import type { BoardJob } from '#core/board-doc.ts';
import type { RuleTechnician } from '#core/schedule-rules.ts';
import { addDays, dayRange, isLocalTime, isValidTimeZone, localTimeOf, weekdayOf, zonedInstant } from '#core/time.ts';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const SNAP_MIN = 15;
export const MIN_DURATION = SNAP_MIN;
export const MAX_DURATION = 24 * 60;
/** Default visible hours, local wall clock; the axis grows to fit the day's jobs. */
export const DEFAULT_FROM = '06:00';
export const DEFAULT_TO = '20:00';
export const PX_PER_MIN = 1.6;
/** Height of one lane of a technician's row. */
export const LANE_PX = 40;

/** A technician's row in pixels, border included. */
export function rowHeight(lanes: number): number {
  return Math.max(1, lanes) * LANE_PX + 6;
}

/**
 * The rows to render for a scroll position: those within `overscan` pixels of the viewport
 * (`top`/`height` in the rows' own coordinates). `offsets` has one more entry than there are
 * rows (the total height last). Returns [first, end) indices.
 */
export function visibleRows(offsets: readonly number[], top: number, height: number, overscan = 400): [number, number] {
  const n = offsets.length - 1;
  let first = 0;
  while (first < n && offsets[first + 1]! < top - overscan) first++;
  let end = first;
  while (end < n && offsets[end]! <= top + height + overscan) end++;
  return [first, end];
}

export function rowOffsets(heights: readonly number[]): number[] {
  const out = [0];
  for (const h of heights) out.push(out[out.length - 1]! + h);
  return out;
}

export interface Axis {
  /** Visible window, instants (UTC ms); `start` is on a local hour. */
  start: number;
  end: number;
  /** The whole local day, for clamping. */
  dayStart: number;
  dayEnd: number;
  pxPerMin: number;
  width: number;
  hours: { t: number; x: number; label: string }[];
}

export interface Interval {
  start: number;
  end: number;
}

/**
 * The visible window of a board day: 06:00-20:00 in `timezone`, widened by whole hours to fit
 * every placed job of the day, never past the day itself.
 */
export function buildAxis(
  date: string,
  timezone: string,
  jobs: Iterable<Pick<BoardJob, 'start' | 'durationMin'>>,
  pxPerMin = PX_PER_MIN,
): Axis {
  const day = dayRange(date, timezone);
  let start = zonedInstant(date, DEFAULT_FROM, timezone);
  let end = zonedInstant(date, DEFAULT_TO, timezone);
  for (const j of jobs) {
    if (j.start == null) continue;
    const jobEnd = j.start + j.durationMin * MINUTE;
    while (start > j.start && start - HOUR >= day.start) start -= HOUR;
    while (end < jobEnd && end + HOUR <= day.end) end += HOUR;
  }
  // A DST change inside the widened part can leave the edges off the day; keep them inside.
  start = Math.max(start, day.start);
  end = Math.min(Math.max(end, start + HOUR), day.end);
  const hours: Axis['hours'] = [];
  for (let t = start; t <= end; t += HOUR) hours.push({ t, x: ((t - start) / MINUTE) * pxPerMin, label: localTimeOf(t, timezone) });
  return { start, end, dayStart: day.start, dayEnd: day.end, pxPerMin, width: ((end - start) / MINUTE) * pxPerMin, hours };
}

export function xOf(axis: Axis, t: number): number {
  return ((t - axis.start) / MINUTE) * axis.pxPerMin;
}

export function widthOf(axis: Axis, minutes: number): number {
  return minutes * axis.pxPerMin;
}

/** The instant at x pixels from the axis start, unsnapped. */
export function timeAtX(axis: Axis, x: number): number {
  return axis.start + (x / axis.pxPerMin) * MINUTE;
}

/** Rounds to the nearest quarter hour of local time (the axis starts on a local hour). */
export function snap(axis: Axis, t: number): number {
  const step = SNAP_MIN * MINUTE;
  return axis.start + Math.round((t - axis.start) / step) * step;
}

/** A start that keeps the job on the visible axis (and the day). */
export function clampStart(axis: Axis, t: number): number {
  const last = Math.min(axis.end, axis.dayEnd) - SNAP_MIN * MINUTE;
  return Math.min(Math.max(t, axis.start), last);
}

/** The snapped start for a card dropped with its left edge at x. */
export function startAtX(axis: Axis, x: number): number {
  return clampStart(axis, snap(axis, timeAtX(axis, x)));
}

export function clampDuration(minutes: number): number {
  const snapped = Math.round(minutes / SNAP_MIN) * SNAP_MIN;
  return Math.min(MAX_DURATION, Math.max(MIN_DURATION, snapped));
}

/** Duration for a right edge dragged to x. */
export function durationAtX(axis: Axis, start: number, x: number): number {
  return clampDuration((timeAtX(axis, x) - start) / MINUTE);
}

/**
 * The stretches of the axis where a technician is on shift: the shifts starting on the day
 * before, the day and the day after (in the technician's own timezone, which may not be the
 * org's), clipped to the axis. Overnight shifts (end at or before start) end the next day.
 */
export function shiftBands(
  tech: Pick<RuleTechnician, 'shiftStart' | 'shiftEnd' | 'shiftDays' | 'timezone'>,
  date: string,
  axis: Axis,
  orgTimezone: string,
): Interval[] {
  if (!isLocalTime(tech.shiftStart) || !isLocalTime(tech.shiftEnd)) return [];
  const tz = isValidTimeZone(tech.timezone) ? tech.timezone : orgTimezone;
  const overnight = tech.shiftEnd <= tech.shiftStart;
  const out: Interval[] = [];
  for (const offset of [-1, 0, 1]) {
    const d = addDays(date, offset);
    if (!tech.shiftDays.includes(weekdayOf(d))) continue;
    const start = Math.max(zonedInstant(d, tech.shiftStart, tz), axis.start);
    const end = Math.min(zonedInstant(overnight ? addDays(d, 1) : d, tech.shiftEnd, tz), axis.end);
    if (end > start) out.push({ start, end });
  }
  return out;
}

/** Where a keyboard placement starts for a technician: their shift start on the axis, else 08:00. */
export function firstSlot(bands: readonly Interval[], axis: Axis, date: string, timezone: string): number {
  const first = bands[0];
  if (first) return clampStart(axis, snap(axis, first.start));
  return clampStart(axis, zonedInstant(date, '08:00', timezone));
}

/**
 * Lanes for one technician's row: overlapping jobs (a double booking) sit in separate lanes so
 * both stay visible. Greedy by start; returns each job's lane and how many lanes the row needs.
 */
export function assignLanes(jobs: readonly Pick<BoardJob, 'id' | 'start' | 'durationMin'>[]): { lane: Map<string, number>; count: number } {
  const sorted = jobs.filter((j) => j.start != null).sort((a, b) => a.start! - b.start! || b.durationMin - a.durationMin);
  const ends: number[] = [];
  const lane = new Map<string, number>();
  for (const j of sorted) {
    const start = j.start!;
    let i = ends.findIndex((end) => end <= start);
    if (i < 0) {
      i = ends.length;
      ends.push(0);
    }
    ends[i] = start + j.durationMin * MINUTE;
    lane.set(j.id, i);
  }
  return { lane, count: Math.max(1, ends.length) };
}

export interface QueueFilter {
  text: string;
  priority: string;
  skill: string;
}

/** Filters the queue (already in display order) by free text, priority and required skill. */
export function filterQueue<T extends Pick<BoardJob, 'number' | 'type' | 'customerName' | 'address' | 'priority' | 'requiredSkill'>>(
  jobs: readonly T[],
  f: QueueFilter,
): T[] {
  const words = f.text.trim().toLowerCase().replace(/#/g, '').split(/\s+/).filter(Boolean);
  return jobs.filter((j) => {
    if (f.priority && j.priority !== f.priority) return false;
    if (f.skill && j.requiredSkill !== f.skill) return false;
    if (!words.length) return true;
    const hay = `${j.number} ${j.type} ${j.customerName} ${j.address} ${j.requiredSkill ?? ''}`.toLowerCase();
    return words.every((w) => hay.includes(w));
  });
}

/** Distinct values, sorted, for filter menus. */
export function distinct(values: Iterable<string | null | undefined>): string[] {
  const set = new Set<string>();
  for (const v of values) if (v) set.add(v);
  return [...set].sort();
}
