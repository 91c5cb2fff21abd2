/** The manager's numbers' own arithmetic (core/kpis.ts), against figures worked out by hand. */
import { describe, expect, it } from 'vitest';
import {
  agingBucketOf,
  agingThresholds,
  changeOf,
  compare,
  dayCount,
  figuresOf,
  NO_SUMS,
  periodOf,
  presetRange,
  previousRange,
  rangeProblem,
  shiftMinutes,
  shiftMinutesOf,
} from './kpis.ts';
import { addDays, weekdayOf, zonedInstant } from './time.ts';

const CHICAGO = 'America/Chicago';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('ranges', () => {
  it('counts both ends and checks the fields by name', () => {
    expect(dayCount({ from: '2026-03-01', to: '2026-03-31' })).toBe(31);
    expect(rangeProblem({ from: '2026-03-01', to: '2026-03-01' })).toBeNull();
    expect(rangeProblem({ from: '2026-3-1', to: '2026-03-01' })?.field).toBe('from');
    expect(rangeProblem({ from: '2026-03-02', to: '2026-03-01' })).toEqual({ field: 'to', message: 'to must not be before from.' });
    expect(rangeProblem({ from: '2025-01-01', to: '2026-03-01' })?.field).toBe('to');
    expect(rangeProblem({ from: '2026-02-30', to: '2026-03-01' })?.field).toBe('from');
  });

  it('gives a spring-forward day 23 hours and a fall-back day 25, in the org zone, whatever the machine zone', () => {
    const spring = periodOf({ from: '2026-03-07', to: '2026-03-09' }, CHICAGO);
    expect(spring.days.map((d) => (d.end - d.start) / HOUR)).toEqual([24, 23, 24]);
    // Midnight CST is 06:00 UTC; after the change, midnight CDT is 05:00 UTC.
    expect(new Date(spring.start).toISOString()).toBe('2026-03-07T06:00:00.000Z');
    expect(new Date(spring.end).toISOString()).toBe('2026-03-10T05:00:00.000Z');
    const fall = periodOf({ from: '2026-11-01', to: '2026-11-01' }, CHICAGO);
    expect((fall.end - fall.start) / HOUR).toBe(25);
    // A job completed at 00:30 on the fall-back day belongs to that day, not the one before.
    const halfPast = Date.parse('2026-11-01T05:30:00Z');
    expect(halfPast >= fall.start && halfPast < fall.end).toBe(true);
  });

  it('compares with as many days just before', () => {
    expect(previousRange({ from: '2026-03-01', to: '2026-03-31' })).toEqual({ from: '2026-01-29', to: '2026-02-28' });
    expect(previousRange({ from: '2026-12-03', to: '2026-12-03' })).toEqual({ from: '2026-12-02', to: '2026-12-02' });
  });

  it('offers today, a Monday-to-Sunday week and the calendar month', () => {
    // 2026-12-03 is a Thursday.
    expect(presetRange('today', '2026-12-03')).toEqual({ from: '2026-12-03', to: '2026-12-03' });
    expect(presetRange('week', '2026-12-03')).toEqual({ from: '2026-11-30', to: '2026-12-06' });
    expect(presetRange('week', '2026-12-06')).toEqual({ from: '2026-11-30', to: '2026-12-06' });
    expect(presetRange('month', '2026-02-14')).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    expect(presetRange('month', '2026-12-31')).toEqual({ from: '2026-12-01', to: '2026-12-31' });
  });
});

describe('figures', () => {
  it('turns sums into figures, with no figure where there is nothing to divide', () => {
    expect(figuresOf(NO_SUMS)).toEqual({
      invoiced: 0,
      collected: 0,
      completed: 0,
      completionRate: null,
      firstTimeFix: null,
      onTime: null,
      utilisation: null,
      averageTicket: null,
    });
    const f = figuresOf({
      ...NO_SUMS,
      completed: 4,
      invoicedCents: 100_000,
      // Three invoiced jobs: $400, $350.01 and $249.99 (a $0 return visit is not among them).
      ticketJobs: 3,
      ticketCents: 100_000,
      fixEligible: 3,
      fixedFirstTime: 2,
      windowed: 4,
      onTime: 3,
      onSiteMinutes: 240,
      shiftMinutes: 960,
      scheduled: 5,
      scheduledDone: 4,
      collectedCents: 55_000,
    });
    expect(f).toEqual({
      invoiced: 100_000,
      collected: 55_000,
      completed: 4,
      completionRate: 0.8,
      firstTimeFix: 2 / 3,
      onTime: 0.75,
      utilisation: 0.25,
      // 100,000 / 3 = 33,333.33 cents, to the cent.
      averageTicket: 33_333,
    });
  });

  it('says the change against the previous period, and nothing when that was zero', () => {
    expect(changeOf(120, 100)).toBeCloseTo(0.2);
    expect(changeOf(50, 100)).toBeCloseTo(-0.5);
    expect(changeOf(5, 0)).toBeNull();
    expect(changeOf(null, 3)).toBeNull();
    const c = compare({ ...NO_SUMS, completed: 6 }, { ...NO_SUMS, completed: 4 });
    expect(c.completed).toEqual({ value: 6, previous: 4, change: 0.5 });
    expect(c.onTime).toEqual({ value: null, previous: null, change: null });
  });
});

