/**
 * Two weeks of work: the past 7 days, today and the next 7 days, 4-7 jobs per technician per
 * working day fitted into their shift with the drive between them, plus a queue of unscheduled
 * requests. Each job's status and audit trail follow from where its slot falls against the
 * demo's "now" (ctx.now), and every step is checked against the lifecycle in core/lifecycle.ts.
 */
import type * as s from '../schema.ts';
import { checkTransition, type JobStatus } from '../../core/lifecycle.ts';
import type { Priority } from '../../core/priorities.ts';
import { travelMinutesBetween } from '../../core/geo.ts';
import { DEFAULT_RULE_OPTIONS } from '../../core/schedule-rules.ts';
import { weekdayOf } from '../../core/time.ts';
import { MINUTE, DAY, toHhmm, toMinutes, type SeedContext } from './context.ts';
import { JOB_TYPES, typesFor, type JobType } from './jobtypes.ts';
import { USER_IDS, type CustomerPlan, type TechPlan } from './people.ts';
import { rngFor, type Rng } from './prng.ts';

type EventRow = typeof s.jobEvents.$inferInsert;

export interface JobDraft {
  id: string;
  tech: TechPlan | null;
  customer: CustomerPlan;
  locationId: string;
  jobType: JobType;
  durationMin: number;
  /** Local date and minutes after midnight of the scheduled start. */
  date: string | null;
  startMin: number | null;
  start: number | null;
  priority: Priority;
  description: string;
  requestedStart: number | null;
  requestedEnd: number | null;
  createdAt: number;
  createdBy: string;
  /** The arrival window promised for the first visit, when it is not the hour of `start` (a job moved to a second visit keeps it). */
  window?: { start: number; end: number };
  /** The job this one is a return visit of. */
  returnVisitOf?: string;
  /** Part of one of the day's planned conflicts (planScheduledJobs): never cancelled, so the conflict stays on the board. */
  conflict?: true;
}

export interface JobState {
  draft: JobDraft;
  status: JobStatus;
  events: EventRow[];
  completedAt: number | null;
}

const PRIORITY_URGENT = [
  ['emergency', 6],
  ['high', 16],
  ['normal', 68],
  ['low', 10],
] as const;
const PRIORITY_ROUTINE = [
  ['high', 12],
  ['normal', 76],
  ['low', 12],
] as const;
/** Time left over between the drive and the next job, minutes. */
const SLACK_MIN = [
  [0, 9],
  [15, 1],
] as const;
/** A job's place is the nearest of this many random picks to where the technician is: routes stay local. */
const NEARBY_PICKS = 12;
/** A free technician whose next job starts this soon is already on the way. */
const EN_ROUTE_WITHIN = 120 * MINUTE;

const dist2 = (a: { lat: number; lng: number }, b: { lat: number; lng: number }) => (a.lat - b.lat) ** 2 + (a.lng - b.lng) ** 2;

/** A customer and location for a job: the nearest of a few random picks, so routes stay local. */
function pickCustomer(
  rng: Rng,
  pool: readonly CustomerPlan[],
  near: { lat: number; lng: number } | null,
  picks = 4,
  /** A location not to pick (where the technician just was), unless nothing else comes up. */
  except: string | null = null,
): Place {
  let best: Place | null = null;
  for (let k = 0; k < (near ? picks : 1); k++) {
    const customer = rng.pick(pool);
    const loc = rng.pick(customer.locations);
    if (best && loc.id === except) continue;
    if (!best || (near && dist2(loc, near) < dist2(best.loc, near))) best = { customer, loc };
  }
  return best!;
}

export function createdBy(rng: Rng): string {
  return rng.chance(0.85) ? rng.pick(USER_IDS.dispatchers) : USER_IDS.admin;
}

/** Where a job is: its customer and one of their locations. */
type Place = { customer: CustomerPlan; loc: CustomerPlan['locations'][number] };

/**
 * The drive between two places on the 15-minute grid: the scheduling rules' own estimate
 * (straight line at their default speed, core/schedule-rules.ts), rounded up, so a gap of this
 * length never draws a travel warning.
 */
function driveSlot(from: { lat: number; lng: number }, to: { lat: number; lng: number }): number {
  return Math.ceil(travelMinutesBetween(from, to, DEFAULT_RULE_OPTIONS.speedKmh) / 15) * 15;
}

