/**
 * A technician's home base is placed by the server when it comes without coordinates, by the
 * ZIP code that ends the address (worker/geo/geocoder.ts, as service locations are); the admin's
 * form then drags the pin. API clients may still send homeLat and homeLng.
 */
import { describe, expect, it } from 'vitest';
import { api, dbFingerprint, expectProblem, fx } from './helpers.ts';

describe('technician home base', () => {
  it("is placed at its ZIP code's centre, kept when the street changes, moved when the ZIP does", async () => {
    const austin = (await api('a.admin', 'GET', '/geocode?postalCode=78751')).body;
    const created = await api('a.admin', 'POST', '/technicians', { name: 'Home Base', homeAddress: '900 E 41st St, Austin, TX 78751' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ homeLat: austin.lat, homeLng: austin.lng });
    const id = created.body.id;

    const dragged = await api('a.admin', 'PATCH', `/technicians/${id}`, { homeLat: 30.3, homeLng: -97.72 });
    expect(dragged.body).toMatchObject({ homeLat: 30.3, homeLng: -97.72 });
    const street = await api('a.admin', 'PATCH', `/technicians/${id}`, { homeAddress: '902 E 41st St, Austin, TX 78751' });
    expect(street.body).toMatchObject({ homeLat: 30.3, homeLng: -97.72 });

    const boston = (await api('a.admin', 'GET', '/geocode?postalCode=02134')).body;
    const moved = await api('a.admin', 'PATCH', `/technicians/${id}`, { homeAddress: '1 Cambridge St, Boston, MA 02134' });
    expect(moved.body).toMatchObject({ homeLat: boston.lat, homeLng: boston.lng });

    const cleared = await api('a.admin', 'PATCH', `/technicians/${id}`, { homeAddress: null });
    expect(cleared.body).toMatchObject({ homeAddress: null, homeLat: null, homeLng: null });
  });

  it('refuses an unknown ZIP and half a coordinate naming the field, writing nothing', async () => {
    const before = await dbFingerprint();
    expectProblem(
      await api('a.admin', 'POST', '/technicians', { name: 'X', homeAddress: '1 Nowhere Rd, Nowhere, TX 00000' }),
      422,
      'homeAddress',
    );
    expectProblem(
      await api('a.admin', 'POST', '/technicians', { name: 'X', homeAddress: '1 Oak St, Austin, TX 78701', homeLat: 30.2 }),
      422,
      'homeLng',
    );
    expectProblem(
      await api('a.admin', 'PATCH', `/technicians/${fx.a.technicianId}`, { homeAddress: '1 Nowhere Rd 00000' }),
      422,
      'homeAddress',
    );
    expectProblem(await api('b.admin', 'PATCH', `/technicians/${fx.a.technicianId}`, { homeAddress: '1 Oak St, Austin, TX 78701' }), 404);
    expectProblem(
      await api('a.dispatcher', 'PATCH', `/technicians/${fx.a.technicianId}`, { homeAddress: '1 Oak St, Austin, TX 78701' }),
      403,
    );
    expect(await dbFingerprint()).toBe(before);
  });
});
