/**
 * The scheduling rules: what is wrong with where a job sits on the board, in words a dispatcher
 * understands. The browser runs them for instant feedback while dragging, and the board room runs
 * them as the authority and stores the result with the projection. Both must get the same answer
 * from the same input, so everything here is pure and deterministic.
 *
 * Warnings never block a move (dispatchers know things the rules do not); they explain it.
 *
 * Input is one org-day (see `RuleDay`); output is, per job id, a list of warnings:
 * - double-booked    overlaps another job of the same technician (back-to-back is fine)
 * - outside-shift    starts before / ends after the shift, or on a day the technician does not
 *                    work; the shift is wall-clock time in the technician's own timezone
 * - missing-skill    the job's required skill is not among the technician's skills
 * - licence-class    the technician's class ranks below the required one, or there is none
 * - licence-expired  the licence expired before the job's local date (org timezone); checked
 *                    for every job, not only those naming a class: the licence is what lets the
 *                    technician do electrical work at all
 * - licence-expiring the licence runs out within `licenceExpiringDays` (default 14) of the job:
 *                    a softer heads-up, because a renewal usually needs time and the seed data
 *                    has a technician in exactly that window; set the option to 0 to turn it off
 * - travel-time      straight-line travel from the previous job's location (or from home, for
 *                    the first job of the technician's local day, counted from the shift start)
 *                    is longer than the gap; overlapping jobs get no travel warning on top
 *
 * Cost: jobs are grouped by technician and sorted once, overlaps are found by a sweep over each
 * sorted row, and timezone work (Intl, the slow part) is memoised, so a day of 2,000 jobs over
 * 100 technicians is a few milliseconds, not a quadratic scan.
 */
import { haversineKm, travelMinutes } from './geo.ts';
import { addDays, isLocalDate, isLocalTime, isValidTimeZone, localDateOf, localTimeOf, weekdayOf, zonedInstant } from './time.ts';

export const WARNING_CODES = [
  'double-booked',
  'outside-shift',
  'missing-skill',
  'licence-class',
  'licence-expired',
  'licence-expiring',
  'travel-time',
] as const;
export type WarningCode = (typeof WARNING_CODES)[number];

export interface ScheduleWarning {
  code: WarningCode;
  message: string;
  /** The other job involved (double-booked: the job overlapped; travel-time: the job before). */
  relatedJobId?: string;
}

/** What the rules need of a technician (a subset of the technicians row). */
export interface RuleTechnician {
  id: string;
  name: string;
  skills: readonly string[];
  licenceClass: string | null;
  /** Last valid day, 'YYYY-MM-DD'. */
  licenceExpires: string | null;
  /** Wall-clock 'HH:MM' in `timezone`; an end at or before the start means the shift ends the next day. */
  shiftStart: string;
  shiftEnd: string;
  /** Weekdays worked, 0 = Sunday, of the day the shift starts. */
  shiftDays: readonly number[];
  timezone: string;
  homeLat: number | null;
  homeLng: number | null;
}

/** Where a job sits: technician, start instant (UTC ms) and length. Null technician or start = in the queue. */
export interface Placement {
  technicianId: string | null;
  start: number | null;
  durationMin: number;
}

/** A job of the day with its placement, needs and location. */
export interface RuleJob extends Placement {
  id: string;
  /** The job number dispatchers use ("job #1042"). */
  number: number;
  /** Location label or street address, used in travel messages. */
  address: string;
  lat: number | null;
  lng: number | null;
  requiredSkill: string | null;
  requiredLicenceClass: string | null;
  /** Cancelled jobs are ignored: they neither get warnings nor block anyone's time. */
  status?: string;
}

export interface RuleOptions {
  /** Average straight-line travel speed, km/h. Default 40. */
  speedKmh?: number;
  /** Licence classes from lowest to highest. Default apprentice < journeyman < master. */
  licenceClasses?: readonly string[];
  /** Warn this many days ahead of a licence's expiry; 0 turns the warning off. Default 14. */
  licenceExpiringDays?: number;
  /** Display names for skill codes, e.g. { 'ev-charger': 'EV charger' }. */
  skillLabels?: Readonly<Record<string, string>>;
}

