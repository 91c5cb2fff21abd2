/**
 * The import's trips to the API: a file's mapped rows in batches of the size the Worker takes,
 * one after another, each with its own Idempotency-Key (made once, so a batch retried after a
 * lost answer gets that answer rather than a second run; a dry run needs none), and the answers added up.
 */
import Papa from 'papaparse';
import type { ImportEntity, ImportSource } from '#core/import/aliases.ts';
import { checkRows, type RowProblem } from '#core/import/rows.ts';
import { ApiError, client } from '#lib/api.ts';
import type { components } from '#lib/api/schema.d.ts';

export type ImportResult = components['schemas']['ImportResult'];

/** The Worker's limit on rows per request (worker/data/imports.ts IMPORT_BATCH_ROWS). */
export const BATCH_ROWS = 500;

export interface ImportTotals {
  rows: number;
  imported: number;
  alreadyImported: number;
  rejected: number;
  created: ImportResult['created'];
  problems: RowProblem[];
}

export const emptyTotals = (): ImportTotals => ({
  rows: 0,
  imported: 0,
  alreadyImported: 0,
  rejected: 0,
  created: { customers: 0, locations: 0, jobs: 0, invoices: 0, payments: 0 },
  problems: [],
});

function add(t: ImportTotals, r: ImportResult): ImportTotals {
  const created = { ...t.created };
  for (const k of Object.keys(created) as (keyof typeof created)[]) created[k] += r.created[k];
  return {
    rows: t.rows + r.rows,
    imported: t.imported + r.imported,
    alreadyImported: t.alreadyImported + r.alreadyImported,
    rejected: t.rejected + r.rejected,
    created,
    problems: [...t.problems, ...r.problems],
  };
}

async function sendBatch(
  source: ImportSource,
  entity: ImportEntity,
  firstRow: number,
  rows: Record<string, string>[],
  dryRun: boolean,
  key: string,
): Promise<ImportResult> {
  const { data } = await client.POST('/api/imports/{source}/{entity}', {
    // A dry run writes nothing, so it needs no key (and leaves no trace of one).
    params: { path: { source, entity }, query: dryRun ? { dryRun: '1' } : {}, header: dryRun ? {} : { 'Idempotency-Key': key } },
    body: { firstRow, rows },
  });
  return data as ImportResult;
}

/**
 * Sends every row, in order, BATCH_ROWS at a time. A batch whose answer is lost, or that meets
 * its own earlier copy still running (409), is sent again with the same key, a few times; one
 * that lost a race with another import of the same rows, with a new key.
 */
export async function runImport(
  source: ImportSource,
  entity: ImportEntity,
  rows: Record<string, string>[],
  dryRun: boolean,
  onprogress: (done: number, totals: ImportTotals) => void,
): Promise<ImportTotals> {
  let totals = emptyTotals();
  for (let start = 0; start < rows.length; start += BATCH_ROWS) {
    const batch = rows.slice(start, start + BATCH_ROWS);
    let key = crypto.randomUUID();
    // The header is row 1 of the file, so the first data row is row 2.
    const firstRow = start + 2;
    let result: ImportResult | undefined;
    for (let attempt = 1; !result; attempt++) {
      try {
        result = await sendBatch(source, entity, firstRow, batch, dryRun, key);
      } catch (err) {
        const retry = err instanceof ApiError && (err.status === 0 || err.status === 409 || err.status >= 500);
        if (!retry || attempt >= 4) throw err;
        // Lost a race with another import of the same rows: nothing was written and that answer is
        // kept with the key, so the batch goes again as a new request (what was imported is skipped).
        if (err.fieldMessage('rows')) key = crypto.randomUUID();
        await new Promise((r) => setTimeout(r, 500 * attempt));
      }
    }
    totals = add(totals, result);
    onprogress(Math.min(start + BATCH_ROWS, rows.length), totals);
  }
  return dryRun ? withWholeFile(entity, rows, totals) : totals;
}

/**
 * The Worker checks a batch at a time, so a row repeating one in an earlier batch passes its
 * check (in the import it is then skipped as already imported). The same check over the whole
 * file, here, adds those rows to the report.
 */
function withWholeFile(entity: ImportEntity, rows: Record<string, string>[], totals: ImportTotals): ImportTotals {
  const named = new Set(totals.problems.map((p) => p.row));
  const extra = checkRows(entity, rows, 2).problems.filter((p) => !named.has(p.row));
  if (!extra.length) return totals;
  const left = new Set(extra.map((p) => p.row)).size;
  return {
    ...totals,
    imported: totals.imported - left,
    rejected: totals.rejected + left,
    problems: [...totals.problems, ...extra].sort((a, b) => a.row - b.row),
  };
}

/** The report as a CSV file to download: one line per problem. */
export function reportCsv(problems: readonly RowProblem[]): string {
  return `${Papa.unparse({ fields: ['row', 'field', 'problem'], data: problems.map((p) => [p.row, p.field, p.problem]) }, { escapeFormulae: true, newline: '\r\n' })}\r\n`;
}
