// The bench's own board days: ~50 technicians and, per day, 500 scheduled jobs, written straight
// into the bench's throwaway libSQL for the demo org (the one the demo dispatcher signs in to) on
// dates far from the demo's two weeks, so no demo job is on them. The room seeds its doc from
// these rows the first time a day is opened.
import { randomUUID } from 'node:crypto';
import { createClient } from '@libsql/client';
import { createBoardDoc } from '../../core/board-doc-room.ts';
import { addDays, dayRange } from '../../core/time.ts';
import { inserts } from '../lib/sql-inserts.mjs';

const TECHNICIANS = 50;
const JOBS_PER_DAY = 500;
const HOUR = 3_600_000;
const TYPES = ['Service call', 'Panel upgrade', 'EV charger install', 'Troubleshooting', 'Lighting retrofit'];
const PRIORITIES = ['normal', 'normal', 'normal', 'high', 'low', 'emergency'];

/**
 * Adds the bench technicians and one 500-job day per offset (days from the org's today).
 * Returns the org, the technician ids and, per date, its job ids and UTC range.
 */
export async function addBenchDays(libsqlUrl, { today, offsets }) {
  const db = createClient({ url: libsqlUrl });
  try {
    const org = (await db.execute(`select id, timezone from orgs order by created_at limit 1`)).rows[0];
    if (!org) throw new Error('no org in the bench database (was the demo seeded?)');
    const orgId = String(org.id);
    const timezone = String(org.timezone);
    const places = (
      await db.execute({ sql: `select id, customer_id from locations where org_id = ? order by id limit 1000`, args: [orgId] })
    ).rows;
    if (!places.length) throw new Error('the demo org has no locations to put jobs at');
    const taken = (await db.execute({ sql: `select coalesce(max(number), 0) as n from jobs where org_id = ?`, args: [orgId] })).rows[0].n;
    // The room looks a day's jobs up by board_date once it has that column (migration 0003).
    const hasBoardDate = (await db.execute(`pragma table_info(jobs)`)).rows.some((r) => r.name === 'board_date');
    const now = Date.now();

    const technicians = Array.from({ length: TECHNICIANS }, (_, i) => ({
      id: randomUUID(),
      org_id: orgId,
      name: `Bench Technician ${String(i + 1).padStart(2, '0')}`,
      skills: JSON.stringify(['residential', 'commercial']),
      licence_class: 'journeyman',
      shift_start: '07:00',
      shift_end: '17:00',
      shift_days: JSON.stringify([0, 1, 2, 3, 4, 5, 6]),
      timezone,
      colour: `#${((i * 2654435761) >>> 8).toString(16).padStart(6, '0').slice(0, 6)}`,
      active: 1,
      created_at: now,
      updated_at: now,
    }));
    const techIds = technicians.map((t) => t.id);

    const days = {};
    const jobs = [];
    let number = Math.max(Number(taken), 100_000) + 1;
    for (const offset of offsets) {
      const date = addDays(today, offset);
      const range = dayRange(date, timezone);
      const jobIds = [];
      for (let i = 0; i < JOBS_PER_DAY; i++) {
        const place = places[(i + offset * 7) % places.length];
        // Ten one-hour jobs per technician, 07:00 to 17:00: a full, plausible day.
        const start = range.start + (7 + Math.floor(i / TECHNICIANS)) * HOUR;
        const id = randomUUID();
        jobIds.push(id);
        jobs.push({
          id,
          org_id: orgId,
          number: number++,
          customer_id: place.customer_id,
          location_id: place.id,
          type: TYPES[i % TYPES.length],
          priority: PRIORITIES[i % PRIORITIES.length],
          description: `Bench job ${i + 1} of ${date}`,
          status: 'scheduled',
          scheduled_start: start,
          duration_min: 60,
          technician_id: techIds[i % TECHNICIANS],
          warnings: '[]',
          ...(hasBoardDate ? { board_date: date } : {}),
          created_at: now - (JOBS_PER_DAY - i) * 60_000,
          updated_at: now,
        });
      }
      days[date] = { date, range, jobIds };
    }
    await db.batch([...inserts('technicians', technicians), ...inserts('jobs', jobs)], 'write');
    return { orgId, timezone, techIds, days };
  } finally {
    db.close();
  }
}

/**
 * The day as the room would seed it, built with core/board-doc.ts from the same rows: used to
 * seed the reference server when the room's own doc cannot be copied (the room side not run).
 */
export async function boardDocFromRecords(libsqlUrl, { orgId, timezone, date }) {
  const db = createClient({ url: libsqlUrl });
  try {
    const range = dayRange(date, timezone);
    const { rows } = await db.execute({
      sql: `select j.id, j.number, j.type, j.priority, j.status, j.technician_id, j.scheduled_start, j.duration_min, j.required_skill,
              j.required_licence_class, j.created_at, c.name as customer_name, l.address, l.lat, l.lng
            from jobs j join customers c on c.id = j.customer_id join locations l on l.id = j.location_id
            where j.org_id = ? and j.scheduled_start >= ? and j.scheduled_start < ? order by j.scheduled_start, j.number`,
      args: [orgId, range.start, range.end],
    });
    const records = rows.map((r) => ({
      id: String(r.id),
      number: Number(r.number),
      type: String(r.type),
      priority: String(r.priority),
      customerName: String(r.customer_name),
      address: String(r.address),
      lat: r.lat == null ? null : Number(r.lat),
      lng: r.lng == null ? null : Number(r.lng),
      requiredSkill: r.required_skill == null ? null : String(r.required_skill),
      requiredLicenceClass: r.required_licence_class == null ? null : String(r.required_licence_class),
      createdAt: Number(r.created_at),
      status: String(r.status),
      technicianId: r.technician_id == null ? null : String(r.technician_id),
      scheduledStart: r.scheduled_start == null ? null : Number(r.scheduled_start),
      durationMin: Number(r.duration_min),
    }));
    return createBoardDoc({ orgId, date, timezone }, records);
  } finally {
    db.close();
  }
}
