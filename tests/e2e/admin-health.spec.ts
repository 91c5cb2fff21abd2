/**
 * The admin's health page (/admin/health): reached from the navigation, it shows the figures of
 * GET /api/monitoring/health and whether error tracking is on, reads them again on Refresh, and
 * each test error answers with the request id to look for. A dispatcher has no Health entry.
 * A screenshot lands in test-results/screenshots for a person to look at.
 */
import { mkdirSync } from 'node:fs';
import { test, expect, signInFully, ADMIN, DISPATCHER } from './fixtures.ts';

const SHOTS = 'test-results/screenshots';
mkdirSync(SHOTS, { recursive: true });

test('an admin reads the health figures and sends both test errors', async ({ page, problems }) => {
  await signInFully(page, ADMIN);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Health' }).click();
  await expect(page).toHaveURL(/\/admin\/health$/);
  const figures = page.getByTestId('health-figures');
  await expect(figures).toContainText('Error tracking');
  // wrangler dev runs without SENTRY_DSN: the page says so plainly.
  await expect(figures).toContainText('Off: SENTRY_DSN is not set');
  await expect(figures).toContainText('Live connections');

  const readAt = page.getByTestId('health-read-at');
  const answered = page.waitForResponse((r) => r.url().endsWith('/api/monitoring/health'));
  await page.getByRole('button', { name: 'Refresh' }).click();
  expect((await answered).status()).toBe(200);
  await expect(readAt).toBeVisible();

  for (const [button, where] of [
    ['Send a test error from the Worker', 'worker'],
    ['Send a test error from a room', 'room'],
  ] as const) {
    const response = page.waitForResponse((r) => r.url().endsWith('/api/monitoring/test-error'));
    await page.getByRole('button', { name: button }).click();
    const res = await response;
    expect(res.status(), where).toBe(500);
    const requestId = res.headers()['x-request-id'];
    expect(requestId).toBeTruthy();
    await expect(page.getByTestId('test-error-request-id')).toHaveText(requestId!);
    await expect(page.getByTestId('test-error-result')).toContainText('answered 500 as it should');
  }
  await page.screenshot({ path: `${SHOTS}/admin-health.png`, fullPage: true });
  expect(await problems.violations()).toEqual([]);
});

test('a dispatcher has no Health page in the navigation', async ({ page }) => {
  await signInFully(page, DISPATCHER);
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link', { name: 'Board' })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Health' })).toHaveCount(0);
});