export const DEFAULT_RULE_OPTIONS = {
  speedKmh: 40,
  licenceClasses: ['apprentice', 'journeyman', 'master'],
  licenceExpiringDays: 14,
} as const satisfies RuleOptions;

/** One org-day: the board's timezone and local date, its technicians and its jobs. */
export interface RuleDay {
  timezone: string;
  date: string;
  technicians: readonly RuleTechnician[];
  jobs: readonly RuleJob[];
  options?: RuleOptions;
}

export type DayWarnings = Map<string, ScheduleWarning[]>;

// ---------------------------------------------------------------------------------------------
// Timezone work, memoised. Each value is a pure function of its key, so a module-wide cache is
// safe; it is what makes a 2,000-job day cheap (jobs sit on a 15-minute grid, so a day has only
// a few hundred distinct instants). Cleared wholesale when it grows, which is rare.

const MEMO_LIMIT = 50_000;
const instantMemo = new Map<string, number>();
const dateMemo = new Map<string, string>();
const timeMemo = new Map<string, string>();

function remember<V>(memo: Map<string, V>, key: string, make: () => V): V {
  let v = memo.get(key);
  if (v === undefined) {
    if (memo.size >= MEMO_LIMIT) memo.clear();
    v = make();
    memo.set(key, v);
  }
  return v;
}

const instantAt = (date: string, time: string, tz: string) =>
  remember(instantMemo, `${tz}|${date}|${time}`, () => zonedInstant(date, time, tz));
const dateAt = (t: number, tz: string) => remember(dateMemo, `${tz}|${t}`, () => localDateOf(t, tz));
const timeAt = (t: number, tz: string) => remember(timeMemo, `${tz}|${t}`, () => localTimeOf(t, tz));

// ---------------------------------------------------------------------------------------------

const MINUTE = 60_000;
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

interface Context {
  orgTz: string;
  date: string;
  speedKmh: number;
  rank: Map<string, number>;
  topRank: number;
  expiringDays: number;
  skillLabels: Readonly<Record<string, string>>;
  /** The org's local days around the board date (licence expiry is judged on the org's date). */
  orgDays: ZoneDays;
  /** Per technician, worked out once per evaluation (technicians may change between calls). */
  facts: Map<string, TechFacts>;
}

interface ShiftWindow {
  start: number;
  end: number;
}

/** A placed job with its instants worked out. */
interface Slot {
  job: RuleJob;
  start: number;
  end: number;
}

/**
 * The local days of one timezone around the board's date, so that finding an instant's local
 * date is a few comparisons instead of an Intl call per job. Midnights come from zonedInstant,
 * so days are 23 or 25 hours long on daylight-saving days; instants outside the window (a job
 * filed under the wrong day) fall back to localDateOf. Also remembers wall-clock times by
 * instant for messages. Pure, so shared across evaluations (see `zoneDays`).
 */
class ZoneDays {
  private readonly dates: string[] = [];
  private readonly starts: number[] = [];
  private readonly times = new Map<number, string>();

  constructor(
    private readonly tz: string,
    centre: string,
  ) {
    // Two days either side covers every offset from the board's zone (at most 26 hours apart).
    for (let i = -2; i <= 3; i++) {
      const date = addDays(centre, i);
      this.dates.push(date);
      this.starts.push(instantAt(date, '00:00', tz));
    }
  }

  dateOf(t: number): string {
    const { starts, dates } = this;
    for (let i = 0; i < starts.length - 1; i++) if (t >= starts[i]! && t < starts[i + 1]!) return dates[i]!;
    return dateAt(t, this.tz);
  }

  dayBefore(date: string): string {
    const i = this.dates.indexOf(date);
    return i > 0 ? this.dates[i - 1]! : addDays(date, -1);
  }

  /** 'HH:MM' of an instant. */
  timeOf(t: number): string {
    let s = this.times.get(t);
    if (s === undefined) {
      if (this.times.size >= MEMO_LIMIT) this.times.clear();
      this.times.set(t, (s = timeAt(t, this.tz)));
    }
    return s;
  }
}

const zoneDaysMemo = new Map<string, ZoneDays>();
const zoneDays = (tz: string, date: string) => remember(zoneDaysMemo, `${tz}|${date}`, () => new ZoneDays(tz, date));

