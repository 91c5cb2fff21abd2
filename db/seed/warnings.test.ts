/**
 * The demo's board warnings are the exception: the scheduling rules (core/schedule-rules.ts, the
 * same evaluateDay the board room runs in rooms/board-warnings.ts) find on each day of the two
 * weeks only the conflicts the demo plants (db/seed/jobs.ts planScheduledJobs): one double
 * booking, one tight travel gap, the one job left on the technician whose licence has lapsed,
 * and the heads-up on the jobs of the technician whose licence runs out soon. Days come from the
 * data (the days the demo's jobs sit on, and who works each of them), for demos built around
 * every day of a week and both clock changes, so no weekday is assumed.
 */
import { describe, expect, it } from 'vitest';
import { evaluateDay, type RuleJob, type RuleTechnician, type WarningCode } from '../../core/schedule-rules.ts';
import { addDays, weekdayOf } from '../../core/time.ts';
import { generateDemo } from './generate.ts';

/** A week of "todays" (every weekday once, whatever it is now), plus the two clock-change Sundays. */
const TODAYS = [...Array.from({ length: 7 }, (_, i) => addDays('2026-12-02', i)), '2026-11-01', '2027-03-14'];

interface DayCount {
  date: string;
  crew: number;
  placed: number;
  /** Jobs with at least one warning, by code. */
  byCode: Partial<Record<WarningCode, string[]>>;
  warned: number;
}

function countWarnings(today: string): { days: DayCount[]; technicians: RuleTechnician[]; jobsOf: Map<string, string | null> } {
  const { ctx, data } = generateDemo({ today, pivot: '12:00', history: false });
  const place = new Map(data.locations.map((l) => [l.id, l]));
  const technicians: RuleTechnician[] = data.technicians.map((t) => ({
    id: t.id!,
    name: t.name,
    skills: t.skills ?? [],
    licenceClass: t.licenceClass ?? null,
    licenceExpires: t.licenceExpires ?? null,
    shiftStart: t.shiftStart!,
    shiftEnd: t.shiftEnd!,
    shiftDays: t.shiftDays ?? [],
    timezone: t.timezone!,
    homeLat: t.homeLat ?? null,
    homeLng: t.homeLng ?? null,
  }));
  // The boards the demo fills: the dates its jobs are filed under.
  const dates = [...new Set(data.jobs.map((j) => j.boardDate).filter((d): d is string => !!d))].sort();
  const days = dates.map((date): DayCount => {
    const jobs: RuleJob[] = data.jobs
      .filter((j) => j.boardDate === date)
      .map((j) => {
        const at = place.get(j.locationId)!;
        return {
          id: j.id!,
          number: j.number,
          address: at.address,
          lat: at.lat,
          lng: at.lng,
          requiredSkill: j.requiredSkill ?? null,
          requiredLicenceClass: j.requiredLicenceClass ?? null,
          technicianId: j.technicianId ?? null,
          start: j.scheduledStart ?? null,
          durationMin: j.durationMin!,
          status: j.status,
        };
      });
    const warnings = evaluateDay({ timezone: ctx.tz, date, technicians, jobs });
    const byCode: DayCount['byCode'] = {};
    let warned = 0;
    for (const [jobId, list] of warnings) {
      if (list.length) warned++;
      for (const code of new Set(list.map((w) => w.code))) (byCode[code] ??= []).push(jobId);
    }
    return {
      date,
      crew: technicians.filter((t) => t.shiftDays.includes(weekdayOf(date))).length,
      placed: jobs.filter((j) => j.technicianId && j.status !== 'cancelled').length,
      byCode,
      warned,
    };
  });
  return { days, technicians, jobsOf: new Map(data.jobs.map((j) => [j.id!, j.technicianId ?? null])) };
}

describe.each(TODAYS)('the demo built around %s', (today) => {
  const { days, technicians, jobsOf } = countWarnings(today);
  const fullCrew = technicians.length / 2;
  const lapsedOn = (date: string) => technicians.filter((t) => t.licenceExpires! < date && t.shiftDays.includes(weekdayOf(date)));
  const expiringOn = (date: string) =>
    new Set(technicians.filter((t) => t.licenceExpires! >= date && t.licenceExpires! <= addDays(date, 14)).map((t) => t.id));

  it('plants exactly one double booking, one tight travel gap and one job on the lapsed licence on each day most of the crew works', () => {
    const crewDays = days.filter((d) => d.crew >= fullCrew);
    expect(crewDays.length).toBeGreaterThanOrEqual(8);
    for (const d of crewDays) {
      const summary = `${d.date}: ${JSON.stringify(d.byCode)}`;
      expect(d.byCode['double-booked'] ?? [], summary).toHaveLength(2);
      expect(d.byCode['travel-time'] ?? [], summary).toHaveLength(1);
      expect(d.byCode['licence-expired'] ?? [], summary).toHaveLength(lapsedOn(d.date).length);
      expect(lapsedOn(d.date).length, d.date).toBe(1);
    }
  });

  it('has no other conflict on any day, and on a small crew’s day none at all', () => {
    for (const d of days) {
      const summary = `${d.date}: ${JSON.stringify(d.byCode)}`;
      for (const code of ['outside-shift', 'missing-skill', 'licence-class'] as const) expect(d.byCode[code] ?? [], summary).toEqual([]);
      // The heads-up belongs to the licence running out, and to nobody else.
      const expiring = expiringOn(d.date);
      for (const jobId of d.byCode['licence-expiring'] ?? []) expect(expiring.has(jobsOf.get(jobId)!), summary).toBe(true);
      if (d.crew < fullCrew) expect(d.warned, summary).toBe(0);
    }
  });

  it('warns on at most 4 cards a day besides the licence heads-up, and on fewer than one card in five in all', () => {
    for (const d of days) {
      const summary = `${d.date}: ${d.warned} of ${d.placed} cards warned, ${JSON.stringify(d.byCode)}`;
      const headsUp = new Set(d.byCode['licence-expiring'] ?? []);
      const conflicts = new Set(
        Object.values(d.byCode)
          .flat()
          .filter((id) => !headsUp.has(id)),
      );
      expect(conflicts.size, summary).toBeLessThanOrEqual(4);
      expect(d.placed).toBeGreaterThan(0);
      expect(d.warned / d.placed, summary).toBeLessThan(1 / 5);
    }
  });
});
