import { describe, expect, it } from 'vitest';
import { NO_SUMS, compare } from '#core/kpis.ts';
import type { KpiReport } from '#lib/types.ts';
import { changeText, formatValue, hasWork, presetOf, rangeOfQuery, seriesSummary, sortTechnicians } from './numbers.ts';

describe('the range a URL asks for', () => {
  it('is from and to as given, so a shared link shows the same numbers (the API judges them)', () => {
    expect(rangeOfQuery(new URLSearchParams('from=2026-11-02&to=2026-11-08'), '2026-12-03')).toEqual({
      from: '2026-11-02',
      to: '2026-11-08',
    });
    // Half a range is passed on as it is: the API names the missing field.
    expect(rangeOfQuery(new URLSearchParams('from=2026-11-02'), '2026-12-03')).toEqual({ from: '2026-11-02', to: '' });
  });
  it('is this week (Monday to Sunday around the org’s today) without either', () => {
    // 2026-12-03 is a Thursday.
    expect(rangeOfQuery(new URLSearchParams(''), '2026-12-03')).toEqual({ from: '2026-11-30', to: '2026-12-06' });
  });
  it('is named by the preset it equals, else custom', () => {
    expect(presetOf({ from: '2026-12-03', to: '2026-12-03' }, '2026-12-03')).toBe('today');
    expect(presetOf({ from: '2026-11-30', to: '2026-12-06' }, '2026-12-03')).toBe('week');
    expect(presetOf({ from: '2026-12-01', to: '2026-12-31' }, '2026-12-03')).toBe('month');
    expect(presetOf({ from: '2026-12-01', to: '2026-12-02' }, '2026-12-03')).toBe('custom');
    // Yesterday's "today" is a custom range today.
    expect(presetOf({ from: '2026-12-02', to: '2026-12-02' }, '2026-12-03')).toBe('custom');
  });
});

describe('a figure as the page shows it', () => {
  it('formats money with the app’s money helper, ratios as percentages, counts and days as numbers', () => {
    expect(formatValue(123456, 'cents')).toBe('$1,234.56');
    expect(formatValue(0.875, 'ratio')).toBe('87.5%');
    expect(formatValue(1, 'ratio')).toBe('100%');
    expect(formatValue(1234, 'count')).toBe('1,234');
    expect(formatValue(1, 'days')).toBe('1 day');
    expect(formatValue(12, 'days')).toBe('12 days');
  });
  it('shows nothing to count as a dash, never as 0', () => {
    for (const unit of ['cents', 'ratio', 'count', 'days'] as const) expect(formatValue(null, unit)).toBe('—');
  });
  it('says a change in words and with an arrow, so colour is not the only signal', () => {
    expect(changeText(0.125)).toEqual({ direction: 'up', arrow: '▲', text: '+12.5%', words: 'up 12.5%' });
    expect(changeText(-0.5)).toEqual({ direction: 'down', arrow: '▼', text: '−50%', words: 'down 50%' });
    expect(changeText(0)).toEqual({ direction: 'same', arrow: '=', text: '0%', words: 'no change' });
    // Too small to show as a tenth of a percent: the same, not "+0%".
    expect(changeText(0.0004).direction).toBe('same');
    expect(changeText(null)).toEqual({ direction: 'none', arrow: '', text: '', words: 'nothing to compare with' });
  });
});

function report(over: Partial<KpiReport> = {}): KpiReport {
  return {
    from: '2026-12-01',
    to: '2026-12-07',
    timezone: 'America/Chicago',
    previous: { from: '2026-11-24', to: '2026-11-30' },
    asOf: 0,
    figures: compare(NO_SUMS, NO_SUMS),
    queue: { size: 3, oldestDays: 9, averageDays: 4 },
    receivables: [],
    days: [],
    technicians: [],
    ...over,
  };
}

describe('whether a range has any work', () => {
  it('has none when nothing was scheduled, completed, invoiced or paid in it (the queue and receivables are "now", not the range)', () => {
    expect(hasWork(report())).toBe(false);
  });
  it('has some with a job scheduled in it, or a completion, or a payment', () => {
    expect(hasWork(report({ figures: compare({ ...NO_SUMS, scheduled: 1 }, NO_SUMS) }))).toBe(true);
    expect(hasWork(report({ figures: compare({ ...NO_SUMS, completed: 1 }, NO_SUMS) }))).toBe(true);
    expect(hasWork(report({ figures: compare({ ...NO_SUMS, collectedCents: 500 }, NO_SUMS) }))).toBe(true);
    // Only the previous period had work: this one still has none.
    expect(hasWork(report({ figures: compare(NO_SUMS, { ...NO_SUMS, completed: 4 }) }))).toBe(false);
  });
});

describe('the technicians’ scorecard order', () => {
  const row = (name: string, completed: number, onTime: number | null) => ({
    id: name,
    name,
    colour: '#000000',
    completed,
    invoicedCents: completed * 100,
    firstTimeFix: null,
    onTime,
    utilisation: null,
    onSiteMinutes: 0,
    shiftMinutes: 0,
  });
  const rows = [row('Kim', 3, 0.5), row('Ann', 5, null), row('Bo', 1, 1)];
  it('sorts by name or any figure, either way', () => {
    expect(sortTechnicians(rows, 'name', 'ascending').map((r) => r.name)).toEqual(['Ann', 'Bo', 'Kim']);
    expect(sortTechnicians(rows, 'completed', 'descending').map((r) => r.name)).toEqual(['Ann', 'Kim', 'Bo']);
    expect(sortTechnicians(rows, 'completed', 'ascending').map((r) => r.name)).toEqual(['Bo', 'Kim', 'Ann']);
  });
  it('puts a technician with nothing to count last, whichever way', () => {
    expect(sortTechnicians(rows, 'onTime', 'descending').map((r) => r.name)).toEqual(['Bo', 'Kim', 'Ann']);
    expect(sortTechnicians(rows, 'onTime', 'ascending').map((r) => r.name)).toEqual(['Kim', 'Bo', 'Ann']);
  });
  it('leaves the rows it was given alone', () => {
    sortTechnicians(rows, 'name', 'ascending');
    expect(rows.map((r) => r.name)).toEqual(['Kim', 'Ann', 'Bo']);
  });
});

describe('what a chart says to a screen reader', () => {
  it('names the total, the highest point and how many points there are', () => {
    const s = seriesSummary('Revenue per day', ['Dec 1', 'Dec 2', 'Dec 3'], [1000, 5000, 0], (v) => formatValue(v, 'cents'));
    expect(s).toBe('Revenue per day, 3 points, total $60.00, highest $50.00 (Dec 2).');
  });
  it('says when there is nothing to draw', () => {
    expect(seriesSummary('Completions per day', [], [], String)).toBe('Completions per day: nothing in this range.');
  });
});
