/** Shapes of the API's answers that the app reads (see /api/openapi.json). */
import type { JobStatus } from '#core/lifecycle.ts';

export type Role = 'admin' | 'dispatcher' | 'manager' | 'technician';

export interface Me {
  userId: string;
  orgId: string;
  role: Role;
  name: string;
  email: string;
  /** The org's IANA timezone; local days are read in it. */
  timezone?: string;
  /** True while a role that needs two-step sign-in has not set it up; most routes answer 403 until then. */
  mustEnrolSecondFactor?: boolean;
}

export interface Customer {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  billingAddress: string | null;
  notes: string | null;
  tags: string[];
  createdAt: number;
  updatedAt: number;
}

export interface Location {
  id: string;
  customerId: string;
  label: string | null;
  address: string;
  city: string;
  region: string;
  postalCode: string;
  timezone: string;
  accessNotes: string | null;
}

/** A job as the jobs API returns it. Fields beyond the core few are read defensively. */
export interface Job {
  id: string;
  number: number;
  customerId: string;
  locationId: string;
  type: string;
  priority: 'emergency' | 'high' | 'normal' | 'low';
  description: string;
  status: JobStatus;
  scheduledStart: number | null;
  durationMin: number;
  technicianId: string | null;
  requestedStart?: number | null;
  requestedEnd?: number | null;
  arrivalWindowStart?: number | null;
  arrivalWindowEnd?: number | null;
  /** Present when the API joins names into the list; the page copes without them. */
  customerName?: string;
  technicianName?: string;
  address?: string;
}
