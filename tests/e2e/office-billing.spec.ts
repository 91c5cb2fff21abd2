/**
 * The office's first flow (issue 14, done when 1), through the UI as people would do it: the admin
 * adds a service to the price book and invites a dispatcher, who accepts, sets up an authenticator
 * app and signs in with it, and books a job on the board for the demo technician; the technician
 * completes it on the job page; the dispatcher adds its lines (one from the price book, one by
 * hand), creates the invoice, marks it sent, records part of the money and then the rest, and the
 * invoice shows paid. The records are then checked through the API.
 *
 * UPDATE_SCREENSHOTS=1 writes docs/screenshots/billing-*.png.
 */
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { invoiceTotals, lineTotalCents } from '../../core/money.ts';
import { test, expect, signInFully, apiIn, totpCode, ADMIN, TECHNICIAN, type Person } from './fixtures.ts';

const SHOOT = !!process.env.UPDATE_SCREENSHOTS;
const TECH_NAME = 'Terry Tech';

const contexts: BrowserContext[] = [];
test.afterEach(async () => {
  for (const c of contexts.splice(0)) await c.close();
});

async function newPage(browser: Browser, baseURL: string): Promise<Page> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1440, height: 1000 } });
  contexts.push(context);
  await context.addInitScript(() => localStorage.setItem('switchboard.board.view', 'schedule'));
  return context.newPage();
}

async function ok<T>(page: Page, method: string, path: string): Promise<T> {
  const res = await apiIn<T>(page, method, path);
  expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBe(200);
  return res.body;
}

/** Moves the job one status at a time with the job page's status form, as the person whose page it is. */
async function moveThrough(page: Page, steps: readonly (readonly [string, string])[]) {
  for (const [value, label] of steps) {
    await page.getByTestId('status-select').selectOption(value);
    await page.getByRole('button', { name: `Mark ${label}` }).click();
    // The status form may go away after the last step a role has (a technician's completed): read the badge.
    await expect(page.locator(`.badge[data-status="${value}"]`).first()).toBeVisible();
    // The page then reloads the job, which starts the status form over: the next step waits for that.
    await expect(page.getByRole('status').filter({ hasText: 'Updating…' })).toHaveCount(0);
  }
}

