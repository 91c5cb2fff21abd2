import { describe, expect, it } from 'vitest';
import { netChanges, noticesFor, pushPayload, type ScheduleSide } from './push-notices.ts';

const T = Date.UTC(2026, 8, 22, 14, 0); // Tue 22 Sep 2026, 09:00 in Chicago
const side = (technicianId: string | null, start: number | null, status = 'scheduled', durationMin = 60): ScheduleSide => ({
  technicianId,
  start,
  durationMin,
  status,
});
const kinds = (before: ScheduleSide | null, after: ScheduleSide) =>
  noticesFor({ jobId: 'j', before, after }).map((n) => `${n.technicianId}:${n.kind}`);

describe('who is told what', () => {
  it('tells the technician a job is put on their day, moved on it, or taken off it', () => {
    expect(kinds(side(null, null, 'unscheduled'), side('t1', T))).toEqual(['t1:assigned']);
    expect(kinds(null, side('t1', T))).toEqual(['t1:assigned']);
    expect(kinds(side('t1', T), side('t1', T + 3600_000))).toEqual(['t1:moved']);
    expect(kinds(side('t1', T), side('t1', T, 'scheduled', 90))).toEqual(['t1:moved']);
    expect(kinds(side('t1', T), side('t2', T))).toEqual(['t1:unassigned', 't2:assigned']);
    expect(kinds(side('t1', T), side('t1', null, 'unscheduled'))).toEqual(['t1:unassigned']);
    expect(kinds(side('t1', T), side(null, null, 'unscheduled'))).toEqual(['t1:unassigned']);
    expect(kinds(side('t1', T, 'dispatched'), side('t1', T, 'cancelled'))).toEqual(['t1:unassigned']);
  });

  it("tells nobody of a step through the lifecycle, or of a job on nobody's day", () => {
    expect(kinds(side('t1', T, 'dispatched'), side('t1', T, 'en_route'))).toEqual([]);
    expect(kinds(side('t1', T, 'on_site'), side('t1', T, 'completed'))).toEqual([]);
    // Named for the job but with no time: not on their day yet.
    expect(kinds(side(null, null, 'unscheduled'), side('t1', null, 'unscheduled'))).toEqual([]);
    expect(kinds(side(null, T, 'unscheduled'), side(null, T + 3600_000, 'unscheduled'))).toEqual([]);
  });

  it("takes a job's changes within one drain as one: first before, last after", () => {
    const assignedThenMoved = netChanges([
      { jobId: 'j', before: side(null, null, 'unscheduled'), after: side('t1', T) },
      { jobId: 'k', before: side('t2', T), after: side('t2', T + 60_000) },
      { jobId: 'j', before: side('t1', T), after: side('t1', T + 7200_000) },
    ]);
    expect(assignedThenMoved.flatMap(noticesFor).map((n) => `${n.jobId}:${n.technicianId}:${n.kind}`)).toEqual([
      'j:t1:assigned',
      'k:t2:moved',
    ]);
    expect(assignedThenMoved[0]!.after.start).toBe(T + 7200_000);
    const givenAndTakenBack = netChanges([
      { jobId: 'j', before: side(null, null, 'unscheduled'), after: side('t1', T) },
      { jobId: 'j', before: side('t1', T), after: side(null, null, 'unscheduled') },
    ]);
    expect(givenAndTakenBack.flatMap(noticesFor)).toEqual([]);
  });
});

describe('the words', () => {
  const job = { number: 1042, type: 'Panel upgrade', customer: 'Ada Lovelace', timezone: 'America/Chicago' };

  it("says what, for whom and when, in the org's timezone, and opens the job", () => {
    const [assigned] = noticesFor({ jobId: 'j1', before: null, after: side('t1', T, 'scheduled', 90) });
    expect(pushPayload(assigned!, job)).toEqual({
      kind: 'assigned',
      jobId: 'j1',
      url: '/field/jobs/j1',
      title: 'New job #1042',
      body: 'Panel upgrade for Ada Lovelace, Tue, Sep 22, 09:00, 1 h 30 min',
    });
    const [moved] = noticesFor({ jobId: 'j1', before: side('t1', T), after: side('t1', T + 24 * 3600_000 + 30 * 60_000) });
    expect(pushPayload(moved!, job).body).toBe('Panel upgrade for Ada Lovelace, now Wed, Sep 23, 09:30, 1 h');
    const [cancelled] = noticesFor({ jobId: 'j1', before: side('t1', T), after: side('t1', T, 'cancelled') });
    expect(pushPayload(cancelled!, job)).toMatchObject({
      title: 'Job #1042 cancelled',
      body: 'Panel upgrade for Ada Lovelace, was Tue, Sep 22, 09:00',
    });
    const [taken] = noticesFor({ jobId: 'j1', before: side('t1', T), after: side('t2', T) });
    expect(pushPayload(taken!, job).title).toBe('Job #1042 taken off your day');
  });
});