interface TechFacts {
  tech: RuleTechnician;
  days: ZoneDays;
  /** False when the shift times are not 'HH:MM': the shift rule then has nothing to check. */
  shiftKnown: boolean;
  overnight: boolean;
  windows: Map<string, ShiftWindow | null>;
  /** The expiry date if it is a valid 'YYYY-MM-DD'. */
  expires: string | null;
  /** Expiry warning per job date (most of a technician's jobs share one date). */
  expiry: Map<string, ScheduleWarning | null>;
}

function contextOf(day: RuleDay): Context {
  const o = day.options ?? {};
  const speedKmh = o.speedKmh ?? DEFAULT_RULE_OPTIONS.speedKmh;
  if (!(speedKmh > 0) || !Number.isFinite(speedKmh)) throw new RangeError(`speedKmh must be a positive number, got ${speedKmh}.`);
  const classes = o.licenceClasses ?? DEFAULT_RULE_OPTIONS.licenceClasses;
  const orgDays = zoneDays(day.timezone, day.date);
  return {
    orgTz: day.timezone,
    date: day.date,
    speedKmh,
    rank: new Map(classes.map((c, i) => [c, i])),
    topRank: classes.length - 1,
    expiringDays: Math.max(0, o.licenceExpiringDays ?? DEFAULT_RULE_OPTIONS.licenceExpiringDays),
    skillLabels: o.skillLabels ?? {},
    orgDays,
    facts: new Map(),
  };
}

function factsOf(ctx: Context, tech: RuleTechnician): TechFacts {
  let f = ctx.facts.get(tech.id);
  if (!f) {
    // A bad timezone on one technician must not take the whole board's rules down: their shift
    // goes unchecked and their days are read in the org's zone.
    const zoneOk = isValidTimeZone(tech.timezone);
    f = {
      tech,
      days: zoneOk ? zoneDays(tech.timezone, ctx.date) : ctx.orgDays,
      shiftKnown: zoneOk && isLocalTime(tech.shiftStart) && isLocalTime(tech.shiftEnd),
      overnight: tech.shiftEnd <= tech.shiftStart,
      windows: new Map(),
      expires: tech.licenceExpires && isLocalDate(tech.licenceExpires) ? tech.licenceExpires : null,
      expiry: new Map(),
    };
    ctx.facts.set(tech.id, f);
  }
  return f;
}

/** Does this job take up a technician's time? */
function isPlaced(job: RuleJob): job is RuleJob & { technicianId: string; start: number } {
  return job.technicianId != null && job.start != null && Number.isFinite(job.start) && job.status !== 'cancelled';
}

function slotOf(job: RuleJob & { start: number }): Slot {
  const minutes = Number.isFinite(job.durationMin) ? Math.max(0, job.durationMin) : 0;
  return { job, start: job.start, end: job.start + minutes * MINUTE };
}

/** Row order: by start, then end, then job number; the same in whole-day and single-placement checks. */
function bySlot(a: Slot, b: Slot): number {
  return a.start - b.start || a.end - b.end || a.job.number - b.job.number || (a.job.id < b.job.id ? -1 : a.job.id > b.job.id ? 1 : 0);
}

/** The shift that starts on `date` (technician's local date), or null if they do not work that day. */
function shiftOn(f: TechFacts, date: string): ShiftWindow | null {
  const known = f.windows.get(date);
  if (known !== undefined) return known;
  const { tech } = f;
  let w: ShiftWindow | null = null;
  if (tech.shiftDays.includes(weekdayOf(date))) {
    w = {
      start: instantAt(date, tech.shiftStart, tech.timezone),
      end: instantAt(f.overnight ? addDays(date, 1) : date, tech.shiftEnd, tech.timezone),
    };
  }
  f.windows.set(date, w);
  return w;
}

const possessive = (name: string) => `${name}'s`;
const article = (word: string) => (/^[aeiou]/i.test(word) ? 'an' : 'a');
const km = (d: number) => (d < 10 ? d.toFixed(1) : String(Math.round(d)));

function tzNote(ctx: Context, tech: RuleTechnician): string {
  return tech.timezone === ctx.orgTz ? '' : ` (${tech.timezone} time)`;
}

