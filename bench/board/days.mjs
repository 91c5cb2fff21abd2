// The board bench's data, written straight into the bench's throwaway libSQL for the demo org
// (the one the demo dispatcher signs in to), on dates far from the demo's two weeks:
//
// - 100 technicians (shift 07:00-17:00 every day, homes around the Austin metro);
// - "busy" days: 2,000 jobs each, 19 per technician every 30 minutes from 07:30 (25 minutes
//   each, within ~1.2 km of the technician's home) and 100 waiting in the queue;
// - the "map" day: 10,000 jobs spread over the Austin metro (the demo's cities, weighted as the
//   demo weights them), 99 per technician every 6 minutes from 07:00 and 100 in the queue;
// - the "corners" day: 2 queued jobs at the south-west and north-east corners of the map day's
//   pins (a box centred on downtown Austin; two of the map day's queued jobs sit on its
//   corners too), so the map fits exactly the same view with (nearly) nothing on it.
//
// Days with no jobs need no rows. Each job has `board_date` set to its day (what the board room
// loads, rooms/board-records.ts) and its warnings already stored as the room computes them
// (core/schedule-rules.ts evaluateDay over the same technicians and records), so opening a day
// does not set off thousands of warning writes back into libSQL in the middle of a measurement.
// Adapted from bench/realtime/board-days.mjs (50 technicians, 500-job days, no locations).
import { randomUUID } from 'node:crypto';
import { createClient } from '@libsql/client';
import { loadScheduleRules } from './rules.mjs';
import { addDays, dayRange, zonedInstant } from '../../core/time.ts';
import { rngFor } from '../../db/seed/prng.ts';
import { METRO_CENTRE, randomPlace } from '../../db/seed/places.ts';
import { inserts } from '../lib/sql-inserts.mjs';

export const TECHNICIANS = 100;
export const BUSY = { perTech: 19, queued: 100, everyMin: 30, durationMin: 25, firstAt: '07:30', radiusKm: 1.2 };
export const MAP = { perTech: 99, queued: 100, everyMin: 6, durationMin: 5, firstAt: '07:00' };
const MINUTE = 60_000;
const TYPES = ['Service call', 'Panel upgrade', 'EV charger install', 'Troubleshooting', 'Lighting retrofit'];
const PRIORITIES = ['normal', 'normal', 'normal', 'high', 'low', 'emergency'];

const hsl = (h) => {
  // A distinct, saturated colour per technician.
  const s = 0.65;
  const l = 0.45;
  const f = (n) => {
    const k = (n + h / 30) % 12;
    const c = l - s * Math.min(l, 1 - l) * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(c * 255)
      .toString(16)
      .padStart(2, '0');
  };
  return `#${f(0)}${f(8)}${f(4)}`;
};

/** A point within `km` of a centre, uniform over the disc. */
function near(rng, centre, km) {
  const r = (km / 111.32) * Math.sqrt(rng.next());
  const a = rng.next() * 2 * Math.PI;
  return {
    lat: +(centre.lat + r * Math.sin(a)).toFixed(6),
    lng: +(centre.lng + (r * Math.cos(a)) / Math.cos((centre.lat * Math.PI) / 180)).toFixed(6),
  };
}

/**
 * Adds the technicians and the days. `days`: { busy: [offsets], map: offset, corners: offset }
 * in days from the org's today. Returns what the measurements need to know.
 */
