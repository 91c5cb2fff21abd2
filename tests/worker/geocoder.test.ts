/**
 * worker/geo/geocoder.ts's factory inside workerd: with no provider configured the ZIP centres
 * answer; with a provider that cannot be reached (a loopback port nobody listens on) an address
 * still gets its ZIP code's centre, and an unknown ZIP is null either way.
 */
import { describe, expect, it } from 'vitest';
import { geocoderFor, zip5 } from '../../worker/geo/geocoder.ts';

const ADDRESS = { postalCode: '78701', address: '401 Congress Ave', city: 'Austin', region: 'TX' };

describe('geocoderFor', () => {
  it("answers the ZIP code's centre with no configuration", async () => {
    const point = await geocoderFor({}).geocode(ADDRESS);
    expect(point).toMatchObject({ precision: 'zip' });
    expect(point!.lat).toBeCloseTo(30.27, 1);
    expect(await geocoderFor({}).geocode({ postalCode: '00000' })).toBeNull();
    expect(await geocoderFor({}).geocode({ postalCode: 'not a zip' })).toBeNull();
  });

  it("falls back to the ZIP code's centre when the provider cannot be reached", async () => {
    const offline = geocoderFor({ GEOCODER_URL: 'http://127.0.0.1:9/search', GEOCODER_KEY: 'k' });
    expect(await offline.geocode(ADDRESS)).toEqual(await geocoderFor({}).geocode(ADDRESS));
    expect(await offline.geocode({ ...ADDRESS, postalCode: '00000' })).toBeNull();
  });

  it('reads ZIP codes as people type them', () => {
    expect(zip5('78701-1234')).toBe('78701');
    expect(zip5('7870')).toBeNull();
  });
});
