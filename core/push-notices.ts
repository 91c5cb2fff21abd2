/**
 * What a technician's phone is told by Web Push when the office changes their day: a job put on
 * it, moved on it (another time, length or day), or taken off it (given to someone else, sent
 * back to the queue, cancelled). One notice per technician whose day a change touched; their own
 * steps through the lifecycle (on my way, arrived, completed) tell them nothing they did not know.
 *
 * Pure: the board room's drain (rooms/outbox-push.ts) gives the schedule changes libSQL just took
 * and the job's facts; this says who is told what, in the words the notification shows, and the
 * service worker (app/src/lib/sw/push.ts) reads the payload.
 */

export const PUSH_KINDS = ['assigned', 'moved', 'unassigned'] as const;
export type PushKind = (typeof PUSH_KINDS)[number];

/** The JSON a push carries: what the notification shows, and where tapping it goes. */
export interface PushPayload {
  title: string;
  body: string;
  url: string;
  jobId: string;
  kind: PushKind;
}

/** A job's placement on one side of a change, as the board room's outbox rows carry it. */
export interface ScheduleSide {
  technicianId: string | null;
  start: number | null;
  durationMin: number;
  status: string;
}

export interface ScheduleChange {
  jobId: string;
  /** Null: the job had no schedule before (new to the boards). */
  before: ScheduleSide | null;
  after: ScheduleSide;
}

export interface PushNotice {
  technicianId: string;
  jobId: string;
  kind: PushKind;
  before: ScheduleSide | null;
  after: ScheduleSide;
}

/** What the words need of a job besides its schedule. */
export interface JobFacts {
  number: number;
  type: string;
  customer: string;
  timezone: string;
}

/** Whether the job is on this technician's day: theirs, with a time, not cancelled. */
function holds(s: ScheduleSide | null, technicianId: string): s is ScheduleSide {
  return s !== null && s.technicianId === technicianId && s.start !== null && s.status !== 'cancelled';
}

/**
 * Each job's changes in order, as one: its first `before` and its last `after`. A job assigned
 * and then moved within one drain is one notice ("new job", at its final time), and one assigned
 * and taken back again is none.
 */
export function netChanges(changes: readonly ScheduleChange[]): ScheduleChange[] {
  const byJob = new Map<string, ScheduleChange>();
  for (const c of changes) {
    const first = byJob.get(c.jobId);
    byJob.set(c.jobId, { jobId: c.jobId, before: first ? first.before : c.before, after: c.after });
  }
  return [...byJob.values()];
}

/** Who is told what of one (net) change. */
export function noticesFor(change: ScheduleChange): PushNotice[] {
  const { jobId, before, after } = change;
  const out: PushNotice[] = [];
  const was = before?.technicianId ?? null;
  const now = after.technicianId;
  if (was && holds(before, was) && !holds(after, was)) out.push({ technicianId: was, jobId, kind: 'unassigned', before, after });
  if (now && holds(after, now)) {
    if (!holds(before, now)) out.push({ technicianId: now, jobId, kind: 'assigned', before, after });
    else if (before.start !== after.start || before.durationMin !== after.durationMin)
      out.push({ technicianId: now, jobId, kind: 'moved', before, after });
  }
  return out;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
/** "Thu, Dec 3, 09:30" in the org's timezone (the notification is read away from any page's settings). */
function when(instant: number, timeZone: string): string {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'short',
      month: 'short',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, f);
  }
  return f.format(instant);
}

function length(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return h && m ? `${h} h ${m} min` : h ? `${h} h` : `${m} min`;
}

/** The payload of a notice: its words, and the job's page on the phone. */
export function pushPayload(notice: PushNotice, job: JobFacts): PushPayload {
  const { kind, jobId, before, after } = notice;
  const what = `${job.type} for ${job.customer}`;
  const url = `/field/jobs/${jobId}`;
  if (kind === 'assigned')
    return {
      kind,
      jobId,
      url,
      title: `New job #${job.number}`,
      body: `${what}, ${when(after.start!, job.timezone)}, ${length(after.durationMin)}`,
    };
  if (kind === 'moved')
    return {
      kind,
      jobId,
      url,
      title: `Job #${job.number} moved`,
      body: `${what}, now ${when(after.start!, job.timezone)}, ${length(after.durationMin)}`,
    };
  const cancelled = after.status === 'cancelled';
  return {
    kind,
    jobId,
    url,
    title: cancelled ? `Job #${job.number} cancelled` : `Job #${job.number} taken off your day`,
    body: `${what}, was ${when(before!.start!, job.timezone)}`,
  };
}
