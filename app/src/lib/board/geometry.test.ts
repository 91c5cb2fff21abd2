import { describe, expect, it } from 'vitest';
import { zonedInstant } from '#core/time.ts';
import {
  assignLanes,
  buildAxis,
  clampDuration,
  durationAtX,
  filterQueue,
  firstSlot,
  HOUR,
  MINUTE,
  rowHeight,
  rowOffsets,
  shiftBands,
  snap,
  startAtX,
  timeAtX,
  visibleRows,
  xOf,
} from './geometry.ts';

const TZ = 'America/Chicago';
const DATE = '2026-11-24'; // a Tuesday
const at = (time: string, date = DATE, tz = TZ) => zonedInstant(date, time, tz);

describe('buildAxis', () => {
  it('shows 06:00-20:00 local by default, one label per hour', () => {
    const axis = buildAxis(DATE, TZ, []);
    expect(axis.start).toBe(at('06:00'));
    expect(axis.end).toBe(at('20:00'));
    expect(axis.hours.map((h) => h.label)).toEqual([
      '06:00',
      '07:00',
      '08:00',
      '09:00',
      '10:00',
      '11:00',
      '12:00',
      '13:00',
      '14:00',
      '15:00',
      '16:00',
      '17:00',
      '18:00',
      '19:00',
      '20:00',
    ]);
    expect(axis.width).toBe(14 * 60 * axis.pxPerMin);
  });

  it('widens by whole hours to fit early and late jobs, not past the day', () => {
    const axis = buildAxis(DATE, TZ, [
      { start: at('04:30'), durationMin: 60 },
      { start: at('21:15'), durationMin: 90 },
      { start: null, durationMin: 600 },
    ]);
    expect(axis.start).toBe(at('04:00'));
    expect(axis.end).toBe(at('23:00'));
    const late = buildAxis(DATE, TZ, [{ start: at('23:00'), durationMin: 180 }]);
    expect(late.end).toBe(at('00:00', '2026-11-25'));
  });

  it('is 25 hours of instants on the autumn DST day, labelled in wall-clock time', () => {
    const axis = buildAxis('2026-11-01', TZ, [{ start: at('00:00', '2026-11-01'), durationMin: 60 }]);
    expect(axis.start).toBe(at('00:00', '2026-11-01'));
    expect(axis.hours.slice(0, 4).map((h) => h.label)).toEqual(['00:00', '01:00', '01:00', '02:00']);
  });
});

describe('pixels and snapping', () => {
  const axis = buildAxis(DATE, TZ, []);

  it('maps instants to x and back', () => {
    const t = at('09:30');
    expect(xOf(axis, t)).toBeCloseTo(210 * axis.pxPerMin);
    expect(timeAtX(axis, xOf(axis, t))).toBe(t);
  });

  it('snaps to the nearest quarter hour and keeps the start on the axis', () => {
    expect(snap(axis, at('09:07'))).toBe(at('09:00'));
    expect(snap(axis, at('09:08'))).toBe(at('09:15'));
    expect(startAtX(axis, xOf(axis, at('10:52')))).toBe(at('10:45'));
    expect(startAtX(axis, -500)).toBe(axis.start);
    expect(startAtX(axis, axis.width + 500)).toBe(axis.end - 15 * MINUTE);
  });

  it('resizes in quarter hours, at least 15 minutes', () => {
    expect(durationAtX(axis, at('09:00'), xOf(axis, at('10:20')))).toBe(75);
    expect(durationAtX(axis, at('09:00'), xOf(axis, at('08:00')))).toBe(15);
    expect(clampDuration(0)).toBe(15);
    expect(clampDuration(5000)).toBe(1440);
  });
});

describe('shiftBands', () => {
  const axis = buildAxis(DATE, TZ, []);
  const tech = { shiftStart: '07:00', shiftEnd: '15:30', shiftDays: [1, 2, 3, 4, 5], timezone: TZ };

  it('shades the shift on a working day', () => {
    expect(shiftBands(tech, DATE, axis, TZ)).toEqual([{ start: at('07:00'), end: at('15:30') }]);
    expect(firstSlot(shiftBands(tech, DATE, axis, TZ), axis, DATE, TZ)).toBe(at('07:00'));
  });

  it('has no band on a day off, and the keyboard starts at 08:00 then', () => {
    const off = { ...tech, shiftDays: [0, 6] };
    expect(shiftBands(off, DATE, axis, TZ)).toEqual([]);
    expect(firstSlot([], axis, DATE, TZ)).toBe(at('08:00'));
  });

  it('reads the shift in the technician’s own timezone', () => {
    const east = { ...tech, timezone: 'America/New_York' };
    expect(shiftBands(east, DATE, axis, TZ)).toEqual([{ start: at('06:00'), end: at('14:30') }]);
  });

  it('shows the tail of an overnight shift that began the day before', () => {
    const night = { shiftStart: '18:00', shiftEnd: '08:00', shiftDays: [1, 2, 3, 4, 5], timezone: TZ };
    expect(shiftBands(night, DATE, axis, TZ)).toEqual([
      { start: axis.start, end: at('08:00') },
      { start: at('18:00'), end: axis.end },
    ]);
  });
});

