/**
 * The job lifecycle: which status may follow which, and what each step needs.
 *
 * unscheduled -> scheduled -> dispatched -> en_route -> on_site -> completed -> invoiced -> paid
 * with on_hold (parts on order, customer away) reachable from the working states, and cancelled
 * reachable until the work is done. Scheduling drives the first step: giving a job a technician
 * and a start makes it `scheduled`, taking either away makes it `unscheduled` again.
 */
export const JOB_STATUSES = [
  'unscheduled',
  'scheduled',
  'dispatched',
  'en_route',
  'on_site',
  'on_hold',
  'completed',
  'invoiced',
  'paid',
  'cancelled',
] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

const TRANSITIONS: Record<JobStatus, readonly JobStatus[]> = {
  unscheduled: ['scheduled', 'on_hold', 'cancelled'],
  scheduled: ['unscheduled', 'dispatched', 'on_hold', 'cancelled'],
  // A dispatcher can recall a dispatched job before the technician leaves.
  dispatched: ['scheduled', 'en_route', 'on_hold', 'cancelled'],
  // Turned back on the way (called off, wrong address): back to dispatched.
  en_route: ['dispatched', 'on_site', 'on_hold', 'cancelled'],
  on_site: ['completed', 'on_hold'],
  // Off hold, the job needs a new slot (or returns to its slot if it still has one).
  on_hold: ['unscheduled', 'scheduled', 'cancelled'],
  // Completed work is billed; a voided invoice sends it back to completed.
  completed: ['invoiced'],
  invoiced: ['paid', 'completed'],
  paid: [],
  // A cancelled job can be reopened into the queue.
  cancelled: ['unscheduled'],
};

export function allowedTransitions(from: JobStatus): readonly JobStatus[] {
  return TRANSITIONS[from];
}

export function isJobStatus(s: string): s is JobStatus {
  return (JOB_STATUSES as readonly string[]).includes(s);
}

export interface ScheduleFacts {
  technicianId: string | null;
  scheduledStart: number | null;
}

export type TransitionCheck = { ok: true } | { ok: false; reason: string };

/** May a job move from `from` to `to`, given its schedule? Reasons are meant for people. */
export function checkTransition(from: JobStatus, to: JobStatus, job: ScheduleFacts): TransitionCheck {
  if (from === to) return { ok: false, reason: `The job is already ${label(to)}.` };
  if (!TRANSITIONS[from].includes(to)) {
    const options = TRANSITIONS[from].map(label).join(', ') || 'nothing (it is final)';
    return { ok: false, reason: `A ${label(from)} job cannot become ${label(to)}; it can become ${options}.` };
  }
  const needsSchedule: JobStatus[] = ['scheduled', 'dispatched', 'en_route', 'on_site'];
  if (needsSchedule.includes(to) && (!job.technicianId || job.scheduledStart == null)) {
    return { ok: false, reason: `A job needs a technician and a start time before it can be ${label(to)}.` };
  }
  return { ok: true };
}

/**
 * The status a job takes after its schedule changes. Only the planning states follow the
 * schedule; once a technician is on the way, a schedule edit does not rewind the work.
 */
export function statusAfterScheduleChange(current: JobStatus, job: ScheduleFacts): JobStatus {
  const placed = job.technicianId != null && job.scheduledStart != null;
  if (current === 'unscheduled' && placed) return 'scheduled';
  if ((current === 'scheduled' || current === 'dispatched') && !placed) return 'unscheduled';
  return current;
}

/** Statuses in which the schedule may still be edited by dispatch. */
export function isSchedulable(status: JobStatus): boolean {
  return status === 'unscheduled' || status === 'scheduled' || status === 'dispatched' || status === 'on_hold';
}

/**
 * Why a job's schedule may not change, or null when it may: the one refusal the API, the rooms
 * and the job drawer give. With the job's number (the board, where several cards are in view)
 * the sentence names the job.
 */
export function rescheduleRefusal(status: JobStatus, jobNumber?: number): string | null {
  if (isSchedulable(status)) return null;
  return jobNumber == null
    ? `A job that is ${label(status)} can no longer be rescheduled.`
    : `Job #${jobNumber} is ${label(status)}; its schedule can no longer change.`;
}

/*
 * Who moves a job into each status. Every status is in exactly one of these groups:
 * - dispatch: planning and cancelling, the office's work;
 * - the field: the work itself, which a technician may set from their phone (the office may too);
 * - billing: only invoices and payments set and clear these (completed -> invoiced -> paid, and
 *   back to completed when an invoice is voided). Money has been billed, so the job's lines are
 *   frozen, and neither the API's transitions nor the board may move a job into or out of them.
 */
export const DISPATCH_STATUSES: readonly JobStatus[] = ['unscheduled', 'scheduled', 'dispatched', 'cancelled'];
export const FIELD_STATUSES: readonly JobStatus[] = ['en_route', 'on_site', 'on_hold', 'completed'];
export const BILLING_STATUSES: readonly JobStatus[] = ['invoiced', 'paid'];

/** The work is done: completed, and whatever billing did with it since. The manager's numbers count these. */
export const DONE_STATUSES: readonly JobStatus[] = ['completed', ...BILLING_STATUSES];

export function isDone(status: JobStatus): boolean {
  return DONE_STATUSES.includes(status);
}

export function isBilled(status: JobStatus): boolean {
  return BILLING_STATUSES.includes(status);
}

/** Each status as a badge, a heading or a menu shows it. */
export const STATUS_LABELS: Readonly<Record<JobStatus, string>> = {
  unscheduled: 'Unscheduled',
  scheduled: 'Scheduled',
  dispatched: 'Dispatched',
  en_route: 'En route',
  on_site: 'On site',
  on_hold: 'On hold',
  completed: 'Completed',
  invoiced: 'Invoiced',
  paid: 'Paid',
  cancelled: 'Cancelled',
};

/** A status inside a sentence ("a job that is en route"). */
export function label(s: JobStatus): string {
  // Through statusLabel: a row's status is typed, not checked, and a message must not throw.
  return statusLabel(s).toLowerCase();
}

/** A stored status for people; a value that is no status (say, in old history) is shown as it is, underscores as spaces. */
export function statusLabel(status: string): string {
  return isJobStatus(status) ? STATUS_LABELS[status] : status.replace(/_/g, ' ');
}

/** Statuses inside a sentence: "en route, on site, on hold or completed". */
export function sayStatuses(statuses: readonly JobStatus[], conjunction: 'and' | 'or'): string {
  const words = statuses.map(label);
  return words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} ${conjunction} ${words.at(-1)}`;
}
