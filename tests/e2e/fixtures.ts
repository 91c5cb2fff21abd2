/**
 * Shared test fixtures: a page that records Content-Security-Policy violations and console
 * errors from the first byte, so a test can assert the app booted under the strict policy.
 */
import { test as base, expect, type Browser, type Page } from '@playwright/test';
import { Secret, TOTP } from 'otpauth';
import { DEMO_PASSWORD, DEMO_TOTP_SECRET } from '../../db/seed/demo-secrets.ts';
import { addDays, localDateOf, weekdayOf } from '../../core/time.ts';

export interface Person {
  email: string;
  password: string;
  /** Base32 authenticator-app secret, when the person has one (the demo office users do). */
  totpSecret?: string;
}

export const DISPATCHER: Person = { email: 'dispatch@demo.switchboard.test', password: DEMO_PASSWORD, totpSecret: DEMO_TOTP_SECRET };
export const ADMIN: Person = { email: 'admin@demo.switchboard.test', password: DEMO_PASSWORD, totpSecret: DEMO_TOTP_SECRET };
export const TECHNICIAN: Person = { email: 'tech@demo.switchboard.test', password: DEMO_PASSWORD };

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

/** The TOTP step each account last used in this test process: the server takes each step once. */
const lastStep = new Map<string, number>();

/**
 * A code for `account` that the server has not seen yet, as an authenticator app would show it.
 * The server accepts the current step and one either side but each only once, so a second code
 * in the same 30 s uses the next step, and a third waits until that one is current.
 */
export async function totpCode(account: string, secret: string): Promise<string> {
  const now = () => Math.floor(Date.now() / 30_000);
  let step = Math.max(now(), (lastStep.get(account) ?? -1) + 1);
  while (step > now() + 1) await new Promise((r) => setTimeout(r, 1_000));
  step = Math.max(step, now());
  lastStep.set(account, step);
  return TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: step * 30_000 });
}

/**
 * Signs in through the form and, when the API asks for one, gives the authenticator-app code;
 * returns once the app has left the sign-in page. Works whether or not the account has TOTP.
 */
export async function signInFully(page: Page, who: Person = DISPATCHER): Promise<void> {
  await signIn(page, who);
  const codeField = page.getByLabel('Code from your authenticator app');
  await expect(page.getByRole('navigation', { name: 'Main' }).or(codeField)).toBeVisible();
  if (await codeField.isVisible()) {
    if (!who.totpSecret) throw new Error(`${who.email} was asked for a code but the test knows no secret`);
    const nav = page.getByRole('navigation', { name: 'Main' });
    const refused = page.getByRole('alert').filter({ hasText: 'already used' });
    // A code this process has not used may still have been used by an earlier process (a
    // restarted worker forgets lastStep): then the next step's code is the right one.
    for (let attempt = 0; attempt < 3; attempt++) {
      await codeField.fill(await totpCode(who.email, who.totpSecret));
      await codeField.press('Enter');
      await expect(nav.or(refused)).toBeVisible();
      if (await nav.isVisible()) break;
    }
  }
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
}

export interface ApiAnswer<T = unknown> {
  status: number;
  body: T;
}

/**
 * Calls the API from inside the page, as the app does: same origin (so the Origin check
 * passes), the page's session cookie, JSON in and out.
 */
export async function apiIn<T = unknown>(page: Page, method: string, path: string, body?: unknown): Promise<ApiAnswer<T>> {
  return page.evaluate(
    async ({ method, path, body }) => {
      const res = await fetch(path, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        // not JSON: keep the text
      }
      return { status: res.status, body: parsed as T };
    },
    { method, path, body },
  );
}

/** A page in its own browser context, signed in as the demo admin (for setting things up). */
export async function adminPage(browser: Browser, baseURL: string): Promise<Page> {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await signInFully(page, ADMIN);
  return page;
}

/** Invites a new person through the API as the admin; answers the one-time link. */
export async function invite(admin: Page, person: { email: string; name: string; role: string }): Promise<string> {
  const res = await apiIn<{ link: string }>(admin, 'POST', '/api/invitations', person);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.link;
}

/**
 * The first day after today (in the org's zone) on which every named technician works, chosen
 * from the data rather than assumed: "tomorrow" is a Friday or a Sunday on some days of the
 * week, and some demo technicians work neither. The demo plans a week ahead, so one is found.
 */
export async function dayWhenAllWork(page: Page, names: readonly string[]): Promise<{ day: string; timezone: string }> {
  const me = await apiIn<{ timezone: string }>(page, 'GET', '/api/auth/me');
  const list = await apiIn<{ items: { name: string; shiftDays: number[] }[] }>(page, 'GET', '/api/technicians?limit=200&active=true');
  const today = localDateOf(Date.now(), me.body.timezone);
  for (let ahead = 1; ahead <= 7; ahead++) {
    const day = addDays(today, ahead);
    const weekday = weekdayOf(day);
    if (names.every((n) => list.body.items.find((t) => t.name === n)?.shiftDays.includes(weekday)))
      return { day, timezone: me.body.timezone };
  }
  throw new Error(`No day in the coming week on which all of ${names.join(', ')} work`);
}
