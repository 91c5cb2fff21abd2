/** The geocoder's vocabulary (worker/geo/geocoder.ts is the interface's home and the factory; its implementations import these). */

export interface AddressQuery {
  /** A US ZIP code, five digits, optionally ZIP+4 ("78701" or "78701-1234"). */
  postalCode: string;
  /** Street and number, e.g. "401 Congress Ave". */
  address?: string;
  city?: string;
  /** State, e.g. "TX". */
  region?: string;
}

/** 'zip': the ZIP code's centre (drag the pin to the spot); 'address': the provider placed the street address. */
export type GeoPrecision = 'zip' | 'address';

export interface GeoPoint {
  lat: number;
  lng: number;
  precision: GeoPrecision;
}

export interface Geocoder {
  /** The address's point, or null when its ZIP code is unknown (the caller names postalCode in its 422). */
  geocode(query: AddressQuery): Promise<GeoPoint | null>;
}

// The ZIP reading is core's (core/postal.ts): the app's address forms use it too.
export { zip5 } from '../../core/postal.ts';
