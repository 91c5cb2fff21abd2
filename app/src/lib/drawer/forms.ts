/**
 * What the drawer's forms send: only the fields that changed, in the API's names, so a field
 * error from the server (problem+json `errors[].field`) lands next to the input of that name.
 * Client-side checks here mirror the API's zod schemas; the server still has the last word.
 */
import { localDateOf, localTimeOf, isLocalDate, isLocalTime, zonedInstant } from '#core/time.ts';
import { DEFAULT_PRIORITY, JOB_PRIORITIES, type Priority } from '#core/priorities.ts';
import type { JobRecord } from './types.ts';

export type FieldErrors = Record<string, string>;

export interface DetailsDraft {
  type: string;
  priority: Priority;
  description: string;
  requiredSkill: string;
  requiredLicenceClass: string;
}

export function detailsDraftOf(
  job: Pick<JobRecord, 'type' | 'priority' | 'description' | 'requiredSkill' | 'requiredLicenceClass'>,
): DetailsDraft {
  return {
    type: job.type,
    priority: job.priority,
    description: job.description,
    requiredSkill: job.requiredSkill ?? '',
    requiredLicenceClass: job.requiredLicenceClass ?? '',
  };
}

function checkText(errors: FieldErrors, field: string, v: string, max: number, required: boolean) {
  if (required && !v.trim()) errors[field] = 'Must not be empty.';
  else if (v.trim().length > max) errors[field] = `At most ${max} characters.`;
}

/** The PATCH body for a details edit (only what changed) and any errors found before sending. */
export function detailsPatch(
  job: Pick<JobRecord, 'type' | 'priority' | 'description' | 'requiredSkill' | 'requiredLicenceClass'>,
  d: DetailsDraft,
): { body: Record<string, unknown>; errors: FieldErrors } {
  const errors: FieldErrors = {};
  checkText(errors, 'type', d.type, 80, true);
  checkText(errors, 'description', d.description, 5000, true);
  checkText(errors, 'requiredSkill', d.requiredSkill, 40, false);
  checkText(errors, 'requiredLicenceClass', d.requiredLicenceClass, 40, false);
  if (!JOB_PRIORITIES.includes(d.priority)) errors.priority = 'Choose a priority.';
  const body: Record<string, unknown> = {};
  if (d.type.trim() !== job.type) body.type = d.type.trim();
  if (d.priority !== job.priority) body.priority = d.priority;
  if (d.description.trim() !== job.description.trim()) body.description = d.description.trim();
  const skill = d.requiredSkill.trim() || null;
  if (skill !== (job.requiredSkill ?? null)) body.requiredSkill = skill;
  const licence = d.requiredLicenceClass.trim() || null;
  if (licence !== (job.requiredLicenceClass ?? null)) body.requiredLicenceClass = licence;
  return { body, errors };
}

export interface ScheduleDraft {
  /** '' = nobody. */
  technicianId: string;
  /** 'YYYY-MM-DD' in the org's timezone; '' = no day (the backlog). */
  date: string;
  /** 'HH:MM'; '' together with date. */
  time: string;
  durationMin: number | null;
}

export function scheduleDraftOf(job: Pick<JobRecord, 'technicianId' | 'scheduledStart' | 'durationMin'>, timezone: string): ScheduleDraft {
  return {
    technicianId: job.technicianId ?? '',
    date: job.scheduledStart != null ? localDateOf(job.scheduledStart, timezone) : '',
    time: job.scheduledStart != null ? localTimeOf(job.scheduledStart, timezone) : '',
    durationMin: job.durationMin,
  };
}

function checkDuration(errors: FieldErrors, minutes: number | null): void {
  if (minutes == null || !Number.isFinite(minutes)) errors.durationMin = 'How long will it take, in minutes?';
  else if (!Number.isInteger(minutes)) errors.durationMin = 'Whole minutes.';
  else if (minutes < 5) errors.durationMin = 'At least 5 minutes.';
  else if (minutes > 24 * 60) errors.durationMin = 'At most 24 hours.';
}

/** The PATCH body for a schedule change (technician, start, duration; only what changed). */
export function schedulePatch(
  job: Pick<JobRecord, 'technicianId' | 'scheduledStart' | 'durationMin'>,
  d: ScheduleDraft,
  timezone: string,
): { body: Record<string, unknown>; errors: FieldErrors } {
  const errors: FieldErrors = {};
  checkDuration(errors, d.durationMin);
  let start: number | null = null;
  if (d.date || d.time) {
    if (!d.date || !isLocalDate(d.date)) errors.scheduledStart = 'Choose a day for that time, or clear both.';
    else if (!d.time || !isLocalTime(d.time)) errors.scheduledStart = 'Choose a start time for that day, or clear both.';
    else start = zonedInstant(d.date, d.time, timezone);
  }
  const body: Record<string, unknown> = {};
  const tech = d.technicianId || null;
  if (tech !== job.technicianId) body.technicianId = tech;
  if (!errors.scheduledStart && start !== job.scheduledStart) body.scheduledStart = start;
  if (!errors.durationMin && d.durationMin !== job.durationMin) body.durationMin = d.durationMin;
  return { body, errors };
}

export interface NewJobDraft {
  customerId: string;
  locationId: string;
  type: string;
  priority: Priority;
  description: string;
  requiredSkill: string;
  durationMin: number | null;
  /** '' = nobody yet. */
  technicianId: string;
  /** 'HH:MM' on the board's day; '' = no start yet. */
  time: string;
}

