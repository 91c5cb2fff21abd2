/** The room's authority over a schedule edit, without a room: rooms/schedule-guard.ts. */
import { describe, expect, it } from 'vitest';
import { decide } from './schedule-guard.ts';
import type { Schedule } from './schedule-guard.ts';

const day = { start: 1_000_000, end: 1_000_000 + 24 * 3600_000 };
const prev: Schedule = { technicianId: 't1', start: day.start + 3600_000, durationMin: 60, status: 'scheduled' };

describe('decide', () => {
  it('accepts a move within the day and keeps the status', () => {
    const d = decide(prev, { ...prev, technicianId: 't2', start: day.start + 7200_000 }, day);
    expect(d).toEqual({ next: { ...prev, technicianId: 't2', start: day.start + 7200_000 }, repair: {}, reasons: [] });
  });

  it('unschedules a job whose technician is taken away, and repairs the doc status to match', () => {
    const d = decide(prev, { ...prev, technicianId: null }, day);
    expect(d.next).toEqual({ ...prev, technicianId: null, status: 'unscheduled' });
    expect(d.repair).toEqual({ status: 'unscheduled' });
  });

  it('refuses values the records cannot hold, field by field', () => {
    const d = decide(prev, { technicianId: 42, start: day.end, durationMin: 0, status: 'paid' }, day);
    expect(d.next).toEqual(prev);
    expect(d.repair).toEqual({ technicianId: 't1', start: prev.start, durationMin: 60, status: 'scheduled' });
    expect(d.reasons).toHaveLength(4);
  });

  it('refuses a move onto a technician the org does not have, placement whole, and takes the job off nobody', () => {
    const known = (id: string) => id === 't1' || id === 't2';
    const d = decide(prev, { ...prev, technicianId: 'ghost', start: day.start + 7200_000, durationMin: 30 }, day, known);
    expect(d.next).toEqual(prev);
    expect(d.repair).toEqual({ technicianId: 't1', start: prev.start, durationMin: 60 });
    expect(d.reasons).toEqual(['no technician of this org has that id']);
    // A technician it already had is not asked about again (a deactivated one keeps their jobs until moved).
    expect(decide(prev, { ...prev, durationMin: 90 }, day, () => false).next.durationMin).toBe(90);
    expect(decide(prev, { ...prev, technicianId: null }, day, () => false).next.technicianId).toBeNull();
  });

  it('refuses to reschedule work that is under way, but lets its status move on', () => {
    const onSite: Schedule = { ...prev, status: 'on_site' };
    const d = decide(onSite, { ...onSite, durationMin: 90, status: 'completed' }, day);
    expect(d.next).toEqual({ ...onSite, status: 'completed' });
    expect(d.repair).toEqual({ durationMin: 60 });
  });

  it('lets a cancelled job be reopened into the queue, its start cleared, but not be moved while cancelled', () => {
    const cancelled: Schedule = { ...prev, status: 'cancelled' };
    const reopened = decide(cancelled, { ...cancelled, start: null, status: 'unscheduled' }, day);
    expect(reopened.reasons).toEqual([]);
    expect(reopened.next).toEqual({ ...cancelled, start: null, status: 'unscheduled' });
    const moved = decide(cancelled, { ...cancelled, start: day.start + 7200_000 }, day);
    expect(moved.next).toEqual(cancelled);
    expect(moved.reasons).toEqual(['A job that is cancelled can no longer be rescheduled.']);
  });

  it('refuses a transition the lifecycle does not allow', () => {
    const d = decide(prev, { ...prev, status: 'on_site' }, day);
    expect(d.next.status).toBe('scheduled');
    expect(d.repair).toEqual({ status: 'scheduled' });
  });
});
