/**
 * What every part of the demo generator shares: the seed, the org, and the clock it pretends
 * to live at. All instants derive from `today` (a local date in the org's zone) and `pivot`
 * (the local time treated as "now" on that day), never from the machine clock, so the same
 * inputs give the same rows.
 */
import { addDays, zonedInstant } from '../../core/time.ts';
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
  /** The local date `days` from today (negative for the past). */
  day(days: number): string;
}

export function seedContext(opts: { seed?: number; today: string; pivot: string }): SeedContext {
  const tz = METRO_TZ;
  const at = (date: string, time: string) => zonedInstant(date, time, tz);
  return {
    seed: opts.seed ?? DEMO_SEED,
    orgId: DEMO_ORG_ID,
    tz,
    today: opts.today,
    pivot: opts.pivot,
    now: at(opts.today, opts.pivot),
    at,
    day: (days) => addDays(opts.today, days),
  };
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** 'HH:MM' to minutes after midnight and back. */
export const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
export const toHhmm = (min: number) => `${String(Math.floor(min / 60)).padStart(2, '0')}:${String(min % 60).padStart(2, '0')}`;
