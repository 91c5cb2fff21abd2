import { describe, expect, it } from 'vitest';
import {
  evaluateDay,
  sameWarnings,
  warningsForPlacement,
  type Placement,
  type RuleDay,
  type RuleJob,
  type RuleOptions,
  type RuleTechnician,
  type ScheduleWarning,
} from './schedule-rules.ts';
import { addDays, zonedInstant } from './time.ts';

const TZ = 'America/Chicago';
const MONDAY = '2026-11-23';
const DOWNTOWN = { lat: 30.2672, lng: -97.7431 };
const ROUND_ROCK = { lat: 30.5083, lng: -97.6789 };
const MON_FRI = [1, 2, 3, 4, 5];
const EVERY_DAY = [0, 1, 2, 3, 4, 5, 6];

function tech(over: Partial<RuleTechnician> = {}): RuleTechnician {
  return {
    id: 't1',
    name: 'Rosa Amperes',
    skills: ['service', 'ev-charger'],
    licenceClass: 'journeyman',
    licenceExpires: '2030-01-01',
    shiftStart: '07:00',
    shiftEnd: '17:00',
    shiftDays: MON_FRI,
    timezone: TZ,
    homeLat: null,
    homeLng: null,
    ...over,
  };
}

/** A job on technician t1 at a wall-clock time of the org's day. */
function job(number: number, time: string | null, durationMin = 60, over: Partial<RuleJob> = {}, date = MONDAY): RuleJob {
  return {
    id: `j${number}`,
    number,
    address: `${number} S Lamar Blvd`,
    lat: null,
    lng: null,
    requiredSkill: null,
    requiredLicenceClass: null,
    technicianId: time == null ? null : 't1',
    start: time == null ? null : zonedInstant(date, time, TZ),
    durationMin,
    ...over,
  };
}

function day(jobs: RuleJob[], technicians: RuleTechnician[] = [tech()], options?: RuleOptions, date = MONDAY): RuleDay {
  return { timezone: TZ, date, technicians, jobs, ...(options ? { options } : {}) };
}

function warningsOf(d: RuleDay, id: string): ScheduleWarning[] {
  return evaluateDay(d).get(id) ?? [];
}
const codesOf = (d: RuleDay, id: string) => warningsOf(d, id).map((w) => w.code);
const messageOf = (d: RuleDay, id: string, code: string) => warningsOf(d, id).find((w) => w.code === code)?.message;

describe('double-booked', () => {
  it('flags both jobs of an overlap, naming the other job, the technician and the overlap', () => {
    const d = day([job(1042, '10:00', 75), job(1043, '10:30', 90)]);
    expect(warningsOf(d, 'j1043')).toEqual([
      { code: 'double-booked', message: 'Overlaps job #1042 for Rosa Amperes from 10:30 to 11:15.', relatedJobId: 'j1042' },
    ]);
    expect(warningsOf(d, 'j1042')).toEqual([
      { code: 'double-booked', message: 'Overlaps job #1043 for Rosa Amperes from 10:30 to 11:15.', relatedJobId: 'j1043' },
    ]);
  });

  it('does not count back-to-back jobs as overlapping', () => {
    const d = day([job(1, '10:00', 60), job(2, '11:00', 60), job(3, '12:00', 30)]);
    for (const id of ['j1', 'j2', 'j3']) expect(warningsOf(d, id)).toEqual([]);
  });

  it('reports each overlapped job once, and only real overlaps', () => {
    // A long job covering two short ones that do not touch each other.
    const d = day([job(1, '09:00', 180), job(2, '10:00', 30), job(3, '11:00', 30)]);
    expect(warningsOf(d, 'j1').map((w) => w.relatedJobId)).toEqual(['j2', 'j3']);
    expect(warningsOf(d, 'j2').map((w) => w.relatedJobId)).toEqual(['j1']);
    expect(warningsOf(d, 'j3').map((w) => w.relatedJobId)).toEqual(['j1']);
  });

  it('ignores other technicians, queued jobs and cancelled jobs', () => {
    const other = tech({ id: 't2', name: 'Ohm Lee' });
    const d = day(
      [job(1, '10:00'), job(2, '10:00', 60, { technicianId: 't2' }), job(3, null), job(4, '10:30', 60, { status: 'cancelled' })],
      [tech(), other],
    );
    for (const id of ['j1', 'j2', 'j3', 'j4']) expect(warningsOf(d, id)).toEqual([]);
  });
});

