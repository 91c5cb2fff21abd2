import { describe, expect, it } from 'vitest';
import { EARTH_RADIUS_KM, haversineKm, travelMinutes, travelMinutesBetween } from './geo.ts';

const AUSTIN = { lat: 30.2672, lng: -97.7431 };
const ROUND_ROCK = { lat: 30.5083, lng: -97.6789 };

describe('haversine distance', () => {
  it('matches known distances', () => {
    // Downtown Austin to downtown Round Rock is about 27.5 km as the crow flies.
    const aus = haversineKm(AUSTIN, ROUND_ROCK);
    expect(aus).toBeGreaterThan(25);
    expect(aus).toBeLessThan(30);
    // London to Paris: about 344 km.
    expect(haversineKm({ lat: 51.5074, lng: -0.1278 }, { lat: 48.8566, lng: 2.3522 })).toBeCloseTo(343.6, 0);
    // One degree of latitude along a meridian: 2 * pi * R / 360.
    expect(haversineKm({ lat: 0, lng: 0 }, { lat: 1, lng: 0 })).toBeCloseTo((2 * Math.PI * EARTH_RADIUS_KM) / 360, 6);
  });

  it('is zero for the same point and symmetric', () => {
    expect(haversineKm(AUSTIN, AUSTIN)).toBe(0);
    expect(haversineKm(AUSTIN, ROUND_ROCK)).toBe(haversineKm(ROUND_ROCK, AUSTIN));
  });

  it('stays finite for antipodal points and across the antimeridian', () => {
    expect(haversineKm({ lat: 10, lng: 20 }, { lat: -10, lng: -160 })).toBeCloseTo(Math.PI * EARTH_RADIUS_KM, 3);
    // 179.5E to 179.5W is one degree of longitude on the equator, not 359.
    expect(haversineKm({ lat: 0, lng: 179.5 }, { lat: 0, lng: -179.5 })).toBeCloseTo(111.2, 1);
  });
});

describe('travel time', () => {
  it('converts distance at a speed into minutes', () => {
    expect(travelMinutes(40, 40)).toBe(60);
    expect(travelMinutes(10, 40)).toBe(15);
    expect(travelMinutes(0, 40)).toBe(0);
    // Austin to Round Rock at 40 km/h: about 41 minutes.
    expect(travelMinutesBetween(AUSTIN, ROUND_ROCK, 40)).toBeCloseTo(41.3, 0);
  });

  it('refuses a speed that is not positive', () => {
    expect(() => travelMinutes(10, 0)).toThrow(RangeError);
    expect(() => travelMinutes(10, -5)).toThrow(RangeError);
    expect(() => travelMinutes(10, Number.NaN)).toThrow(RangeError);
  });
});
