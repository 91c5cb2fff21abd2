/**
 * One imported row, checked and read: the zod schema the app's dry run and the Worker both apply
 * to every mapped row (core/import/aliases.ts names the fields), and what a row turns into. A row
 * that fails names each field at fault, so the report can say "row 7, zip: not a US ZIP code".
 */
import { z } from 'zod';
import type { CUSTOMER_FIELDS, ImportEntity, JOB_FIELDS } from './aliases.ts';

const cell = (max: number) => z.string().trim().max(max, `At most ${max} characters.`).optional();
const US_ZIP = /^\d{5}(-\d{4})?$/;
const PHONE = /^[+0-9 ().-]*$/;

const customerShape = {
  customerId: cell(100),
  name: cell(200),
  firstName: cell(100),
  lastName: cell(100),
  company: cell(200),
  email: z.string().trim().toLowerCase().max(254, 'At most 254 characters.').pipe(z.email('Not an email address.')).optional(),
  mobilePhone: cell(40).refine((v) => !v || PHONE.test(v), 'Digits, spaces, + ( ) . - only.'),
  homePhone: cell(40).refine((v) => !v || PHONE.test(v), 'Digits, spaces, + ( ) . - only.'),
  tags: cell(800),
  street: cell(200),
  street2: cell(100),
  city: cell(80),
  state: cell(40),
  zip: cell(12).refine((v) => !v || US_ZIP.test(v), 'Not a US ZIP code (12345 or 12345-6789).'),
  notes: cell(2000),
} satisfies Record<(typeof CUSTOMER_FIELDS)[number], z.ZodType>;

const jobShape = {
  jobId: cell(100),
  jobStart: cell(40).refine((v) => !v || readLocalDateTime(v) !== null, 'Not a date (YYYY-MM-DD or MM/DD/YYYY, a time may follow).'),
  jobEnd: cell(40).refine((v) => !v || readLocalDateTime(v) !== null, 'Not a date (YYYY-MM-DD or MM/DD/YYYY, a time may follow).'),
  jobStatus: cell(60).refine((v) => !v || importedStatus(v) !== null, 'Not a job status this import knows.'),
  jobType: cell(80),
  jobDescription: cell(2000),
  invoiceNumber: cell(60),
  invoiceTotal: cell(20).refine((v) => !v || readCents(v) !== null, 'Not an amount of money.'),
  invoicePaid: cell(20).refine((v) => !v || readCents(v) !== null, 'Not an amount of money.'),
  invoiceBalance: cell(20).refine((v) => !v || readCents(v) !== null, 'Not an amount of money.'),
} satisfies Record<(typeof JOB_FIELDS)[number], z.ZodType>;

/** The address fields that make a service location; all four are needed once any is given. */
const ADDRESS_NEEDS = ['street', 'city', 'state', 'zip'] as const;

function checkCustomer(r: Partial<Record<keyof typeof customerShape, string>>, ctx: z.RefinementCtx, addressRequired: boolean) {
  if (!displayName(r)) {
    ctx.addIssue({
      code: 'custom',
      path: ['name'],
      message: 'No name: the row needs a customer name, a first or last name, or a company.',
    });
  }
  const anyAddress = ADDRESS_NEEDS.some((f) => r[f]) || r.street2;
  if (anyAddress || addressRequired) {
    for (const f of ADDRESS_NEEDS) {
      if (!r[f])
        ctx.addIssue({
          code: 'custom',
          path: [f],
          message: anyAddress ? 'Missing: the address is incomplete.' : 'Missing: a job needs an address.',
        });
    }
  }
}

export const CustomerRow = z
  .object(customerShape)
  .strict()
  .superRefine((r, ctx) => checkCustomer(r, ctx, false));

export const JobRow = z
  .object({ ...customerShape, ...jobShape })
  .strict()
  .superRefine((r, ctx) => {
    checkCustomer(r, ctx, true);
    if (!r.jobId) ctx.addIssue({ code: 'custom', path: ['jobId'], message: 'Missing: each job needs its id or number from the export.' });
    if (!r.jobStart) ctx.addIssue({ code: 'custom', path: ['jobStart'], message: 'Missing: each job needs its date.' });
  });

export const ROW_SCHEMAS = { customers: CustomerRow, jobs: JobRow } as const;
export type CustomerRowValues = z.infer<typeof CustomerRow>;
export type JobRowValues = z.infer<typeof JobRow>;

/** One line of a validation report: the file's row number (the header is row 1), the field, what is wrong. */
export interface RowProblem {
  row: number;
  field: string;
  problem: string;
}

export function displayName(r: { name?: string; firstName?: string; lastName?: string; company?: string }): string | null {
  const person = [r.firstName, r.lastName].filter(Boolean).join(' ');
  return r.name || person || r.company || null;
}

export function tagsOf(text: string | undefined): string[] {
  const tags = (text ?? '')
    .split(/[,;|]/)
    .map((t) => t.trim().slice(0, 40))
    .filter(Boolean);
  return [...new Set(tags)].slice(0, 20);
}

/**
 * The customer's id in the import: the export's own id when it has one, else its email, else its
 * name and address. The same person in the same file twice is one customer, and a second import
 * of the file finds them in import_keys.
 */
