/**
 * The technician form's draft and the body it sends (POST/PATCH /api/technicians). Emptied
 * optional fields are sent as null, so a change can clear them; the home base's pin is sent
 * with its address (null, null when there is no address).
 */
import type { components } from '#lib/api/schema.d.ts';
import { parseTags } from '#lib/customers/customer-form.ts';
import type { FieldErrors } from '#lib/drawer/forms.ts';

export type Technician = components['schemas']['Technician'];

/** Monday first, as a week is read at work; the values are the API's (0 = Sunday). */
export const WEEKDAYS: readonly { day: number; label: string }[] = [
  { day: 1, label: 'Mon' },
  { day: 2, label: 'Tue' },
  { day: 3, label: 'Wed' },
  { day: 4, label: 'Thu' },
  { day: 5, label: 'Fri' },
  { day: 6, label: 'Sat' },
  { day: 0, label: 'Sun' },
];

export interface TechnicianDraft {
  name: string;
  email: string;
  phone: string;
  /** Comma-separated, as typed. */
  skills: string;
  licenceClass: string;
  licenceNumber: string;
  licenceJurisdiction: string;
  /** YYYY-MM-DD from a date input, or ''. */
  licenceExpires: string;
  shiftDays: number[];
  shiftStart: string;
  shiftEnd: string;
  /** One line ending with the ZIP code ("12 Oak St, Austin, TX 78701"): the pin is looked up by it. */
  homeAddress: string;
  homeLat: number | null;
  homeLng: number | null;
  colour: string;
  truckLocationId: string;
  active: boolean;
}

export function emptyTechnicianDraft(): TechnicianDraft {
  return {
    name: '',
    email: '',
    phone: '',
    skills: '',
    licenceClass: '',
    licenceNumber: '',
    licenceJurisdiction: '',
    licenceExpires: '',
    shiftDays: [1, 2, 3, 4, 5],
    shiftStart: '07:00',
    shiftEnd: '15:30',
    homeAddress: '',
    homeLat: null,
    homeLng: null,
    colour: '#2563eb',
    truckLocationId: '',
    active: true,
  };
}

export function technicianDraftOf(t: Technician): TechnicianDraft {
  return {
    name: t.name,
    email: t.email ?? '',
    phone: t.phone ?? '',
    skills: t.skills.join(', '),
    licenceClass: t.licenceClass ?? '',
    licenceNumber: t.licenceNumber ?? '',
    licenceJurisdiction: t.licenceJurisdiction ?? '',
    licenceExpires: t.licenceExpires ?? '',
    shiftDays: [...t.shiftDays],
    shiftStart: t.shiftStart,
    shiftEnd: t.shiftEnd,
    homeAddress: t.homeAddress ?? '',
    homeLat: t.homeLat,
    homeLng: t.homeLng,
    colour: t.colour,
    truckLocationId: t.truckLocationId ?? '',
    active: t.active,
  };
}

/** The body for POST/PATCH /api/technicians and the errors found first. */
export function technicianPayload(d: TechnicianDraft): { body: Record<string, unknown>; errors: FieldErrors } {
  const errors: FieldErrors = {};
  if (!d.name.trim()) errors.name = 'Must not be empty.';
  if (d.email.trim() && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(d.email.trim())) errors.email = 'Not an email address.';
  if (d.phone.trim() && !/^[+0-9 ().-]*$/.test(d.phone.trim())) errors.phone = 'Digits, spaces, + ( ) . - only.';
  const skills = parseTags(d.skills);
  if (skills.length > 30) errors.skills = 'At most 30 skills.';
  if (!d.shiftDays.length) errors.shiftDays = 'Pick at least one day.';
  if (d.shiftStart && d.shiftEnd && d.shiftEnd <= d.shiftStart) errors.shiftEnd = 'The shift must end after it starts.';
  if (!/^#[0-9a-fA-F]{6}$/.test(d.colour)) errors.colour = 'A colour as #rrggbb.';
  const orNull = (v: string) => v.trim() || null;
  const home = d.homeAddress.trim();
  return {
    body: {
      name: d.name.trim(),
      email: orNull(d.email),
      phone: orNull(d.phone),
      skills,
      licenceClass: orNull(d.licenceClass),
      licenceNumber: orNull(d.licenceNumber),
      licenceJurisdiction: orNull(d.licenceJurisdiction),
      licenceExpires: d.licenceExpires || null,
      shiftDays: [...d.shiftDays].sort((a, b) => a - b),
      shiftStart: d.shiftStart,
      shiftEnd: d.shiftEnd,
      homeAddress: home || null,
      homeLat: home ? d.homeLat : null,
      homeLng: home ? d.homeLng : null,
      colour: d.colour,
      truckLocationId: d.truckLocationId || null,
      active: d.active,
    },
    errors,
  };
}

/** "Mon–Fri 07:00–15:30", "Mon, Wed, Sat 06:00–14:00": a shift in one line for the list. */
export function shiftLine(t: Pick<Technician, 'shiftDays' | 'shiftStart' | 'shiftEnd'>): string {
  const days = WEEKDAYS.filter((w) => t.shiftDays.includes(w.day)).map((w) => w.label);
  const weekdays = WEEKDAYS.slice(0, 5).map((w) => w.label);
  const span = days.length === 5 && days.every((d, i) => d === weekdays[i]) ? 'Mon–Fri' : days.join(', ') || 'No days';
  return `${span} ${t.shiftStart}–${t.shiftEnd}`;
}
