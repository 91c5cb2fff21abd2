/**
 * US ZIP codes as people type them. The geocoder (worker/geo/) looks places up by the five
 * digits; the app's address forms use the same reading to know when a ZIP is complete enough to
 * put a pin on the map.
 */

/** The five-digit ZIP of a postal code ("78701", "78701-1234", " 78701 1234 "), or null. */
export function zip5(postalCode: string): string | null {
  const m = /^\s*(\d{5})(?:[ -]?\d{4})?\s*$/.exec(postalCode);
  return m ? m[1]! : null;
}

/** The ZIP that ends a one-line address ("12 Oak St, Austin, TX 78701"), or null: a technician's home base is one line. */
export function zipAtEnd(address: string): string | null {
  const m = /(?:^|[\s,])(\d{5})(?:-\d{4})?\s*$/.exec(address);
  return m ? m[1]! : null;
}