/** Whole days from one local date to another. Date.UTC on the date's own fields: no zone involved. */
function daysBetween(from: string, to: string): number {
  const utc = (d: string) => {
    const [y, m, day] = d.split('-').map(Number) as [number, number, number];
    return Date.UTC(y, m - 1, day);
  };
  return Math.round((utc(to) - utc(from)) / 86_400_000);
}

// ---------------------------------------------------------------------------------------------
// The rules, one job at a time. `slots` is the technician's row sorted by `bySlot`, `i` the job.

function overlapWarning(ctx: Context, tech: RuleTechnician, other: Slot, from: number, to: number): ScheduleWarning {
  return {
    code: 'double-booked',
    message: `Overlaps job #${other.job.number} for ${tech.name} from ${ctx.orgDays.timeOf(from)} to ${ctx.orgDays.timeOf(to)}.`,
    relatedJobId: other.job.id,
  };
}

interface ShiftResult {
  warning: ScheduleWarning | null;
  /** The shift the job starts in, if any: the first job's travel from home is measured from its start. */
  window: ShiftWindow | null;
}

function checkShift(ctx: Context, f: TechFacts, slot: Slot): ShiftResult {
  if (!f.shiftKnown) return { warning: null, window: null };
  const { tech } = f;
  const date = f.days.dateOf(slot.start);
  const today = shiftOn(f, date);
  // An overnight shift that started the day before may still be running.
  const yesterday = f.overnight ? shiftOn(f, f.days.dayBefore(date)) : null;
  if (today && slot.start >= today.start && slot.end <= today.end) return { warning: null, window: today };
  if (yesterday && slot.start >= yesterday.start && slot.end <= yesterday.end) return { warning: null, window: yesterday };
  const running = yesterday && slot.start < yesterday.end ? yesterday : today;
  const warn = (message: string): ShiftResult => ({
    warning: { code: 'outside-shift', message },
    window: running && slot.start >= running.start && slot.start < running.end ? running : null,
  });
  const note = tzNote(ctx, tech);
  if (!running) return warn(`${tech.name} does not work on ${WEEKDAYS[weekdayOf(date)]}s${note}.`);
  const t = (x: number) => f.days.timeOf(x);
  if (slot.start < running.start)
    return warn(`Starts at ${t(slot.start)}, before ${possessive(tech.name)} shift begins at ${t(running.start)}${note}.`);
  if (slot.start >= running.end)
    return warn(`Starts at ${t(slot.start)}, after ${possessive(tech.name)} shift ends at ${t(running.end)}${note}.`);
  return warn(`Ends at ${t(slot.end)}, after ${possessive(tech.name)} shift ends at ${t(running.end)}${note}.`);
}

function checkSkill(ctx: Context, tech: RuleTechnician, job: RuleJob): ScheduleWarning | null {
  const skill = job.requiredSkill;
  if (!skill || tech.skills.includes(skill)) return null;
  return { code: 'missing-skill', message: `${tech.name} does not have the skill this job needs: ${ctx.skillLabels[skill] ?? skill}.` };
}

function checkLicenceClass(ctx: Context, tech: RuleTechnician, job: RuleJob): ScheduleWarning | null {
  const required = job.requiredLicenceClass;
  if (!required) return null;
  const held = tech.licenceClass;
  const need = ctx.rank.get(required);
  const have = held == null ? undefined : ctx.rank.get(held);
  // A class missing from the ranking is only satisfied by the same class.
  if (held != null && (held === required || (need !== undefined && have !== undefined && have >= need))) return null;
  const wants = `${article(required)} ${required} licence${need !== undefined && need < ctx.topRank ? ' or higher' : ''}`;
  const has = held == null ? `${tech.name} has no licence on file` : `${tech.name} holds ${article(held)} ${held} licence`;
  return { code: 'licence-class', message: `This job needs ${wants}; ${has}.` };
}