test('invite, second factor, a job booked, completed, billed, and paid in two parts', async ({ browser, baseURL }) => {
  test.setTimeout(420_000);
  const stamp = Date.now().toString(36);
  const who: Person & { name: string } = {
    email: `billing-${stamp}@example.test`,
    password: `correct horse ${stamp}`,
    name: `Dana Billing ${stamp}`,
  };

  // --- The admin: a service in the price book, then the invitation -----------------------------
  const admin = await newPage(browser, baseURL!);
  await signInFully(admin, ADMIN);
  const nav = admin.getByRole('navigation', { name: 'Main' });
  await nav.getByRole('link', { name: 'Price book' }).click();
  await expect(admin.getByTestId('pricebook')).toBeVisible();
  await admin.getByRole('button', { name: 'New item' }).click();
  const itemForm = admin.getByRole('form', { name: 'New price-book item' });
  await itemForm.getByLabel('Kind').selectOption('service');
  await itemForm.getByLabel('Code').fill(`E2E-${stamp}`);
  await itemForm.getByLabel('Name').fill(`Service call ${stamp}`);
  await itemForm.getByLabel('Price ($)').fill('89.00');
  await itemForm.getByRole('button', { name: 'Save' }).click();
  await expect(admin.getByRole('status').filter({ hasText: `Service call ${stamp} saved.` })).toBeVisible();
  if (SHOOT) await admin.screenshot({ path: 'docs/screenshots/billing-pricebook.png' });
  await admin.getByLabel('Search the price book').fill(stamp);
  await expect(admin.getByTestId('pricebook').getByRole('row')).toHaveCount(2);
  await expect(admin.getByTestId('pricebook')).toContainText(`Service call ${stamp}`);

  await nav.getByRole('link', { name: 'Users' }).click();
  await admin.getByLabel('Name', { exact: true }).fill(who.name);
  await admin.getByLabel('Email', { exact: true }).fill(who.email);
  await admin.getByLabel('Role', { exact: true }).selectOption('dispatcher');
  await admin.getByRole('button', { name: 'Send invitation' }).click();
  const link = await admin.getByLabel('Invitation link').inputValue();
  expect(link).toContain('/invite#');

  // --- The new dispatcher: password, authenticator app, signed in with both ----------------------
  const office = await newPage(browser, baseURL!);
  await office.goto(link);
  await expect(office.getByRole('heading', { name: `Welcome, ${who.name}`, level: 1 })).toBeVisible();
  await office.getByLabel('Choose a password').fill(who.password);
  await office.getByLabel('Type it again').fill(who.password);
  await office.getByRole('button', { name: 'Set password and continue' }).click();
  await expect(office).toHaveURL(/\/account$/);
  await office.getByRole('button', { name: 'Set up an authenticator app' }).click();
  who.totpSecret = ((await office.getByTestId('totp-secret').textContent()) ?? '').replace(/\s/g, '');
  await office.getByLabel('Type the 6-digit code the app now shows').fill(await totpCode(who.email, who.totpSecret));
  await office.getByRole('button', { name: 'Turn on' }).click();
  await office.getByRole('button', { name: 'I have saved them' }).click();
  await expect(office.getByText('Authenticator app turned on.')).toBeVisible();
  await office.getByRole('button', { name: 'Sign out' }).click();
  await expect(office).toHaveURL(/\/sign-in$/);
  await signInFully(office, who);
  expect((await ok<{ method: string; role: string }>(office, 'GET', '/api/auth/me')).method).toBe('password+totp');

  // --- A job on today's board for the demo technician ---------------------------------------
  const customer = (await ok<{ items: { id: string; name: string }[] }>(office, 'GET', '/api/customers?limit=1&fields=id,name')).items[0]!;
  await office.goto('/board');
  await expect(office.getByTestId('board')).toHaveAttribute('data-loaded', 'true');
  await office.getByTestId('new-job').click();
  const drawer = office.getByRole('form', { name: 'New job' });
  await drawer.getByRole('combobox', { name: 'Customer' }).fill(customer.name);
  await drawer
    .getByRole('option', { name: new RegExp(`^${customer.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`) })
    .first()
    .click();
  const place = drawer.getByRole('radio').first();
  await place.check();
  await drawer.getByLabel('Type').fill('Breaker replacement');
  await drawer.getByLabel('Description').fill(`Billing flow ${stamp}: breaker trips when the dryer runs.`);
  await drawer.getByLabel('Technician').selectOption({ label: TECH_NAME });
  await drawer.getByLabel(/^Start/).fill('10:00');
  await drawer.getByRole('button', { name: 'Create job' }).click();
  await expect(drawer).toBeHidden();
  const booked = await ok<{ items: { id: string; description: string }[] }>(
    office,
    'GET',
    `/api/jobs?customerId=${customer.id}&sort=-createdAt&limit=1&fields=id,description`,
  );
  expect(booked.items[0]!.description).toContain(stamp);
  const jobId = booked.items[0]!.id;

  await office.goto(`/jobs/${jobId}`);
  await moveThrough(office, [['dispatched', 'dispatched']]);

  // --- The technician completes it on the job page --------------------------------------------
  const tech = await newPage(browser, baseURL!);
  await signInFully(tech, TECHNICIAN);
  await tech.goto(`/jobs/${jobId}`);
  await moveThrough(tech, [
    ['en_route', 'en route'],
    ['on_site', 'on site'],
    ['completed', 'completed'],
  ]);

  // --- The office bills it: two lines, the invoice, sent, paid in two parts ---------------------
  await office.goto(`/jobs/${jobId}`);
  const editor = office.getByTestId('line-items-editor');
  await expect(editor.getByRole('button', { name: 'Add line' })).toBeVisible();
  const item = (await ok<{ items: { id: string }[] }>(office, 'GET', `/api/pricebook?q=E2E-${stamp}&fields=id`)).items[0]!;
  await editor.getByRole('button', { name: 'Add line' }).click();
  await editor.getByLabel('From the price book').selectOption(item.id);
  await expect(editor.getByLabel('Price each ($)')).toHaveValue('89.00');
  await editor.getByRole('button', { name: 'Add line' }).click();
  await expect(editor.getByTestId('line-items')).toContainText(`Service call ${stamp}`);
  await editor.getByRole('button', { name: 'Add line' }).click();
  await editor.getByLabel('Description').fill('Breaker, 20A');
  await editor.getByLabel('Quantity').fill('2');
  await editor.getByLabel('Price each ($)').fill('24.50');
  await editor.getByRole('button', { name: 'Add line' }).click();
  await expect(editor.getByTestId('line-items')).toContainText('Breaker, 20A');
  const org = await ok<{ taxRateBps: number }>(office, 'GET', '/api/org');
  const expected = invoiceTotals(
    [
      { totalCents: 8_900, taxable: false },
      { totalCents: lineTotalCents(2_000, 2_450), taxable: true },
    ],
    org.taxRateBps,
  );
  const dollars = (cents: number) => `$${(cents / 100).toFixed(2)}`;
  await expect(editor.getByTestId('lines-total')).toHaveText(dollars(expected.totalCents));
  if (SHOOT) await office.screenshot({ path: 'docs/screenshots/billing-job-lines.png', fullPage: true });

  await editor.getByRole('button', { name: 'Create invoice' }).click();
  await editor.getByRole('status').getByRole('link').click();
  await expect(office.getByRole('heading', { level: 1, name: /^Invoice #\d+$/ })).toBeVisible();
  const invoiceId = new URL(office.url()).pathname.split('/').pop()!;
  await expect(office.getByTestId('invoice-total')).toHaveText(dollars(expected.totalCents));
  await office.getByRole('button', { name: 'Mark sent' }).click();
  await expect(office.getByText('Marked as sent.')).toBeVisible();

  const payForm = office.getByRole('form', { name: 'Record payment' });
  await payForm.getByLabel('Amount ($)').fill('50.00');
  await payForm.getByLabel('Method').selectOption('check');
  await payForm.getByLabel('Reference').fill('Check #1042');
  await payForm.getByRole('button', { name: 'Record payment' }).click();
  await expect(office.getByText('Payment of $50.00 recorded.')).toBeVisible();
  await expect(office.getByTestId('invoice-balance')).toHaveText(dollars(expected.totalCents - 5_000));
  if (SHOOT) await office.screenshot({ path: 'docs/screenshots/billing-invoice.png', fullPage: true });
  // The rest: the form offers the balance.
  await expect(payForm.getByLabel('Amount ($)')).toHaveValue(((expected.totalCents - 5_000) / 100).toFixed(2));
  await payForm.getByLabel('Method').selectOption('card');
  await payForm.getByRole('button', { name: 'Record payment' }).click();
  await expect(office.getByTestId('invoice-status')).toHaveText('Paid');
  await expect(office.getByTestId('invoice-balance')).toHaveText('$0.00');
  await expect(payForm).toBeHidden();

  await office.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Invoices' }).click();
  await expect(office.getByTestId('receivables')).toBeVisible();
  await expect(office.getByTestId('invoices-list')).toBeVisible();
  if (SHOOT) await office.screenshot({ path: 'docs/screenshots/billing-invoices.png', fullPage: true });

  // --- The records ---------------------------------------------------------------------------
  const invoice = await ok<{
    status: string;
    jobId: string;
    customerId: string;
    subtotalCents: number;
    taxCents: number;
    totalCents: number;
    paidCents: number;
    lines: { description: string; quantityMilli: number; unitPriceCents: number; taxable: boolean; totalCents: number }[];
    payments: { amountCents: number; method: string; reference: string | null }[];
  }>(office, 'GET', `/api/invoices/${invoiceId}`);
  expect(invoice).toMatchObject({
    status: 'paid',
    jobId,
    customerId: customer.id,
    ...expected,
    paidCents: expected.totalCents,
  });
  expect(
    invoice.lines.map(({ description, quantityMilli, unitPriceCents, taxable, totalCents }) => ({
      description,
      quantityMilli,
      unitPriceCents,
      taxable,
      totalCents,
    })),
  ).toEqual([
    { description: `Service call ${stamp}`, quantityMilli: 1_000, unitPriceCents: 8_900, taxable: false, totalCents: 8_900 },
    { description: 'Breaker, 20A', quantityMilli: 2_000, unitPriceCents: 2_450, taxable: true, totalCents: 4_900 },
  ]);
  expect(invoice.payments.map((p) => [p.amountCents, p.method, p.reference])).toEqual([
    [5_000, 'check', 'Check #1042'],
    [expected.totalCents - 5_000, 'card', null],
  ]);
  const job = await ok<{ status: string; technicianId: string }>(office, 'GET', `/api/jobs/${jobId}`);
  expect(job.status).toBe('paid');
  const techs = await ok<{ items: { id: string; name: string }[] }>(office, 'GET', '/api/technicians?limit=200');
  expect(techs.items.find((t) => t.id === job.technicianId)?.name).toBe(TECH_NAME);
  const me = await ok<{ name: string; role: string }>(office, 'GET', '/api/auth/me');
  expect(me).toMatchObject({ name: who.name, role: 'dispatcher' });
});
