/**
 * What every part of the demo generator shares: the seed, the org, and the clock it pretends
 * to live at. All instants derive from `today` (a local date in the org's zone) and `pivot`
 * (the local time treated as "now" on that day), never from the machine clock, so the same
 * inputs give the same rows.
 */
import { addDays, dayRange, zonedInstant } from '../../core/time.ts';
import { METRO_TZ } from './places.ts';

export const DEMO_ORG_ID = '00000000-0000-4000-8000-000000000001';
export const DEMO_SEED = 20_260_901;

export interface SeedContext {
  seed: number;
  orgId: string;
  tz: string;
  /** The org's local date the demo is built around, 'YYYY-MM-DD'. */
  today: string;
  /** Local 'HH:MM' on `today` that counts as now: before it is history, after it is plan. */
  pivot: string;
  /** `pivot` on `today` as an instant. */
  now: number;
  /** The instant of a local date and time in the org's zone. */
  at(date: string, time: string): number;
  /** The local date of an instant in the org's zone. */
  dateOf(instant: number): string;
  /** The local date `days` from today (negative for the past). */
  day(days: number): string;
}

export function seedContext(opts: { seed?: number; today: string; pivot: string }): SeedContext {
  const tz = METRO_TZ;
  const { at, dateOf } = zoneClock(tz);
  return {
    seed: opts.seed ?? DEMO_SEED,
    orgId: DEMO_ORG_ID,
    tz,
    today: opts.today,
    pivot: opts.pivot,
    now: at(opts.today, opts.pivot),
    at,
    dateOf,
    day: (days) => addDays(opts.today, days),
  };
}

/**
 * `zonedInstant` and `localDateOf` for many instants: a year of demo work has about a hundred
 * thousand, and each zonedInstant asks Intl six times. A day whose clock does not change (24 hours
 * from midnight to midnight) has one offset all day, so its instants are the wall-clock time less
 * that offset, the very value zonedInstant gives; a daylight-saving day asks zonedInstant every
 * time. An instant's local date is the UTC date or a day either side, whichever day it falls in.
 */
function zoneClock(tz: string) {
  const days = new Map<string, { start: number; end: number; offset: number | null }>();
  const wall = (date: string, time: string) =>
    Date.UTC(+date.slice(0, 4), +date.slice(5, 7) - 1, +date.slice(8, 10), +time.slice(0, 2), +time.slice(3, 5));
  const dayOf = (date: string) => {
    let day = days.get(date);
    if (!day) {
      const { start, end } = dayRange(date, tz);
      day = { start, end, offset: end - start === DAY ? wall(date, '00:00') - start : null };
      days.set(date, day);
    }
    return day;
  };
  return {
    at(date: string, time: string): number {
      const { offset } = dayOf(date);
      return offset === null ? zonedInstant(date, time, tz) : wall(date, time) - offset;
    },
    dateOf(instant: number): string {
      let date = new Date(instant).toISOString().slice(0, 10);
      if (instant < dayOf(date).start) date = addDays(date, -1);
      else if (instant >= dayOf(date).end) date = addDays(date, 1);
      return date;
    },
  };
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** 'HH:MM' to minutes after midnight and back. */
export const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
export const toHhmm = (min: number) => `${String(Math.floor(min / 60)).padStart(2, '0')}:${String(min % 60).padStart(2, '0')}`;
