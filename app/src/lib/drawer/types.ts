/**
 * Shapes of the job API as the drawer reads them (worker/jobs/jobs.ts: Job, JobDetail,
 * JobEvent; locations.ts; technicians.ts): aliases of the types generated from the API's document
 * (#lib/api/schema.d.ts, `npm run api:types`). Kept here rather than in #lib/types.ts so the
 * drawer can be read on its own.
 */
import type { components } from '#lib/api/schema.d.ts';
import type { Customer } from '#lib/types.ts';

type Schemas = components['schemas'];

export type JobWarning = Schemas['Job']['warnings'][number];

/** A job as POST /api/jobs, PATCH /api/jobs/{id} and POST …/transitions answer it. */
export type JobRecord = Schemas['Job'];

export type JobCustomer = Schemas['JobCustomer'];

export type JobLocation = Schemas['JobLocation'];

/** A location as GET /api/locations lists it. */
export type CustomerLocation = Schemas['Location'];

export type JobAssignment = Schemas['JobAssignment'];

/** One entry of a job's history (job_events). `before`/`after` hold what changed. */
export type JobEvent = Schemas['JobEvent'];

/**
 * GET /api/jobs/{id}: the job with everything its card shows. The document marks every job field
 * optional because `fields` may ask for fewer; the drawer never passes `fields`, so it gets them all.
 */
export type JobDetail = Schemas['JobDetail'] & Schemas['Job'];

/** The part of GET /api/technicians the drawer uses (it asks for these `fields`). */
export type TechnicianRef = Pick<Schemas['Technician'], 'id' | 'name' | 'active' | 'skills' | 'licenceClass'>;

/** A customer as the pickers know it (GET /api/customers with a few fields). */
export type PickedCustomer = Pick<Customer, 'id' | 'name' | 'phone' | 'email' | 'billingAddress'>;