describe('shift minutes', () => {
  const weekdays = { shiftStart: '07:00', shiftEnd: '15:30', shiftDays: [1, 2, 3, 4, 5], timezone: CHICAGO };

  it('adds each working day of the range', () => {
    // Mon 2026-11-30 to Sun 2026-12-06: five days of 8.5 hours.
    expect(shiftMinutes(weekdays, { from: '2026-11-30', to: '2026-12-06' })).toBe(5 * 510);
    expect(shiftMinutes(weekdays, { from: '2026-12-05', to: '2026-12-06' })).toBe(0);
  });

  it('counts only the shift hours before the moment the numbers are read', () => {
    // Thursday 2026-12-03 at 10:00 CST: Monday to Wednesday whole, Thursday's 07:00-10:00, nothing after.
    const at = Date.parse('2026-12-03T16:00:00Z');
    expect(shiftMinutes(weekdays, { from: '2026-11-30', to: '2026-12-06' }, at)).toBe(3 * 510 + 180);
    expect(shiftMinutes(weekdays, { from: '2026-12-04', to: '2026-12-06' }, at)).toBe(0);
  });

  it('counts a night shift across the spring-forward gap as the hour shorter it was', () => {
    const night = { shiftStart: '01:00', shiftEnd: '05:00', shiftDays: [0], timezone: CHICAGO };
    // Sunday 2026-03-08: 01:00 CST to 05:00 CDT is three hours of work; a week later, four.
    expect(shiftMinutes(night, { from: '2026-03-08', to: '2026-03-08' })).toBe(180);
    expect(shiftMinutes(night, { from: '2026-03-15', to: '2026-03-15' })).toBe(240);
  });
});

describe('shift minutes, many at once', () => {
  /** The plain definition: each working day's shift as zonedInstant says, one call per time. */
  const slow = (shift: Parameters<typeof shiftMinutes>[0], from: string, to: string) => {
    let total = 0;
    for (let day = from; day <= to; day = addDays(day, 1)) {
      if (!shift.shiftDays.includes(weekdayOf(day))) continue;
      const start = zonedInstant(day, shift.shiftStart, shift.timezone);
      const end = zonedInstant(day, shift.shiftEnd, shift.timezone);
      if (end > start) total += (end - start) / 60_000;
    }
    return Math.round(total);
  };

  it('gives what the plain definition gives, in zones with and without daylight saving, across two years', () => {
    const zones = ['America/Chicago', 'Europe/London', 'Australia/Lord_Howe', 'Pacific/Kiritimati', 'Pacific/Pago_Pago', 'Asia/Kolkata'];
    const times = [
      ['07:00', '15:30'],
      ['01:00', '05:00'],
      ['00:00', '02:30'],
      ['22:00', '23:59'],
    ] as const;
    const shifts = zones.flatMap((timezone) =>
      times.map(([shiftStart, shiftEnd], i) => ({ shiftStart, shiftEnd, shiftDays: i % 2 ? [0, 6] : [0, 1, 2, 3, 4, 5, 6], timezone })),
    );
    const range = { from: '2025-12-20', to: '2027-01-10' };
    expect(shiftMinutesOf(shifts, range)).toEqual(shifts.map((s) => slow(s, range.from, range.to)));
  });
});

describe('receivables', () => {
  const now = Date.parse('2026-12-03T18:00:00Z');

  it('buckets by whole days since issue', () => {
    expect(agingBucketOf(now, now)).toBe('0-30');
    expect(agingBucketOf(now - 30 * DAY, now)).toBe('0-30');
    expect(agingBucketOf(now - 30 * DAY - 1, now)).toBe('0-30');
    expect(agingBucketOf(now - 31 * DAY, now)).toBe('31-60');
    expect(agingBucketOf(now - 90 * DAY, now)).toBe('61-90');
    expect(agingBucketOf(now - 91 * DAY, now)).toBe('90+');
  });

  it('gives a query the same buckets as instants to compare with', () => {
    const thresholds = agingThresholds(now);
    expect(thresholds.map((t) => t.id)).toEqual(['0-30', '31-60', '61-90']);
    const bucketByThreshold = (issuedAt: number) => thresholds.find((t) => issuedAt > t.issuedAfter)?.id ?? '90+';
    for (const age of [0, 1, 29.5, 30, 30.99, 31, 45, 60.5, 61, 90, 90.99, 91, 400]) {
      const issuedAt = now - age * DAY;
      expect(bucketByThreshold(issuedAt), `${age} days`).toBe(agingBucketOf(issuedAt, now));
    }
  });
});
