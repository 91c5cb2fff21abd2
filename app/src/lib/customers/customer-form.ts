/**
 * The customer form's draft and the body it sends. Name, phone and email are checked as the New
 * job drawer checks them (drawer/forms.ts customerBody); the rest is the customer's own page's.
 * Emptied optional fields are sent as null, so a change can clear them.
 */
import { customerBody, type FieldErrors } from '#lib/drawer/forms.ts';

export interface CustomerDraft {
  name: string;
  phone: string;
  email: string;
  billingAddress: string;
  notes: string;
  /** Comma-separated, as typed. */
  tags: string;
}

export function emptyCustomerDraft(): CustomerDraft {
  return { name: '', phone: '', email: '', billingAddress: '', notes: '', tags: '' };
}

export function customerDraftOf(c: {
  name: string;
  phone?: string | null;
  email?: string | null;
  billingAddress?: string | null;
  notes?: string | null;
  tags?: string[];
}): CustomerDraft {
  return {
    name: c.name,
    phone: c.phone ?? '',
    email: c.email ?? '',
    billingAddress: c.billingAddress ?? '',
    notes: c.notes ?? '',
    tags: (c.tags ?? []).join(', '),
  };
}

/** The tags typed, trimmed, without blanks or repeats, in the order typed. */
export function parseTags(s: string): string[] {
  return [
    ...new Set(
      s
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean),
    ),
  ];
}

/** The POST/PATCH /api/customers body and the errors found first. */
export function customerPayload(d: CustomerDraft): { body: Record<string, unknown>; errors: FieldErrors } {
  const { errors } = customerBody(d);
  const tags = parseTags(d.tags);
  if (tags.length > 20) errors.tags = 'At most 20 tags.';
  else if (tags.some((t) => t.length > 40)) errors.tags = 'Each tag at most 40 characters.';
  if (d.billingAddress.trim().length > 300) errors.billingAddress = 'At most 300 characters.';
  if (d.notes.trim().length > 5000) errors.notes = 'At most 5000 characters.';
  const orNull = (v: string) => v.trim() || null;
  return {
    body: {
      name: d.name.trim(),
      phone: orNull(d.phone),
      email: orNull(d.email),
      billingAddress: orNull(d.billingAddress),
      notes: orNull(d.notes),
      tags,
    },
    errors,
  };
}
