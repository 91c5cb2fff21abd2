/**
 * A drill-down list as CSV, for a spreadsheet: the JSON items' fields in the same order under
 * the same names, one row per item, written by worker/http/csv.ts (quoting, formula escaping,
 * CRLF rows). Instants are the org's local date and time (YYYY-MM-DD HH:MM), as
 * the page shows them; money stays in whole cents, as the column names say.
 */
import { localDateOf, localTimeOf } from '../../core/time.ts';
import { csvText } from '../http/csv.ts';
import { LIST_FIELDS } from './records.ts';

/** The fields that hold instants (UTC epoch ms in the JSON). */
const INSTANTS = new Set(['scheduledStart', 'completedAt', 'createdAt', 'issuedAt', 'receivedAt']);

export function toCsv(lists: keyof typeof LIST_FIELDS, items: readonly object[], timezone: string): string {
  const fields: readonly string[] = LIST_FIELDS[lists];
  const cell = (field: string, value: unknown) =>
    INSTANTS.has(field) && typeof value === 'number' ? `${localDateOf(value, timezone)} ${localTimeOf(value, timezone)}` : value;
  const data = items.map((item) => fields.map((f) => cell(f, (item as Record<string, unknown>)[f])));
  return csvText(fields, data);
}

/** The export's file name: the drill and its range, e.g. kpis-completed-2026-03-01-2026-03-31.csv. */
export function csvFileName(drill: string, range: { from: string; to: string } | null, today: string): string {
  return `kpis-${drill}-${range ? `${range.from}-${range.to}` : today}.csv`;
}
