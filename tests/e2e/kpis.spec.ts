/**
 * The manager's numbers in Chromium against the real API and the org's live room: a manager's
 * page moves when a technician, in another browser context, completes a job through the API, and
 * the figure's drill-down lists that job and exports it as CSV. Then the page by keyboard (the
 * scorecard's sort, the charts' table alternative) and Chart.js fetched by this page only. With
 * UPDATE_SCREENSHOTS=1 it also writes the README's screenshots of the page.
 *
 * Calendar-proof: the range is yesterday to tomorrow in the org's zone (a completion now is in it
 * whatever the hour, even across midnight), and the job is one of the technician's own that can
 * still be completed, found in the data.
 */
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { presetRange } from '../../core/kpis.ts';
import { addDays, localDateOf } from '../../core/time.ts';
import { DEMO_PASSWORD, DEMO_TOTP_SECRET } from '../../db/seed/demo-secrets.ts';
import { test, expect, signInFully, apiIn, adminPage, TECHNICIAN, type Person } from './fixtures.ts';

const MANAGER: Person = { email: 'manager@demo.switchboard.test', password: DEMO_PASSWORD, totpSecret: DEMO_TOTP_SECRET };
const SHOOT = !!process.env.UPDATE_SCREENSHOTS;

type State = Awaited<ReturnType<BrowserContext['storageState']>>;
test.describe.configure({ mode: 'serial' });

let managerState: State;
let technicianState: State;
let timezone = 'UTC';
const contexts: BrowserContext[] = [];

async function signedInState(browser: Browser, baseURL: string, who: Person): Promise<{ state: State; page: Page }> {
  const context = await browser.newContext({ baseURL });
  contexts.push(context);
  const page = await context.newPage();
  await signInFully(page, who);
  return { state: await context.storageState(), page };
}

test.beforeAll(async ({ browser, baseURL }) => {
  const manager = await signedInState(browser, baseURL!, MANAGER);
  managerState = manager.state;
  timezone = (await apiIn<{ timezone: string }>(manager.page, 'GET', '/api/auth/me')).body.timezone;
  technicianState = (await signedInState(browser, baseURL!, TECHNICIAN)).state;
  for (const c of contexts.splice(0)) await c.close();
});

test.afterEach(async () => {
  for (const c of contexts.splice(0)) await c.close();
});

async function open(browser: Browser, baseURL: string, state: State, viewport = { width: 1280, height: 900 }): Promise<Page> {
  const context = await browser.newContext({ baseURL, storageState: state, viewport });
  contexts.push(context);
  return context.newPage();
}

/** Yesterday to tomorrow in the org's zone: a completion made now falls in it at any hour. */
function aroundNow(): { from: string; to: string } {
  const today = localDateOf(Date.now(), timezone);
  return { from: addDays(today, -1), to: addDays(today, 1) };
}

interface JobRow {
  id: string;
  number: number;
  status: string;
}

/**
 * One of the technician's own jobs that can still be completed: one already on its way if there
 * is one, else a scheduled one, which the admin dispatches (a technician's statuses start at en route).
 */
