/** The room's authority over warnings, without a room: rooms/board-warnings.ts. */
import { describe, expect, it } from 'vitest';
import type { RuleTechnician } from '../core/schedule-rules.ts';
import { zonedInstant } from '../core/time.ts';
import { changedWarnings } from './board-warnings.ts';
import type { JobState } from './outbox-store.ts';

const TZ = 'America/Chicago';
const DAY = '2026-11-23'; // a Monday, fixed: the rules read the weekday from it
const tech = (id: string): RuleTechnician => ({
  id,
  name: id,
  skills: [],
  licenceClass: null,
  licenceExpires: null,
  shiftStart: '08:00',
  shiftEnd: '17:00',
  shiftDays: [1, 2, 3, 4, 5],
  timezone: TZ,
  homeLat: null,
  homeLng: null,
});
const job = (id: string, technicianId: string | null, time: string | null, warnings: JobState['warnings'] = []): JobState => ({
  jobId: id,
  schedule: {
    technicianId,
    start: time ? zonedInstant(DAY, time, TZ) : null,
    durationMin: 60,
    status: technicianId ? 'scheduled' : 'unscheduled',
  },
  card: {
    number: 1,
    type: 'Service call',
    priority: 'normal',
    customerName: 'C',
    address: 'A',
    lat: null,
    lng: null,
    requiredSkill: null,
    requiredLicenceClass: null,
    createdAt: 0,
  },
  version: 1,
  warnings,
});

describe('changedWarnings', () => {
  it('returns only the jobs whose warnings differ from those stored', () => {
    const t1 = tech('t1');
    const a = job('a', 't1', '09:00');
    const b = job('b', 't1', '09:30');
    const first = changedWarnings({ timezone: TZ, date: DAY, technicians: [t1], states: [a, b], rows: null });
    expect([...first.keys()].sort()).toEqual(['a', 'b']);
    expect(first.get('a')!.map((w) => w.code)).toContain('double-booked');
    // Stored now: evaluating again changes nothing.
    const stored = [a, b].map((s) => ({ ...s, warnings: first.get(s.jobId)! }));
    expect(changedWarnings({ timezone: TZ, date: DAY, technicians: [t1], states: stored, rows: new Set(['t1']) }).size).toBe(0);
  });

  it('clears the warnings of a job that left the rows evaluated for the queue', () => {
    const t1 = tech('t1');
    const stale = job('a', null, null, [{ code: 'double-booked', message: 'old' } as JobState['warnings'][number]]);
    const changed = changedWarnings({ timezone: TZ, date: DAY, technicians: [t1], states: [stale], rows: new Set(['t1']) });
    expect(changed.get('a')).toEqual([]);
  });
});
