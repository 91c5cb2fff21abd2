/**
 * The smoke test: the built app served by `wrangler dev` boots under its strict CSP, a demo
 * dispatcher signs in through the form, sees the jobs and customers pages, and signs out.
 * Screenshots land in test-results/screenshots for a person to look at.
 */
import { mkdirSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { test, expect, signIn, signInFully, DISPATCHER } from './fixtures.ts';

const SHOTS = 'test-results/screenshots';
mkdirSync(SHOTS, { recursive: true });

test('the HTML carries the strict CSP and the app boots under it', async ({ page, request, problems }) => {
  const res = await request.get('/jobs');
  expect(res.status()).toBe(200);
  const csp = res.headers()['content-security-policy'] ?? '';
  const scriptSrc =
    csp
      .split(';')
      .map((d) => d.trim())
      .find((d) => d.startsWith('script-src')) ?? '';
  expect(scriptSrc).toMatch(/^script-src 'self'( 'sha256-[A-Za-z0-9+/=]+')+$/);
  expect(csp).toContain("object-src 'none'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(res.headers()['x-content-type-options']).toBe('nosniff');
  expect(res.headers()['x-frame-options']).toBe('DENY');
  expect(res.headers()['referrer-policy']).toBe('strict-origin-when-cross-origin');
  expect(res.headers()['strict-transport-security']).toContain('max-age=');

  // Not signed in: the app boots (Kit's hashed inline bootstrap ran) and sends us to sign in.
  await page.goto('/jobs');
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fjobs$/);
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  expect(await problems.violations()).toEqual([]);
  expect(problems.consoleErrors.filter((e) => /Content Security Policy|Refused to/i.test(e))).toEqual([]);
});

test('a wrong password gets one clear message that does not say which part was wrong', async ({ page }) => {
  await signIn(page, { email: DISPATCHER.email, password: 'not-the-password' });
  await expect(page.getByRole('alert')).toHaveText('That email and password do not match an active account.');
  await signIn(page, { email: 'nobody@demo.switchboard.test', password: 'not-the-password' });
  await expect(page.getByRole('alert')).toHaveText('That email and password do not match an active account.');
  await expect(page).toHaveURL(/\/sign-in$/);
});

test('API answers are compressed for clients that ask, once, and plain for those that do not', async ({ request, baseURL }) => {
  // Compression is the platform's: Cloudflare's front line in production, miniflare's entry
  // worker under wrangler dev, both by the client's Accept-Encoding. A Worker that compressed
  // too would send gzip inside gzip, or gzip to a client that never asked.
  const gzip = await request.get('/api/openapi.json', { headers: { 'accept-encoding': 'gzip' } });
  expect(gzip.headers()['content-encoding']).toBe('gzip');
  const body = await gzip.body();
  expect(body[0] === 0x1f && body[1] === 0x8b, 'body is still gzip after one decode: double compression').toBe(false);
  expect(JSON.parse(body.toString('utf8'))).toMatchObject({ openapi: '3.1.0' });

  // Node's own fetch sends no Accept-Encoding when told not to compress: the answer is plain.
  const plain = await fetch(`${baseURL}/api/health`, { headers: { 'accept-encoding': 'identity' } });
  expect(plain.headers.get('content-encoding')).toBeNull();
  expect(await plain.json()).toMatchObject({ status: 'ok' });
});

test('a dispatcher signs in, sees jobs and customers, and signs out', async ({ page, context, baseURL, problems }) => {
  // Password, then (once the demo office users have TOTP) a code computed from the demo secret.
  await signInFully(page);
  await expect(page).toHaveURL(/\/jobs(\?|$)/);

  // The session cookie keeps its production flags (Secure, HttpOnly, __Host-) on http://localhost:
  // browsers treat localhost as a secure context, so a Secure cookie is kept over plain http.
  const cookie = (await context.cookies(baseURL)).find((c) => c.name === '__Host-sb_session');
  expect(cookie, 'session cookie stored').toBeDefined();
  expect(cookie).toMatchObject({ secure: true, httpOnly: true, sameSite: 'Lax', path: '/' });

  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link', { name: 'Jobs' })).toHaveAttribute('aria-current', 'page');
  await expect(nav.getByRole('link', { name: 'Customers' })).toBeVisible();

  await checkJobsAndCustomers(page, baseURL!);

  // Phone-sized: the same page stays readable.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/jobs');
  await expect(page.getByRole('heading', { name: 'Jobs', level: 1 })).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/jobs-phone.png` });
  await page.setViewportSize({ width: 1280, height: 800 });

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  expect((await context.cookies(baseURL)).find((c) => c.name === '__Host-sb_session')).toBeUndefined();
  // The session is over on the server too: a signed-in page sends us back to sign in.
  await page.goto('/customers');
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fcustomers$/);

  expect(await problems.violations()).toEqual([]);
});

/** GET from inside the page, as the app does (same cookies, same origin). */
function apiStatus(page: Page, path: string): Promise<number> {
  return page.evaluate(async (p) => (await fetch(p)).status, path);
}

async function checkJobsAndCustomers(page: Page, baseURL: string) {
  // Today's jobs: the list or its empty state. The API is being built alongside this app, so
  // when it refuses (route not merged yet: 404; second factor not set up: 403) the page must
  // show the API's own error instead of breaking; the test notes which case it saw.
  const jobsStatus = await apiStatus(page, '/api/jobs?limit=1');
  if (jobsStatus === 200) {
    await expect(page.getByTestId('jobs-list').or(page.getByTestId('jobs-empty'))).toBeVisible();
  } else {
    test.info().annotations.push({ type: 'note', description: `GET /api/jobs answered ${jobsStatus}: checked the error state` });
    await expect(page.getByRole('alert')).toBeVisible();
  }
  await page.screenshot({ path: `${SHOTS}/jobs-desktop.png`, fullPage: true });

  // Customers: a customer created through the API shows up, its name full of markup that must
  // render as text; then search narrows the list and finds it by phone.
  const stamp = Date.now();
  const name = `Smoke <img src=x onerror="window.__xss=1"> Customer ${stamp}`;
  const email = `smoke-${stamp}@example.test`;
  const created = await page.request.post('/api/customers', {
    data: { name, phone: '512-555-0199', email },
    headers: { origin: baseURL },
  });
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Customers' }).click();
  await expect(page).toHaveURL(/\/customers$/);
  await expect(page.getByRole('heading', { name: 'Customers', level: 1 })).toBeVisible();
  if (created.status() === 403) {
    test.info().annotations.push({ type: 'note', description: 'customers refused with 403: checked the error state' });
    await expect(page.getByRole('alert')).toBeVisible();
    return;
  }
  expect(created.status(), 'create a customer').toBe(201);
  const rows = page.getByTestId('customers-list').locator(':scope > li');
  await expect(rows.first()).toBeVisible();
  const more = page.getByRole('button', { name: 'Load more customers' });
  if (await more.isVisible()) {
    const before = await rows.count();
    await more.click();
    await expect.poll(() => rows.count()).toBeGreaterThan(before);
  }

  const search = page.getByRole('searchbox', { name: 'Search customers' });
  await search.fill('zzz-no-such-customer');
  await expect(page.getByText('No customers match “zzz-no-such-customer”.')).toBeVisible();
  await expect(page).toHaveURL(/\?q=zzz-no-such-customer/);
  await search.fill(email);
  await expect(page.getByRole('link', { name })).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/customers-desktop.png`, fullPage: true });

  await page.getByRole('link', { name }).click();
  await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Service locations' })).toBeVisible();
  expect(await page.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined();
}

test('the API reference renders the OpenAPI document under the CSP', async ({ page, problems, baseURL }) => {
  // Scalar (worker/http/reference.ts) must work offline: nothing it asks for may leave this origin.
  const elsewhere: string[] = [];
  page.on('request', (req) => {
    if (new URL(req.url()).origin !== new URL(baseURL ?? '').origin) elsewhere.push(req.url());
  });
  await page.goto('/api/docs');
  const main = page.getByRole('main');
  // The first render waits for the document to be generated and parsed: slow on a busy machine,
  // so a longer wait (nothing here asserts how long it took).
  await expect(main.getByRole('heading', { name: 'Switchboard API', level: 1 })).toBeVisible({ timeout: 30_000 });
  const sidebar = page.getByRole('complementary', { name: 'Sidebar for Switchboard API' });
  await expect(sidebar.getByRole('link', { name: 'Auth', exact: true })).toBeVisible();
  await expect(sidebar.getByRole('link', { name: 'Customers', exact: true })).toBeVisible();
  await expect(main.getByRole('link', { name: 'post /api/auth/sign-in' })).toBeVisible();
  await sidebar.getByRole('link', { name: /^Sign in with email and password/ }).click();
  await expect(
    main.getByRole('heading', { name: 'Sign in with email and password; then a second factor when the person has one', level: 3 }),
  ).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/api-docs.png` });
  expect(await problems.violations()).toEqual([]);
  expect(problems.consoleErrors).toEqual([]);
  expect(elsewhere).toEqual([]);
});