async function aJobToComplete(tech: Page, browser: Browser, baseURL: string): Promise<JobRow> {
  const list = await apiIn<{ items: JobRow[] }>(
    tech,
    'GET',
    '/api/jobs?status=dispatched,en_route,on_site,scheduled&limit=200&sort=number',
  );
  expect(list.status, JSON.stringify(list.body)).toBe(200);
  const order = ['on_site', 'en_route', 'dispatched', 'scheduled'];
  const job = [...list.body.items].sort((a, b) => order.indexOf(a.status) - order.indexOf(b.status))[0];
  if (!job) throw new Error('the demo technician has no job that can still be completed');
  if (job.status === 'scheduled') {
    const admin = await adminPage(browser, baseURL);
    contexts.push(admin.context());
    const res = await apiIn(admin, 'POST', `/api/jobs/${job.id}/transitions`, { to: 'dispatched' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    job.status = 'dispatched';
  }
  return job;
}

/** The technician's way to completed, one status at a time, as their phone sends them. */
async function complete(tech: Page, job: JobRow): Promise<void> {
  const path = ['dispatched', 'en_route', 'on_site', 'completed'];
  for (const to of path.slice(path.indexOf(job.status) + 1)) {
    const res = await apiIn(tech, 'POST', `/api/jobs/${job.id}/transitions`, { to });
    expect(res.status, `${to}: ${JSON.stringify(res.body)}`).toBe(200);
  }
}

const COUNT = new Intl.NumberFormat('en-US');

test('a completion in another browser moves the manager’s count within 2 s, and its drill-down lists and exports the job', async ({
  browser,
  baseURL,
  problems,
}) => {
  const range = aroundNow();
  const page = await open(browser, baseURL!, managerState);
  await page.goto(`/kpis?from=${range.from}&to=${range.to}`);
  const completed = page.getByTestId('figure-completed');
  await expect(completed).toBeVisible();
  // The live channel is open: what follows is pushed to the page, not picked up by a reconnect's read.
  await expect(page.getByTestId('updated')).toHaveAttribute('data-connected', 'true');
  const before = Number((await completed.textContent())!.replace(/\D/g, ''));

  const tech = await open(browser, baseURL!, technicianState);
  await tech.goto('/jobs');
  const job = await aJobToComplete(tech, browser, baseURL!);
  await complete(tech, job);

  // The "within 2 s": a wait for the pushed change, not a measurement of its speed.
  await expect(completed).toHaveText(COUNT.format(before + 1), { timeout: 2_000 });

  await page.getByRole('button', { name: 'See the jobs behind Jobs completed' }).click();
  const dialog = page.getByRole('dialog', { name: 'Jobs completed' });
  await expect(dialog).toBeVisible();
  const row = dialog.locator(`tr[data-job-id="${job.id}"]`);
  await expect(row).toBeVisible();
  await expect(row.getByRole('link', { name: `#${job.number}` })).toHaveAttribute('href', `/jobs/${job.id}`);

  const [download] = await Promise.all([page.waitForEvent('download'), dialog.getByRole('link', { name: 'Export CSV' }).click()]);
  const csv = readFileSync((await download.path())!, 'utf8');
  const [header, ...rows] = csv.trim().split(/\r?\n/);
  expect(header!.split(',')).toEqual(expect.arrayContaining(['id', 'number', 'customerName', 'completedAt']));
  expect(rows.some((r) => r.startsWith(`${job.id},${job.number},`))).toBe(true);

  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  expect(await problems.violations()).toEqual([]);
});

test('by keyboard: the scorecard sorts, each chart has its table, and only this page fetches Chart.js', async ({ browser, baseURL }) => {
  const page = await open(browser, baseURL!, managerState);
  /** Scripts that carry Chart.js (its own "chartjs" names), by URL. */
  const chartScripts = new Set<string>();
  page.on('response', async (res) => {
    if (res.request().resourceType() !== 'script') return;
    if ((await res.text().catch(() => '')).includes('chartjs')) chartScripts.add(res.url());
  });
  await page.goto('/jobs');
  await expect(page.getByRole('heading', { name: 'Jobs', level: 1 })).toBeVisible();
  await page.goto('/board');
  await expect(page.getByTestId('board')).toHaveAttribute('data-loaded', 'true');
  expect([...chartScripts], 'Chart.js fetched by another page').toEqual([]);

  // This month: the demo's history makes it a range with work whatever the day.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Numbers' }).click();
  await page.getByRole('button', { name: 'This month' }).click();
  await expect(page.getByRole('button', { name: 'This month' })).toHaveAttribute('aria-pressed', 'true');
  await expect(page).toHaveURL(/\?from=\d{4}-\d\d-01&to=\d{4}-\d\d-\d\d$/);
  await expect(page.getByTestId('chart-revenue')).toHaveAttribute('data-ready', 'true');
  expect(chartScripts.size).toBe(1);

  const scorecard = page.getByTestId('scorecard');
  const sortByName = scorecard.getByRole('button', { name: /^Technician/ });
  await sortByName.focus();
  await page.keyboard.press('Enter');
  await expect(scorecard.locator('th[aria-sort="ascending"]')).toContainText('Technician');
  const names = await scorecard.locator('tbody th').allTextContents();
  expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
  await page.keyboard.press('Enter');
  await expect(scorecard.locator('th[aria-sort="descending"]')).toContainText('Technician');

  const chart = page.getByTestId('chart-completed');
  const toggle = chart.getByRole('button', { name: 'Show as table' });
  await toggle.focus();
  await page.keyboard.press('Space');
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  await expect(chart.getByRole('table')).toBeVisible();
  // A row per day of the month.
  expect(await chart.locator('tbody tr').count()).toBeGreaterThanOrEqual(28);

  if (SHOOT) {
    // Last month in full: a month of history in every chart (this month may be days old).
    const last = presetRange('month', addDays(`${localDateOf(Date.now(), timezone).slice(0, 8)}01`, -1));
    await page.getByLabel('From', { exact: true }).fill(last.from);
    await page.getByLabel('To', { exact: true }).fill(last.to);
    await page.getByRole('button', { name: 'Show range' }).click();
    await expect(page).toHaveURL(new RegExp(`from=${last.from}&to=${last.to}$`));
    await expect(page.getByTestId('chart-revenue')).toHaveAttribute('data-ready', 'true');
    // A new range draws the charts afresh; the completions chart is shown as its table, the alternative every chart has.
    await toggle.click();
    await expect(toggle).toHaveAttribute('aria-pressed', 'true');
    await toggle.blur();
    await page.screenshot({ path: 'docs/screenshots/kpis-desktop.png', fullPage: true });
    await page.getByRole('button', { name: 'See the jobs behind Jobs completed' }).click();
    await expect(page.getByTestId('drill').locator('tbody tr').first()).toBeVisible();
    await page.screenshot({ path: 'test-results/screenshots/kpis-drill.png' });
    await page.keyboard.press('Escape');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: 'docs/screenshots/kpis-phone.png' });
  }
});

