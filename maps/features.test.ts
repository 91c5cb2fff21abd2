import { describe, expect, it } from 'vitest';
import type { BoardJob } from '../core/board-doc.ts';
import { JOB_STATUSES } from '../core/lifecycle.ts';
import {
  FALLBACK_TECHNICIAN_COLOUR,
  assignCandidates,
  buildRoutes,
  STATUS_COLOURS,
  hasLocation,
  homeFeatures,
  jobFeatures,
  positionFeatures,
  routeFeatures,
  statusCounts,
  viewBounds,
  type MapTechnician,
} from './features.ts';

const H = 3_600_000;
const DAY = Date.UTC(2026, 2, 3, 14); // 08:00 in Austin

let n = 1000;
function job(over: Partial<BoardJob> = {}): BoardJob {
  n += 1;
  return {
    id: `j${n}`,
    number: n,
    type: 'service',
    priority: 'normal',
    customerName: 'Customer',
    address: '1 Main St',
    lat: 30.27,
    lng: -97.74,
    requiredSkill: null,
    requiredLicenceClass: null,
    createdAt: 0,
    technicianId: null,
    start: null,
    durationMin: 60,
    status: 'unscheduled',
    order: null,
    ...over,
  };
}

const terry: MapTechnician = { id: 't1', name: 'Terry Tech', colour: '#2563eb', homeLat: 30.4, homeLng: -97.7 };
const marcus: MapTechnician = { id: 't2', name: 'Marcus Delgado', colour: '#dc2626', homeLat: null, homeLng: null };

