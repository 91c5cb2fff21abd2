/**
 * Moving in, through the UI as an office admin would: each sample export (tests/fixtures/imports)
 * is uploaded on /import, its columns come pre-mapped, the check names every bad row (and the
 * report downloads as CSV), the import makes what is new, and the same file imported again adds
 * nothing, by the API's own counts (the export routes' CSV files, one line per record).
 */
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { adminPage, apiIn, expect, test } from './fixtures.ts';

test.describe.configure({ mode: 'serial' });

const FIXTURES = 'tests/fixtures/imports';

/** Records of a kind in the org, by the export route: its CSV's lines less the header. */
async function countOf(page: Page, resource: 'customers' | 'locations' | 'jobs' | 'invoices'): Promise<number> {
  const res = await apiIn<string>(page, 'GET', `/api/exports/${resource}.csv`);
  expect(res.status).toBe(200);
  return String(res.body).trimEnd().split('\r\n').length - 1;
}

/** Waits for a check or an import to end: its summary, or the error the page shows instead (which fails the test with its words). */
async function finished(page: Page) {
  const summary = page.getByTestId('import-summary');
  const error = page.locator('section[aria-labelledby="run-h"]').getByRole('alert');
  await expect(summary.or(error).first()).toBeVisible();
  if (await error.isVisible()) throw new Error(`the page says: ${await error.textContent()}`);
  return summary;
}

async function upload(page: Page, file: string) {
  await page.goto('/import');
  await page.getByTestId('import-file').setInputFiles(`${FIXTURES}/${file}`);
  await expect(page.getByTestId('import-preview')).toBeVisible();
}

interface Case {
  file: string;
  rows: number;
  mapped: Record<string, string>;
  bad: { row: number; field: string; problem: string }[];
  made: Partial<Record<'customers' | 'locations' | 'jobs' | 'invoices', number>>;
}

const CASES: Case[] = [
  {
    file: 'housecall-pro-customers.csv',
    rows: 16,
    mapped: { name: 'Customer', email: 'Email', mobilePhone: 'Mobile Phone', zip: 'Zip', tags: 'Customer Tags' },
    bad: [
      { row: 7, field: 'name', problem: 'No name' },
      { row: 9, field: 'email', problem: 'Not an email address.' },
      { row: 10, field: 'zip', problem: 'Not a US ZIP code' },
      { row: 12, field: 'name', problem: 'Duplicate of row 2' },
    ],
    made: { customers: 12, locations: 12 },
  },
  {
    file: 'jobber-clients.csv',
    rows: 13,
    mapped: { customerId: 'J-ID', name: 'Display Name', email: 'E-mails', street: 'Service Street 1', zip: 'Service Zip code' },
    bad: [
      { row: 5, field: 'name', problem: 'No name' },
      { row: 6, field: 'email', problem: 'Not an email address.' },
      { row: 9, field: 'zip', problem: 'Not a US ZIP code' },
      { row: 11, field: 'name', problem: 'Duplicate of row 4' },
    ],
    made: { customers: 9, locations: 9 },
  },
  {
    file: 'housecall-pro-jobs.csv',
    rows: 11,
    mapped: { jobId: 'Invoice Number', jobStart: 'Date', jobStatus: 'Job Status', invoiceTotal: 'Total Amount' },
    bad: [
      { row: 6, field: 'jobStart', problem: 'Not a date' },
      { row: 10, field: 'jobId', problem: 'Duplicate of row 5' },
      { row: 11, field: 'zip', problem: 'Not a US ZIP code' },
    ],
    // Its customers came with the customer list above, found again by email.
    made: { customers: 0, jobs: 8, invoices: 6 },
  },
];

let page: Page;

test.beforeAll(async ({ browser, baseURL }) => {
  page = await adminPage(browser, baseURL!);
});

test.afterAll(async () => {
  await page.context().close();
});

for (const c of CASES) {
  test(`imports ${c.file} through the UI, names its bad rows, and adds nothing the second time`, async () => {
    const kinds = Object.keys(c.made) as (keyof Case['made'])[];
    const before = Object.fromEntries(await Promise.all(kinds.map(async (k) => [k, await countOf(page, k)] as const)));

    await upload(page, c.file);
    for (const [field, header] of Object.entries(c.mapped)) {
      await expect(page.locator(`select[data-field="${field}"]`)).toHaveValue(header);
    }

    // Checked in the browser with the Worker's schema as soon as the columns are known.
    await expect(page.getByTestId('import-local-check')).toContainText(
      `${c.rows - c.bad.length} rows look right and ${c.bad.length} have problems`,
    );

    // The check: every bad row named, nothing written.
    await page.getByRole('button', { name: 'Check file' }).click();
    const summary = await finished(page);
    await expect(summary).toContainText(`${c.rows - c.bad.length} rows would be imported`);
    await expect(summary).toContainText(`${c.bad.length} have problems`);
    const report = page.getByTestId('import-report');
    await expect(report.locator('tbody tr')).toHaveCount(c.bad.length);
    for (const [i, bad] of c.bad.entries()) {
      const cells = report.locator('tbody tr').nth(i).locator('td');
      await expect(cells.nth(0)).toHaveText(String(bad.row));
      await expect(cells.nth(1)).toHaveText(bad.field);
      await expect(cells.nth(2)).toContainText(bad.problem);
    }
    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Download the report (CSV)' }).click();
    const text = readFileSync(await (await download).path(), 'utf8');
    expect(text.split('\r\n')[0]).toBe('row,field,problem');
    expect(text).toContain(`${c.bad[0]!.row},${c.bad[0]!.field},`);
    for (const k of kinds) expect(await countOf(page, k), `${k} after the check`).toBe(before[k]);

    // The import.
    await page.getByRole('button', { name: `Import ${c.rows} rows` }).click();
    await finished(page);
    await expect(summary).toContainText(`Imported: ${c.rows - c.bad.length} rows`);
    await expect(page.getByTestId('import-progress')).toHaveAttribute('value', String(c.rows));
    for (const k of kinds) expect(await countOf(page, k), `${k} after the import`).toBe(before[k]! + c.made[k]!);

    // The same file again: nothing new.
    await upload(page, c.file);
    await page.getByRole('button', { name: 'Check file' }).click();
    await finished(page);
    await expect(summary).toContainText(`${c.rows - c.bad.length} were imported before`);
    await page.getByRole('button', { name: `Import ${c.rows} rows` }).click();
    await finished(page);
    await expect(summary).toContainText('Imported: 0 rows (nothing new)');
    await expect(summary).toContainText(`${c.rows - c.bad.length} were already here`);
    for (const k of kinds) expect(await countOf(page, k), `${k} after the second import`).toBe(before[k]! + c.made[k]!);
  });
}

test('exports: the page offers every file, and org.json is one document with the imported records', async () => {
  await page.goto('/export');
  await expect(page.getByTestId('export-org')).toBeVisible();
  await expect(page.getByTestId('export-customers')).toHaveAttribute('href', '/api/exports/customers.csv');
  const doc = await apiIn<{ format: string; tables: Record<string, { email?: string }[]> }>(page, 'GET', '/api/exports/org.json');
  expect(doc.status).toBe(200);
  expect(doc.body.format).toBe('switchboard.org-export');
  expect(doc.body.tables.customers!.some((c) => c.email === 'dana.whitfield@example.com')).toBe(true);
  expect(doc.body.tables['import-keys']!.length).toBeGreaterThan(0);
});
