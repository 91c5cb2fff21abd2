/**
 * Wall-clock time in IANA timezones, on top of Intl (no Date arithmetic on local fields).
 * Instants are UTC epoch milliseconds; local dates are 'YYYY-MM-DD'; local times 'HH:MM'.
 * Never derive a local date from toISOString(): that is the UTC date.
 */
const partsFormatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = partsFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partsFormatters.set(timeZone, f);
  }
  return f;
}

export function isValidTimeZone(tz: string): boolean {
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

export function wallClockOf(instant: number, timeZone: string): WallClock {
  const out: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(instant))) {
    if (p.type !== 'literal') out[p.type] = Number(p.value);
  }
  return { year: out.year!, month: out.month!, day: out.day!, hour: out.hour!, minute: out.minute!, second: out.second! };
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** The local calendar date of an instant in a timezone. */
export function localDateOf(instant: number, timeZone: string): string {
  const w = wallClockOf(instant, timeZone);
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}`;
}

/** 'HH:MM' of an instant in a timezone. */
export function localTimeOf(instant: number, timeZone: string): string {
  const w = wallClockOf(instant, timeZone);
  return `${pad(w.hour)}:${pad(w.minute)}`;
}

/** Offset of the zone from UTC at an instant, in milliseconds (e.g. -5h for US Central in winter). */
export function zoneOffsetAt(instant: number, timeZone: string): number {
  const w = wallClockOf(instant, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;

export function isLocalDate(s: string): boolean {
  const m = DATE_RE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!));
  return d.getUTCFullYear() === +m[1]! && d.getUTCMonth() === +m[2]! - 1 && d.getUTCDate() === +m[3]!;
}

export function isLocalTime(s: string): boolean {
  return TIME_RE.test(s);
}

/**
 * The instant at which a wall-clock time happens in a zone. A time skipped by a spring-forward
 * gap resolves to the same distance past the gap (02:30 -> 03:30); a time repeated in the
 * autumn resolves to its first occurrence.
 */
export function zonedInstant(date: string, time: string, timeZone: string): number {
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  const [h, mi] = time.split(':').map(Number) as [number, number];
  const naive = Date.UTC(y, mo - 1, d, h, mi);
  // Try the offsets in force a little before and after; the earliest that round-trips wins.
  const candidates = [zoneOffsetAt(naive - 86_400_000, timeZone), zoneOffsetAt(naive + 86_400_000, timeZone)];
  const hits = candidates
    .map((off) => naive - off)
    .filter((t) => localTimeOf(t, timeZone) === `${pad(h)}:${pad(mi)}` && localDateOf(t, timeZone) === date);
  if (hits.length) return Math.min(...hits);
  // In a gap: keep the wall-clock distance by using the offset from before the change.
  return naive - candidates[0]!;
}

/** The next calendar date. */
export function addDays(date: string, days: number): string {
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, mo - 1, d + days));
  return `${pad(t.getUTCFullYear(), 4)}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
}

/** [start, end) instants of a local day; 23 or 25 hours long on daylight-saving days. */
export function dayRange(date: string, timeZone: string): { start: number; end: number } {
  return { start: zonedInstant(date, '00:00', timeZone), end: zonedInstant(addDays(date, 1), '00:00', timeZone) };
}

/** Day of week (0 = Sunday) of a local date. */
export function weekdayOf(date: string): number {
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, mo - 1, d)).getUTCDay();
}
