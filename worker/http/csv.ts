/**
 * CSV as the API writes it, for a spreadsheet or an accounting import: papaparse's unparse
 * (quoting, doubled quotes), formula escaping on (a customer named "=HYPERLINK(...)" stays text
 * in the spreadsheet, not a formula) and CRLF after every line, the last one too. The KPI
 * drill-downs, billing's exports and the price book's export all write through here.
 */
import Papa from 'papaparse';

export function csvText(fields: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const text = Papa.unparse({ fields: [...fields], data: rows.map((r) => [...r]) }, { escapeFormulae: true, newline: '\r\n' });
  // unparse ends the header alone with CRLF, but not the last row.
  return text.endsWith('\r\n') ? text : `${text}\r\n`;
}

/** The headers of a CSV attachment named `fileName`. */
export function csvHeaders(fileName: string): Record<string, string> {
  return { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${fileName}"` };
}