test('the job page links a return visit to an earlier job of the same customer, and clears it', async ({ browser, baseURL }) => {
  const admin = await adminPage(browser, baseURL!);
  contexts.push(admin.context());
  type Row = { id: string; number: number; type: string; customerId: string };
  const fields = 'fields=id,number,type,customerId';
  // A job still to be done whose customer has an earlier job: the return visit and its original.
  const todo = await apiIn<{ items: Row[] }>(admin, 'GET', `/api/jobs?status=unscheduled,scheduled&limit=50&sort=-number&${fields}`);
  expect(todo.status).toBe(200);
  let visit: Row | undefined;
  for (const job of todo.body.items) {
    const first = await apiIn<{ items: Row[] }>(admin, 'GET', `/api/jobs?customerId=${job.customerId}&sort=number&limit=1&${fields}`);
    if (first.body.items[0] && first.body.items[0].number < job.number) {
      visit = job;
      break;
    }
  }
  if (!visit) throw new Error('no customer with an earlier job and one still to be done');

  await admin.goto(`/jobs/${visit.id}`);
  const section = admin.getByRole('region', { name: 'Return visit of' });
  await expect(section).toContainText('Not a return visit.');
  await section.getByRole('button', { name: 'Change return visit of' }).click();
  const picker = section.getByLabel('Earlier job of this customer');
  // The customer's other jobs, newest first, by number: take the first the page offers.
  const choice = picker.locator('option:not([value=""])').first();
  await expect(choice).toHaveText(/^#\d+ · /);
  const [id, words] = [(await choice.getAttribute('value'))!, (await choice.textContent())!];
  await picker.selectOption(id);
  await section.getByRole('button', { name: 'Save' }).click();
  await expect(section.getByRole('link', { name: words })).toHaveAttribute('href', `/jobs/${id}`);
  expect((await apiIn<{ returnVisitOf: string | null }>(admin, 'GET', `/api/jobs/${visit.id}`)).body.returnVisitOf).toBe(id);

  await section.getByRole('button', { name: 'Change return visit of' }).click();
  await section.getByLabel('Earlier job of this customer').selectOption('');
  await section.getByRole('button', { name: 'Save' }).click();
  await expect(section).toContainText('Not a return visit.');
  expect((await apiIn<{ returnVisitOf: string | null }>(admin, 'GET', `/api/jobs/${visit.id}`)).body.returnVisitOf).toBeNull();
});

test('the numbers and a drill-down, read anew or kept, reach a client compressed once, and plain when it asks for plain', async ({
  browser,
  baseURL,
}) => {
  // A kept answer is gzipped once by the Worker and sent as it is (worker/kpis/cache.ts keptResponse);
  // the platform must not compress it again, and a client that does not accept gzip gets the text.
  const page = await open(browser, baseURL!, managerState);
  const { from, to } = aroundNow();
  for (const path of [`/api/kpis?from=${from}&to=${to}`, `/api/kpis/completed?from=${from}&to=${to}`]) {
    let first: unknown;
    for (const read of ['anew', 'kept']) {
      const gzip = await page.request.get(path, { headers: { 'accept-encoding': 'gzip' } });
      expect(gzip.status(), `${path} ${read}`).toBe(200);
      expect(gzip.headers()['content-encoding'], `${path} ${read}`).toBe('gzip');
      const body = await gzip.body();
      expect(body[0] === 0x1f && body[1] === 0x8b, `${path} ${read}: still gzip after one decode`).toBe(false);
      const parsed = JSON.parse(body.toString('utf8'));
      if (read === 'anew') first = parsed;
      else expect(parsed).toEqual(first);
    }
    const plain = await page.request.get(path, { headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers()['content-encoding'], path).toBeUndefined();
    expect(JSON.parse((await plain.body()).toString('utf8'))).toEqual(first);
  }
});
