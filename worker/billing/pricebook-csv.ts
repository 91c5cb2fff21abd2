/**
 * The price book as CSV, read by POST /api/pricebook/import: the columns GET /api/exports/pricebook.csv
 * (worker/data/exports.ts) writes, so an export edited in a spreadsheet imports back as it is;
 * the columns that are not the item's to change (id, partId, the times) are passed over.
 * Money in whole cents and booleans as true/false, as the API has them. Parsing is papaparse's;
 * each cell is checked by the same field rules as the API's JSON (worker/http/fields.ts), and a
 * bad cell is named by its line and column.
 */
import { z } from '@hono/zod-openapi';
import Papa from 'papaparse';
import { cents, text } from '../http/fields.ts';
import type { FieldError } from '../problem.ts';

export const PRICEBOOK_COLUMNS = [
  'code',
  'kind',
  'name',
  'description',
  'unit',
  'unitPriceCents',
  'costCents',
  'taxable',
  'active',
] as const;
type Column = (typeof PRICEBOOK_COLUMNS)[number];
const REQUIRED: readonly Column[] = ['code', 'kind', 'name', 'unitPriceCents'];

/** Most rows one import takes: a contractor's price book is hundreds of items, not tens of thousands. */
export const MAX_IMPORT_ROWS = 5000;

/** In the export, but not for an import to set. */
const PASSED_OVER = ['id', 'partId', 'createdAt', 'updatedAt'];

const whole = z.string().trim().regex(/^\d+$/, 'Whole cents, digits only (12500 for $125.00).').transform(Number).pipe(cents());
const flag = z
  .string()
  .trim()
  .toLowerCase()
  .refine((v) => ['true', 'false', 'yes', 'no', '1', '0'].includes(v), 'true or false.')
  .transform((v) => v === 'true' || v === 'yes' || v === '1');

/** Each column's rule; an empty optional cell is left out (the item keeps its value, or takes the default). */
const CELL: Record<Column, z.ZodType> = {
  code: text(40),
  kind: z.enum(['service', 'material']),
  name: text(200),
  description: z.string().trim().max(2000, 'At most 2000 characters.'),
  unit: text(20),
  unitPriceCents: whole,
  costCents: whole,
  taxable: flag,
  active: flag,
};

export interface ImportRow {
  /** The line of the file it came from (the header is line 1). */
  line: number;
  values: Partial<Record<Column, unknown>>;
}

/** The rows of an import, or every cell that is wrong, each named `csv[line].column`. */
export function parsePricebookCsv(csv: string): { rows: ImportRow[]; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const fail = (field: string, message: string) => errors.push({ field, in: 'body', message });
  const parsed = Papa.parse<Record<string, string>>(csv.replace(/^\uFEFF/, ''), {
    header: true,
    skipEmptyLines: 'greedy',
    transformHeader: (h) => h.trim(),
  });
  const header = parsed.meta.fields ?? [];
  for (const h of header)
    if (!PRICEBOOK_COLUMNS.includes(h as Column) && !PASSED_OVER.includes(h))
      fail('csv', `Unknown column "${h}"; the columns are ${PRICEBOOK_COLUMNS.join(', ')}.`);
  for (const r of REQUIRED) if (!header.includes(r)) fail('csv', `The column ${r} is required.`);
  for (const e of parsed.errors.slice(0, 20)) fail(`csv[${(e.row ?? 0) + 2}]`, e.message);
  if (parsed.data.length > MAX_IMPORT_ROWS) fail('csv', `At most ${MAX_IMPORT_ROWS} rows in one import.`);
  if (errors.length) return { rows: [], errors };

  const rows: ImportRow[] = [];
  const lineOfCode = new Map<string, number>();
  parsed.data.forEach((raw, i) => {
    const line = i + 2;
    const values: ImportRow['values'] = {};
    for (const column of header.filter((h): h is Column => PRICEBOOK_COLUMNS.includes(h as Column))) {
      const cell = raw[column] ?? '';
      if (cell.trim() === '' && !REQUIRED.includes(column)) continue;
      const result = CELL[column].safeParse(cell);
      if (result.success) values[column] = result.data;
      else fail(`csv[${line}].${column}`, result.error.issues[0]?.message ?? 'Not valid.');
    }
    const code = values.code as string | undefined;
    if (code !== undefined) {
      const first = lineOfCode.get(code);
      if (first !== undefined) fail(`csv[${line}].code`, `The code ${code} is on line ${first} too.`);
      else lineOfCode.set(code, line);
    }
    rows.push({ line, values });
  });
  return { rows: errors.length ? [] : rows, errors };
}
