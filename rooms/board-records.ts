/**
 * What a board room reads from libSQL: the jobs of its day as board records (the row joined
 * with its customer's name and location) and the org's technicians as the scheduling rules
 * take them. Reads only: the room writes libSQL through its outbox (rooms/outbox.ts).
 */
import type { Client } from '@libsql/client/web';
import type { BoardJobRecord } from '../core/board-doc.ts';
import { isJobStatus, type JobStatus } from '../core/lifecycle.ts';
import type { RuleTechnician, ScheduleWarning } from '../core/schedule-rules.ts';

type Row = Record<string, unknown>;

/** A job as a board record; append a where clause (the org id is the first argument). */
export const JOB_SQL = `select j.id, j.number, j.type, j.priority, j.status, j.required_skill, j.required_licence_class, j.created_at,
    j.scheduled_start, j.duration_min, j.technician_id, j.schedule_version, j.board_date, j.warnings,
    c.name as customer_name, l.address, l.city, l.lat, l.lng
  from jobs j join customers c on c.id = j.customer_id join locations l on l.id = j.location_id
  where j.org_id = ?`;

const num = (v: unknown) => (v == null ? null : Number(v));
const str = (v: unknown) => (v == null ? null : String(v));

export interface LoadedJob {
  record: BoardJobRecord;
  version: number;
  boardDate: string | null;
  /** What libSQL holds now, so the room rewrites only warnings that differ. */
  warnings: ScheduleWarning[];
}

/**
 * libSQL does not check the column; a value that is no status reads as the board doc shows it
 * (core/board-doc.ts upsertJobFromRecord), so the room's state and its doc agree.
 */
function statusOf(v: unknown): JobStatus {
  const s = String(v);
  return isJobStatus(s) ? s : 'unscheduled';
}

export function recordFromRow(r: Row): LoadedJob {
  const address = [str(r.address), str(r.city)].filter(Boolean).join(', ');
  return {
    record: {
      id: String(r.id),
      number: Number(r.number),
      type: String(r.type),
      priority: String(r.priority),
      customerName: String(r.customer_name ?? ''),
      address,
      lat: num(r.lat),
      lng: num(r.lng),
      requiredSkill: str(r.required_skill),
      requiredLicenceClass: str(r.required_licence_class),
      createdAt: Number(r.created_at ?? 0),
      status: statusOf(r.status),
      technicianId: str(r.technician_id),
      scheduledStart: num(r.scheduled_start),
      durationMin: Number(r.duration_min),
    },
    version: Number(r.schedule_version ?? 0),
    boardDate: str(r.board_date),
    warnings: parseWarnings(r.warnings),
  };
}

/**
 * The jobs a day's board starts with: those the records say it owns (board_date), plus, for
 * rows written before board_date existed, cancelled-or-not-yet-owned jobs starting that day.
 * Cancelled jobs take no place on a board.
 */
export async function loadDayJobs(db: Client, orgId: string, date: string, day: { start: number; end: number }): Promise<LoadedJob[]> {
  const rows = await db.execute({
    sql: `${JOB_SQL} and j.status != 'cancelled' and (j.board_date = ? or (j.board_date is null and j.scheduled_start >= ? and j.scheduled_start < ?)) order by j.scheduled_start, j.number`,
    args: [orgId, date, day.start, day.end],
  });
  return rows.rows.map((r) => recordFromRow(r as Row));
}

export async function loadJob(db: Client, orgId: string, jobId: string): Promise<LoadedJob | null> {
  const r = await db.execute({ sql: `${JOB_SQL} and j.id = ?`, args: [orgId, jobId] });
  return r.rows[0] ? recordFromRow(r.rows[0] as Row) : null;
}

export async function loadTechnicians(db: Client, orgId: string): Promise<RuleTechnician[]> {
  const r = await db.execute({
    sql: `select id, name, skills, licence_class, licence_expires, shift_start, shift_end, shift_days, timezone, home_lat, home_lng from technicians where org_id = ? and active = 1`,
    args: [orgId],
  });
  return r.rows.map((t) => ({
    id: String(t.id),
    name: String(t.name),
    skills: JSON.parse(String(t.skills ?? '[]')),
    licenceClass: str(t.licence_class),
    licenceExpires: str(t.licence_expires),
    shiftStart: String(t.shift_start),
    shiftEnd: String(t.shift_end),
    shiftDays: JSON.parse(String(t.shift_days ?? '[]')),
    timezone: String(t.timezone),
    homeLat: num(t.home_lat),
    homeLng: num(t.home_lng),
  }));
}

function parseWarnings(v: unknown): ScheduleWarning[] {
  try {
    const parsed = JSON.parse(String(v ?? '[]'));
    return Array.isArray(parsed) ? parsed : [];
  } catch {
    return [];
  }
}
