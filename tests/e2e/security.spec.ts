/**
 * The sign-in and security screens in Chromium: a passkey registered through Chromium's virtual
 * authenticator (CDP WebAuthn domain) signs a new person in with no password; an authenticator
 * app is enrolled from the key shown in text with codes computed by otpauth, as a phone would;
 * recovery codes work once; the admin invites people and resets a second factor; and markup
 * stored in every text field the app shows renders as inert text.
 */
import { mkdirSync } from 'node:fs';
import type { CDPSession, Page } from '@playwright/test';
import { test, expect, adminPage, apiIn, invite, signIn, signInFully, totpCode, type Person } from './fixtures.ts';

const SHOTS = 'test-results/screenshots';
mkdirSync(SHOTS, { recursive: true });

/** Somewhere to sign in from: every new person gets their own address, password and name. */
function newPerson(kind: string): Person & { name: string } {
  const stamp = `${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
  return {
    email: `${kind}-${stamp}@example.test`,
    password: `correct horse ${stamp}`,
    name: `${kind[0]!.toUpperCase()}${kind.slice(1)} Person`,
  };
}

/** Opens the invitation link, checks what it says, sets the password; ends on /account. */
async function acceptInvitation(page: Page, link: string, who: Person & { name: string }) {
  await page.goto(link);
  await expect(page.getByRole('heading', { name: `Welcome, ${who.name}`, level: 1 })).toBeVisible();
  await expect(page.getByTestId('invite-email')).toHaveText(who.email);
  await page.screenshot({ path: `${SHOTS}/invite.png` });
  await page.getByLabel('Choose a password').fill(who.password);
  await page.getByLabel('Type it again').fill(who.password);
  await page.getByRole('button', { name: 'Set password and continue' }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole('heading', { name: 'Account security', level: 1 })).toBeVisible();
}

async function signOut(page: Page) {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
}

/** A platform authenticator with user verification, as on a laptop with a fingerprint reader. */
async function virtualAuthenticator(page: Page): Promise<{ cdp: CDPSession; authenticatorId: string }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return { cdp, authenticatorId };
}

test('a new dispatcher accepts an invitation, adds a passkey, and signs back in with it alone (button and autofill)', async ({
  browser,
  baseURL,
  page,
  problems,
}) => {
  const who = newPerson('passkey');
  const admin = await adminPage(browser, baseURL!);
  const link = await invite(admin, { email: who.email, name: who.name, role: 'dispatcher' });
  await admin.context().close();

  const { cdp, authenticatorId } = await virtualAuthenticator(page);
  await acceptInvitation(page, link, who);
  // An office role with a password only: the page says why it must add a factor.
  await expect(page.getByRole('heading', { name: 'Set up two-step sign-in to continue' })).toBeVisible();

  await page.getByLabel('Name for a new passkey').fill('Test laptop');
  await page.getByRole('button', { name: 'Add a passkey' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Passkey “Test laptop” added.' })).toBeVisible();
  await expect(page.getByTestId('passkeys-list')).toContainText('Test laptop');
  // The first factor lifts the enrolment notice (the session was rotated into a passkey one).
  await expect(page.getByRole('heading', { name: 'Set up two-step sign-in to continue' })).toHaveCount(0);
  const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
  expect(credentials).toHaveLength(1);
  expect(credentials[0]!.isResidentCredential).toBe(true);

  // The button, first as in a browser without passkey autofill: otherwise Chromium's virtual
  // authenticator answers the page's waiting autofill request before the button is pressed.
  await page.evaluate(() => Object.defineProperty(PublicKeyCredential, 'isConditionalMediationAvailable', { value: async () => false }));
  await signOut(page);
  await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
  await expect(page).toHaveURL(/\/jobs(\?|$)/);
  await expect(page.getByRole('heading', { name: 'Jobs', level: 1 })).toBeVisible();
  const me = await apiIn<{ email: string; method: string; mustEnrolSecondFactor: boolean }>(page, 'GET', '/api/auth/me');
  expect(me.body).toMatchObject({ email: who.email, method: 'passkey', mustEnrolSecondFactor: false });

  // A change that needs a recent sign-in: the page explains, and one button signs out and
  // comes back here. (The API's 403 is played back, since a real one needs a 5-minute wait.)
  await page.route('**/api/account/passkeys/*', (route) =>
    route.request().method() === 'DELETE'
      ? route.fulfill({
          status: 403,
          contentType: 'application/problem+json',
          body: JSON.stringify({
            type: 'about:blank',
            status: 403,
            title: 'Sign in again to change this',
            detail: 'Needs a sign-in in the last 5 minutes.',
          }),
        })
      : route.continue(),
  );
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Account' }).click();
  await page.getByRole('button', { name: 'Remove Test laptop' }).click();
  await page.getByRole('dialog', { name: 'Remove this passkey?' }).getByRole('button', { name: 'Remove passkey' }).click();
  const notice = page.getByRole('alert').filter({ hasText: 'Sign in again to change this.' });
  await expect(notice).toBeFocused();
  await notice.getByRole('button', { name: 'Sign out and sign in again' }).click();
  await expect(page).toHaveURL(/\/sign-in\?next=%2Faccount$/);
  await page.unroute('**/api/account/passkeys/*');
  await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByTestId('passkeys-list')).toContainText('Test laptop');

  // Autofill (conditional UI): a fresh sign-in page waits for a passkey chosen from the email
  // field's suggestions; the virtual authenticator chooses it, as the person would, no button.
  await signOut(page);
  await page.reload();
  await page.getByLabel('Email').click();
  await expect(page).toHaveURL(/\/jobs(\?|$)/);
  expect((await apiIn<{ email: string; method: string }>(page, 'GET', '/api/auth/me')).body).toMatchObject({
    email: who.email,
    method: 'passkey',
  });
  expect(await problems.violations()).toEqual([]);
});

test('a new manager enrols an authenticator app, then signs in with a code and with a recovery code', async ({
  browser,
  baseURL,
  page,
}) => {
  const who = newPerson('totp');
  const admin = await adminPage(browser, baseURL!);
  const link = await invite(admin, { email: who.email, name: who.name, role: 'manager' });
  await admin.context().close();
  await acceptInvitation(page, link, who);

  await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
  const qr = page.getByRole('img', { name: 'QR code to add Switchboard to your authenticator app' });
  await expect(qr).toBeVisible();
  expect(await qr.getAttribute('src')).toMatch(/^data:image\/svg\+xml;base64,/);
  // Focus moves to the code field, ready for the first code.
  await expect(page.getByLabel('Type the 6-digit code the app now shows')).toBeFocused();
  await page.screenshot({ path: `${SHOTS}/account-totp-setup.png`, fullPage: true });

  // The key as a person would type it into an app by hand.
  const secret = ((await page.getByTestId('totp-secret').textContent()) ?? '').replace(/\s/g, '');
  expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
  who.totpSecret = secret;
  await page.getByLabel('Type the 6-digit code the app now shows').fill(await totpCode(who.email, secret));
  await page.getByRole('button', { name: 'Turn on' }).click();

  const codes = page.getByTestId('recovery-codes').getByRole('listitem');
  await expect(codes).toHaveCount(10);
  const recovery = (await codes.allTextContents()).map((c) => c.trim());
  expect(new Set(recovery).size).toBe(10);
  await expect(page.getByRole('heading', { name: 'Save your recovery codes' })).toBeFocused();
  await page.screenshot({ path: `${SHOTS}/account-recovery-codes.png`, fullPage: true });
  await page.getByRole('button', { name: 'I have saved them' }).click();
  await expect(page.getByText('Authenticator app turned on.')).toBeVisible();
  await expect(page.getByText('10 recovery codes left')).toBeVisible();

  // Password, then a fresh code from the app.
  await signOut(page);
  await signInFully(page, who);
  await expect(page).toHaveURL(/\/jobs(\?|$)/);
  expect((await apiIn<{ method: string }>(page, 'GET', '/api/auth/me')).body.method).toBe('password+totp');

  // Password, then a recovery code instead.
  await signOut(page);
  await signIn(page, who);
  await page.getByRole('button', { name: 'Lost your phone? Use a recovery code' }).click();
  await expect(page.getByLabel('Recovery code')).toBeFocused();
  await page.getByLabel('Recovery code').fill(recovery[0]!);
  await page.getByLabel('Recovery code').press('Enter');
  await expect(page).toHaveURL(/\/jobs(\?|$)/);
  expect((await apiIn<{ method: string }>(page, 'GET', '/api/auth/me')).body.method).toBe('password+recovery');
  await page.goto('/account');
  await expect(page.getByText('9 recovery codes left')).toBeVisible();

  // The same recovery code a second time is refused, with the server's plain message.
  await signOut(page);
  await signIn(page, who);
  await page.getByRole('button', { name: 'Lost your phone? Use a recovery code' }).click();
  await page.getByLabel('Recovery code').fill(recovery[0]!);
  await page.getByLabel('Recovery code').press('Enter');
  await expect(page.getByRole('alert')).toContainText('already used');
  await expect(page).toHaveURL(/\/sign-in$/);
});

/** Markup and template syntax that would run if any page rendered API text as HTML. */
const PAYLOADS = [
  '<img src=x onerror=window.__xss=1>',
  '<script>window.__xss=1</script>',
  '"><svg onload=window.__xss=1>',
  'javascript:alert(1)',
  "{{constructor.constructor('window.__xss=1')()}}",
  '<a href="javascript:window.__xss=1">x</a>',
  '\'"><iframe srcdoc="<script>parent.__xss=1</script>">',
];

/** Fails the test if any script of ours ran, or any dialog opened, on this page. */
async function assertInert(page: Page, dialogs: string[]) {
  expect(await page.evaluate(() => (window as { __xss?: unknown }).__xss), `script ran on ${page.url()}`).toBeUndefined();
  expect(dialogs, `dialog opened on ${page.url()}`).toEqual([]);
  expect(await page.locator('main iframe, main script, main svg[onload], main img[onerror]').count()).toBe(0);
}

test('injection strings stored in every displayed text field come back byte for byte and render as inert text', async ({
  browser,
  baseURL,
  playwright,
}) => {
  test.setTimeout(180_000);
  const page = await adminPage(browser, baseURL!);
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  const stamp = `${Date.now()}`;
  // A day of its own, far ahead, so the jobs list shows exactly these jobs.
  const day = '2031-01-15';
  const noonThere = Date.parse(`${day}T18:00:00Z`);
  // Accepting invitations sets a session cookie: do it in a cookie jar of its own.
  const outsider = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { origin: baseURL! } });

  const stored: { customerId: string; jobId: string; texts: string[]; userName: string }[] = [];
  for (const [i, p] of PAYLOADS.entries()) {
    const post = async <T>(path: string, body: Record<string, unknown>) => {
      const res = await apiIn<T & { id: string }>(page, 'POST', path, body);
      expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBe(201);
      // What went in comes back unchanged, in every field we sent as text.
      for (const [k, v] of Object.entries(body))
        if (typeof v === 'string' && !k.endsWith('Id')) expect((res.body as Record<string, unknown>)[k], `${path} ${k}`).toBe(v);
      return res.body;
    };
    const customerName = `Inert ${stamp}-${i} ${p}`;
    const customer = await post('/api/customers', { name: customerName, notes: `Notes ${p}`, billingAddress: `${p} billing` });
    const location = await post('/api/locations', {
      customerId: customer.id,
      label: p.slice(0, 80),
      address: `1 ${p} St`,
      city: p.slice(0, 80),
      region: p.slice(0, 40),
      postalCode: '78701',
      lat: 30.27,
      lng: -97.74,
      accessNotes: `Gate ${p}`,
    });
    const tech = await post('/api/technicians', { name: `Tech ${p}`.slice(0, 120) });
    const job = await post('/api/jobs', {
      customerId: customer.id,
      locationId: location.id,
      type: p.slice(0, 80),
      description: `Job ${stamp}-${i} ${p}`,
      technicianId: tech.id,
      scheduledStart: noonThere + i * 3_600_000,
      durationMin: 30,
    });
    await post('/api/line-items', { jobId: job.id, description: `Line ${p}`, quantity: 1, unitPriceCents: 1000 });
    // The detail read back: every text byte for byte.
    const detail = await apiIn<Record<string, unknown>>(page, 'GET', `/api/jobs/${job.id}`);
    expect(detail.status).toBe(200);
    expect(detail.body.type).toBe(p.slice(0, 80));
    expect((detail.body.lineItems as { description: string }[])[0]!.description).toBe(`Line ${p}`);
    expect((detail.body.location as { accessNotes: string }).accessNotes).toBe(`Gate ${p}`);
    expect((detail.body.assignments as { name: string }[])[0]!.name).toBe(`Tech ${p}`.slice(0, 120));

    const userName = `User ${i} ${p}`;
    const link = await invite(page, { email: `inert-${stamp}-${i}@example.test`, name: userName, role: 'technician' });
    const accepted = await outsider.post('/api/invitations/accept', {
      data: { token: new URL(link).hash.slice(1), password: `inert password ${stamp}` },
    });
    expect(accepted.status()).toBe(201);
    stored.push({
      customerId: customer.id,
      jobId: job.id,
      userName,
      texts: [
        customerName,
        `Notes ${p}`,
        `${p} billing`,
        `1 ${p} St`,
        `Gate ${p}`,
        p.slice(0, 80),
        `Job ${stamp}-${i} ${p}`,
        `Line ${p}`,
        `Tech ${p}`,
      ],
    });
  }
  await outsider.dispose();

  const main = page.locator('main');
  await page.goto(`/customers?q=${stamp}`);
  for (const s of stored) await expect(main).toContainText(s.texts[0]!);
  await assertInert(page, dialogs);

  for (const s of stored) {
    await page.goto(`/customers/${s.customerId}`);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(s.texts[0]!);
    for (const t of s.texts.slice(0, 5)) await expect(main).toContainText(t);
    await assertInert(page, dialogs);
  }

  await page.goto(`/jobs?date=${day}`);
  for (const s of stored) await expect(main).toContainText(s.texts[6]!);
  for (const p of PAYLOADS) await expect(main).toContainText(p.slice(0, 80));
  await assertInert(page, dialogs);

  for (const s of stored) {
    await page.goto(`/jobs/${s.jobId}`);
    await expect(main).toContainText(s.texts[7]!);
    for (const t of s.texts.slice(3)) await expect(main).toContainText(t);
    await assertInert(page, dialogs);
  }

  await page.goto('/admin/users');
  for (const s of stored) await expect(page.getByTestId('users-table')).toContainText(s.userName);
  await assertInert(page, dialogs);
  await page.context().close();
});

test('the admin invites a person, sees the link, withdraws it, and resets a second factor after confirming', async ({
  browser,
  baseURL,
  page,
}) => {
  // Someone with an authenticator app, set up through the API as their phone would.
  const who = newPerson('reset');
  const admin = await adminPage(browser, baseURL!);
  const link = await invite(admin, { email: who.email, name: who.name, role: 'dispatcher' });
  await page.goto('/sign-in');
  expect(
    (await apiIn(page, 'POST', '/api/invitations/accept', { token: new URL(link).hash.slice(1), password: who.password })).status,
  ).toBe(201);
  const setup = await apiIn<{ secret: string }>(page, 'POST', '/api/account/totp/setup');
  expect(setup.status).toBe(200);
  const confirmed = await apiIn(page, 'POST', '/api/account/totp/confirm', { code: await totpCode(who.email, setup.body.secret) });
  expect(confirmed.status).toBe(200);

  await admin.goto('/admin/users');
  await expect(admin.getByRole('heading', { name: 'Users', level: 1 })).toBeVisible();
  await expect(admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' })).toHaveAttribute(
    'aria-current',
    'page',
  );
  await expect(admin.getByTestId('users-table')).toContainText(who.email);

  // Invite through the form: the one-time link is shown, ready to copy, and listed as open.
  const invitee = newPerson('invitee');
  await admin.getByLabel('Name', { exact: true }).fill(invitee.name);
  await admin.getByLabel('Email', { exact: true }).fill(invitee.email);
  await admin.getByLabel('Role', { exact: true }).selectOption('technician');
  await admin.getByRole('button', { name: 'Send invitation' }).click();
  const linkField = admin.getByLabel('Invitation link');
  await expect(linkField).toHaveValue(new RegExp(`^${baseURL!.replace(/[.:/]/g, '\\$&')}/invite#[A-Za-z0-9_-]{20,}$`));
  await expect(linkField).toBeFocused();
  await expect(admin.getByText(`It was also emailed to ${invitee.email}.`)).toBeVisible();
  await expect(admin.getByRole('button', { name: 'Copy link' })).toBeVisible();
  const invitations = admin.getByTestId('invitations-list');
  await expect(invitations).toContainText(invitee.email);
  await admin.screenshot({ path: `${SHOTS}/admin-users.png`, fullPage: true });

  // Withdrawn: gone from the list, and the link now says so in plain words.
  const withdrawnLink = await linkField.inputValue();
  await admin.getByRole('button', { name: `Withdraw the invitation for ${invitee.email}` }).click();
  await expect(admin.getByText(`Invitation for ${invitee.email} withdrawn`)).toBeVisible();
  await expect(admin.getByTestId('invitations-list').or(admin.getByText('No open invitations.')).first()).not.toContainText(invitee.email);
  const stranger = await browser.newPage({ baseURL });
  await stranger.goto(withdrawnLink);
  await expect(stranger.getByRole('heading', { name: 'This invitation can’t be used' })).toBeVisible();
  await expect(stranger.getByRole('alert')).toContainText('Ask your admin for a new one');
  await stranger.close();

  // Reset second factor: cancel first (nothing happens), then confirm.
  await admin
    .getByRole('button', { name: `Reset second factor for ${who.name}` })
    .first()
    .click();
  const dialog = admin.getByRole('dialog', { name: `Reset second factor for ${who.name}?` });
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  expect((await apiIn(page, 'GET', '/api/auth/me')).status).toBe(200);

  await admin
    .getByRole('button', { name: `Reset second factor for ${who.name}` })
    .first()
    .click();
  await dialog.getByRole('button', { name: 'Reset second factor' }).click();
  await expect(dialog).toBeHidden();
  await expect(admin.getByText(`Second factor reset for ${who.name}.`)).toBeVisible();
  // Their session is over, and their password alone now signs in, into enrolment only.
  expect((await apiIn(page, 'GET', '/api/auth/me')).status).toBe(401);
  const again = await apiIn<{ status: string; me?: { mustEnrolSecondFactor: boolean } }>(page, 'POST', '/api/auth/sign-in', {
    email: who.email,
    password: who.password,
  });
  expect(again.body).toMatchObject({ status: 'signed-in', me: { mustEnrolSecondFactor: true } });

  // Change role and deactivate, as the table offers.
  await admin.getByLabel(`Role for ${who.name}`).first().selectOption('manager');
  await expect(admin.getByText(`${who.name} is now a manager.`)).toBeVisible();
  await admin
    .getByRole('button', { name: `Deactivate ${who.name}` })
    .first()
    .click();
  await admin
    .getByRole('dialog', { name: `Deactivate ${who.name}?` })
    .getByRole('button', { name: 'Deactivate' })
    .click();
  await expect(admin.getByText(`${who.name} is deactivated and signed out.`)).toBeVisible();
  await expect(admin.getByRole('button', { name: `Reactivate ${who.name}` }).first()).toBeVisible();
  await admin.context().close();
});