/**
 * The two weeks' schedule, planned the way a careful dispatcher books: each job far enough from
 * the one before for the drive, inside the shift, on a technician with the skill and licence.
 * The board's warnings are then the exception, and each one is real. On a day most of the crew
 * works there are exactly these (db/seed/warnings.test.ts counts them):
 * - a double booking: one job booked 30 minutes into the one before it (two warned cards);
 * - a tight travel gap: one job booked a slot short of the drive from the job before;
 * - the expired licence: a technician whose licence has lapsed keeps one job that day.
 * The technician whose licence runs out within two weeks also carries the rules' heads-up on
 * each of their jobs (licence-expiring), as the rules intend.
 */
export function planScheduledJobs(ctx: SeedContext, techs: readonly TechPlan[], customers: readonly CustomerPlan[]): JobDraft[] {
  const rng = rngFor(ctx.seed, 'jobs');
  const residential = customers.filter((c) => !c.commercial);
  const commercial = customers.filter((c) => c.commercial);
  const drafts: JobDraft[] = [];
  for (let d = -7; d <= 7; d++) {
    const date = ctx.day(d);
    const working = techs.filter((t) => t.row.shiftDays.includes(weekdayOf(date)));
    const licensed = working.filter((t) => !lapsedOn(t, date));
    // The day's two booking mistakes, on two technicians, on the days most of the crew works;
    // chosen among the first few: a technician with too short a day (a panel upgrade) hands the
    // mistake on to the next licensed one, who is then still to come.
    const early = licensed.slice(0, -2);
    const mistakes = working.length * 2 >= techs.length && early.length >= 2;
    const doubleBooker = mistakes ? rng.pick(early) : null;
    const tightRunner = mistakes ? rng.pick(early.filter((t) => t !== doubleBooker)) : null;
    let doublePending = false;
    let tightPending = false;
    for (const tech of working) {
      const types = typesFor(tech.skills, tech.cls);
      const quick = types.filter((t) => t.durations.some(([m]) => m === 60));
      const shiftEnd = toMinutes(tech.row.shiftEnd);
      // Free from this minute, at this place (the day starts from home at the shift's start).
      let cursor = toMinutes(tech.row.shiftStart);
      let at: { lat: number; lng: number } = tech.home;
      let prev: { startMin: number; durationMin: number } | null = null;
      let prevLocationId: string | null = null;
      // A lapsed licence: the office has taken the technician off all but one job.
      const lapsed = lapsedOn(tech, date);
      const target = lapsed ? 1 : rng.int(6, 8);
      if (tech === doubleBooker) doublePending = true;
      if (tech === tightRunner) tightPending = true;
      // Now and then a panel upgrade takes most of the day; it has to start first thing.
      const panelDay = types.some((t) => t.skill === 'panel-upgrade') && rng.chance(0.12);
      for (let i = 0; i < target; i++) {
        let jobType =
          panelDay && i === 0
            ? JOB_TYPES.find((t) => t.skill === 'panel-upgrade')!
            : rng.weighted(types.map((t) => [t, t.weight] as const));
        let durationMin = rng.weighted(jobType.durations);
        const pool = jobType.commercialOnly || rng.chance(0.12) ? commercial : residential;
        const place = pickCustomer(rng, pool, at, NEARBY_PICKS, prevLocationId);
        const drive = driveSlot(at, place.loc);
        let startMin: number = cursor + drive + rng.weighted(SLACK_MIN);
        const mistake = lapsed || !prev ? null : doublePending ? 'double' : tightPending && drive > 0 ? 'tight' : null;
        // Booked 30 minutes into the job before; or a slot short of the drive from it (a believable gap).
        if (mistake === 'double') startMin = prev!.startMin + 30;
        if (mistake === 'tight') startMin = cursor + drive - 15;
        // Every job ends within the shift; a long one that does not fit gives way to a short one.
        const room = shiftEnd - startMin;
        if (durationMin > room) {
          if (room < 60 || !quick.length) break;
          jobType = rng.pick(quick);
          durationMin = 60;
        }
        if (mistake === 'double') doublePending = false;
        if (mistake === 'tight') tightPending = false;
        const conflict = lapsed || mistake !== null;
        // The job before a conflict is part of it (the one overlapped, the one driven from).
        if (conflict && prev) drafts[drafts.length - 1]!.conflict = true;
        prev = { startMin, durationMin };
        cursor = Math.max(cursor, startMin + durationMin);
        at = place.loc;
        prevLocationId = place.loc.id;
        const draft = draftFor(ctx, rng, { tech, jobType, durationMin, date, startMin, pool: [], place });
        if (conflict) draft.conflict = true;
        drafts.push(draft);
      }
    }
  }
  return drafts;
}

