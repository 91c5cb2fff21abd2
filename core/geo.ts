/**
 * Straight-line geography for the scheduling rules and the map: great-circle distance and the
 * time a technician needs to cover it. Deliberately no road network: the rules only need a cheap,
 * deterministic estimate that the browser and the board room compute identically.
 */

export interface LatLng {
  lat: number;
  lng: number;
}

/** Mean Earth radius (IUGG), km. The error against the ellipsoid is under 0.5%, far below road detours. */
export const EARTH_RADIUS_KM = 6371.0088;

const RAD = Math.PI / 180;

/** Great-circle distance between two points in km (haversine formula). */
export function haversineKm(a: LatLng, b: LatLng): number {
  const dLat = (b.lat - a.lat) * RAD;
  const dLng = (b.lng - a.lng) * RAD;
  const s = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * RAD) * Math.cos(b.lat * RAD) * Math.sin(dLng / 2) ** 2;
  // Rounding can push s a hair above 1 for near-antipodal points; asin would return NaN.
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.sqrt(Math.min(1, s)));
}

/** Minutes needed to cover `km` at `speedKmh` (unrounded; callers decide how to round for people). */
export function travelMinutes(km: number, speedKmh: number): number {
  if (!(speedKmh > 0) || !Number.isFinite(speedKmh))
    throw new RangeError(`Travel speed must be a positive number of km/h, got ${speedKmh}.`);
  return (km / speedKmh) * 60;
}

/** Minutes to travel straight from `a` to `b` at `speedKmh`. */
export function travelMinutesBetween(a: LatLng, b: LatLng, speedKmh: number): number {
  return travelMinutes(haversineKm(a, b), speedKmh);
}
