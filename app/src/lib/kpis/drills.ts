/**
 * What a drill-down is: the figure (or aging bucket, or a technician's figure) opened into the
 * list behind it, the query that asks for that list, the CSV link that exports it, and the
 * columns each list shows. The lists' meaning is core/kpis.ts DEFINITIONS'.
 */
import { AGING_BUCKETS, type AgingBucketId, DEFINITIONS, type DrillId, type Range } from '#core/kpis.ts';

export interface DrillTarget {
  drill: DrillId;
  /** One technician's share (a scorecard cell). */
  technician?: { id: string; name: string };
  /** One receivables bucket. */
  bucket?: AgingBucketId;
}

/** The drill-down's query: the page's range, and the technician or bucket it is narrowed to. */
export function drillQuery(target: DrillTarget, range: Range): Range & { technicianId?: string; bucket?: AgingBucketId } {
  return {
    from: range.from,
    to: range.to,
    ...(target.technician ? { technicianId: target.technician.id } : {}),
    ...(target.bucket ? { bucket: target.bucket } : {}),
  };
}

/** The same list as CSV: a plain link, so the browser downloads it (Content-Disposition: attachment). */
export function csvHref(target: DrillTarget, range: Range): string {
  const params = new URLSearchParams({ ...drillQuery(target, range), format: 'csv' });
  return `/api/kpis/${encodeURIComponent(target.drill)}?${params}`;
}

/** "Jobs completed · Kim Nguyen", "Receivables · 31-60 days". */
export function drillTitle(target: DrillTarget): string {
  const parts: string[] = [DEFINITIONS[target.drill].label];
  if (target.technician) parts.push(target.technician.name);
  if (target.bucket) parts.push(AGING_BUCKETS.find((b) => b.id === target.bucket)?.label ?? target.bucket);
  return parts.join(' · ');
}

/** "See the 12 jobs" for the button that opens a figure. */
export function listNoun(drill: DrillId): string {
  return DEFINITIONS[drill].lists;
}

export type JobColumn =
  | 'job'
  | 'customer'
  | 'technician'
  | 'status'
  | 'created'
  | 'scheduled'
  | 'completed'
  | 'invoiced'
  | 'firstTimeFix'
  | 'onTime'
  | 'onSite';

/** The columns of a job list: who and what, then what the figure is about. */
export const JOB_COLUMNS: Readonly<Record<DrillId, readonly JobColumn[]>> = {
  invoiced: ['job', 'customer', 'technician', 'completed', 'invoiced'],
  collected: ['job', 'customer'],
  completed: ['job', 'customer', 'technician', 'status', 'completed', 'invoiced'],
  completionRate: ['job', 'customer', 'technician', 'scheduled', 'status', 'completed'],
  firstTimeFix: ['job', 'customer', 'technician', 'completed', 'firstTimeFix'],
  onTime: ['job', 'customer', 'technician', 'completed', 'onTime'],
  utilisation: ['job', 'customer', 'technician', 'completed', 'onSite'],
  averageTicket: ['job', 'customer', 'technician', 'completed', 'invoiced'],
  queue: ['job', 'customer', 'status', 'created'],
  receivables: ['job', 'customer'],
};

export const JOB_COLUMN_LABELS: Readonly<Record<JobColumn, string>> = {
  job: 'Job',
  customer: 'Customer',
  technician: 'Technician',
  status: 'Status',
  created: 'Waiting since',
  scheduled: 'Scheduled',
  completed: 'Completed',
  invoiced: 'Invoiced',
  firstTimeFix: 'First-time fix',
  onTime: 'On time',
  onSite: 'On site',
};