export async function addBoardDays(libsqlUrl, { today, days }) {
  const { evaluateDay } = await loadScheduleRules();
  const db = createClient({ url: libsqlUrl });
  const t0 = performance.now();
  try {
    const org = (await db.execute(`select id, timezone from orgs order by created_at limit 1`)).rows[0];
    if (!org) throw new Error('no org in the bench database (was the demo seeded?)');
    const orgId = String(org.id);
    const timezone = String(org.timezone);
    const customers = (await db.execute({ sql: `select id, name from customers where org_id = ? order by id`, args: [orgId] })).rows.map(
      (r) => String(r.id),
    );
    if (!customers.length) throw new Error('the demo org has no customers to put jobs with');
    const taken = Number(
      (await db.execute({ sql: `select coalesce(max(number), 0) as n from jobs where org_id = ?`, args: [orgId] })).rows[0].n,
    );
    const now = Date.now();
    const rng = rngFor(20_261_126, 'bench-board');

    // --- technicians -------------------------------------------------------------------------
    const technicians = Array.from({ length: TECHNICIANS }, (_, i) => {
      const home = randomPlace(rng);
      return {
        id: randomUUID(),
        org_id: orgId,
        name: `Bench Technician ${String(i + 1).padStart(3, '0')}`,
        skills: JSON.stringify(['service', 'troubleshooting', 'lighting']),
        licence_class: 'journeyman',
        licence_expires: '2099-12-31',
        shift_start: '07:00',
        shift_end: '17:00',
        shift_days: JSON.stringify([0, 1, 2, 3, 4, 5, 6]),
        timezone,
        home_address: `${home.address}, ${home.city}, TX`,
        home_lat: home.lat,
        home_lng: home.lng,
        colour: hsl((i * 137.5) % 360),
        active: 1,
        created_at: now,
        updated_at: now,
      };
    });
    await db.batch(inserts('technicians', technicians), 'write');

    // --- places ------------------------------------------------------------------------------
    const locations = [];
    const place = (p) => {
      const row = {
        id: randomUUID(),
        org_id: orgId,
        customer_id: customers[locations.length % customers.length],
        address: p.address,
        city: p.city,
        region: 'TX',
        postal_code: p.postalCode ?? '78701',
        lat: p.lat,
        lng: p.lng,
        timezone,
        created_at: now,
        updated_at: now,
      };
      locations.push(row);
      return row;
    };
    // Busy days: each technician's stops near home; the queue anywhere in the metro.
    const busyPlaces = technicians.map((t, i) =>
      Array.from({ length: BUSY.perTech }, (_, k) => {
        const at = near(rng, { lat: t.home_lat, lng: t.home_lng }, BUSY.radiusKm);
        return place({
          address: `${100 + k * 7 + i} Bench Route ${i + 1}`,
          city: t.home_address.split(', ')[1],
          postalCode: '78701',
          ...at,
        });
      }),
    );
    const busyQueue = Array.from({ length: BUSY.queued }, () => place(randomPlace(rng)));
    // The map day: everywhere in the metro.
    const mapPlaces = technicians.map(() => Array.from({ length: MAP.perTech }, () => place(randomPlace(rng))));
    const mapQueue = Array.from({ length: MAP.queued }, () => place(randomPlace(rng)));
    // The box around the map day's pins, made symmetric about downtown Austin; the first two
    // queued jobs move to its corners. The map fits its first view to the pins' box, so it is
    // centred on downtown, where the pins are densest (keyboard zoom then stays over pins).
    const all = [...mapPlaces.flat(), ...mapQueue];
    const halfLat = Math.max(...all.map((l) => Math.abs(l.lat - METRO_CENTRE.lat)));
    const halfLng = Math.max(...all.map((l) => Math.abs(l.lng - METRO_CENTRE.lng)));
    const box = {
      west: +(METRO_CENTRE.lng - halfLng).toFixed(6),
      south: +(METRO_CENTRE.lat - halfLat).toFixed(6),
      east: +(METRO_CENTRE.lng + halfLng).toFixed(6),
      north: +(METRO_CENTRE.lat + halfLat).toFixed(6),
    };
    Object.assign(mapQueue[0], { address: '1 South-West Corner', city: 'Austin', lat: box.south, lng: box.west });
    Object.assign(mapQueue[1], { address: '2 North-East Corner', city: 'Austin', lat: box.north, lng: box.east });
    // The reference day: just those two.
    const corners = [
      place({ address: '1 South-West Corner', city: 'Austin', lat: box.south, lng: box.west }),
      place({ address: '2 North-East Corner', city: 'Austin', lat: box.north, lng: box.east }),
    ];
    await db.batch(inserts('locations', locations), 'write');

    // --- jobs --------------------------------------------------------------------------------
    // Warnings as the room computes them: its technicians are every active one in the org.
    const ruleTechs = (
      await db.execute({
        sql: `select id, name, skills, licence_class, licence_expires, shift_start, shift_end, shift_days, timezone, home_lat, home_lng from technicians where org_id = ? and active = 1`,
        args: [orgId],
      })
    ).rows.map((t) => ({
      id: String(t.id),
      name: String(t.name),
      skills: JSON.parse(String(t.skills ?? '[]')),
      licenceClass: t.licence_class == null ? null : String(t.licence_class),
      licenceExpires: t.licence_expires == null ? null : String(t.licence_expires),
      shiftStart: String(t.shift_start),
      shiftEnd: String(t.shift_end),
      shiftDays: JSON.parse(String(t.shift_days ?? '[]')),
      timezone: String(t.timezone),
      homeLat: t.home_lat == null ? null : Number(t.home_lat),
      homeLng: t.home_lng == null ? null : Number(t.home_lng),
    }));

    let number = Math.max(taken, 200_000) + 1;
    const jobs = [];
    const out = { orgId, timezone, technicianIds: technicians.map((t) => t.id), activeTechnicians: ruleTechs.length, box, days: {} };

    function addDay(kind, date, plan) {
      const rows = [];
      for (const p of plan) {
        const i = rows.length;
        rows.push({
          id: randomUUID(),
          org_id: orgId,
          number: number++,
          customer_id: p.loc.customer_id,
          location_id: p.loc.id,
          type: TYPES[i % TYPES.length],
          priority: PRIORITIES[i % PRIORITIES.length],
          description: `Bench job ${i + 1} of ${date}`,
          status: p.tech ? 'scheduled' : 'unscheduled',
          scheduled_start: p.start ?? null,
          duration_min: p.durationMin,
          technician_id: p.tech ?? null,
          warnings: '[]',
          board_date: date,
          created_at: now - (plan.length - i) * MINUTE,
          updated_at: now,
        });
      }
      const byId = new Map(locations.map((l) => [l.id, l]));
      const warnings = evaluateDay({
        timezone,
        date,
        technicians: ruleTechs,
        jobs: rows.map((r) => {
          const l = byId.get(r.location_id);
          return {
            id: r.id,
            number: r.number,
            // As rooms/board-records.ts builds it: street address, then city.
            address: [l.address, l.city].filter(Boolean).join(', '),
            lat: l.lat,
            lng: l.lng,
            requiredSkill: null,
            requiredLicenceClass: null,
            technicianId: r.scheduled_start == null ? null : r.technician_id,
            start: r.technician_id == null ? null : r.scheduled_start,
            durationMin: r.duration_min,
            status: r.status,
          };
        }),
      });
      let warned = 0;
      for (const r of rows) {
        const w = warnings.get(r.id) ?? [];
        if (w.length) warned++;
        r.warnings = JSON.stringify(w);
      }
      jobs.push(...rows);
      out.days[date] = {
        kind,
        date,
        jobs: rows.length,
        scheduled: rows.filter((r) => r.technician_id).length,
        queued: rows.filter((r) => !r.technician_id).length,
        warned,
        firstJobId: rows[0]?.id ?? null,
      };
    }

    for (const offset of days.busy) {
      const date = addDays(today, offset);
      const first = zonedInstant(date, BUSY.firstAt, timezone);
      const plan = [];
      technicians.forEach((t, i) => {
        for (let k = 0; k < BUSY.perTech; k++)
          plan.push({ loc: busyPlaces[i][k], tech: t.id, start: first + k * BUSY.everyMin * MINUTE, durationMin: BUSY.durationMin });
      });
      for (const loc of busyQueue) plan.push({ loc, durationMin: 60 });
      addDay('busy', date, plan);
    }
    {
      const date = addDays(today, days.map);
      const first = zonedInstant(date, MAP.firstAt, timezone);
      const plan = [];
      technicians.forEach((t, i) => {
        for (let k = 0; k < MAP.perTech; k++)
          plan.push({ loc: mapPlaces[i][k], tech: t.id, start: first + k * MAP.everyMin * MINUTE, durationMin: MAP.durationMin });
      });
      for (const loc of mapQueue) plan.push({ loc, durationMin: 60 });
      addDay('map', date, plan);
    }
    addDay(
      'corners',
      addDays(today, days.corners),
      corners.map((loc) => ({ loc, durationMin: 60 })),
    );

    await db.batch(inserts('jobs', jobs), 'write');
    // Sanity: what the room will load for each day (same filter as rooms/board-records.ts).
    for (const d of Object.values(out.days)) {
      const range = dayRange(d.date, timezone);
      const n = (
        await db.execute({
          sql: `select count(*) as n from jobs j join locations l on l.id = j.location_id where j.org_id = ? and j.status != 'cancelled' and (j.board_date = ? or (j.board_date is null and j.scheduled_start >= ? and j.scheduled_start < ?))`,
          args: [orgId, d.date, range.start, range.end],
        })
      ).rows[0].n;
      if (Number(n) !== d.jobs) throw new Error(`${d.date}: the room would load ${n} jobs, expected ${d.jobs}`);
    }
    out.counts = { technicians: technicians.length, locations: locations.length, jobs: jobs.length };
    out.ms = Math.round(performance.now() - t0);
    return out;
  } finally {
    db.close();
  }
}
