/**
 * The manager's numbers, defined once. What counts for each figure is said here in words (shown
 * on the page as "how this is counted") and in the arithmetic that turns the sums the database
 * returns into figures; the per-job facts those sums add up are kept by db/job-facts.ts in the
 * same batch as every change to a job.
 *
 * Ranges are local dates in the org's timezone, both ends included. A range's instants come from
 * core/time.ts, so a daylight-saving day is 23 or 25 hours long and a job completed at 00:30 belongs
 * to the day that had just begun, wherever the server runs.
 */
import { addDays, dayRange, isLocalDate, weekdayOf, zonedInstant, zoneOffsetAt } from './time.ts';

/** The headline figures, each with the change against the previous equal period. */
export const FIGURES = [
  'invoiced',
  'collected',
  'completed',
  'completionRate',
  'firstTimeFix',
  'onTime',
  'utilisation',
  'averageTicket',
] as const;
export type FigureId = (typeof FIGURES)[number];

/** Everything a figure can be opened into: the headline figures plus the two snapshots. */
export const DRILLS = [...FIGURES, 'queue', 'receivables'] as const;
export type DrillId = (typeof DRILLS)[number];

export type Unit = 'cents' | 'count' | 'ratio' | 'days';

export interface Definition {
  label: string;
  unit: Unit;
  /** What a drill-down lists. */
  lists: 'jobs' | 'invoices' | 'payments';
  /** How this is counted, in a sentence or two, for the page. */
  counted: string;
}

export const DEFINITIONS: Readonly<Record<DrillId, Definition>> = {
  invoiced: {
    label: 'Invoiced',
    unit: 'cents',
    lists: 'jobs',
    counted:
      'The invoices of jobs completed in the range, before tax, dated by the day the job was completed. Void invoices are left out; a job not yet invoiced adds nothing until it is.',
  },
  collected: {
    label: 'Collected',
    unit: 'cents',
    lists: 'payments',
    counted: 'Payments received in the range, by the day they were received, whichever job or invoice they pay.',
  },
  completed: {
    label: 'Jobs completed',
    unit: 'count',
    lists: 'jobs',
    counted: 'Jobs marked completed in the range (including those invoiced or paid since), by the day they were completed.',
  },
  completionRate: {
    label: 'Completion rate',
    unit: 'ratio',
    lists: 'jobs',
    counted: 'Of the jobs scheduled to start in the range, the share that is completed now. Cancelled jobs are left out of both sides.',
  },
  firstTimeFix: {
    label: 'First-time fix',
    unit: 'ratio',
    lists: 'jobs',
    counted:
      'Of the jobs completed in the range that are not themselves return visits, the share that needed no return visit (a job linked as "return visit of" it that was not cancelled).',
  },
  onTime: {
    label: 'On-time arrival',
    unit: 'ratio',
    lists: 'jobs',
    counted:
      'Of the jobs completed in the range that had an arrival window, the share where the technician first arrived on site within the window (its start and end included). Jobs without a window are left out.',
  },
  utilisation: {
    label: 'Utilisation',
    unit: 'ratio',
    lists: 'jobs',
    counted:
      "Hours on site (from the job's status changes: arrived until paused or completed, every visit) for jobs completed in the range, against the shift hours of the active technicians on their working days in the range, up to now (hours still to come do not count).",
  },
  averageTicket: {
    label: 'Average ticket',
    unit: 'cents',
    lists: 'jobs',
    counted:
      'Invoiced amount divided by the number of invoiced jobs completed in the range. Return visits billed at $0 are left out, so a free call-back does not pull the average down.',
  },
  queue: {
    label: 'Waiting queue',
    unit: 'count',
    lists: 'jobs',
    counted: 'Jobs waiting for a slot (unscheduled) right now, with how long they have waited since they were created.',
  },
  receivables: {
    label: 'Receivables',
    unit: 'cents',
    lists: 'invoices',
    counted: 'What sent invoices still have to be paid right now, by days since the invoice was issued: 0-30, 31-60, 61-90 and over 90.',
  },
};

export function isDrill(s: string): s is DrillId {
  return (DRILLS as readonly string[]).includes(s);
}

/** The longest range one request may ask for (a year and some, so "last 12 months" fits). */
export const MAX_RANGE_DAYS = 400;

export interface Range {
  from: string;
  to: string;
}

export interface Period extends Range {
  /** [start, end) instants: from's midnight to the midnight after `to`. */
  start: number;
  end: number;
  days: { day: string; start: number; end: number }[];
}