/** Expired before the job's local date (org timezone), or running out soon after it. */
function checkExpiry(ctx: Context, f: TechFacts, slot: Slot): ScheduleWarning | null {
  const expires = f.expires;
  if (!expires) return null;
  const jobDate = ctx.orgDays.dateOf(slot.start);
  let w = f.expiry.get(jobDate);
  if (w === undefined) {
    w = null;
    const name = possessive(f.tech.name);
    if (expires < jobDate) {
      w = { code: 'licence-expired', message: `${name} licence expired on ${expires}, before this job on ${jobDate}.` };
    } else if (ctx.expiringDays > 0 && expires <= addDays(jobDate, ctx.expiringDays)) {
      const days = daysBetween(jobDate, expires);
      const when = days === 0 ? 'the day of this job' : `${days} day${days === 1 ? '' : 's'} after this job`;
      w = { code: 'licence-expiring', message: `${name} licence expires on ${expires}, ${when}.` };
    }
    f.expiry.set(jobDate, w);
  }
  // A copy: callers own the warning objects they get.
  return w && { ...w };
}

function checkTravel(ctx: Context, f: TechFacts, slots: readonly Slot[], i: number, shift: ShiftWindow | null): ScheduleWarning | null {
  const cur = slots[i]!;
  const { lat, lng } = cur.job;
  if (lat == null || lng == null) return null;
  const { tech } = f;
  const prev = i > 0 ? slots[i - 1] : undefined;
  // The previous job counts only if it is on the same local day for the technician; otherwise
  // they start from home.
  if (prev && f.days.dateOf(prev.start) === f.days.dateOf(cur.start)) {
    const p = prev.job;
    const gapMs = cur.start - prev.end;
    // Overlapping jobs are double-booked; a travel warning on top would only add noise.
    if (p.lat == null || p.lng == null || gapMs < 0) return null;
    const trip = tooFar(ctx, p.lat, p.lng, lat, lng, gapMs);
    if (!trip) return null;
    return {
      code: 'travel-time',
      message: `Travel from ${p.address} (job #${p.number}), about ${trip.km} km, needs about ${trip.need} min; the gap is ${trip.gap} min.`,
      relatedJobId: p.id,
    };
  }
  if (tech.homeLat == null || tech.homeLng == null || !shift) return null;
  const gapMs = cur.start - shift.start;
  if (gapMs < 0) return null;
  const trip = tooFar(ctx, tech.homeLat, tech.homeLng, lat, lng, gapMs);
  if (!trip) return null;
  const shiftStart = `${f.days.timeOf(shift.start)}${tzNote(ctx, tech)}`;
  const gap =
    trip.gap === 0
      ? `the job is at the very start of the shift (${shiftStart}).`
      : `the shift starts at ${shiftStart}, only ${trip.gap} min before.`;
  return {
    code: 'travel-time',
    message: `Travel from ${possessive(tech.name)} home, about ${trip.km} km, needs about ${trip.need} min; ${gap}`,
  };
}

/** The trip in people's numbers if it takes longer than the gap: travel rounded up, the gap down, so they always visibly disagree. */
function tooFar(
  ctx: Context,
  fromLat: number,
  fromLng: number,
  lat: number,
  lng: number,
  gapMs: number,
): { km: string; need: number; gap: number } | null {
  const distance = haversineKm({ lat: fromLat, lng: fromLng }, { lat, lng });
  const needMin = travelMinutes(distance, ctx.speedKmh);
  if (needMin * MINUTE <= gapMs) return null;
  return { km: km(distance), need: Math.ceil(needMin), gap: Math.floor(gapMs / MINUTE) };
}

/** Every rule but double-booking (which needs the whole row) for job `i` of a sorted row, appended to `out`. */
function jobWarnings(ctx: Context, f: TechFacts, slots: readonly Slot[], i: number, out: ScheduleWarning[]): ScheduleWarning[] {
  const slot = slots[i]!;
  const shift = checkShift(ctx, f, slot);
  if (shift.warning) out.push(shift.warning);
  const skill = checkSkill(ctx, f.tech, slot.job);
  if (skill) out.push(skill);
  const cls = checkLicenceClass(ctx, f.tech, slot.job);
  if (cls) out.push(cls);
  const expiry = checkExpiry(ctx, f, slot);
  if (expiry) out.push(expiry);
  const travel = checkTravel(ctx, f, slots, i, shift.window);
  if (travel) out.push(travel);
  return out;
}

// ---------------------------------------------------------------------------------------------

