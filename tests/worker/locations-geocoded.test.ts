/**
 * Service locations are placed by the server when they come without coordinates (through
 * worker/geo/geocoder.ts, here the offline ZIP centres), so nobody types latitude and longitude;
 * API clients still may send them.
 */
import { describe, expect, it } from 'vitest';
import { api, count, dbFingerprint, expectProblem, fx } from './helpers.ts';

const AUSTIN = { address: '401 Congress Ave', city: 'Austin', region: 'TX', postalCode: '78701' };

describe('locations without coordinates', () => {
  it("are placed at their ZIP code's centre, the same point GET /api/geocode gives", async () => {
    const point = (await api('a.dispatcher', 'GET', '/geocode?postalCode=78701')).body;
    const created = await api('a.dispatcher', 'POST', '/locations', { customerId: fx.a.customerId, ...AUSTIN });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ ...AUSTIN, lat: point.lat, lng: point.lng });

    // Coordinates sent are kept as sent (the pin the user dragged).
    const exact = await api('a.dispatcher', 'POST', '/locations', { customerId: fx.a.customerId, ...AUSTIN, lat: 30.2687, lng: -97.7404 });
    expect(exact.body).toMatchObject({ lat: 30.2687, lng: -97.7404 });
  });

  it('keep a dragged pin when the street changes, and move when the ZIP code changes', async () => {
    const { body: loc } = await api('a.dispatcher', 'POST', '/locations', {
      customerId: fx.a.customerId,
      ...AUSTIN,
      lat: 30.2687,
      lng: -97.7404,
    });
    const street = await api('a.dispatcher', 'PATCH', `/locations/${loc.id}`, { address: '403 Congress Ave' });
    expect(street.body).toMatchObject({ address: '403 Congress Ave', lat: 30.2687, lng: -97.7404 });

    const boston = (await api('a.dispatcher', 'GET', '/geocode?postalCode=02134')).body;
    const moved = await api('a.dispatcher', 'PATCH', `/locations/${loc.id}`, { city: 'Boston', region: 'MA', postalCode: '02134' });
    expect(moved.body).toMatchObject({ postalCode: '02134', lat: boston.lat, lng: boston.lng });

    const dragged = await api('a.admin', 'PATCH', `/locations/${loc.id}`, { lat: 42.3561, lng: -71.1301 });
    expect(dragged.body).toMatchObject({ postalCode: '02134', lat: 42.3561, lng: -71.1301 });
  });

  it('refuse an unknown ZIP code, half a coordinate and another org’s customer, writing nothing', async () => {
    const before = await dbFingerprint();
    const unknown = await api('a.dispatcher', 'POST', '/locations', { customerId: fx.a.customerId, ...AUSTIN, postalCode: '00000' });
    expectProblem(unknown, 422, 'postalCode');
    expectProblem(await api('a.dispatcher', 'POST', '/locations', { customerId: fx.a.customerId, ...AUSTIN, lat: 30.2 }), 422, 'lng');
    expectProblem(await api('a.dispatcher', 'POST', '/locations', { customerId: fx.a.customerId, ...AUSTIN, lng: -97.7 }), 422, 'lat');
    expectProblem(await api('a.dispatcher', 'POST', '/locations', { customerId: fx.b.customerId, ...AUSTIN }), 422, 'customerId');
    expectProblem(await api('a.dispatcher', 'PATCH', `/locations/${fx.a.locationId}`, { postalCode: '00000' }), 422, 'postalCode');
    expectProblem(await api('a.dispatcher', 'PATCH', `/locations/${fx.a.locationId}`, { lat: 30.2 }), 422, 'lng');
    // Another org's location is not there at all.
    expectProblem(await api('b.admin', 'PATCH', `/locations/${fx.a.locationId}`, { postalCode: '02134' }), 404);
    expectProblem(await api('a.technician', 'POST', '/locations', { customerId: fx.a.customerId, ...AUSTIN }), 403);
    expect(await dbFingerprint()).toBe(before);
    expect(await count('locations', 'postal_code = ?', ['00000'])).toBe(0);
  });
});
