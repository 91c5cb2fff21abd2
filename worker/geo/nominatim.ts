/**
 * The production geocoder: a Nominatim-compatible structured search (OpenStreetMap Nominatim,
 * LocationIQ, a self-hosted Nominatim), US addresses only. Answers null when the provider finds
 * nothing; throws when it cannot be reached or answers badly (the factory falls back to the ZIP
 * centre either way).
 */
import type { Geocoder } from './types.ts';

export function nominatimGeocoder(url: string, key: string | undefined): Geocoder {
  return {
    async geocode(query) {
      const search = new URL(url);
      const params: Record<string, string | undefined> = {
        street: query.address,
        city: query.city,
        state: query.region,
        postalcode: query.postalCode.trim(),
        countrycodes: 'us',
        format: 'jsonv2',
        limit: '1',
        key,
      };
      for (const [name, value] of Object.entries(params)) if (value) search.searchParams.set(name, value);
      // Nominatim's usage policy asks every client to name itself.
      // A provider that hangs must not hold up saving an address: past 3 s the ZIP centre will do.
      const res = await fetch(search, {
        headers: { accept: 'application/json', 'user-agent': 'Switchboard field service (geocoder)' },
        signal: AbortSignal.timeout(3_000),
      });
      if (!res.ok) throw new Error(`geocoder answered ${res.status}`);
      const [hit] = (await res.json()) as { lat?: string; lon?: string }[];
      const lat = Number(hit?.lat);
      const lng = Number(hit?.lon);
      if (!hit || !Number.isFinite(lat) || !Number.isFinite(lng) || Math.abs(lat) > 90 || Math.abs(lng) > 180) return null;
      return { lat, lng, precision: 'address' };
    },
  };
}