describe('outside shift', () => {
  it('accepts a job from the first minute of the shift to the last', () => {
    const d = day([job(1, '07:00', 60), job(2, '16:00', 60)]);
    expect(codesOf(d, 'j1')).toEqual([]);
    expect(codesOf(d, 'j2')).toEqual([]);
  });

  it('says when a job starts too early, ends too late or starts after the shift', () => {
    const d = day([job(1, '06:30', 60), job(2, '16:30', 60), job(3, '17:00', 30)]);
    expect(messageOf(d, 'j1', 'outside-shift')).toBe("Starts at 06:30, before Rosa Amperes's shift begins at 07:00.");
    expect(messageOf(d, 'j2', 'outside-shift')).toBe("Ends at 17:30, after Rosa Amperes's shift ends at 17:00.");
    expect(messageOf(d, 'j3', 'outside-shift')).toBe("Starts at 17:00, after Rosa Amperes's shift ends at 17:00.");
  });

  it('flags a day the technician does not work', () => {
    const sunday = '2026-11-22';
    const d = day([job(1, '10:00', 60, {}, sunday)], [tech()], undefined, sunday);
    expect(warningsOf(d, 'j1')).toEqual([{ code: 'outside-shift', message: 'Rosa Amperes does not work on Sundays.' }]);
  });

  it('handles an overnight shift that started the day before', () => {
    const night = tech({ shiftStart: '22:00', shiftEnd: '06:00', shiftDays: MON_FRI });
    // Tuesday 02:00 belongs to Monday night's shift; Saturday 02:00 to Friday night's.
    const tue = day([job(1, '02:00', 120, {}, '2026-11-24')], [night]);
    expect(codesOf(tue, 'j1')).toEqual([]);
    const sat = day([job(1, '02:00', 120, {}, '2026-11-28')], [night]);
    expect(codesOf(sat, 'j1')).toEqual([]);
    // Monday 02:00: nobody's shift (Sunday night is off); Tuesday 05:30 + 1 h runs past 06:00.
    const mon = day([job(1, '02:00', 60)], [night]);
    expect(messageOf(mon, 'j1', 'outside-shift')).toBe("Starts at 02:00, before Rosa Amperes's shift begins at 22:00.");
    const late = day([job(1, '05:30', 60, {}, '2026-11-24')], [night]);
    expect(messageOf(late, 'j1', 'outside-shift')).toBe("Ends at 06:30, after Rosa Amperes's shift ends at 06:00.");
  });

  describe('daylight-saving days in America/Chicago', () => {
    const allWeek = tech({ shiftDays: EVERY_DAY });

    it('reads the shift in CDT on 2026-03-08 (spring forward)', () => {
      const date = '2026-03-08';
      // 07:00 CDT is 12:00 UTC; with the winter offset it would be 13:00 UTC.
      const atSeven = job(1, '07:00', 60, {}, date);
      expect(atSeven.start).toBe(Date.UTC(2026, 2, 8, 12, 0));
      const early = { ...job(2, null, 30), technicianId: 't1', start: Date.UTC(2026, 2, 8, 11, 30) };
      const last = job(3, '16:00', 60, {}, date);
      const d = day([atSeven, early, last], [allWeek], undefined, date);
      expect(codesOf(d, 'j1')).toEqual([]);
      expect(codesOf(d, 'j3')).toEqual([]);
      expect(messageOf(d, 'j2', 'outside-shift')).toBe("Starts at 06:30, before Rosa Amperes's shift begins at 07:00.");
    });

    it('knows a night shift across the spring gap is an hour shorter', () => {
      const night = tech({ shiftStart: '00:00', shiftEnd: '04:00', shiftDays: EVERY_DAY });
      // 00:30 + 3 h: 03:30 on a normal Sunday, but 04:30 CDT on the day 02:00-03:00 does not exist.
      const normal = day([job(1, '00:30', 180, {}, '2026-03-01')], [night], undefined, '2026-03-01');
      expect(codesOf(normal, 'j1')).toEqual([]);
      const spring = day([job(1, '00:30', 180, {}, '2026-03-08')], [night], undefined, '2026-03-08');
      expect(messageOf(spring, 'j1', 'outside-shift')).toBe("Ends at 04:30, after Rosa Amperes's shift ends at 04:00.");
    });

    it('knows a night shift across the autumn repeat is an hour longer (2026-11-01)', () => {
      const night = tech({ shiftStart: '00:00', shiftEnd: '04:00', shiftDays: EVERY_DAY });
      // 00:00 + 4.5 h ends 03:30 CST on 2026-11-01 (01:00-02:00 happens twice), 04:30 a week later.
      const fall = day([job(1, '00:00', 270, {}, '2026-11-01')], [night], undefined, '2026-11-01');
      expect(codesOf(fall, 'j1')).toEqual([]);
      const later = day([job(1, '00:00', 270, {}, '2026-11-08')], [night], undefined, '2026-11-08');
      expect(messageOf(later, 'j1', 'outside-shift')).toBe("Ends at 04:30, after Rosa Amperes's shift ends at 04:00.");
    });

    it('reads the day shift in CST on 2026-11-01 and shows overlap times in local time', () => {
      const date = '2026-11-01';
      const a = job(1, '07:00', 60, {}, date);
      expect(a.start).toBe(Date.UTC(2026, 10, 1, 13, 0));
      const b = job(2, '07:30', 60, {}, date);
      const d = day([a, b, { ...job(3, null, 30), technicianId: 't1', start: Date.UTC(2026, 10, 1, 12, 30) }], [allWeek], undefined, date);
      expect(messageOf(d, 'j1', 'double-booked')).toBe('Overlaps job #2 for Rosa Amperes from 07:30 to 08:00.');
      expect(codesOf(d, 'j1')).toEqual(['double-booked']);
      expect(messageOf(d, 'j3', 'outside-shift')).toBe("Starts at 06:30, before Rosa Amperes's shift begins at 07:00.");
    });
  });

  it('reads the shift in the technician’s own timezone', () => {
    const denver = tech({ timezone: 'America/Denver' });
    // 07:30 in Chicago is 06:30 in Denver; 15:00-16:00 in Chicago is 14:00-15:00 in Denver.
    const d = day([job(1, '07:30', 60), job(2, '15:00', 60)], [denver]);
    expect(messageOf(d, 'j1', 'outside-shift')).toBe("Starts at 06:30, before Rosa Amperes's shift begins at 07:00 (America/Denver time).");
    expect(codesOf(d, 'j2')).toEqual([]);
  });

  it('uses the technician’s local weekday, not the org’s', () => {
    const tokyo = tech({ timezone: 'Asia/Tokyo', shiftStart: '09:00', shiftEnd: '17:00', shiftDays: MON_FRI });
    // Sunday 19:00 in Chicago is Monday 10:00 in Tokyo: a working day there.
    const sunday = '2026-11-22';
    const d = day([job(1, '19:00', 60, {}, sunday)], [tokyo], undefined, sunday);
    expect(codesOf(d, 'j1')).toEqual([]);
    // Friday 19:00 in Chicago is Saturday 10:00 in Tokyo: a day off.
    const friday = '2026-11-27';
    const f = day([job(1, '19:00', 60, {}, friday)], [tokyo], undefined, friday);
    expect(messageOf(f, 'j1', 'outside-shift')).toBe('Rosa Amperes does not work on Saturdays (Asia/Tokyo time).');
  });
});

