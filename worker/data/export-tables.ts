/**
 * Which table each export reads, and what it leaves out: secrets (password hashes, TOTP secrets)
 * and the org id every row shares. org.json takes every table here, the CSV routes the ones
 * core/exports.ts names. Sessions, passkeys, recovery codes, invitations, idempotency keys, push
 * subscriptions and calendar feed tokens are sign-in material, not the business's records, and
 * are never exported; job_facts is derived from the records (npm run kpis:rebuild).
 */
import { getTableColumns } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { ExportResource } from '../../core/exports.ts';
import {
  auditEvents,
  customers,
  importKeys,
  invoiceLines,
  invoices,
  jobAssignments,
  jobEvents,
  jobFiles,
  jobs,
  lineItems,
  locations,
  partUsages,
  parts,
  payments,
  priceBookItems,
  purchaseOrderLines,
  purchaseOrders,
  stockLevels,
  stockLocations,
  stockMovements,
  technicians,
  users,
} from '../../db/schema.ts';

export interface ExportTable {
  table: SQLiteTable & { orgId: SQLiteColumn };
  /** Columns never exported (besides org_id). */
  omit?: readonly string[];
}

export const CSV_TABLES: Record<ExportResource, ExportTable> = {
  customers: { table: customers },
  locations: { table: locations },
  jobs: { table: jobs },
  'job-events': { table: jobEvents },
  'line-items': { table: lineItems },
  invoices: { table: invoices },
  'invoice-lines': { table: invoiceLines },
  payments: { table: payments },
  technicians: { table: technicians },
  users: { table: users, omit: ['passwordHash', 'totpSecret', 'totpLastStep'] },
  pricebook: { table: priceBookItems },
  parts: { table: parts },
  'stock-locations': { table: stockLocations },
  stock: { table: stockLevels },
  'stock-movements': { table: stockMovements },
  'part-usages': { table: partUsages },
  'purchase-orders': { table: purchaseOrders },
  'purchase-order-lines': { table: purchaseOrderLines },
};

/** org.json: every CSV table, and the records that only make sense whole (who was assigned, the audit trail, what came from an import, which photos a job has; the bytes stay in R2). */
export const ORG_TABLES: Record<string, ExportTable> = {
  ...CSV_TABLES,
  'job-assignments': { table: jobAssignments },
  'job-files': { table: jobFiles },
  'audit-events': { table: auditEvents },
  'import-keys': { table: importKeys },
};

/** The exported columns of a table, by their API names, in schema order. */
export function exportedColumns(t: ExportTable): Record<string, SQLiteColumn> {
  const omit = new Set(['orgId', ...(t.omit ?? [])]);
  return Object.fromEntries(Object.entries(getTableColumns(t.table)).filter(([name]) => !omit.has(name))) as Record<string, SQLiteColumn>;
}