/** The technician's licence ran out before this (local) day. */
function lapsedOn(tech: TechPlan, date: string): boolean {
  return tech.row.licenceExpires != null && tech.row.licenceExpires < date;
}

export function draftFor(
  ctx: SeedContext,
  rng: Rng,
  p: {
    tech: TechPlan;
    jobType: JobType;
    durationMin: number;
    date: string;
    startMin: number;
    pool: readonly CustomerPlan[];
    /** Already chosen (the two weeks pick each job near the one before); else drawn from `pool` near home. */
    place?: Place;
  },
): JobDraft {
  const start = ctx.at(p.date, toHhmm(p.startMin));
  const { customer, loc } = p.place ?? pickCustomer(rng, p.pool, p.tech.home);
  const priority: Priority = rng.weighted(p.jobType.urgent ? PRIORITY_URGENT : PRIORITY_ROUTINE);
  // Every draw is made whatever the branch, so the plan does not shift with the demo's "now".
  const lead = priority === 'emergency' ? rng.int(45, 180) * MINUTE : rng.int(1, 10) * DAY + rng.int(0, 480) * MINUTE;
  const fallback = rng.int(5, 2 * 24 * 60) * MINUTE;
  const createdAt = Math.min(start - lead, ctx.now - fallback);
  const morning = p.startMin < 12 * 60;
  const requested = rng.chance(0.4);
  return {
    id: rng.uuid(),
    tech: p.tech,
    customer,
    locationId: loc.id,
    jobType: p.jobType,
    durationMin: p.durationMin,
    date: p.date,
    startMin: p.startMin,
    start,
    priority,
    description: rng.pick(p.jobType.descriptions),
    requestedStart: requested ? ctx.at(p.date, morning ? '07:00' : '12:00') : null,
    requestedEnd: requested ? ctx.at(p.date, morning ? '12:00' : '18:00') : null,
    createdAt,
    createdBy: createdBy(rng),
  };
}

/** Requests nobody has placed on the board yet, each with the window the customer asked for. */
export function planQueue(ctx: SeedContext, customers: readonly CustomerPlan[], count = 25): JobDraft[] {
  const rng = rngFor(ctx.seed, 'queue');
  const residential = customers.filter((c) => !c.commercial);
  const commercial = customers.filter((c) => c.commercial);
  const drafts: JobDraft[] = [];
  for (let i = 0; i < count; i++) {
    const jobType = rng.weighted(JOB_TYPES.map((t) => [t, t.weight] as const));
    const { customer, loc } = pickCustomer(rng, jobType.commercialOnly || rng.chance(0.12) ? commercial : residential, null);
    // The first request is an emergency called in this morning, wanted today.
    const emergency = i === 0;
    const date = emergency ? ctx.today : ctx.day(rng.int(1, 7));
    const [from, to] = emergency
      ? [ctx.pivot, null]
      : rng.pick([
          ['08:00', '12:00'],
          ['12:00', '17:00'],
          ['08:00', '17:00'],
        ] as const);
    const requestedStart = ctx.at(date, from);
    drafts.push({
      id: rng.uuid(),
      tech: null,
      customer,
      locationId: loc.id,
      jobType,
      durationMin: rng.weighted(jobType.durations),
      date: null,
      startMin: null,
      start: null,
      priority: emergency
        ? 'emergency'
        : rng.weighted([
            ['high', 20],
            ['normal', 60],
            ['low', 20],
          ] as const),
      description: rng.pick(jobType.descriptions),
      requestedStart,
      requestedEnd: to ? ctx.at(date, to) : requestedStart + 4 * 60 * MINUTE,
      createdAt: emergency ? ctx.now - rng.int(10, 40) * MINUTE : ctx.now - rng.int(30, 4 * 24 * 60) * MINUTE,
      createdBy: createdBy(rng),
    });
  }
  return drafts;
}

export const CANCEL_REASONS = [
  'Customer cancelled; reset the tripped GFCI themselves.',
  'Customer went with another contractor.',
  'Duplicate booking.',
  'Customer not home; will call back to rebook.',
];
export const HOLD_REASONS = [
  'Waiting on parts: breaker back-ordered at the supplier.',
  'Utility disconnect needed; waiting on Austin Energy.',
  'Customer wants a second quote before we continue.',
  'Needs a permit before the work can go on.',
];

/** Builds the audit trail; refuses any step the lifecycle would refuse. */
export class Trail {
  readonly state: JobState;
  private readonly rng: Rng;
  private readonly ctx: SeedContext;

