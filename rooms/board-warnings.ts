/**
 * The scheduling rules (core/schedule-rules.ts) run by a board room as the authority: which
 * jobs' stored warnings must change after edits to some technicians' rows. Pure: the room
 * stores what this returns (warnings rows in its outbox, the job states) in one transaction.
 *
 * The room evaluates when its outbox drains rather than per edit: a drag makes several edits,
 * and the browser shows its own evaluation at once anyway; the stored warnings are for
 * everyone else (lists, phones, KPIs).
 */
import { evaluateDay, sameWarnings, type RuleJob, type RuleTechnician, type ScheduleWarning } from '../core/schedule-rules.ts';
import type { JobState } from './outbox-store.ts';

export interface WarningsInput {
  timezone: string;
  date: string;
  technicians: readonly RuleTechnician[];
  /** The jobs on the rows evaluated (all of the day's when `rows` is null), with their stored warnings. */
  states: readonly JobState[];
  /** Technicians whose rows changed; null = every row. */
  rows: ReadonlySet<string> | null;
}

/** Jobs whose warnings differ from those stored, with their new warnings (empty: none any more). */
export function changedWarnings({ timezone, date, technicians, states, rows }: WarningsInput): Map<string, ScheduleWarning[]> {
  const scope = rows ? { technicianIds: rows } : undefined;
  const computed = evaluateDay({ timezone, date, technicians, jobs: states.map(ruleJob) }, scope);
  // Jobs that left the evaluated rows (moved to the queue or another technician) lose their old warnings.
  for (const s of states)
    if (!computed.has(s.jobId) && (!scope || (s.warnings.length && !isPlacedOn(s, technicians)))) computed.set(s.jobId, []);
  const byId = new Map(states.map((s) => [s.jobId, s]));
  const changed = new Map<string, ScheduleWarning[]>();
  for (const [jobId, warnings] of computed) {
    const state = byId.get(jobId);
    if (state && !sameWarnings(state.warnings, warnings)) changed.set(jobId, warnings);
  }
  return changed;
}

function ruleJob(s: JobState): RuleJob {
  return {
    id: s.jobId,
    number: s.card.number,
    address: s.card.address,
    lat: s.card.lat,
    lng: s.card.lng,
    requiredSkill: s.card.requiredSkill,
    requiredLicenceClass: s.card.requiredLicenceClass,
    technicianId: s.schedule.start == null ? null : s.schedule.technicianId,
    start: s.schedule.technicianId == null ? null : s.schedule.start,
    durationMin: s.schedule.durationMin,
    status: s.schedule.status,
  };
}

function isPlacedOn(s: JobState, technicians: readonly RuleTechnician[]): boolean {
  return s.schedule.technicianId != null && s.schedule.start != null && technicians.some((t) => t.id === s.schedule.technicianId);
}
