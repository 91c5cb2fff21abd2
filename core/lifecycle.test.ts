import { describe, expect, it } from 'vitest';
import {
  BILLING_STATUSES,
  DISPATCH_STATUSES,
  FIELD_STATUSES,
  JOB_STATUSES,
  STATUS_LABELS,
  allowedTransitions,
  checkTransition,
  isBilled,
  isSchedulable,
  label,
  rescheduleRefusal,
  sayStatuses,
  statusAfterScheduleChange,
  statusLabel,
  type JobStatus,
} from './lifecycle.ts';

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

describe('job lifecycle: who moves a job into each status', () => {
  it('puts every status in exactly one group', () => {
    const groups = [DISPATCH_STATUSES, FIELD_STATUSES, BILLING_STATUSES];
    for (const s of JOB_STATUSES)
      expect(
        groups.filter((g) => g.includes(s)),
        s,
      ).toHaveLength(1);
    expect(groups.flat()).toHaveLength(JOB_STATUSES.length);
  });
  it('names the groups as documented', () => {
    expect([...DISPATCH_STATUSES].sort()).toEqual(['cancelled', 'dispatched', 'scheduled', 'unscheduled']);
    expect([...FIELD_STATUSES].sort()).toEqual(['completed', 'en_route', 'on_hold', 'on_site']);
    expect([...BILLING_STATUSES].sort()).toEqual(['invoiced', 'paid']);
    expect(JOB_STATUSES.filter(isBilled)).toEqual(['invoiced', 'paid']);
  });
  it('enters and leaves billing only through completed work', () => {
    for (const from of JOB_STATUSES) {
      for (const to of allowedTransitions(from)) {
        if (isBilled(from) || isBilled(to))
          expect(
            [from, to].every((s) => isBilled(s) || s === 'completed'),
            `${from} -> ${to}`,
          ).toBe(true);
      }
    }
  });
  it('lets a technician walk a job from the road to done within the field statuses', () => {
    const walk: JobStatus[] = ['en_route', 'on_site', 'completed'];
    for (let i = 1; i < walk.length; i++) expect(allowedTransitions(walk[i - 1]!)).toContain(walk[i]);
    for (const s of walk) expect(FIELD_STATUSES).toContain(s);
  });
});

describe('job lifecycle: words', () => {
  it('gives every status a label of its own', () => {
    expect(Object.keys(STATUS_LABELS).sort()).toEqual([...JOB_STATUSES].sort());
    expect(new Set(Object.values(STATUS_LABELS)).size).toBe(JOB_STATUSES.length);
    for (const s of JOB_STATUSES) expect(STATUS_LABELS[s]).toMatch(/^[A-Z][a-z]+( [a-z]+)?$/);
  });
  it('says a status inside a sentence in lower case, and shows a stored value that is no status as it is', () => {
    expect(label('en_route')).toBe('en route');
    expect(label('on_hold')).toBe('on hold');
    expect(statusLabel('on_site')).toBe('On site');
    expect(statusLabel('in_progress_old')).toBe('in progress old');
  });
  it('lists statuses in a sentence', () => {
    expect(sayStatuses(FIELD_STATUSES, 'or')).toBe('en route, on site, on hold or completed');
    expect(sayStatuses(BILLING_STATUSES, 'and')).toBe('invoiced and paid');
    expect(sayStatuses(['paid'], 'or')).toBe('paid');
  });
});

describe('job lifecycle: can the schedule still change', () => {
  const SCHEDULABLE: JobStatus[] = ['unscheduled', 'scheduled', 'dispatched', 'on_hold'];
  for (const s of JOB_STATUSES) {
    const may = SCHEDULABLE.includes(s);
    it(`${s}: ${may ? 'yes' : 'no, with one sentence'}`, () => {
      expect(isSchedulable(s)).toBe(may);
      if (may) expect(rescheduleRefusal(s)).toBeNull();
      else {
        expect(rescheduleRefusal(s)).toBe(`A job that is ${label(s)} can no longer be rescheduled.`);
        expect(rescheduleRefusal(s, 1002)).toBe(`Job #1002 is ${label(s)}; its schedule can no longer change.`);
      }
    });
  }
});