export function emptyNewJob(): NewJobDraft {
  return {
    customerId: '',
    locationId: '',
    type: '',
    priority: DEFAULT_PRIORITY,
    description: '',
    requiredSkill: '',
    durationMin: 60,
    technicianId: '',
    time: '',
  };
}

/** The POST /api/jobs body for a job on `date` (the board's day) and the errors found first. */
export function newJobBody(d: NewJobDraft, date: string, timezone: string): { body: Record<string, unknown>; errors: FieldErrors } {
  const errors: FieldErrors = {};
  if (!d.customerId) errors.customerId = 'Choose a customer, or add a new one.';
  if (!d.locationId) errors.locationId = 'Choose where the work is.';
  checkText(errors, 'type', d.type, 80, true);
  checkText(errors, 'description', d.description, 5000, true);
  checkText(errors, 'requiredSkill', d.requiredSkill, 40, false);
  checkDuration(errors, d.durationMin);
  if (d.time && !isLocalTime(d.time)) errors.scheduledStart = 'A time as HH:MM.';
  else if (d.time && !d.technicianId) errors.technicianId = 'Choose who does it at that time, or clear the time.';
  const body: Record<string, unknown> = {
    customerId: d.customerId,
    locationId: d.locationId,
    type: d.type.trim(),
    priority: d.priority,
    description: d.description.trim(),
    durationMin: d.durationMin,
  };
  if (d.requiredSkill.trim()) body.requiredSkill = d.requiredSkill.trim();
  if (d.technicianId) body.technicianId = d.technicianId;
  if (d.time && isLocalTime(d.time)) body.scheduledStart = zonedInstant(date, d.time, timezone);
  return { body, errors };
}

export interface NewCustomerDraft {
  name: string;
  phone: string;
  email: string;
}

export interface NewLocationDraft {
  label: string;
  address: string;
  city: string;
  region: string;
  postalCode: string;
  /** The pin (AddressPin: the ZIP code's centre, then dragged); null leaves the placing to the server's geocoder. */
  lat: number | null;
  lng: number | null;
  accessNotes: string;
}

export function emptyCustomer(): NewCustomerDraft {
  return { name: '', phone: '', email: '' };
}

export function emptyLocation(): NewLocationDraft {
  return { label: '', address: '', city: '', region: '', postalCode: '', lat: null, lng: null, accessNotes: '' };
}

/** A stored location as a draft to edit (its pin where it is). */
export function locationDraftOf(l: {
  label?: string | null;
  address: string;
  city: string;
  region: string;
  postalCode: string;
  lat: number;
  lng: number;
  accessNotes?: string | null;
}): NewLocationDraft {
  return {
    label: l.label ?? '',
    address: l.address,
    city: l.city,
    region: l.region,
    postalCode: l.postalCode,
    lat: l.lat,
    lng: l.lng,
    accessNotes: l.accessNotes ?? '',
  };
}

/** POST /api/customers body (CustomerCreate) and the errors found first. */
export function customerBody(c: NewCustomerDraft): { body: Record<string, unknown>; errors: FieldErrors } {
  const errors: FieldErrors = {};
  checkText(errors, 'name', c.name, 200, true);
  if (c.phone.trim() && !/^[+0-9 ().-]*$/.test(c.phone.trim())) errors.phone = 'Digits, spaces, + ( ) . - only.';
  if (c.email.trim() && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(c.email.trim())) errors.email = 'Not an email address.';
  const body: Record<string, unknown> = { name: c.name.trim() };
  if (c.phone.trim()) body.phone = c.phone.trim();
  if (c.email.trim()) body.email = c.email.trim();
  return { body, errors };
}

/** POST /api/locations body (LocationCreate) for `customerId` and the errors found first. */
export function locationBody(l: NewLocationDraft, customerId: string): { body: Record<string, unknown>; errors: FieldErrors } {
  const errors: FieldErrors = {};
  checkText(errors, 'address', l.address, 200, true);
  checkText(errors, 'city', l.city, 80, true);
  checkText(errors, 'region', l.region, 40, true);
  checkText(errors, 'label', l.label, 80, false);
  checkText(errors, 'accessNotes', l.accessNotes, 2000, false);
  const postal = l.postalCode.trim();
  if (postal.length < 3 || postal.length > 12 || !/^[A-Za-z0-9 -]+$/.test(postal))
    errors.postalCode = '3 to 12 letters, digits, spaces or dashes.';
  const body: Record<string, unknown> = {
    customerId,
    address: l.address.trim(),
    city: l.city.trim(),
    region: l.region.trim(),
    postalCode: postal,
  };
  // Without a pin the server places the address itself (worker/geo/geocoder.ts).
  if (l.lat != null && l.lng != null) Object.assign(body, { lat: l.lat, lng: l.lng });
  if (l.label.trim()) body.label = l.label.trim();
  if (l.accessNotes.trim()) body.accessNotes = l.accessNotes.trim();
  return { body, errors };
}

/** The API's field errors as one map, with `lng` shown where `lat` is (one pin). */
export function fieldErrorsOf(err: { fieldErrors: readonly { field: string; message: string }[] } | null | undefined): FieldErrors {
  const out: FieldErrors = {};
  for (const e of err?.fieldErrors ?? []) {
    const key = e.field === 'lng' ? 'lat' : e.field;
    out[key] ??= e.message;
  }
  return out;
}