/** Days from `from` to `to`, both included. */
export function dayCount({ from, to }: Range): number {
  const ms = Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`);
  return Math.round(ms / 86_400_000) + 1;
}

/** Why a range cannot be used, or null. Field names are the query's. */
export function rangeProblem(r: Partial<Range>): { field: 'from' | 'to'; message: string } | null {
  if (!r.from || !isLocalDate(r.from)) return { field: 'from', message: 'from must be a date, YYYY-MM-DD.' };
  if (!r.to || !isLocalDate(r.to)) return { field: 'to', message: 'to must be a date, YYYY-MM-DD.' };
  const n = dayCount(r as Range);
  if (n < 1) return { field: 'to', message: 'to must not be before from.' };
  if (n > MAX_RANGE_DAYS) return { field: 'to', message: `A range may cover at most ${MAX_RANGE_DAYS} days.` };
  return null;
}

export function periodOf(r: Range, timeZone: string): Period {
  const days: Period['days'] = [];
  for (let day = r.from; day <= r.to; day = addDays(day, 1)) days.push({ day, ...dayRange(day, timeZone) });
  return { ...r, start: days[0]!.start, end: days.at(-1)!.end, days };
}

/** The equal period just before: as many days, ending the day before `from`. */
export function previousRange(r: Range): Range {
  const n = dayCount(r);
  return { from: addDays(r.from, -n), to: addDays(r.from, -1) };
}

export type Preset = 'today' | 'week' | 'month';

/** The ranges the page offers, around `today` (a local date): weeks start on Monday; week and month run to their end. */
export function presetRange(preset: Preset, today: string): Range {
  if (preset === 'today') return { from: today, to: today };
  if (preset === 'week') {
    const from = addDays(today, -((weekdayOf(today) + 6) % 7));
    return { from, to: addDays(from, 6) };
  }
  const from = `${today.slice(0, 8)}01`;
  return { from, to: addDays(`${addDays(from, 32).slice(0, 8)}01`, -1) };
}

/** A share, or null when there is nothing to share out (shown as "—", never as 0%). */
export function ratio(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}

/** The relative change from the previous period, or null when there is nothing to compare with. */
export function changeOf(current: number | null, previous: number | null): number | null {
  if (current == null || previous == null || previous === 0) return null;
  return (current - previous) / Math.abs(previous);
}

/**
 * The sums the database adds up for one period (or one technician in it), from the job facts,
 * the payments and the jobs' schedules. The figures are computed from these and nothing else.
 */
export interface Sums {
  /** Jobs completed in the period and the pre-tax amount of their non-void invoices. */
  completed: number;
  invoicedCents: number;
  /** Completed jobs with a non-void invoice, not counting return visits billed at $0. */
  ticketJobs: number;
  ticketCents: number;
  /** Completed jobs that are not return visits, and those of them that needed none. */
  fixEligible: number;
  fixedFirstTime: number;
  /** Completed jobs with an arrival window and an arrival, and those on time. */
  windowed: number;
  onTime: number;
  onSiteMinutes: number;
  /** Jobs scheduled to start in the period, cancelled excluded, and those done now. */
  scheduled: number;
  scheduledDone: number;
  collectedCents: number;
  /** Shift minutes of the technicians counted, from shiftMinutes. */
  shiftMinutes: number;
}

export const NO_SUMS: Sums = {
  completed: 0,
  invoicedCents: 0,
  ticketJobs: 0,
  ticketCents: 0,
  fixEligible: 0,
  fixedFirstTime: 0,
  windowed: 0,
  onTime: 0,
  onSiteMinutes: 0,
  scheduled: 0,
  scheduledDone: 0,
  collectedCents: 0,
  shiftMinutes: 0,
};

/** Each headline figure from a period's sums. Money is whole cents; the average ticket is rounded to the cent. */
export function figuresOf(s: Sums): Record<FigureId, number | null> {
  const ticket = ratio(s.ticketCents, s.ticketJobs);
  return {
    invoiced: s.invoicedCents,
    collected: s.collectedCents,
    completed: s.completed,
    completionRate: ratio(s.scheduledDone, s.scheduled),
    firstTimeFix: ratio(s.fixedFirstTime, s.fixEligible),
    onTime: ratio(s.onTime, s.windowed),
    utilisation: ratio(s.onSiteMinutes, s.shiftMinutes),
    averageTicket: ticket == null ? null : Math.round(ticket),
  };
}

export interface Figure {
  value: number | null;
  previous: number | null;
  /** Relative change against the previous period (0.1 = up 10%), null when there is nothing to compare. */
  change: number | null;
}

export function compare(current: Sums, previous: Sums): Record<FigureId, Figure> {
  const now = figuresOf(current);
  const before = figuresOf(previous);
  return Object.fromEntries(
    FIGURES.map((id) => [id, { value: now[id], previous: before[id], change: changeOf(now[id], before[id]) }]),
  ) as Record<FigureId, Figure>;
}

/** The part of a technician's record their shift hours come from. */
export interface Shift {
  shiftStart: string;
  shiftEnd: string;
  /** Weekdays worked, 0 = Sunday. */
  shiftDays: number[];
  timezone: string;
}

/**
 * Minutes of shift in a range: each working day's start to end, as instants in the technician's
 * zone, so a shift across a daylight-saving change is an hour shorter or longer, as it was worked.
 * Only what lies before `until` (the moment the numbers are read) counts: hours nobody could have
 * worked yet would make this month's utilisation read low until the month is over.
 */
export function shiftMinutes(shift: Shift, r: Range, until = Number.POSITIVE_INFINITY): number {
  return shiftMinutesOf([shift], r, until)[0]!;
}

const utcMidnight = (date: string) => Date.parse(`${date}T00:00:00Z`);

/**
 * shiftMinutes for many technicians at once, as the report needs them. Intl is the slow part
 * (one zonedInstant per technician and day made a year of 100 technicians cost 5 s of CPU), so
 * the zone's offset is read once per zone and day: a local day lies between the UTC midnights
 * of the day before and two days after (offsets are within -12 h and +14 h), and where the
 * offset is the same at both, the day has no change and its times are its wall clock less that
 * offset. A day with a change is worked out exactly by zonedInstant.
 */
export function shiftMinutesOf(shifts: readonly Shift[], r: Range, until = Number.POSITIVE_INFINITY): number[] {
  const totals = shifts.map(() => 0);
  const zones = new Map<string, number[]>();
  shifts.forEach((shift, i) => zones.set(shift.timezone, [...(zones.get(shift.timezone) ?? []), i]));
  const minutes = shifts.map((s) => [toMinutes(s.shiftStart), toMinutes(s.shiftEnd)] as const);
  for (const [zone, members] of zones) {
    const offset = (date: string) => zoneOffsetAt(utcMidnight(date), zone);
    const samples = [offset(addDays(r.from, -1)), offset(r.from), offset(addDays(r.from, 1))];
    for (let day = r.from; day <= r.to; day = addDays(day, 1)) {
      samples.push(offset(addDays(day, 2)));
      // Midnight's instant for the day's wall clock, or null on a day whose offset changes.
      const base = samples[0] === samples[3] ? utcMidnight(day) - samples[1]! : null;
      const weekday = weekdayOf(day);
      for (const i of members) {
        const shift = shifts[i]!;
        if (!shift.shiftDays.includes(weekday)) continue;
        const [from, to] = minutes[i]!;
        const start = base === null ? zonedInstant(day, shift.shiftStart, zone) : base + from * 60_000;
        const end = Math.min(base === null ? zonedInstant(day, shift.shiftEnd, zone) : base + to * 60_000, until);
        if (end > start) totals[i] = totals[i]! + (end - start) / 60_000;
      }
      samples.shift();
    }
  }
  return totals.map(Math.round);
}

const toMinutes = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));

export const AGING_BUCKETS = [
  { id: '0-30', label: '0-30 days', min: 0, max: 30 },
  { id: '31-60', label: '31-60 days', min: 31, max: 60 },
  { id: '61-90', label: '61-90 days', min: 61, max: 90 },
  { id: '90+', label: 'Over 90 days', min: 91, max: Number.POSITIVE_INFINITY },
] as const;
export type AgingBucketId = (typeof AGING_BUCKETS)[number]['id'];

/** Whole days from one instant to another, as a receivable's age or a waiting job's. */
export function daysBetween(from: number, to: number): number {
  return Math.max(0, Math.floor((to - from) / 86_400_000));
}

export function agingBucketOf(issuedAt: number, now: number): AgingBucketId {
  const age = daysBetween(issuedAt, now);
  return AGING_BUCKETS.find((b) => age >= b.min && age <= b.max)!.id;
}

/**
 * Each bucket but the last with the instant an invoice must be issued after to be in it (or in a
 * newer one), so a query can bucket by comparing instants: age <= max days <=> issued after now - (max + 1) days.
 */
export function agingThresholds(now: number): { id: AgingBucketId; issuedAfter: number }[] {
  return AGING_BUCKETS.filter((b) => Number.isFinite(b.max)).map((b) => ({ id: b.id, issuedAfter: now - (b.max + 1) * 86_400_000 }));
}