describe('assignLanes', () => {
  it('puts overlapping jobs in separate lanes and reuses freed lanes', () => {
    const jobs = [
      { id: 'a', start: at('09:00'), durationMin: 60 },
      { id: 'b', start: at('09:30'), durationMin: 60 },
      { id: 'c', start: at('10:00'), durationMin: 30 },
      { id: 'q', start: null, durationMin: 30 },
    ];
    const { lane, count } = assignLanes(jobs);
    expect(count).toBe(2);
    expect(lane.get('a')).toBe(0);
    expect(lane.get('b')).toBe(1);
    expect(lane.get('c')).toBe(0);
    expect(lane.has('q')).toBe(false);
  });

  it('needs one lane for back-to-back jobs and for an empty row', () => {
    expect(
      assignLanes([
        { id: 'a', start: 0, durationMin: 60 },
        { id: 'b', start: HOUR, durationMin: 60 },
      ]).count,
    ).toBe(1);
    expect(assignLanes([]).count).toBe(1);
  });
});

describe('filterQueue', () => {
  const jobs = [
    {
      number: 1042,
      type: 'Panel upgrade',
      customerName: 'Ruiz Bakery',
      address: '12 Oak St',
      priority: 'high',
      requiredSkill: 'panel-upgrade',
    },
    {
      number: 1043,
      type: 'EV charger install',
      customerName: 'Chen',
      address: '4 Elm Ave',
      priority: 'normal',
      requiredSkill: 'ev-charger',
    },
    {
      number: 1044,
      type: 'Troubleshooting',
      customerName: 'Oakley Dental',
      address: '9 Pine Rd',
      priority: 'emergency',
      requiredSkill: null,
    },
  ];
  const none = { text: '', priority: '', skill: '' };

  it('keeps the order and matches every word anywhere, job numbers with or without #', () => {
    expect(filterQueue(jobs, none).map((j) => j.number)).toEqual([1042, 1043, 1044]);
    expect(filterQueue(jobs, { ...none, text: 'oak' }).map((j) => j.number)).toEqual([1042, 1044]);
    expect(filterQueue(jobs, { ...none, text: '#1043' }).map((j) => j.number)).toEqual([1043]);
    expect(filterQueue(jobs, { ...none, text: 'oak dental' }).map((j) => j.number)).toEqual([1044]);
  });

  it('filters by priority and skill', () => {
    expect(filterQueue(jobs, { ...none, priority: 'emergency' }).map((j) => j.number)).toEqual([1044]);
    expect(filterQueue(jobs, { ...none, skill: 'ev-charger' }).map((j) => j.number)).toEqual([1043]);
  });
});

describe('visibleRows', () => {
  const offsets = rowOffsets([46, 46, 86, 46, 46, 46, 46, 46, 46, 46]);

  it('adds up row heights', () => {
    expect(rowHeight(1)).toBe(46);
    expect(rowHeight(0)).toBe(46);
    expect(rowHeight(2)).toBe(86);
    expect(offsets.slice(0, 4)).toEqual([0, 46, 92, 178]);
    expect(offsets.at(-1)).toBe(500);
  });

  it('renders the rows in view plus the overscan, and all of a short day', () => {
    expect(visibleRows(offsets, 0, 100, 0)).toEqual([0, 3]);
    expect(visibleRows(offsets, 180, 50, 0)).toEqual([3, 5]);
    expect(visibleRows(offsets, 180, 50, 50)).toEqual([2, 6]);
    expect(visibleRows(offsets, 0, 1000)).toEqual([0, 10]);
    expect(visibleRows(offsets, 10_000, 100, 0)).toEqual([10, 10]);
    expect(visibleRows([0], 0, 100)).toEqual([0, 0]);
  });
});