  /** `booked`: taken straight into its slot (one event, as the API records a job created with a schedule), not queued first. */
  constructor(ctx: SeedContext, rng: Rng, draft: JobDraft, booked = false) {
    this.ctx = ctx;
    this.rng = rng;
    this.state = { draft, status: 'unscheduled', events: [], completedAt: null };
    if (booked) this.check('scheduled');
    const status = booked ? 'scheduled' : 'unscheduled';
    const slot = booked ? { technicianId: draft.tech!.row.id, scheduledStart: draft.start, durationMin: draft.durationMin } : {};
    this.push('created', draft.createdAt, draft.createdBy, null, { status, type: draft.jobType.type, priority: draft.priority, ...slot });
    this.state.status = status;
  }

  get lastAt(): number {
    return this.state.events[this.state.events.length - 1]!.at;
  }

  /** An instant no earlier than a minute after the previous event. */
  after(proposed: number): number {
    return Math.max(this.lastAt + MINUTE, proposed);
  }

  push(kind: string, at: number, actor: string | null, before: Record<string, unknown> | null, after: Record<string, unknown> | null) {
    this.state.events.push({
      id: this.rng.uuid(),
      orgId: this.ctx.orgId,
      jobId: this.state.draft.id,
      actorUserId: actor,
      at,
      kind,
      before,
      after,
    });
  }

  schedule(at: number, actor: string) {
    const d = this.state.draft;
    this.check('scheduled');
    this.push(
      'scheduled',
      this.after(at),
      actor,
      { status: 'unscheduled', technicianId: null, scheduledStart: null },
      { status: 'scheduled', technicianId: d.tech!.row.id, scheduledStart: d.start, durationMin: d.durationMin },
    );
    this.state.status = 'scheduled';
  }

  /** Off hold into a new slot (a second visit): the draft takes the new schedule, the event says the old one. */
  reschedule(at: number, actor: string, slot: Pick<JobDraft, 'date' | 'startMin' | 'start' | 'durationMin'>) {
    const d = this.state.draft;
    const before = { status: this.state.status, scheduledStart: d.start, durationMin: d.durationMin };
    Object.assign(d, slot);
    this.check('scheduled');
    this.push('rescheduled', this.after(at), actor, before, { status: 'scheduled', scheduledStart: d.start, durationMin: d.durationMin });
    this.state.status = 'scheduled';
  }

  move(to: JobStatus, at: number, actor: string | null, extra: Record<string, unknown> = {}) {
    this.check(to);
    const when = this.after(at);
    this.push('status_changed', when, actor, { status: this.state.status }, { status: to, ...extra });
    this.state.status = to;
    if (to === 'completed' && this.state.completedAt === null) this.state.completedAt = when;
  }

  private check(to: JobStatus) {
    const d = this.state.draft;
    const verdict = checkTransition(this.state.status, to, { technicianId: d.tech?.row.id ?? null, scheduledStart: d.start });
    if (!verdict.ok) throw new Error(`demo job ${d.id}: ${verdict.reason}`);
  }
}

/** Who records a technician's step: their own account, or the office on their behalf. */
export const fieldActor = (rng: Rng, tech: TechPlan) => tech.userId ?? rng.pick(USER_IDS.dispatchers);

/** Plays each job forward to the demo's "now" and returns its trail. */
export function simulateJobs(ctx: SeedContext, drafts: readonly JobDraft[]): Trail[] {
  const rng = rngFor(ctx.seed, 'lifecycle');
  const trails = drafts.map((d) => new Trail(ctx, rng, d));
  const laterToday = new Map<TechPlan, Trail[]>();
  const overrun = overrunningJob(ctx, drafts);
  for (const t of trails) {
    const d = t.state.draft;
    if (!d.tech || d.start === null || d.date === null) continue;
    t.schedule(Math.min(d.createdAt + rng.int(5, 120) * MINUTE, d.start - 15 * MINUTE, ctx.now), rng.pick(USER_IDS.dispatchers));
    const end = d.start + d.durationMin * MINUTE;
    const past = d.date < ctx.today;
    if (d.date > ctx.today) continue;
    if (past && rng.chance(0.035) && !d.conflict) {
      const at = d.createdAt + Math.floor(rng.next() * (d.start - d.createdAt));
      t.move('cancelled', at, rng.pick(USER_IDS.dispatchers), { reason: rng.pick(CANCEL_REASONS) });
      continue;
    }
    if (end <= ctx.now && d !== overrun) {
      work(ctx, rng, t, past && rng.chance(0.03) ? 'on_hold' : 'completed');
    } else if (d.start <= ctx.now) {
      work(ctx, rng, t, 'on_site');
    } else {
      const list = laterToday.get(d.tech) ?? [];
      list.push(t);
      laterToday.set(d.tech, list);
    }
  }
  // en route is a short state; make sure today's board shows one whenever anyone has work left.
  const busy = (tech: TechPlan) => trails.some((t) => t.state.draft.tech === tech && t.state.status === 'on_site');
  const entries = [...laterToday];
  const soon = entries.some(
    ([tech, later]) => !busy(tech) && Math.min(...later.map((t) => t.state.draft.start!)) - ctx.now <= EN_ROUTE_WITHIN,
  );
  let forced: TechPlan | null = null;
  if (!soon && entries.length) {
    forced = entries[0]![0];
    // That technician finished the current job a little early and is on the way to the next.
    const current = trails.find((t) => t.state.draft.tech === forced && t.state.status === 'on_site');
    current?.move('completed', ctx.now - rng.int(3, 10) * MINUTE, fieldActor(rng, forced));
  }
  for (const [tech, later] of entries) dispatchRestOfToday(ctx, rng, tech, later, trails, tech === forced);
  return trails;
}