describe('skills and licences', () => {
  it('flags a missing skill and accepts a present or absent requirement', () => {
    const d = day(
      [job(1, '09:00', 60, { requiredSkill: 'panel-upgrade' }), job(2, '10:00', 60, { requiredSkill: 'ev-charger' }), job(3, '11:00')],
      [tech()],
      { skillLabels: { 'panel-upgrade': 'Panel upgrade' } },
    );
    expect(warningsOf(d, 'j1')).toEqual([
      { code: 'missing-skill', message: 'Rosa Amperes does not have the skill this job needs: Panel upgrade.' },
    ]);
    expect(codesOf(d, 'j2')).toEqual([]);
    expect(codesOf(d, 'j3')).toEqual([]);
  });

  it('ranks licence classes: lower is refused, equal or higher allowed, none is refused', () => {
    const needJourneyman = (cls: string | null) =>
      day([job(1, '09:00', 60, { requiredLicenceClass: 'journeyman' })], [tech({ licenceClass: cls })]);
    expect(messageOf(needJourneyman('apprentice'), 'j1', 'licence-class')).toBe(
      'This job needs a journeyman licence or higher; Rosa Amperes holds an apprentice licence.',
    );
    expect(messageOf(needJourneyman(null), 'j1', 'licence-class')).toBe(
      'This job needs a journeyman licence or higher; Rosa Amperes has no licence on file.',
    );
    expect(codesOf(needJourneyman('journeyman'), 'j1')).toEqual([]);
    expect(codesOf(needJourneyman('master'), 'j1')).toEqual([]);
    const needMaster = day([job(1, '09:00', 60, { requiredLicenceClass: 'master' })]);
    expect(messageOf(needMaster, 'j1', 'licence-class')).toBe('This job needs a master licence; Rosa Amperes holds a journeyman licence.');
  });

  it('takes a configured ranking, and matches unranked classes only exactly', () => {
    const options = { licenceClasses: ['residential', 'commercial', 'industrial'] };
    const d = (cls: string, required: string) =>
      day([job(1, '09:00', 60, { requiredLicenceClass: required })], [tech({ licenceClass: cls })], options);
    expect(codesOf(d('industrial', 'commercial'), 'j1')).toEqual([]);
    expect(codesOf(d('residential', 'commercial'), 'j1')).toEqual(['licence-class']);
    // 'journeyman' is not in this ranking at all.
    expect(codesOf(d('journeyman', 'commercial'), 'j1')).toEqual(['licence-class']);
    expect(codesOf(d('special', 'special'), 'j1')).toEqual([]);
  });

  it('flags a licence that expired before the job’s local date, and warns ahead of expiry', () => {
    const withExpiry = (expires: string, options?: RuleOptions) => day([job(1, '09:00')], [tech({ licenceExpires: expires })], options);
    expect(warningsOf(withExpiry('2026-11-22'), 'j1')).toEqual([
      { code: 'licence-expired', message: "Rosa Amperes's licence expired on 2026-11-22, before this job on 2026-11-23." },
    ]);
    // Valid through its last day.
    expect(warningsOf(withExpiry('2026-11-23'), 'j1')).toEqual([
      { code: 'licence-expiring', message: "Rosa Amperes's licence expires on 2026-11-23, the day of this job." },
    ]);
    expect(messageOf(withExpiry('2026-12-07'), 'j1', 'licence-expiring')).toBe(
      "Rosa Amperes's licence expires on 2026-12-07, 14 days after this job.",
    );
    expect(codesOf(withExpiry('2026-12-08'), 'j1')).toEqual([]);
    expect(codesOf(withExpiry('2026-11-30', { licenceExpiringDays: 0 }), 'j1')).toEqual([]);
  });

  it('takes the job’s date in the org timezone, not the UTC date', () => {
    // 23:30 on the 23rd in Chicago is already the 24th in UTC.
    const late = tech({ licenceExpires: '2026-11-23', shiftStart: '12:00', shiftEnd: '23:59' });
    const d = day([job(1, '23:30', 29)], [late], { licenceExpiringDays: 0 });
    expect(new Date(d.jobs[0]!.start!).toISOString().slice(0, 10)).toBe('2026-11-24');
    expect(codesOf(d, 'j1')).toEqual([]);
  });
});

