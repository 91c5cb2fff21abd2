/**
 * The org settings form's draft and the PATCH /api/org body: the tax rate typed as a percentage
 * (8.25) and sent in basis points (825), business hours per weekday as open/closed with times.
 */
import type { components } from '#lib/api/schema.d.ts';
import type { FieldErrors } from '#lib/drawer/forms.ts';
import { WEEKDAYS } from '#lib/technicians/technician-form.ts';

export type Org = components['schemas']['Org'];

export interface DayHours {
  open: boolean;
  from: string;
  to: string;
}

export interface OrgDraft {
  name: string;
  timezone: string;
  /** Percent as typed, e.g. "8.25". */
  taxPercent: string;
  /** By weekday, 0 = Sunday. */
  hours: Record<number, DayHours>;
  requireTotpForTechnicians: boolean;
}

export function orgDraftOf(o: Org): OrgDraft {
  const hours: Record<number, DayHours> = {};
  for (const { day } of WEEKDAYS) {
    const h = o.businessHours[String(day)];
    hours[day] = h ? { open: true, from: h.open, to: h.close } : { open: false, from: '08:00', to: '17:00' };
  }
  return {
    name: o.name,
    timezone: o.timezone,
    taxPercent: String(o.taxRateBps / 100),
    hours,
    requireTotpForTechnicians: o.requireTotpForTechnicians,
  };
}

/** "8.25" -> 825; null when it is not a percentage from 0 to 25 with at most two decimals. */
export function basisPoints(percent: string): number | null {
  const t = percent.trim().replace(/%$/, '').trim();
  if (!/^\d{1,2}(\.\d{1,2})?$/.test(t)) return null;
  const bps = Math.round(Number(t) * 100);
  return bps <= 2500 ? bps : null;
}

/** The PATCH /api/org body and the errors found first (named as the API names them). */
export function orgPayload(d: OrgDraft): { body: Record<string, unknown>; errors: FieldErrors } {
  const errors: FieldErrors = {};
  if (!d.name.trim()) errors.name = 'Must not be empty.';
  const bps = basisPoints(d.taxPercent);
  if (bps === null) errors.taxRateBps = 'A percentage from 0 to 25, e.g. 8.25.';
  const businessHours: Record<string, { open: string; close: string } | null> = {};
  for (const [day, h] of Object.entries(d.hours)) {
    businessHours[day] = h.open ? { open: h.from, close: h.to } : null;
    if (h.open && !(h.to > h.from)) errors[`businessHours.${day}.close`] = 'Closing time must be after opening time.';
  }
  return {
    body: {
      name: d.name.trim(),
      timezone: d.timezone,
      taxRateBps: bps ?? 0,
      businessHours,
      requireTotpForTechnicians: d.requireTotpForTechnicians,
    },
    errors,
  };
}