/**
 * Somebody is on site at "now" whenever anybody worked today: on a small crew's day (a weekend)
 * everyone may be between jobs, on the road. Then the job of today that ended last before now
 * is still going (it ran over); null when someone is on site anyway or nobody worked yet.
 */
function overrunningJob(ctx: SeedContext, drafts: readonly JobDraft[]): JobDraft | null {
  let last: JobDraft | null = null;
  for (const d of drafts) {
    if (d.date !== ctx.today || d.start === null) continue;
    const end = d.start + d.durationMin * MINUTE;
    if (d.start <= ctx.now && ctx.now < end) return null;
    if (end <= ctx.now && (!last || end > last.start! + last.durationMin * MINUTE)) last = d;
  }
  return last;
}

/** Dispatched, en route, on site, then `until` (on site, on hold or completed). */
function work(ctx: SeedContext, rng: Rng, t: Trail, until: 'on_site' | 'on_hold' | 'completed') {
  const d = t.state.draft;
  const tech = d.tech!;
  const actor = fieldActor(rng, tech);
  const start = d.start!;
  t.move('dispatched', ctx.at(d.date!, tech.row.shiftStart) - rng.int(30, 60) * MINUTE, rng.pick(USER_IDS.dispatchers));
  t.move('en_route', Math.min(start - rng.int(15, 35) * MINUTE, ctx.now - 2 * MINUTE), actor);
  const onSite = Math.min(start + rng.int(-5, 10) * MINUTE, ctx.now - MINUTE);
  t.move('on_site', onSite, actor);
  if (until === 'on_hold')
    t.move('on_hold', onSite + rng.int(20, Math.max(21, d.durationMin / 2)) * MINUTE, actor, { reason: rng.pick(HOLD_REASONS) });
  if (until === 'completed') t.move('completed', Math.min(start + (d.durationMin + rng.int(-10, 20)) * MINUTE, ctx.now), actor);
}

/**
 * Today's jobs still ahead of "now": the next one is en route when the technician is free and
 * it starts soon; the rest are dispatched, or only scheduled for crews not yet dispatched.
 */
function dispatchRestOfToday(ctx: SeedContext, rng: Rng, tech: TechPlan, later: Trail[], all: readonly Trail[], forceEnRoute: boolean) {
  later.sort((a, b) => a.state.draft.start! - b.state.draft.start!);
  const busy = all.some((t) => t.state.draft.tech === tech && t.state.status === 'on_site');
  const dispatchedAll = rng.chance(0.6);
  const dispatchAt = ctx.at(ctx.today, tech.row.shiftStart) - rng.int(30, 60) * MINUTE;
  later.forEach((t, i) => {
    const next = i === 0;
    if (!next && !dispatchedAll) return;
    t.move('dispatched', Math.min(dispatchAt, ctx.now - 5 * MINUTE), rng.pick(USER_IDS.dispatchers));
    if (next && !busy && (forceEnRoute || t.state.draft.start! - ctx.now <= EN_ROUTE_WITHIN)) {
      // Left after finishing the previous job, not before.
      const finished = Math.max(
        0,
        ...all.filter((o) => o.state.draft.tech === tech && o.state.draft.date === ctx.today).map((o) => o.state.completedAt ?? 0),
      );
      t.move('en_route', Math.max(finished + MINUTE, ctx.now - rng.int(1, 4) * MINUTE), fieldActor(rng, tech));
    }
  });
}