describe('travel time', () => {
  const at = (p: { lat: number; lng: number }) => ({ lat: p.lat, lng: p.lng });

  it('flags a gap shorter than the straight-line drive from the previous job', () => {
    // Downtown Austin to Round Rock: about 27.5 km, 42 min at 40 km/h.
    const d = day([job(1000, '09:00', 60, at(DOWNTOWN)), job(1001, '10:15', 60, at(ROUND_ROCK))]);
    expect(warningsOf(d, 'j1001')).toEqual([
      {
        code: 'travel-time',
        message: 'Travel from 1000 S Lamar Blvd (job #1000), about 28 km, needs about 42 min; the gap is 15 min.',
        relatedJobId: 'j1000',
      },
    ]);
    expect(codesOf(d, 'j1000')).toEqual([]);
  });

  it('accepts a gap long enough, a faster configured speed, and back-to-back jobs at one place', () => {
    expect(codesOf(day([job(1, '09:00', 60, at(DOWNTOWN)), job(2, '10:45', 60, at(ROUND_ROCK))]), 'j2')).toEqual([]);
    expect(
      codesOf(day([job(1, '09:00', 60, at(DOWNTOWN)), job(2, '10:15', 60, at(ROUND_ROCK))], [tech()], { speedKmh: 120 }), 'j2'),
    ).toEqual([]);
    expect(codesOf(day([job(1, '09:00', 60, at(DOWNTOWN)), job(2, '10:00', 60, at(DOWNTOWN))]), 'j2')).toEqual([]);
  });

  it('measures the first job of the day from home against the shift start', () => {
    const fromRoundRock = tech({ homeLat: ROUND_ROCK.lat, homeLng: ROUND_ROCK.lng });
    const tight = day([job(1, '07:15', 60, at(DOWNTOWN)), job(2, '10:00', 60, at(DOWNTOWN))], [fromRoundRock]);
    expect(warningsOf(tight, 'j1')).toEqual([
      {
        code: 'travel-time',
        message: "Travel from Rosa Amperes's home, about 28 km, needs about 42 min; the shift starts at 07:00, only 15 min before.",
      },
    ]);
    expect(codesOf(tight, 'j2')).toEqual([]);
    expect(messageOf(day([job(1, '07:00', 60, at(DOWNTOWN))], [fromRoundRock]), 'j1', 'travel-time')).toBe(
      "Travel from Rosa Amperes's home, about 28 km, needs about 42 min; the job is at the very start of the shift (07:00).",
    );
    expect(codesOf(day([job(1, '08:00', 60, at(DOWNTOWN))], [fromRoundRock]), 'j1')).toEqual([]);
    // No home on file: nothing to measure.
    expect(codesOf(day([job(1, '07:00', 60, at(DOWNTOWN))]), 'j1')).toEqual([]);
  });

  it('leaves overlapping jobs to the double-booking rule and skips jobs without coordinates', () => {
    const d = day([job(1, '09:00', 60, at(DOWNTOWN)), job(2, '09:30', 60, at(ROUND_ROCK)), job(3, '10:35', 30)]);
    expect(codesOf(d, 'j2')).toEqual(['double-booked']);
    expect(codesOf(d, 'j3')).toEqual([]);
  });
});

