import { describe, expect, it } from 'vitest';
import { dayChanges, inDayOrder, type DayJob } from './day-changes.ts';

const H = 3_600_000;
const job = (id: string, start: number | null, more: Partial<DayJob> = {}): DayJob => ({
  id,
  number: Number(id.slice(1)),
  type: 'Repair',
  priority: 'normal',
  status: 'scheduled',
  start,
  durationMin: 60,
  customerName: 'A',
  address: '1 Main St',
  lat: null,
  lng: null,
  ...more,
});
const time = (at: number) => `${at / H}h`;

describe('dayChanges', () => {
  it('is nothing on the first sight of a day', () => {
    expect(dayChanges(null, [job('j1', 9 * H)], time)).toEqual([]);
  });
  it('names added, moved, re-statused and removed jobs', () => {
    const before = [job('j1', 9 * H), job('j2', 11 * H), job('j3', 13 * H)];
    const after = [job('j1', 10 * H), job('j2', 11 * H, { status: 'dispatched' }), job('j4', null)];
    expect(dayChanges(before, after, time)).toEqual([
      { jobId: 'j1', kind: 'moved', words: 'Moved from 9h to 10h' },
      { jobId: 'j2', kind: 'status', words: 'Now dispatched' },
      { jobId: 'j4', kind: 'added', words: 'New on your day' },
      { jobId: 'j3', kind: 'removed', words: 'Taken off your day' },
    ]);
  });
  it('says a longer job is longer', () => {
    expect(dayChanges([job('j1', 9 * H)], [job('j1', 9 * H, { durationMin: 90 })], time)[0]!.words).toBe('Now 90 min');
  });
});

describe('inDayOrder', () => {
  it('sorts by start, untimed jobs last, then by number', () => {
    expect(inDayOrder([job('j3', null), job('j2', 9 * H), job('j1', 9 * H), job('j0', 8 * H)]).map((j) => j.id)).toEqual([
      'j0',
      'j1',
      'j2',
      'j3',
    ]);
  });
});
