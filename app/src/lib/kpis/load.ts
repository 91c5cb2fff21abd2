/**
 * The manager's numbers from the API: GET /api/kpis (the report, core/kpis.ts KpiReport) and
 * GET /api/kpis/{drill} (the list behind a figure).
 */
import type { KpiReport, Range } from '#core/kpis.ts';
import { api } from '#lib/api.ts';
import { type DrillTarget, drillQuery } from './drills.ts';

export interface JobItem {
  id: string;
  number: number;
  customerName: string;
  technicianId: string | null;
  technicianName: string | null;
  status: string;
  scheduledStart: number | null;
  completedAt: number | null;
  invoicedCents: number | null;
  returnVisitOf: string | null;
  firstTimeFix: boolean | null;
  onTime: boolean | null;
  onSiteMinutes: number | null;
  createdAt: number;
}

export interface InvoiceItem {
  id: string;
  number: number;
  customerName: string;
  jobId: string | null;
  issuedAt: number | null;
  totalCents: number;
  paidCents: number;
  outstandingCents: number;
  bucket: string;
}

export interface PaymentItem {
  id: string;
  invoiceId: string;
  invoiceNumber: number;
  customerName: string;
  amountCents: number;
  method: string;
  receivedAt: number;
}

export type DrillList =
  | { drill: string; lists: 'jobs'; items: JobItem[]; truncated: boolean }
  | { drill: string; lists: 'invoices'; items: InvoiceItem[]; truncated: boolean }
  | { drill: string; lists: 'payments'; items: PaymentItem[]; truncated: boolean };

export function fetchReport(range: Range, signal: AbortSignal): Promise<KpiReport> {
  return api.get<KpiReport>('/kpis', { query: { from: range.from, to: range.to }, signal });
}

export function fetchDrill(target: DrillTarget, range: Range, signal: AbortSignal): Promise<DrillList> {
  return api.get<DrillList>(`/kpis/${encodeURIComponent(target.drill)}`, { query: drillQuery(target, range), signal });
}
