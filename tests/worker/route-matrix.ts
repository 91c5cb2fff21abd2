/**
 * One entry per API route: how to call it validly as org a. The matrix test walks
 * /api/openapi.json and fails when a route has no entry here (or an entry names a route that
 * no longer exists), so no route escapes the role, anonymous and other-org checks.
 */
import type { OrgFixture } from './fixtures-db.ts';

export interface MatrixEntry {
  /** A valid body for org a; sent unchanged by org b's admin in the other-org check. */
  body?: (f: OrgFixture) => unknown;
  /** An org-a id for `{id}`; by default the first item of the collection's list. */
  id?: (f: OrgFixture) => string;
  /** Routes that answer without a session. */
  public?: true;
}

const uniq = () => crypto.randomUUID().slice(0, 8);

export const MATRIX: Record<string, MatrixEntry> = {
  'POST /api/auth/sign-in': { public: true, body: () => ({ email: 'nobody@org-a.test', password: 'wrong' }) },
  'POST /api/auth/sign-out': {},
  'GET /api/auth/me': {},

  'GET /api/customers': {},
  'POST /api/customers': { body: () => ({ name: `Matrix ${uniq()}` }) },
  'GET /api/customers/{id}': { id: (f) => f.customerId },
  'PATCH /api/customers/{id}': { id: (f) => f.customerId, body: () => ({ notes: `matrix ${uniq()}` }) },

  'GET /api/locations': {},
  'POST /api/locations': { body: (f) => ({ customerId: f.customerId, address: `${uniq()} Matrix St`, city: 'Austin', region: 'TX', postalCode: '78701', lat: 30.27, lng: -97.74 }) },
  'GET /api/locations/{id}': { id: (f) => f.locationId },
  'PATCH /api/locations/{id}': { id: (f) => f.locationId, body: () => ({ accessNotes: `matrix ${uniq()}` }) },

  'GET /api/technicians': {},
  'POST /api/technicians': { body: (f) => ({ name: `Matrix tech ${uniq()}`, truckLocationId: f.truckId }) },
  'GET /api/technicians/{id}': { id: (f) => f.technicianId },
  'PATCH /api/technicians/{id}': { id: (f) => f.technicianId, body: () => ({ phone: '512-555-0111' }) },

  'GET /api/users': {},
  'POST /api/users': { body: () => ({ email: `matrix-${uniq()}@org-a.test`, name: 'Matrix person', role: 'manager' }) },
  'GET /api/users/{id}': { id: (f) => f.userIds.manager },
  'PATCH /api/users/{id}': { id: (f) => f.userIds.manager, body: () => ({ name: `Manager ${uniq()}` }) },
};