export interface EvaluateScope {
  /** Only the jobs placed on these technicians (e.g. the old and new row after a move). */
  technicianIds?: Iterable<string>;
}

/**
 * Warnings for every job of the day. Without a scope the map has an entry (possibly empty) for
 * every job given; with `technicianIds`, only for jobs placed on those technicians. Jobs in the
 * queue and cancelled jobs have no warnings; a job on a technician missing from `technicians`
 * has none either (there is nothing to check it against). Throws RangeError only for an invalid
 * org timezone or travel speed; a technician with a bad timezone just goes without shift checks.
 */
export function evaluateDay(day: RuleDay, scope?: EvaluateScope): DayWarnings {
  const ctx = contextOf(day);
  const only = scope?.technicianIds ? new Set(scope.technicianIds) : null;
  const out: DayWarnings = new Map();
  const rows = new Map<string, Slot[]>();
  for (const job of day.jobs) {
    if (!only) out.set(job.id, []);
    if (!isPlaced(job) || (only && !only.has(job.technicianId))) continue;
    if (only) out.set(job.id, []);
    let row = rows.get(job.technicianId);
    if (!row) rows.set(job.technicianId, (row = []));
    row.push(slotOf(job));
  }
  const techs = new Map(day.technicians.map((t) => [t.id, t]));
  for (const [techId, row] of rows) {
    const tech = techs.get(techId);
    if (!tech) continue;
    row.sort(bySlot);
    const lists = row.map(() => [] as ScheduleWarning[]);
    // Sweep: in start order, the jobs overlapping row[i] from the right are exactly those that
    // start before it ends, so the inner loop stops at the first that does not.
    for (let i = 0; i < row.length; i++) {
      const a = row[i]!;
      for (let j = i + 1; j < row.length && row[j]!.start < a.end; j++) {
        const b = row[j]!;
        if (b.end <= a.start) continue; // only a zero-length job at a's start
        const to = Math.min(a.end, b.end);
        lists[i]!.push(overlapWarning(ctx, tech, b, b.start, to));
        lists[j]!.push(overlapWarning(ctx, tech, a, b.start, to));
      }
    }
    const f = factsOf(ctx, tech);
    for (let i = 0; i < row.length; i++) out.set(row[i]!.job.id, jobWarnings(ctx, f, row, i, lists[i]!));
  }
  return out;
}

/**
 * Warnings the job would have at `placement`, for feedback while dragging. Touches only the
 * target technician's row (one pass over the day's jobs to find it, then a sort of that row);
 * other jobs' warnings are not computed. Returns [] for the queue, for a cancelled job, or for a
 * job or technician that is not in `day`.
 */
export function warningsForPlacement(day: RuleDay, jobId: string, placement: Placement): ScheduleWarning[] {
  const job = day.jobs.find((j) => j.id === jobId);
  if (!job) return [];
  const moved: RuleJob = { ...job, technicianId: placement.technicianId, start: placement.start, durationMin: placement.durationMin };
  if (!isPlaced(moved)) return [];
  const tech = day.technicians.find((t) => t.id === moved.technicianId);
  if (!tech) return [];
  const ctx = contextOf(day);
  const mine = slotOf(moved);
  const row: Slot[] = [mine];
  for (const j of day.jobs) if (j.id !== jobId && isPlaced(j) && j.technicianId === tech.id) row.push(slotOf(j));
  row.sort(bySlot);
  const overlaps: ScheduleWarning[] = [];
  for (const other of row) {
    if (other !== mine && other.start < mine.end && mine.start < other.end) {
      overlaps.push(overlapWarning(ctx, tech, other, Math.max(mine.start, other.start), Math.min(mine.end, other.end)));
    }
  }
  return jobWarnings(ctx, factsOf(ctx, tech), row, row.indexOf(mine), overlaps);
}

/** Do two warning lists say the same thing? (The room writes a projection only when they differ.) */
export function sameWarnings(a: readonly ScheduleWarning[], b: readonly ScheduleWarning[]): boolean {
  return (
    a.length === b.length &&
    a.every((w, i) => w.code === b[i]!.code && w.message === b[i]!.message && w.relatedJobId === b[i]!.relatedJobId)
  );
}
