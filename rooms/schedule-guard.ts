/**
 * The room as the authority over what a schedule edit may do. Clients write the doc freely
 * (that is what makes the board instant); the room then checks each touched job against the
 * last schedule it projected and either accepts the new values or repairs the doc back, so the
 * doc never holds a schedule the records could not.
 *
 * Pure: no storage, no Yjs. The richer scheduling rules (double-booking, shifts, skills,
 * travel) are warnings from core/schedule-rules.ts, not refusals, and are not applied here yet.
 */
import {
  BILLING_STATUSES,
  checkTransition,
  isBilled,
  isJobStatus,
  isSchedulable,
  rescheduleRefusal,
  sayStatuses,
  statusAfterScheduleChange,
  type JobStatus,
  type ScheduleFacts,
} from '../core/lifecycle.ts';
import type { RawJobEntry } from '../core/board-doc-room.ts';

/** A job's schedule as the records hold it: what the room projects into libSQL. */
export interface Schedule {
  technicianId: string | null;
  start: number | null;
  durationMin: number;
  status: JobStatus;
}

/** The schedule part of a job entry as a client left it, unchecked. */
export type RawSchedule = Pick<RawJobEntry, 'technicianId' | 'start' | 'durationMin' | 'status'>;

const MAX_ID = 64;

export interface Decision {
  /** The schedule the records should now hold (what the doc holds once repairs are applied). */
  next: Schedule;
  /** Fields to write back into the doc because the client's values were refused. */
  repair: Partial<Schedule>;
  /** Why each refused field was refused, in words for people. */
  reasons: string[];
}

export function sameSchedule(a: Schedule, b: Schedule): boolean {
  return a.technicianId === b.technicianId && a.start === b.start && a.durationMin === b.durationMin && a.status === b.status;
}

/**
 * `prev` is what the room last projected (or seeded from the records); `raw` is what the doc
 * holds now; [dayStart, dayEnd) is the room's day: a start outside it belongs to another room.
 * `isTechnician` says whether an id names one of the org's active technicians: the records
 * refuse any other, so the doc must too, or the two would disagree for good.
 */
export function decide(
  prev: Schedule,
  raw: RawSchedule,
  day: { start: number; end: number },
  isTechnician: (id: string) => boolean = () => true,
): Decision {
  const reasons: string[] = [];
  const wanted: Schedule = { ...prev };

  if (
    raw.technicianId === null ||
    (typeof raw.technicianId === 'string' && raw.technicianId.length > 0 && raw.technicianId.length <= MAX_ID)
  ) {
    wanted.technicianId = raw.technicianId;
  } else reasons.push('technicianId must be a technician id or null');

  if (raw.start === null || (Number.isSafeInteger(raw.start) && (raw.start as number) >= day.start && (raw.start as number) < day.end)) {
    wanted.start = raw.start as number | null;
  } else reasons.push('start must be an instant on this board’s day (or null)');

  if (Number.isSafeInteger(raw.durationMin) && (raw.durationMin as number) >= 1 && (raw.durationMin as number) <= 24 * 60) {
    wanted.durationMin = raw.durationMin as number;
  } else reasons.push('durationMin must be a whole number of minutes between 1 and 1440');

  const prevStatus = prev.status;
  const scheduleMoved = wanted.technicianId !== prev.technicianId || wanted.start !== prev.start || wanted.durationMin !== prev.durationMin;
  // Reopening a cancelled job (cancelled -> unscheduled, its start cleared) changes the schedule
  // together with the status: judge the schedule by the status the lifecycle lets it go to.
  const reopened =
    typeof raw.status === 'string' && isJobStatus(raw.status) && isSchedulable(raw.status) && !isSchedulable(prevStatus)
      ? checkTransition(prevStatus, raw.status, { technicianId: wanted.technicianId, scheduledStart: wanted.start }).ok
      : false;
  const refusal = !scheduleMoved
    ? null
    : ((reopened ? null : rescheduleRefusal(prevStatus)) ??
      (wanted.technicianId !== null && wanted.technicianId !== prev.technicianId && !isTechnician(wanted.technicianId)
        ? 'no technician of this org has that id'
        : null));
  if (refusal) {
    // A placement is one value: a refused move keeps the job where it was, time and length too.
    reasons.push(refusal);
    wanted.technicianId = prev.technicianId;
    wanted.start = prev.start;
    wanted.durationMin = prev.durationMin;
  }

  const facts = { technicianId: wanted.technicianId, scheduledStart: wanted.start };
  if (typeof raw.status === 'string' && raw.status !== prev.status) {
    const edit = statusEdit(prevStatus, raw.status, facts);
    if (edit.ok) wanted.status = edit.to;
    else {
      reasons.push(edit.reason);
      wanted.status = statusAfterScheduleChange(prevStatus, facts);
    }
  } else {
    if (typeof raw.status !== 'string') reasons.push('status must be a job status');
    // The status follows the schedule (placing a job schedules it; unplacing unschedules it).
    wanted.status = statusAfterScheduleChange(prevStatus, facts);
  }

  const repair: Partial<Schedule> = {};
  if (raw.technicianId !== wanted.technicianId) repair.technicianId = wanted.technicianId;
  if (raw.start !== wanted.start) repair.start = wanted.start;
  if (raw.durationMin !== wanted.durationMin) repair.durationMin = wanted.durationMin;
  if (raw.status !== wanted.status) repair.status = wanted.status;
  return { next: wanted, repair, reasons };
}

/** A status a client wrote into the doc, checked: only billing sets its statuses, and the lifecycle decides the rest. */
function statusEdit(from: JobStatus, raw: string, facts: ScheduleFacts): { ok: true; to: JobStatus } | { ok: false; reason: string } {
  if (!isJobStatus(raw)) return { ok: false, reason: `${raw.slice(0, 40)} is not a job status` };
  if (isBilled(raw)) return { ok: false, reason: `only billing marks a job ${sayStatuses(BILLING_STATUSES, 'or')}` };
  const check = checkTransition(from, raw, facts);
  return check.ok ? { ok: true, to: raw } : check;
}
