/**
 * A drill-down list as CSV, for a spreadsheet: the JSON items' fields in the same order under
 * the same names, one row per item. Written by papaparse's unparse (quoting, doubled quotes,
 * CRLF rows), with formula escaping on: a customer named "=HYPERLINK(...)" is text in the
 * spreadsheet, not a formula. Instants are the org's local date and time (YYYY-MM-DD HH:MM), as
 * the page shows them; money stays in whole cents, as the column names say.
 */
import Papa from 'papaparse';
import { localDateOf, localTimeOf } from '../../core/time.ts';
import { LIST_FIELDS } from './records.ts';

/** The fields that hold instants (UTC epoch ms in the JSON). */
const INSTANTS = new Set(['scheduledStart', 'completedAt', 'createdAt', 'issuedAt', 'receivedAt']);

export function toCsv(lists: keyof typeof LIST_FIELDS, items: readonly object[], timezone: string): string {
  const fields: readonly string[] = LIST_FIELDS[lists];
  const cell = (field: string, value: unknown) =>
    INSTANTS.has(field) && typeof value === 'number' ? `${localDateOf(value, timezone)} ${localTimeOf(value, timezone)}` : value;
  const data = items.map((item) => fields.map((f) => cell(f, (item as Record<string, unknown>)[f])));
  const text = Papa.unparse({ fields: [...fields], data }, { escapeFormulae: true, newline: '\r\n' });
  // Every line ends with CRLF (unparse ends the header alone with one, but not the last row).
  return text.endsWith('\r\n') ? text : `${text}\r\n`;
}

/** The export's file name: the drill and its range, e.g. kpis-completed-2026-03-01-2026-03-31.csv. */
export function csvFileName(drill: string, range: { from: string; to: string } | null, today: string): string {
  return `kpis-${drill}-${range ? `${range.from}-${range.to}` : today}.csv`;
}
