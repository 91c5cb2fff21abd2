/**
 * The job screen's readings, pure: the steps a technician may take next (the lifecycle's rule,
 * core/lifecycle.ts, narrowed to the statuses the field sets), the status as the phone knows it
 * with its own waiting actions applied, and the time on site from the status events.
 */
import { allowedTransitions, FIELD_STATUSES, type JobStatus } from '#core/lifecycle.ts';
import type { OutboxEntry } from './outbox.ts';

/** The buttons for a job in `status`, in lifecycle order (on the way, on site, paused, completed). */
export function nextSteps(status: JobStatus): JobStatus[] {
  const allowed = allowedTransitions(status);
  return FIELD_STATUSES.filter((s) => allowed.includes(s));
}

/** The words on each step's button. */
export const STEP_WORDS: Partial<Record<JobStatus, string>> = {
  en_route: 'On my way',
  on_site: 'Arrived',
  on_hold: 'Pause',
  completed: 'Complete',
};

/** The status after this job's waiting status actions (the phone shows what it will send). */
export function statusWithPending(status: JobStatus, entries: readonly OutboxEntry[]): JobStatus {
  let s = status;
  for (const e of entries) if (e.kind === 'status' && e.state === 'waiting') s = (e.body as { to: JobStatus }).to;
  return s;
}

export interface StatusStep {
  at: number;
  status: string;
}

/** The status steps of a job's history (events whose `after` names a status), oldest first. */
export function statusSteps(events: readonly { at: number; after: Record<string, unknown> | null }[]): StatusStep[] {
  return events
    .filter((e) => typeof e.after?.status === 'string')
    .map((e) => ({ at: e.at, status: e.after!.status as string }))
    .sort((a, b) => a.at - b.at);
}

/**
 * Minutes on site: every interval from a step to on site until the next step (paused,
 * completed), as the manager's numbers count it (db/job-facts.ts), so two visits count both;
 * an interval still open runs until `now`.
 */
export function minutesOnSite(steps: readonly StatusStep[], now: number): number {
  let ms = 0;
  for (let i = 0; i < steps.length; i++) {
    if (steps[i]!.status !== 'on_site') continue;
    const end = steps[i + 1]?.at ?? now;
    ms += Math.max(0, end - steps[i]!.at);
  }
  return Math.floor(ms / 60_000);
}
