/**
 * Shapes of the job API as the drawer reads them (worker/resources/jobs.ts: Job, JobDetail,
 * JobEvent; locations.ts; technicians.ts). Kept here rather than in #lib/types.ts so the drawer
 * can be read on its own.
 */
import type { JobStatus } from '#core/lifecycle.ts';
import type { Priority } from '#core/priorities.ts';
import type { Customer, LineItem } from '#lib/types.ts';

export interface JobWarning {
  code: string;
  message: string;
}

/** A job as POST /api/jobs, PATCH /api/jobs/{id} and POST …/transitions answer it. */
export interface JobRecord {
  id: string;
  number: number;
  customerId: string;
  locationId: string;
  type: string;
  priority: Priority;
  description: string;
  status: JobStatus;
  requiredSkill: string | null;
  requiredLicenceClass: string | null;
  requestedStart: number | null;
  requestedEnd: number | null;
  scheduledStart: number | null;
  durationMin: number;
  technicianId: string | null;
  arrivalWindowStart: number | null;
  arrivalWindowEnd: number | null;
  /** The local day whose board holds the job; null while it waits in the backlog. */
  boardDate: string | null;
  warnings: JobWarning[];
  createdBy: string | null;
  updatedBy: string | null;
  completedAt: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface JobCustomer {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  billingAddress: string | null;
}

export interface JobLocation {
  id: string;
  label: string | null;
  address: string;
  city: string;
  region: string;
  postalCode: string;
  lat: number;
  lng: number;
  timezone: string;
  accessNotes: string | null;
}

/** A location as GET /api/locations lists it. */
export interface CustomerLocation extends JobLocation {
  customerId: string;
}

export interface JobAssignment {
  technicianId: string;
  role: 'lead' | 'helper';
  name: string;
  colour: string;
}

/** One entry of a job's history (job_events). `before`/`after` hold what changed. */
export interface JobEvent {
  id: string;
  kind: string;
  at: number;
  actorUserId: string | null;
  actorName: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

/** GET /api/jobs/{id}: the job with everything its card shows. */
export interface JobDetail extends JobRecord {
  customer?: JobCustomer;
  location?: JobLocation;
  assignments?: JobAssignment[];
  lineItems?: LineItem[];
  /** Oldest first (the newest 200). */
  events?: JobEvent[];
}

/** The part of GET /api/technicians the drawer uses. */
export interface TechnicianRef {
  id: string;
  name: string;
  active: boolean;
  skills: string[];
  licenceClass: string | null;
}

/** A customer as the pickers know it (GET /api/customers with a few fields). */
export type PickedCustomer = Pick<Customer, 'id' | 'name' | 'phone' | 'email' | 'billingAddress'>;
