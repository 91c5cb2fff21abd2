import { describe, expect, it } from 'vitest';
import { JOB_STATUSES, allowedTransitions, checkTransition, statusAfterScheduleChange, type JobStatus } from './lifecycle.ts';

/** The whole table, written out once more by hand so a change to the model has to change both. */
const EXPECTED: Record<JobStatus, JobStatus[]> = {
  unscheduled: ['scheduled', 'on_hold', 'cancelled'],
  scheduled: ['unscheduled', 'dispatched', 'on_hold', 'cancelled'],
  dispatched: ['scheduled', 'en_route', 'on_hold', 'cancelled'],
  en_route: ['dispatched', 'on_site', 'on_hold', 'cancelled'],
  on_site: ['completed', 'on_hold'],
  on_hold: ['unscheduled', 'scheduled', 'cancelled'],
  completed: ['invoiced'],
  invoiced: ['paid', 'completed'],
  paid: [],
  cancelled: ['unscheduled'],
};

const placed = { technicianId: 't1', scheduledStart: 1_700_000_000_000 };
const unplaced = { technicianId: null, scheduledStart: null };

describe('job lifecycle: every pair of statuses', () => {
  for (const from of JOB_STATUSES) {
    for (const to of JOB_STATUSES) {
      const allowed = EXPECTED[from].includes(to);
      it(`${from} -> ${to} is ${allowed ? 'allowed' : 'refused'}`, () => {
        const result = checkTransition(from, to, placed);
        expect(result.ok).toBe(allowed);
        if (!result.ok) expect(result.reason.length).toBeGreaterThan(10);
      });
    }
  }
  it('publishes the same table', () => {
    for (const from of JOB_STATUSES) expect([...allowedTransitions(from)].sort()).toEqual([...EXPECTED[from]].sort());
  });
});

describe('job lifecycle: schedule guards', () => {
  for (const to of ['scheduled', 'dispatched', 'en_route', 'on_site'] as const) {
    it(`refuses ${to} for a job with no technician and start`, () => {
      const from = (Object.keys(EXPECTED) as JobStatus[]).find((f) => EXPECTED[f].includes(to))!;
      const r = checkTransition(from, to, unplaced);
      expect(r).toMatchObject({ ok: false });
      expect(!r.ok && r.reason).toMatch(/technician and a start/);
    });
  }
  it('allows cancelling an unplaced job', () => {
    expect(checkTransition('unscheduled', 'cancelled', unplaced).ok).toBe(true);
  });
  it('follows the schedule only in the planning states', () => {
    expect(statusAfterScheduleChange('unscheduled', placed)).toBe('scheduled');
    expect(statusAfterScheduleChange('scheduled', unplaced)).toBe('unscheduled');
    expect(statusAfterScheduleChange('dispatched', unplaced)).toBe('unscheduled');
    expect(statusAfterScheduleChange('scheduled', placed)).toBe('scheduled');
    expect(statusAfterScheduleChange('en_route', unplaced)).toBe('en_route');
    expect(statusAfterScheduleChange('on_hold', placed)).toBe('on_hold');
  });
});
