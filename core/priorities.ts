/**
 * How urgent a job is. The list runs from the most urgent down, and that order is the rank
 * every list of jobs sorts by: the board's queue (core/board-doc.ts) and the API's `sort=priority`
 * (worker/jobs/jobs.ts, which writes the rank into SQL). db/schema.ts takes the list from
 * here for its column, so the Worker, the rooms and the app all read one definition.
 */
export const JOB_PRIORITIES = ['emergency', 'high', 'normal', 'low'] as const;
export type Priority = (typeof JOB_PRIORITIES)[number];

/** The ordinary priority: a new job's when none is given, and the one a card does not mention. */
export const DEFAULT_PRIORITY: Priority = 'normal';

export const PRIORITY_LABELS: Readonly<Record<Priority, string>> = { emergency: 'Emergency', high: 'High', normal: 'Normal', low: 'Low' };

export function isPriority(p: string): p is Priority {
  return (JOB_PRIORITIES as readonly string[]).includes(p);
}

/** A stored priority for people; a value that is no priority is shown as it is. */
export function priorityLabel(p: string): string {
  return isPriority(p) ? PRIORITY_LABELS[p] : p;
}

const RANK: ReadonlyMap<string, number> = new Map(JOB_PRIORITIES.map((p, i) => [p, i]));

/** 0 for the most urgent. A value that is no priority (junk in a board doc) ranks as the default. */
export function priorityRank(p: string): number {
  return RANK.get(p) ?? RANK.get(DEFAULT_PRIORITY)!;
}

/** More urgent than the ordinary: the jobs list flags these. */
export function isUrgent(p: string): boolean {
  return priorityRank(p) < priorityRank(DEFAULT_PRIORITY);
}
