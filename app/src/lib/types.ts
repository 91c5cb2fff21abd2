/** Shapes of the API's answers that the app reads (see /api/openapi.json). */
import type { JobStatus } from '#core/lifecycle.ts';
import type { Priority } from '#core/priorities.ts';

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
  priority: Priority;
  description: string;
  status: JobStatus;
  scheduledStart: number | null;
  durationMin: number;
  technicianId: string | null;
  requestedStart?: number | null;
  requestedEnd?: number | null;
  arrivalWindowStart?: number | null;
  arrivalWindowEnd?: number | null;
  /** The job detail carries its crew and its lines (GET /api/jobs/{id} includes them by default). */
  assignments?: { technicianId: string; role: 'lead' | 'helper'; name: string; colour: string }[];
  lineItems?: LineItem[];
  /** Present when the API joins names into the list; the page copes without them. */
  customerName?: string;
  technicianName?: string;
  address?: string;
}

/** GET /api/account/security. */
export interface AccountSecurity {
  totpEnabled: boolean;
  recoveryCodesLeft: number;
  passkeys: Passkey[];
  signedInAt: number;
  /** Until when this session may change its factors without signing in again. */
  freshUntil: number;
}

export interface Passkey {
  id: string;
  name: string;
  deviceType: string;
  backedUp: boolean;
  createdAt: number;
  lastUsedAt: number | null;
}

/** One of the signed-in person's sessions (GET /api/account/sessions). */
export interface SessionInfo {
  id: string;
  current: boolean;
  userAgent: string | null;
  method: string;
  createdAt: number;
  lastSeenAt: number;
}

export interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
  active: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface Invitation {
  id: string;
  email: string;
  name: string;
  role: Role;
  createdAt: number;
  expiresAt: number;
  acceptedAt: number | null;
  revokedAt: number | null;
}

export const ROLES: Role[] = ['admin', 'dispatcher', 'manager', 'technician'];

export interface LineItem {
  id: string;
  description: string;
  quantity: number;
  unitPriceCents: number;
  taxable: boolean;
  totalCents: number;
}
