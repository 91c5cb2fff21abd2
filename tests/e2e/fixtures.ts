/**
 * Shared test fixtures: a page that records Content-Security-Policy violations and console
 * errors from the first byte, so a test can assert the app booted under the strict policy.
 */
import { test as base, expect, type Page } from '@playwright/test';

export const DISPATCHER = { email: 'dispatch@demo.switchboard.test', password: 'switchboard-demo' };

export interface BootProblems {
  /** securitypolicyviolation events seen by the page: "directive blockedURI". */
  violations: () => Promise<string[]>;
  consoleErrors: string[];
}

declare global {
  interface Window {
    __cspViolations?: string[];
  }
}

export const test = base.extend<{ problems: BootProblems }>({
  problems: async ({ page }, use) => {
    // Init scripts come from the test runner (DevTools), not the document, so the page's CSP
    // does not apply to this listener; it is there before any of the app's own scripts run.
    await page.addInitScript(() => {
      window.__cspViolations = [];
      document.addEventListener('securitypolicyviolation', (e) => {
        window.__cspViolations!.push(`${e.effectiveDirective} ${e.blockedURI || '(inline)'}`);
      });
    });
    const consoleErrors: string[] = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error') consoleErrors.push(msg.text());
    });
    page.on('pageerror', (err) => consoleErrors.push(`pageerror: ${err.message}`));
    await use({
      violations: () => page.evaluate(() => window.__cspViolations ?? []),
      consoleErrors,
    });
  },
});

export { expect };

export async function signIn(page: Page, who = DISPATCHER): Promise<void> {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  // Enter in the password field submits, as a keyboard user would.
  await page.getByLabel('Password').press('Enter');
}
