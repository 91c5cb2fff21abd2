/**
 * Shapes of the API's answers that the app reads: aliases of the types generated from the API's
 * own document (app/src/lib/api/schema.d.ts, written by `npm run api:types`), so they say what the
 * Worker sends and cannot drift from it. The names stay the app's.
 */
import type { components } from './api/schema.d.ts';

type Schemas = components['schemas'];

export type Me = Schemas['Me'];

export type Customer = Schemas['Customer'];

export type Location = Schemas['Location'];

/** A job as GET /api/jobs lists it (without `fields`) and the writes answer it. */
export type Job = Schemas['Job'];

/** GET /api/account/security. */
export type AccountSecurity = Schemas['AccountSecurity'];

export type Passkey = Schemas['Passkey'];

/** One of the signed-in person's sessions (GET /api/account/sessions). */
export type SessionInfo = Schemas['Session'];

export type User = Schemas['User'];

export type Invitation = Schemas['Invitation'];

export type LineItem = Schemas['LineItem'];

/** GET /api/kpis: the manager's numbers for a range (worker/kpis/records.ts). */
export type KpiReport = Schemas['KpiReport'];
