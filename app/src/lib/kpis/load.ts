/**
 * The manager's numbers from the API, through the generated client: GET /api/kpis (the report,
 * core/kpis.ts KpiReport) and GET /api/kpis/{drill} (the list behind a figure). The shapes are
 * the API's own (#lib/api/schema.d.ts, `npm run api:types`).
 */
import type { Range } from '#core/kpis.ts';
import type { KpiReport } from '#lib/types.ts';
import { client } from '#lib/api.ts';
import type { components } from '#lib/api/schema.d.ts';
import { type DrillTarget, drillQuery } from './drills.ts';

type Schemas = components['schemas'];
export type DrillList = Schemas['KpiDrillList'];
export type JobItem = Schemas['KpiJob'];
export type InvoiceItem = Schemas['KpiInvoice'];
export type PaymentItem = Schemas['KpiPayment'];

export async function fetchReport(range: Range, signal: AbortSignal): Promise<KpiReport> {
  const { data } = await client.GET('/api/kpis', { params: { query: { from: range.from, to: range.to } }, signal });
  return data!;
}

export async function fetchDrill(target: DrillTarget, range: Range, signal: AbortSignal): Promise<DrillList> {
  const { data } = await client.GET('/api/kpis/{drill}', {
    params: { path: { drill: target.drill }, query: drillQuery(target, range) },
    signal,
  });
  // The same path answers text/csv when asked for it (csvHref); this call asks for JSON.
  return data as DrillList;
}