export function customerKey(r: CustomerRowValues): string {
  if (r.customerId) return `id:${r.customerId}`;
  if (r.email) return `email:${r.email}`;
  const norm = (s: string | undefined) => (s ?? '').toLowerCase().replace(/\s+/g, ' ').trim();
  return `name:${norm(displayName(r) ?? '')}|${norm(r.street)}|${norm(r.zip)}`;
}

/** The location's key: its customer and the address, so the same place is not added twice. */
export function locationKey(r: CustomerRowValues): string | null {
  if (!r.street || !r.zip) return null;
  const norm = (s: string | undefined) => (s ?? '').toLowerCase().replace(/\s+/g, ' ').trim();
  return `${customerKey(r)}@${norm(r.street)}|${norm(r.street2)}|${norm(r.zip)}`;
}

/** The key a row is found by when it comes again: the customer for a customer row, the job for a job row. */
export function rowKey(entity: ImportEntity, r: CustomerRowValues | JobRowValues): string {
  return entity === 'jobs' ? `job:${(r as JobRowValues).jobId}` : customerKey(r);
}

/**
 * Checks rows numbered from `firstRow`: each against its entity's schema, and each against the
 * rows before it (the same customer or job twice). Returns the rows that passed, by index, and
 * the problems of the others.
 */
export function checkRows(
  entity: ImportEntity,
  rows: readonly unknown[],
  firstRow: number,
): { valid: { index: number; values: JobRowValues }[]; problems: RowProblem[] } {
  const schema: z.ZodType = ROW_SCHEMAS[entity];
  const seen = new Map<string, number>();
  const valid: { index: number; values: JobRowValues }[] = [];
  const problems: RowProblem[] = [];
  rows.forEach((raw, index) => {
    const row = firstRow + index;
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        if (issue.code === 'unrecognized_keys') {
          for (const key of issue.keys) problems.push({ row, field: key, problem: 'Not a field this import knows.' });
        } else problems.push({ row, field: issue.path.join('.') || '(row)', problem: issue.message });
      }
      return;
    }
    const values = parsed.data as JobRowValues;
    const key = rowKey(entity, values);
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      problems.push({ row, field: entity === 'jobs' ? 'jobId' : 'name', problem: `Duplicate of row ${earlier}: left out.` });
      return;
    }
    seen.set(key, row);
    valid.push({ index, values });
  });
  return { valid, problems };
}

/** A date and optional time as the exports write them: 2026-03-14, 2026-03-14 09:30, 3/14/2026, 3/14/2026 9:30 AM. */
export function readLocalDateTime(text: string): { date: string; time: string | null } | null {
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{1,2}):(\d{2})(?::\d{2})?)?$/.exec(text.trim());
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:,? (\d{1,2}):(\d{2})(?::\d{2})?\s*([AaPp][Mm])?)?$/.exec(text.trim());
  let y: number, mo: number, d: number, h: number | null, mi: number | null;
  if (iso) {
    [y, mo, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
    [h, mi] = iso[4] ? [Number(iso[4]), Number(iso[5])] : [null, null];
  } else if (us) {
    [mo, d, y] = [Number(us[1]), Number(us[2]), Number(us[3])];
    [h, mi] = us[4] ? [Number(us[4]), Number(us[5])] : [null, null];
    const half = us[6]?.toLowerCase();
    if (h !== null && half) {
      if (h < 1 || h > 12) return null;
      h = (h % 12) + (half === 'pm' ? 12 : 0);
    }
  } else return null;
  const probe = new Date(Date.UTC(y, mo - 1, d));
  if (probe.getUTCFullYear() !== y || probe.getUTCMonth() !== mo - 1 || probe.getUTCDate() !== d || y < 1970) return null;
  if (h !== null && (h > 23 || (mi as number) > 59)) return null;
  const p = (n: number) => String(n).padStart(2, '0');
  return { date: `${y}-${p(mo)}-${p(d)}`, time: h === null ? null : `${p(h)}:${p(mi as number)}` };
}

/** Dollars as the exports write them ($1,234.50, 1234.5, -12) in cents; null when it is not money. */
export function readCents(text: string): number | null {
  const m = /^(-)?\$?\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!m) return null;
  const cents = Number(m[2]!.replace(/,/g, '')) * 100 + Number((m[3] ?? '').padEnd(2, '0'));
  return m[1] ? -cents : cents;
}

/**
 * What an exported job's status becomes here. Open work comes in unscheduled, with its date as
 * the customer's request: the board's rooms own every schedule, and an import does not place
 * cards on a board behind their back.
 */
export function importedStatus(text: string): 'completed' | 'cancelled' | 'unscheduled' | null {
  const s = text
    .toLowerCase()
    .replace(/[^a-z]+/g, ' ')
    .trim();
  if (/^(complete|completed|complete rated|complete unrated|done|finished|archived|closed|requires invoicing|paid|invoiced)$/.test(s))
    return 'completed';
  if (/^(canceled|cancelled|user canceled|pro canceled|user cancelled|pro cancelled)$/.test(s)) return 'cancelled';
  if (/^(scheduled|unscheduled|needs scheduling|in progress|on my way|upcoming|today|late|action required|active|open)$/.test(s))
    return 'unscheduled';
  return null;
}