test('the sign-in page offers a passkey, autofill and the password form', async ({ page, problems }) => {
  // Conditional UI: on load the page asks for passkey options and waits on the email field.
  const autofillStarted = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/api/auth/passkey/options'));
  await page.goto('/sign-in');
  await autofillStarted;
  await expect(page.getByRole('button', { name: 'Sign in with a passkey' })).toBeVisible();
  await expect(page.getByLabel('Email')).toHaveAttribute('autocomplete', 'username webauthn');
  await page.screenshot({ path: `${SHOTS}/sign-in.png` });
  // Keyboard only: Tab reaches the passkey button, the fields and the submit button in order.
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: 'Sign in with a passkey' })).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('Email')).toBeFocused();

  // A locked attempt says how long to wait, from Retry-After (played back: a real lock would
  // also lock this test machine's address for the tests after it).
  await page.route('**/api/auth/sign-in', (route) =>
    route.fulfill({
      status: 429,
      headers: { 'retry-after': '120', 'content-type': 'application/problem+json' },
      body: JSON.stringify({ type: 'about:blank', status: 429, title: 'Too many attempts' }),
    }),
  );
  await page.getByLabel('Email').fill('someone@example.test');
  await page.getByLabel('Password').fill('whatever it is');
  await page.getByLabel('Password').press('Enter');
  await expect(page.getByRole('alert')).toHaveText('Too many sign-in attempts. Try again in 2 minutes.');
  await expect(page.getByRole('alert')).toBeFocused();
  expect(await problems.violations()).toEqual([]);
  expect(problems.consoleErrors.filter((e) => !/429/.test(e))).toEqual([]);
});
