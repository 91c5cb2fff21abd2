import { describe, expect, it } from 'vitest';
import { addDays, dayRange, isLocalDate, isLocalTime, isValidTimeZone, localDateOf, localTimeOf, weekdayOf, zonedInstant } from './time.ts';

const H = 3_600_000;

describe('local dates and times', () => {
  it('gives the local date, not the UTC one', () => {
    // 2026-03-10 03:30 UTC is still the 9th in Chicago.
    const t = Date.UTC(2026, 2, 10, 3, 30);
    expect(localDateOf(t, 'America/Chicago')).toBe('2026-03-09');
    expect(new Date(t).toISOString().slice(0, 10)).toBe('2026-03-10');
    expect(localTimeOf(t, 'America/Chicago')).toBe('22:30');
  });

  it('turns wall-clock times into instants across zones', () => {
    expect(zonedInstant('2026-07-01', '09:00', 'America/Chicago')).toBe(Date.UTC(2026, 6, 1, 14, 0));
    expect(zonedInstant('2026-01-15', '09:00', 'America/Chicago')).toBe(Date.UTC(2026, 0, 15, 15, 0));
    expect(zonedInstant('2026-01-15', '09:00', 'Asia/Kolkata')).toBe(Date.UTC(2026, 0, 15, 3, 30));
  });

  it('has a 23-hour day when clocks spring forward and a 25-hour day when they fall back', () => {
    const spring = dayRange('2026-03-08', 'America/Chicago');
    expect(spring.end - spring.start).toBe(23 * H);
    const fall = dayRange('2026-11-01', 'America/Chicago');
    expect(fall.end - fall.start).toBe(25 * H);
    const plain = dayRange('2026-06-01', 'America/Chicago');
    expect(plain.end - plain.start).toBe(24 * H);
  });

  it('moves a time skipped by spring-forward past the gap', () => {
    // 02:30 does not exist on 2026-03-08 in Chicago; it becomes 03:30 CDT.
    const t = zonedInstant('2026-03-08', '02:30', 'America/Chicago');
    expect(localTimeOf(t, 'America/Chicago')).toBe('03:30');
    expect(t).toBe(Date.UTC(2026, 2, 8, 8, 30));
  });

  it('takes the first of a repeated fall-back time', () => {
    // 01:30 happens twice on 2026-11-01 in Chicago: first at 06:30 UTC (CDT), then 07:30 UTC (CST).
    expect(zonedInstant('2026-11-01', '01:30', 'America/Chicago')).toBe(Date.UTC(2026, 10, 1, 6, 30));
  });

  it('validates inputs', () => {
    expect(isLocalDate('2026-02-29')).toBe(false);
    expect(isLocalDate('2028-02-29')).toBe(true);
    expect(isLocalTime('24:00')).toBe(false);
    expect(isLocalTime('07:45')).toBe(true);
    expect(isValidTimeZone('America/Chicago')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(weekdayOf('2026-11-25')).toBe(3);
  });
});
