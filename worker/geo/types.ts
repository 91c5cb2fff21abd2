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

/** The five-digit ZIP of a postal code as people type it ("78701-1234", " 78701 "), or null. */
export function zip5(postalCode: string): string | null {
  const m = /^\s*(\d{5})(?:[ -]?\d{4})?\s*$/.exec(postalCode);
  return m ? m[1]! : null;
}
