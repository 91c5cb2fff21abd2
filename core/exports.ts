/**
 * What an admin can take out (data portability): each resource as a CSV file at
 * GET /api/exports/{name}.csv, and the whole org as one JSON document at GET /api/exports/org.json.
 * The Worker serves one route per name (worker/data/exports.ts), the app shows one download per
 * name, and the route matrix names each route, all from this list.
 */
export const EXPORT_RESOURCES = [
  'customers',
  'locations',
  'jobs',
  'job-events',
  'line-items',
  'invoices',
  'invoice-lines',
  'payments',
  'technicians',
  'users',
  'pricebook',
  'parts',
  'stock-locations',
  'stock',
  'stock-movements',
  'part-usages',
  'purchase-orders',
  'purchase-order-lines',
] as const;
export type ExportResource = (typeof EXPORT_RESOURCES)[number];

export const EXPORT_LABELS: Record<ExportResource, string> = {
  customers: 'Customers',
  locations: 'Service locations',
  jobs: 'Jobs',
  'job-events': 'Job history',
  'line-items': 'Line items',
  invoices: 'Invoices',
  'invoice-lines': 'Invoice lines',
  payments: 'Payments',
  technicians: 'Technicians',
  users: 'Users',
  pricebook: 'Price book',
  parts: 'Parts',
  'stock-locations': 'Warehouse and trucks',
  stock: 'Stock levels',
  'stock-movements': 'Stock movements',
  'part-usages': 'Parts used on jobs',
  'purchase-orders': 'Purchase orders',
  'purchase-order-lines': 'Purchase order lines',
};

/** The columns that hold instants (UTC epoch ms): a CSV writes them as ISO 8601 in UTC, which every spreadsheet reads. */
export function isInstantColumn(name: string): boolean {
  return /At$/.test(name) || /^(scheduledStart|requestedStart|requestedEnd|arrivalWindowStart|arrivalWindowEnd)$/.test(name);
}