describe('every rule together', () => {
  it('lists warnings in a fixed order: overlaps, shift, skill, licence, travel', () => {
    const t = tech({ licenceClass: 'apprentice', licenceExpires: '2026-11-01', homeLat: ROUND_ROCK.lat, homeLng: ROUND_ROCK.lng });
    const d = day(
      [job(1, '06:45', 60, { ...DOWNTOWN, requiredSkill: 'generator', requiredLicenceClass: 'master' }), job(2, '07:30', 30, DOWNTOWN)],
      [t],
    );
    expect(codesOf(d, 'j1')).toEqual(['double-booked', 'outside-shift', 'missing-skill', 'licence-class', 'licence-expired']);
    // Job 2 overlaps job 1, so no travel warning from it; its own licence still expired.
    expect(codesOf(d, 'j2')).toEqual(['double-booked', 'licence-expired']);
  });
});

/**
 * A reproducible day: `perTech` jobs on each of `techs` technicians, on a 15-minute grid. 'packed'
 * drops them at random times (a worst case: most jobs overlap several others); 'routed' lays
 * them one after another with short gaps, like a real day.
 */
function busyDay(techs: number, perTech: number, seed = 1, layout: 'packed' | 'routed' = 'packed'): RuleDay {
  let s = seed;
  const rnd = () => (s = (s * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
  const technicians: RuleTechnician[] = [];
  for (let t = 0; t < techs; t++) {
    technicians.push(
      tech({
        id: `t${t}`,
        name: `Tech ${t}`,
        skills: ['service', t % 2 ? 'ev-charger' : 'generator'],
        licenceClass: ['apprentice', 'journeyman', 'master'][t % 3]!,
        licenceExpires: t % 10 === 0 ? '2026-11-01' : '2027-06-30',
        timezone: t % 7 === 0 ? 'America/Denver' : TZ,
        homeLat: DOWNTOWN.lat + (rnd() - 0.5) * 0.5,
        homeLng: DOWNTOWN.lng + (rnd() - 0.5) * 0.5,
      }),
    );
  }
  const jobs: RuleJob[] = [];
  let n = 1000;
  for (let t = 0; t < techs; t++) {
    let next = 7 * 60;
    for (let k = 0; k < perTech; k++) {
      const minutes = layout === 'packed' ? 6 * 60 + Math.floor(rnd() * 48) * 15 : next;
      next += 15 + Math.floor(rnd() * 3) * 15 + 15;
      const time = `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
      jobs.push(
        job(n++, time, layout === 'packed' ? 30 + Math.floor(rnd() * 8) * 30 : 15, {
          technicianId: `t${t}`,
          lat: DOWNTOWN.lat + (rnd() - 0.5) * 0.6,
          lng: DOWNTOWN.lng + (rnd() - 0.5) * 0.6,
          requiredSkill: rnd() < 0.3 ? 'ev-charger' : null,
          requiredLicenceClass: rnd() < 0.2 ? 'journeyman' : null,
        }),
      );
    }
  }
  // A few jobs in the queue too.
  for (let k = 0; k < 20; k++) jobs.push(job(n++, null));
  return day(jobs, technicians);
}

describe('single placement while dragging', () => {
  it('gives the same warnings as re-evaluating the whole day with the job moved', () => {
    const d = busyDay(6, 8, 7);
    let s = 99;
    const rnd = () => (s = (s * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
    for (let k = 0; k < 200; k++) {
      const moving = d.jobs[Math.floor(rnd() * d.jobs.length)]!;
      const placement: Placement = {
        technicianId: `t${Math.floor(rnd() * 6)}`,
        start: zonedInstant(MONDAY, '05:00', TZ) + Math.floor(rnd() * 60) * 15 * 60_000,
        durationMin: 30 + Math.floor(rnd() * 6) * 30,
      };
      const moved = { ...d, jobs: d.jobs.map((j) => (j.id === moving.id ? { ...j, ...placement } : j)) };
      const expected = evaluateDay(moved).get(moving.id)!;
      const got = warningsForPlacement(d, moving.id, placement);
      expect(sameWarnings(got, expected), `${moving.id} -> ${JSON.stringify(placement)}`).toBe(true);
    }
  });

  it('has nothing to say about the queue, unknown jobs or unknown technicians', () => {
    const d = day([job(1, '09:00'), job(2, '09:00')]);
    expect(warningsForPlacement(d, 'j2', { technicianId: null, start: null, durationMin: 60 })).toEqual([]);
    expect(warningsForPlacement(d, 'nope', { technicianId: 't1', start: d.jobs[0]!.start, durationMin: 60 })).toEqual([]);
    expect(warningsForPlacement(d, 'j2', { technicianId: 'ghost', start: d.jobs[0]!.start, durationMin: 60 })).toEqual([]);
    expect(warningsForPlacement(d, 'j2', { technicianId: 't1', start: d.jobs[0]!.start! + 3_600_000, durationMin: 60 })).toEqual([]);
  });

  it('re-evaluates only the technicians asked for', () => {
    const d = busyDay(5, 6, 3);
    const all = evaluateDay(d);
    const some = evaluateDay(d, { technicianIds: ['t1', 't3'] });
    const expectedIds = d.jobs.filter((j) => j.technicianId === 't1' || j.technicianId === 't3').map((j) => j.id);
    expect([...some.keys()].sort()).toEqual(expectedIds.sort());
    for (const [id, warnings] of some) expect(sameWarnings(warnings, all.get(id)!)).toBe(true);
  });
});

describe('speed', () => {
  it('evaluates 2,000 jobs across 100 technicians quickly (printed, not asserted)', () => {
    const time = (d: RuleDay) => {
      let t0 = performance.now();
      const first = evaluateDay(d);
      const cold = performance.now() - t0;
      const runs = 20;
      t0 = performance.now();
      for (let k = 0; k < runs; k++) evaluateDay(d);
      const warm = (performance.now() - t0) / runs;
      const warnings = [...first.values()].reduce((n, w) => n + w.length, 0);
      return `first run ${cold.toFixed(1)} ms, then ${warm.toFixed(1)} ms per evaluation, ${warnings} warnings`;
    };
    const routed = busyDay(100, 20, 5, 'routed');
    const packed = busyDay(100, 20);
    expect(packed.jobs.length).toBe(2020);
    const target = packed.jobs[500]!;
    const t0 = performance.now();
    for (let k = 0; k < 1000; k++)
      warningsForPlacement(packed, target.id, {
        technicianId: 't42',
        start: zonedInstant(MONDAY, '10:00', TZ) + (k % 20) * 900_000,
        durationMin: 90,
      });
    const drag = (performance.now() - t0) / 1000;
    console.log(
      [
        'schedule rules, 2,020 jobs / 100 technicians:',
        `  routed day (jobs in sequence): ${time(routed)}`,
        `  packed day (random overlaps):  ${time(packed)}`,
        `  one placement while dragging:  ${(drag * 1000).toFixed(0)} µs`,
      ].join('\n'),
    );
  });
});

describe('helpers', () => {
  it('compares warning lists by content', () => {
    const a: ScheduleWarning[] = [{ code: 'double-booked', message: 'x', relatedJobId: 'j1' }];
    expect(sameWarnings(a, [{ code: 'double-booked', message: 'x', relatedJobId: 'j1' }])).toBe(true);
    expect(sameWarnings(a, [{ code: 'double-booked', message: 'x' }])).toBe(false);
    expect(sameWarnings(a, [])).toBe(false);
  });

  it('keeps going when one technician has a broken timezone', () => {
    const broken = tech({ id: 't2', name: 'Ohm Lee', timezone: 'Mars/Olympus' });
    const d = day(
      [
        job(1, '09:00'),
        job(2, '09:00', 60, { technicianId: 't2', requiredSkill: 'generator' }),
        job(3, '09:30', 60, { technicianId: 't2' }),
      ],
      [tech(), broken],
    );
    expect(codesOf(d, 'j1')).toEqual([]);
    // Its shift cannot be read, but everything else is still checked.
    expect(codesOf(d, 'j2')).toEqual(['double-booked', 'missing-skill']);
  });

  it('refuses a nonsensical travel speed', () => {
    expect(() => evaluateDay(day([job(1, '09:00')], [tech()], { speedKmh: 0 }))).toThrow(RangeError);
    expect(addDays(MONDAY, 1)).toBe('2026-11-24');
  });
});
