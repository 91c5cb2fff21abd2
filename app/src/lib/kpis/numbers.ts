/**
 * The manager's page's own arithmetic, apart from the components: which range a URL means, how
 * a figure and its change read, whether a range had any work, the scorecard's order and what a
 * chart says in words. The figures themselves are core/kpis.ts's.
 */
import { formatCents } from '#core/money.ts';
import { type Preset, presetRange, type Range, type Unit } from '#core/kpis.ts';
import type { KpiReport } from '#lib/types.ts';

export const PRESETS: readonly { id: Preset; label: string }[] = [
  { id: 'today', label: 'Today' },
  { id: 'week', label: 'This week' },
  { id: 'month', label: 'This month' },
];

/** What the page shows without a range in its URL. */
export const DEFAULT_PRESET: Preset = 'week';

/**
 * The range of a URL: its `from` and `to` as written, so a link shows the same numbers to whoever
 * opens it (a bad one is the API's to name, field by field), else this week around the org's today.
 */
export function rangeOfQuery(params: Pick<URLSearchParams, 'get'>, today: string): Range {
  const from = params.get('from');
  const to = params.get('to');
  if (from === null && to === null) return presetRange(DEFAULT_PRESET, today);
  return { from: from ?? '', to: to ?? '' };
}

/** Which preset a range is today, or 'custom'. */
export function presetOf(range: Range, today: string): Preset | 'custom' {
  const hit = PRESETS.find(({ id }) => {
    const p = presetRange(id, today);
    return p.from === range.from && p.to === range.to;
  });
  return hit?.id ?? 'custom';
}

const COUNT = new Intl.NumberFormat('en-US');
const PERCENT = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1 });

export function formatPercent(ratio: number): string {
  return PERCENT.format(ratio);
}

/** A figure's value in its unit; "—" when there is nothing to count (never shown as 0). */
export function formatValue(value: number | null, unit: Unit): string {
  if (value == null) return '—';
  switch (unit) {
    case 'cents':
      return formatCents(value);
    case 'ratio':
      return formatPercent(value);
    case 'days':
      return `${COUNT.format(value)} ${value === 1 ? 'day' : 'days'}`;
    case 'count':
      return COUNT.format(value);
  }
}

export interface ChangeText {
  direction: 'up' | 'down' | 'same' | 'none';
  /** A shape as well as a colour, so the direction does not rest on colour alone. */
  arrow: string;
  text: string;
  /** The same for a screen reader. */
  words: string;
}

/** A relative change (core/kpis.ts changeOf) as the cards show it. */
export function changeText(change: number | null): ChangeText {
  if (change == null) return { direction: 'none', arrow: '', text: '', words: 'nothing to compare with' };
  // Below what one decimal of a percent shows, it is no change rather than "+0%".
  if (Math.abs(change) < 0.0005) return { direction: 'same', arrow: '=', text: '0%', words: 'no change' };
  const size = formatPercent(Math.abs(change));
  return change > 0
    ? { direction: 'up', arrow: '▲', text: `+${size}`, words: `up ${size}` }
    : { direction: 'down', arrow: '▼', text: `−${size}`, words: `down ${size}` };
}

/**
 * Whether anything happened in the range: a job scheduled in it (the completion rate's whole), a
 * completion, an invoice or a payment. The waiting queue and receivables are "right now", not the
 * range's, so they do not count.
 */
export function hasWork(report: KpiReport): boolean {
  const f = report.figures;
  return f.completionRate.value != null || (f.completed.value ?? 0) > 0 || (f.invoiced.value ?? 0) !== 0 || (f.collected.value ?? 0) !== 0;
}

export type TechnicianRow = KpiReport['technicians'][number];
export type ScoreKey = 'name' | 'completed' | 'invoicedCents' | 'firstTimeFix' | 'onTime' | 'utilisation';
export type SortDirection = 'ascending' | 'descending';

/** The scorecard in the chosen order; a technician with nothing to count for the key comes last either way. */
export function sortTechnicians(rows: readonly TechnicianRow[], key: ScoreKey, direction: SortDirection): TechnicianRow[] {
  const sign = direction === 'ascending' ? 1 : -1;
  return [...rows].sort((a, b) => {
    if (key === 'name') return sign * a.name.localeCompare(b.name);
    const x = a[key];
    const y = b[key];
    if (x == null || y == null) return x == null ? (y == null ? a.name.localeCompare(b.name) : 1) : -1;
    return sign * (x - y) || a.name.localeCompare(b.name);
  });
}

/** A chart in one sentence, for its canvas's accessible name (the table alternative has every point). */
export function seriesSummary(title: string, labels: readonly string[], values: readonly number[], format: (v: number) => string): string {
  if (values.length === 0) return `${title}: nothing in this range.`;
  let top = 0;
  values.forEach((v, i) => {
    if (v > values[top]!) top = i;
  });
  const total = values.reduce((s, v) => s + v, 0);
  return `${title}, ${values.length} ${values.length === 1 ? 'point' : 'points'}, total ${format(total)}, highest ${format(values[top]!)} (${labels[top]}).`;
}

const dayFormat = new Intl.DateTimeFormat(undefined, { timeZone: 'UTC', month: 'short', day: 'numeric' });
const rangeFormat = new Intl.DateTimeFormat(undefined, {
  timeZone: 'UTC',
  weekday: 'short',
  month: 'short',
  day: 'numeric',
  year: 'numeric',
});
const utcNoon = (date: string) => Date.parse(`${date}T12:00:00Z`);

/** A local date on a chart's axis: "Dec 3". */
export function dayLabel(date: string): string {
  return dayFormat.format(utcNoon(date));
}

/** A range in words: "Mon, Nov 30 – Sun, Dec 6, 2026", or one day. */
export function rangeLabel(range: Range): string {
  if (!Number.isFinite(utcNoon(range.from)) || !Number.isFinite(utcNoon(range.to))) return `${range.from} – ${range.to}`;
  return range.from === range.to
    ? rangeFormat.format(utcNoon(range.from))
    : rangeFormat.formatRange(utcNoon(range.from), utcNoon(range.to));
}

const clocks = new Map<string, Intl.DateTimeFormat>();
/** An instant as the org's wall-clock time with seconds: "10:02:03 AM". */
export function clockTime(instant: number, timeZone: string): string {
  let f = clocks.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat(undefined, { timeZone, hour: 'numeric', minute: '2-digit', second: '2-digit' });
    clocks.set(timeZone, f);
  }
  return f.format(instant);
}
