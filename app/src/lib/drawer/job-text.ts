/** Words and links for a job: priority, address, navigation, the status choices, line totals. */
import { allowedTransitions, checkTransition, isBilled, statusLabel, type JobStatus } from '#core/lifecycle.ts';
import { formatCents, invoiceTotals } from '#core/money.ts';
import type { LineItem } from '#lib/types.ts';
import type { JobLocation } from './types.ts';

/** What a technician's status choices narrow to (`statusChoices(job, FIELD_STATUSES)`): core's field statuses. */
export { FIELD_STATUSES } from '#core/lifecycle.ts';

/** "12 Oak St, Austin, TX 78701". */
export function addressLine(l: Pick<JobLocation, 'address' | 'city' | 'region' | 'postalCode'>): string {
  return `${l.address}, ${l.city}, ${l.region} ${l.postalCode}`.trim();
}

/** Turn-by-turn directions to the location in Google Maps (coordinates, else the address). */
export function navigationUrl(l: Pick<JobLocation, 'lat' | 'lng' | 'address' | 'city' | 'region' | 'postalCode'>): string {
  const destination = Number.isFinite(l.lat) && Number.isFinite(l.lng) ? `${l.lat},${l.lng}` : addressLine(l);
  return `https://www.google.com/maps/dir/?api=1&destination=${encodeURIComponent(destination).replace(/%2C/g, ',')}`;
}

/** A phone number as a tel: link target (digits and a leading +). */
export function telHref(phone: string): string {
  return `tel:${phone.replace(/[^+\d]/g, '')}`;
}

export interface StatusChoice {
  to: JobStatus;
  label: string;
  /** Why the lifecycle refuses it right now (no technician or start yet), if it does. */
  blocked: string | null;
}

/**
 * What a job may become from where it is: the lifecycle's transitions minus the ones billing
 * owns, optionally narrowed to `only` (a technician's field statuses). A move the lifecycle
 * would refuse for want of a schedule is listed with its reason rather than hidden.
 */
export function statusChoices(
  job: { status: JobStatus; technicianId: string | null; scheduledStart: number | null },
  only?: readonly JobStatus[],
): StatusChoice[] {
  if (isBilled(job.status)) return [];
  return allowedTransitions(job.status)
    .filter((to) => !isBilled(to) && (!only || only.includes(to)))
    .map((to) => {
      const check = checkTransition(job.status, to, job);
      return { to, label: statusLabel(to), blocked: check.ok ? null : check.reason };
    });
}

/** Why a job offers no status change at all, in words. */
export function noChoicesReason(status: JobStatus): string {
  if (isBilled(status)) return 'Invoices and payments move this job from here on.';
  if (status === 'completed') return 'A completed job moves on when it is invoiced.';
  return 'This job has no further status.';
}

export function money(cents: number): string {
  return formatCents(cents);
}

/** "1.5", "2", "0.125": a quantity as the API speaks it (up to three decimals). */
export function formatQuantity(q: number): string {
  return String(Math.round(q * 1000) / 1000);
}

export interface LineTotals {
  subtotalCents: number;
  /** Null when the tax rate is not known. */
  taxCents: number | null;
  totalCents: number;
  rateBps: number | null;
}

/** Totals of a job's lines, with tax at the org's rate when it is known. */
export function lineTotals(lines: readonly Pick<LineItem, 'totalCents' | 'taxable'>[], rateBps: number | null): LineTotals {
  if (rateBps == null) {
    const subtotalCents = lines.reduce((s, l) => s + l.totalCents, 0);
    return { subtotalCents, taxCents: null, totalCents: subtotalCents, rateBps: null };
  }
  const t = invoiceTotals([...lines], rateBps);
  return { subtotalCents: t.subtotalCents, taxCents: t.taxCents, totalCents: t.totalCents, rateBps };
}

/** "8.25%" from basis points. */
export function formatRate(bps: number): string {
  return `${(bps / 100).toLocaleString('en-US', { maximumFractionDigits: 2 })}%`;
}