describe('STATUS_COLOURS', () => {
  it('has a distinct colour for every lifecycle status', () => {
    expect(Object.keys(STATUS_COLOURS).sort()).toEqual([...JOB_STATUSES].sort());
    expect(new Set(Object.values(STATUS_COLOURS)).size).toBe(JOB_STATUSES.length);
    for (const c of Object.values(STATUS_COLOURS)) expect(c).toMatch(/^#[0-9a-f]{6}$/);
  });
});

describe('hasLocation', () => {
  it('accepts real coordinates and refuses missing, out of range and (0, 0)', () => {
    expect(hasLocation(30.27, -97.74)).toBe(true);
    expect(hasLocation(null, -97.74)).toBe(false);
    expect(hasLocation(30.27, undefined)).toBe(false);
    expect(hasLocation(91, 0)).toBe(false);
    expect(hasLocation(0, 181)).toBe(false);
    expect(hasLocation(Number.NaN, 1)).toBe(false);
    expect(hasLocation(0, 0)).toBe(false);
  });
});

describe('jobFeatures', () => {
  it('makes one point per located job, lng first, with the status colour', () => {
    const a = job({ lat: 30.1, lng: -97.5, status: 'scheduled', technicianId: 't1', start: DAY });
    const b = job({ lat: null, lng: null });
    const c = job({ status: 'unscheduled' });
    const fc = jobFeatures([a, b, c], c.id);
    expect(fc.features).toHaveLength(2);
    const [fa, fc2] = fc.features;
    expect(fa!.geometry.coordinates).toEqual([-97.5, 30.1]);
    expect(fa!.properties).toEqual({
      id: a.id,
      number: a.number,
      status: 'scheduled',
      colour: STATUS_COLOURS.scheduled,
      queued: false,
      technicianId: 't1',
      selected: false,
    });
    expect(fc2!.properties).toMatchObject({ id: c.id, queued: true, technicianId: '', selected: true, colour: STATUS_COLOURS.unscheduled });
  });

  it('treats a job with a technician but no start as queued (the board never makes one, a bad peer might)', () => {
    const fc = jobFeatures([job({ technicianId: 't1', start: null })]);
    expect(fc.features[0]!.properties.queued).toBe(true);
    expect(fc.features[0]!.properties.technicianId).toBe('');
  });

  it('builds 10,000 pins (time printed, not asserted)', () => {
    const jobs = Array.from({ length: 10_000 }, (_, i) => job({ lat: 30 + (i % 100) / 200, lng: -98 + Math.floor(i / 100) / 200 }));
    const t = performance.now();
    const pins = jobFeatures(jobs);
    const ms = performance.now() - t;
    expect(pins.features).toHaveLength(10_000);
    // How fast is printed, not asserted: a shared or busy machine must not fail the suite.
    console.log(`map pins: 10,000 jobs to features in ${ms.toFixed(1)} ms`);
  });
});

describe('routeFeatures', () => {
  it('runs from home through the day in start order', () => {
    const late = job({ technicianId: 't1', start: DAY + 3 * H, status: 'scheduled', lat: 30.3, lng: -97.8 });
    const early = job({ technicianId: 't1', start: DAY, status: 'dispatched', lat: 30.2, lng: -97.6 });
    const mid = job({ technicianId: 't1', start: DAY + H, status: 'on_site', lat: 30.25, lng: -97.7 });
    const fc = routeFeatures([late, early, mid], [terry]);
    expect(fc.features).toHaveLength(1);
    expect(fc.features[0]!.geometry.coordinates).toEqual([
      [-97.7, 30.4],
      [-97.6, 30.2],
      [-97.7, 30.25],
      [-97.8, 30.3],
    ]);
    expect(fc.features[0]!.properties).toEqual({ technicianId: 't1', name: 'Terry Tech', colour: '#2563eb', stops: 3, fromHome: true });
  });

  it('orders equal starts by job number', () => {
    const b = job({ technicianId: 't2', start: DAY, status: 'scheduled', lng: -97.1 });
    const a = job({ technicianId: 't2', start: DAY, status: 'scheduled', lng: -97.2 });
    const fc = routeFeatures([a, b], [marcus]);
    expect(fc.features[0]!.geometry.coordinates.map((p) => p[0])).toEqual([-97.1, -97.2]);
  });

  it('needs two vertices: a technician without a home and one job gets no line', () => {
    expect(routeFeatures([job({ technicianId: 't2', start: DAY, status: 'scheduled' })], [marcus]).features).toHaveLength(0);
    expect(routeFeatures([job({ technicianId: 't1', start: DAY, status: 'scheduled' })], [terry]).features).toHaveLength(1);
  });

  it('leaves out queued, cancelled, on-hold and unlocated jobs', () => {
    const fc = routeFeatures(
      [
        job({ technicianId: 't2', start: DAY, status: 'scheduled', lng: -97.1 }),
        job({ technicianId: 't2', start: DAY + H, status: 'cancelled', lng: -97.2 }),
        job({ technicianId: 't2', start: DAY + 2 * H, status: 'on_hold', lng: -97.3 }),
        job({ technicianId: 't2', start: DAY + 3 * H, status: 'scheduled', lat: null, lng: null }),
        job({ status: 'unscheduled', lng: -97.4 }),
        job({ technicianId: 't2', start: DAY + 4 * H, status: 'completed', lng: -97.5 }),
      ],
      [marcus],
    );
    expect(fc.features[0]!.geometry.coordinates.map((p) => p[0])).toEqual([-97.1, -97.5]);
    expect(fc.features[0]!.properties.stops).toBe(2);
  });

  it('follows the technicians order, and still draws a technician it does not know', () => {
    const jobs = [
      job({ technicianId: 'zz', start: DAY, status: 'scheduled', lng: -97.0 }),
      job({ technicianId: 'zz', start: DAY + H, status: 'scheduled', lng: -97.1 }),
      job({ technicianId: 't2', start: DAY, status: 'scheduled' }),
      job({ technicianId: 't2', start: DAY + H, status: 'scheduled' }),
      job({ technicianId: 't1', start: DAY, status: 'scheduled' }),
    ];
    const fc = routeFeatures(jobs, [marcus, terry]);
    expect(fc.features.map((f) => f.properties.technicianId)).toEqual(['t2', 't1', 'zz']);
    expect(fc.features[2]!.properties.colour).toBe(FALLBACK_TECHNICIAN_COLOUR);
  });

  it('lists routes over the stop limit instead of drawing them', () => {
    const jobs = [
      ...Array.from({ length: 4 }, (_, i) => job({ technicianId: 't1', start: DAY + i * H, status: 'scheduled' })),
      job({ technicianId: 't2', start: DAY, status: 'scheduled' }),
      job({ technicianId: 't2', start: DAY + H, status: 'scheduled' }),
    ];
    const { routes, skipped } = buildRoutes(jobs, [terry, marcus], { maxStops: 3 });
    expect(routes.features.map((f) => f.properties.technicianId)).toEqual(['t2']);
    expect(skipped).toEqual([{ technicianId: 't1', name: 'Terry Tech', stops: 4 }]);
    expect(buildRoutes(jobs, [terry, marcus]).skipped).toEqual([]);
  });

  it('does not trust a colour that is not a hex colour', () => {
    const odd = { ...terry, colour: 'url(javascript:1)' };
    expect(routeFeatures([job({ technicianId: 't1', start: DAY, status: 'scheduled' })], [odd]).features[0]!.properties.colour).toBe(
      FALLBACK_TECHNICIAN_COLOUR,
    );
  });
});

describe('positionFeatures', () => {
  it('keeps the latest position per technician, with the technician colour', () => {
    const fc = positionFeatures(
      [
        { technicianId: 't1', lat: 30.1, lng: -97.1, at: 10 },
        { technicianId: 't1', lat: 30.2, lng: -97.2, at: 20 },
        { technicianId: 't1', lat: 30.3, lng: -97.3, at: 15 },
        { technicianId: 't2', lat: 0, lng: 0, at: 30 },
        { technicianId: 'zz', lat: 30.5, lng: -97.5, at: 5 },
      ],
      [terry, marcus],
    );
    expect(fc.features.map((f) => [f.properties.technicianId, f.geometry.coordinates])).toEqual([
      ['t1', [-97.2, 30.2]],
      ['zz', [-97.5, 30.5]],
    ]);
    expect(fc.features[0]!.properties).toMatchObject({ name: 'Terry Tech', colour: '#2563eb', at: 20, stale: false });
    expect(fc.features[1]!.properties.colour).toBe(FALLBACK_TECHNICIAN_COLOUR);
  });

  it('marks positions older than the stale limit', () => {
    const now = DAY;
    const fc = positionFeatures(
      [
        { technicianId: 't1', lat: 30.1, lng: -97.1, at: now - 20 * 60_000 },
        { technicianId: 't2', lat: 30.1, lng: -97.1, at: now - 60_000 },
      ],
      [terry, marcus],
      { now },
    );
    expect(fc.features.map((f) => f.properties.stale)).toEqual([true, false]);
  });
});

describe('homeFeatures', () => {
  it('has the technicians with a known home', () => {
    const fc = homeFeatures([terry, marcus]);
    expect(fc.features).toHaveLength(1);
    expect(fc.features[0]!.geometry.coordinates).toEqual([-97.7, 30.4]);
  });
});

describe('viewBounds', () => {
  it('is the box around the located jobs, ignoring homes', () => {
    expect(viewBounds([job({ lat: 30, lng: -98 }), job({ lat: 31, lng: -97 }), job({ lat: null })], [], [terry])).toEqual([
      -98, 30, -97, 31,
    ]);
  });

  it('falls back to positions and homes, then null', () => {
    expect(viewBounds([], [{ technicianId: 't2', lat: 30, lng: -98, at: 1 }], [terry])).toEqual([-98, 30, -97.7, 30.4]);
    expect(viewBounds([job({ lat: null, lng: null })], [], [marcus])).toBeNull();
  });
});

describe('statusCounts', () => {
  it('counts located jobs per status in lifecycle order', () => {
    const counts = statusCounts([
      job({ status: 'completed' }),
      job({ status: 'unscheduled' }),
      job({ status: 'completed' }),
      job({ status: 'scheduled', lat: null }),
    ]);
    expect(counts).toEqual([
      { status: 'unscheduled', colour: STATUS_COLOURS.unscheduled, count: 1 },
      { status: 'completed', colour: STATUS_COLOURS.completed, count: 2 },
    ]);
  });
});

describe('assignCandidates', () => {
  const priya: MapTechnician = { id: 't3', name: 'Priya Raman', colour: '#16a34a', homeLat: 30.27, homeLng: -97.75 };
  it('puts the nearest first, using a live position over the home, unknown locations last', () => {
    const list = assignCandidates(
      { lat: 30.27, lng: -97.74 },
      [marcus, terry, priya],
      [{ technicianId: 't1', lat: 30.28, lng: -97.74, at: 1 }],
    );
    expect(list.map((c) => [c.technician.id, c.from])).toEqual([
      ['t3', 'home'],
      ['t1', 'position'],
      ['t2', null],
    ]);
    expect(list[1]!.distanceKm).toBeCloseTo(1.11, 1);
    expect(list[2]!.distanceKm).toBeNull();
  });

  it('keeps the given order when the job has no location', () => {
    expect(assignCandidates({ lat: null, lng: null }, [priya, marcus, terry], []).map((c) => c.technician.id)).toEqual(['t3', 't2', 't1']);
  });
});
