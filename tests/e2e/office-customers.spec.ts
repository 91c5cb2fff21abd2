/**
 * The office's records through the UI only, as a person would (issue 14, "done when" flow 2 and
 * items 3, 4 and 7), each test ending with API checks of what was written:
 *
 * 1. A dispatcher adds a customer with an address: the pin lands on the ZIP code's centre (no
 *    coordinates typed) and is dragged to the spot; edits the customer; on the board creates a job
 *    for them with a technician and a start, moves the card to another technician on the board,
 *    and takes it through dispatched, en route and on site to completed in the job drawer.
 * 2. An admin adds a technician (skills, licence, shift, home base placed by ZIP and dragged,
 *    colour, truck) and changes the org's settings (tax rate, business hours), then puts the
 *    settings back so other specs see the demo as seeded.
 *
 * Calendar-proof: the board day is the first coming day on which both technicians named work,
 * found in the data. UPDATE_SCREENSHOTS=1 also writes the README's screenshots of these screens.
 */
import type { Browser, BrowserContext, Locator, Page } from '@playwright/test';
import { zonedInstant } from '../../core/time.ts';
import { test, expect, signInFully, apiIn, dayWhenAllWork, ADMIN, DISPATCHER } from './fixtures.ts';

const SHOOT = !!process.env.UPDATE_SCREENSHOTS;
const FIRST = 'Marcus Delgado';
const SECOND = 'Priya Raman';

test.describe.configure({ mode: 'serial' });

const contexts: BrowserContext[] = [];
test.afterEach(async () => {
  for (const c of contexts.splice(0)) await c.close();
});

async function signedIn(browser: Browser, baseURL: string, who = DISPATCHER): Promise<Page> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1600, height: 1000 } });
  contexts.push(context);
  // The board's schedule alone: the map has its own spec and would only take CPU and width here.
  await context.addInitScript(() => localStorage.setItem('switchboard.board.view', 'schedule'));
  const page = await context.newPage();
  await signInFully(page, who);
  return page;
}

/** A mouse drag in small steps, as a person's hand moves. */
async function drag(page: Page, from: { x: number; y: number }, to: { x: number; y: number }): Promise<void> {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  const steps = 10;
  for (let i = 1; i <= steps; i++) await page.mouse.move(from.x + ((to.x - from.x) * i) / steps, from.y + ((to.y - from.y) * i) / steps);
  await page.mouse.up();
}

/** Drags the map pin by (dx, dy) pixels and answers where the form now says it is. */
async function dragPin(page: Page, scope: Locator, dx: number, dy: number): Promise<{ lat: number; lng: number }> {
  const picker = scope.getByTestId('pin-picker');
  await expect(picker).toHaveAttribute('data-ready', 'true', { timeout: 20_000 });
  const before = { lat: Number(await picker.getAttribute('data-lat')), lng: Number(await picker.getAttribute('data-lng')) };
  const pin = picker.getByTestId('pin');
  await pin.scrollIntoViewIfNeeded();
  const box = (await pin.boundingBox())!;
  // MapLibre's default marker points at its bottom centre; grab it in its head.
  const from = { x: box.x + box.width / 2, y: box.y + box.height / 3 };
  await drag(page, from, { x: from.x + dx, y: from.y + dy });
  await expect(scope.getByTestId('pin-status')).toContainText('Pin placed');
  await expect(picker).not.toHaveAttribute('data-lat', String(before.lat));
  const after = { lat: Number(await picker.getAttribute('data-lat')), lng: Number(await picker.getAttribute('data-lng')) };
  // Dragged right and up: east and north of the ZIP centre.
  expect(after.lng).toBeGreaterThan(before.lng);
  expect(after.lat).toBeGreaterThan(before.lat);
  return after;
}

/** The viewport point of an instant on a technician's row (the board's own axis attributes). */
async function pointAt(page: Page, techId: string, instant: number): Promise<{ x: number; y: number }> {
  await page.evaluate((id) => {
    const row = document.querySelector<HTMLElement>(`[data-row-tech="${CSS.escape(id)}"]`)!;
    const scroller = row.closest<HTMLElement>('[data-axis-start]')!;
    scroller.scrollLeft = 0;
    scroller.scrollTop = Math.max(0, row.offsetTop - 28);
    row.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }, techId);
  const scroller = page.locator('[data-axis-start]');
  const axisStart = Number(await scroller.getAttribute('data-axis-start'));
  const pxPerMin = Number(await scroller.getAttribute('data-px-per-min'));
  const box = (await page.locator(`[data-drop="technician"][data-tech-id="${techId}"]`).boundingBox())!;
  return { x: box.x + ((instant - axisStart) / 60_000) * pxPerMin, y: box.y + Math.min(box.height / 2, 20) };
}

test('a new customer with an address placed by ZIP and dragged, a job for them assigned and moved on the board, completed', async ({
  browser,
  baseURL,
}) => {
  const page = await signedIn(browser, baseURL!);
  const stamp = Date.now().toString(36);
  const name = `Harriet Ampere ${stamp}`;

  // --- The customer, through the Customers screen -------------------------------------------
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Customers' }).click();
  await page.getByRole('link', { name: 'New customer' }).click();
  await expect(page.getByRole('heading', { name: 'New customer', level: 1 })).toBeVisible();
  const customerForm = page.getByRole('form', { name: 'New customer' });
  await customerForm.getByLabel('Name').fill(name);
  await customerForm.getByLabel('Phone').fill('512-555-0142');
  await customerForm.getByLabel('Email').fill(`harriet-${stamp}@example.test`);
  await customerForm.getByLabel('Tags').fill('residential, e2e');
  await customerForm.getByLabel('Notes').fill('Prefers mornings.');
  await customerForm.getByRole('button', { name: 'Create customer' }).click();
  await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
  const customerId = new URL(page.url()).pathname.split('/').pop()!;

  // Straight on to the first service location: no coordinates typed, the ZIP places the pin.
  const locationForm = page.getByRole('form', { name: 'New service location' });
  await locationForm.getByLabel('Street address').fill('1500 S Congress Ave');
  await locationForm.getByLabel('City').fill('Austin');
  await locationForm.getByLabel('State / region').fill('TX');
  await locationForm.getByLabel('Postal code').fill('78704');
  await expect(locationForm.getByTestId('pin-status')).toContainText('Placed at the centre of ZIP 78704');
  const centre = (await apiIn<{ lat: number; lng: number }>(page, 'GET', '/api/geocode?postalCode=78704')).body;
  await expect(locationForm.getByTestId('pin-picker')).toHaveAttribute('data-lat', String(centre.lat));
  const spot = await dragPin(page, locationForm, 60, -40);
  if (SHOOT) await page.screenshot({ path: 'docs/screenshots/customer-location-desktop.png', fullPage: true });
  await locationForm.getByRole('button', { name: 'Add location' }).click();
  const locations = page.getByTestId('locations-list');
  await expect(locations).toContainText('1500 S Congress Ave, Austin, TX 78704');

  // Edited afterwards: the notes change.
  await page.getByRole('button', { name: 'Edit customer' }).click();
  const editForm = page.getByRole('form', { name: 'Change customer' });
  await editForm.getByLabel('Notes').fill('Prefers mornings. Dog in the yard.');
  await editForm.getByRole('button', { name: 'Save customer' }).click();
  await expect(page.getByText('Prefers mornings. Dog in the yard.')).toBeVisible();
  if (SHOOT) await page.screenshot({ path: 'docs/screenshots/customer-desktop.png', fullPage: true });

  // Found again from the list, by search and then by one of its tags.
  await page.getByRole('link', { name: '← All customers' }).click();
  await page.getByRole('searchbox', { name: 'Search customers' }).fill(name);
  const row = page.getByTestId('customers-list').locator(':scope > li').filter({ hasText: name });
  await row.getByRole('button', { name: 'Customers tagged e2e' }).click();
  await expect(page).toHaveURL(/[?&]tag=e2e/);
  await expect(page.getByText('Tagged e2e')).toBeVisible();
  await expect(page.getByTestId('customers-list').getByRole('link', { name })).toBeVisible();
  await page.getByRole('link', { name }).click();
  await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();

  // --- A job for them on the board ---------------------------------------------------------
  const { day, timezone } = await dayWhenAllWork(page, [FIRST, SECOND]);
  const techs = (await apiIn<{ items: { id: string; name: string }[] }>(page, 'GET', '/api/technicians?limit=200&active=true')).body.items;
  const techId = (n: string) => techs.find((t) => t.name === n)!.id;
  await page.goto(`/board/${day}`);
  await expect(page.getByTestId('board')).toHaveAttribute('data-loaded', 'true');
  await expect(page.getByTestId('connection')).toContainText('Live');
  await page.getByTestId('new-job').click();
  const drawer = page.getByRole('form', { name: 'New job' });
  await drawer.getByRole('combobox', { name: 'Customer' }).fill(name);
  // The customer found, not the "+ New customer" choice that is there while the search runs.
  await drawer.getByRole('option', { name: new RegExp(`^${name}`) }).click();
  // Their one address is taken by itself.
  await expect(drawer.getByRole('radio', { name: /1500 S Congress Ave/ })).toBeChecked();
  await drawer.getByLabel('Type').fill('Panel inspection');
  await drawer.getByLabel('Description').fill('Buzzing breaker in the kitchen panel.');
  await drawer.getByLabel('Technician').selectOption({ label: FIRST });
  await drawer.getByLabel(/^Start/).fill('10:00');
  await drawer.getByRole('button', { name: 'Create job' }).click();
  await expect(drawer).toBeHidden();
  const card = page.locator(`[data-drop="technician"][data-tech-id="${techId(FIRST)}"] [data-job-id]`).filter({ hasText: name });
  await expect(card).toBeVisible();
  const jobId = (await card.getAttribute('data-job-id'))!;

  // Moved on the board to the other technician at 13:00 (grabbed 10 px in from its left edge).
  await pointAt(page, techId(FIRST), zonedInstant(day, '10:00', timezone));
  const grab = (await card.boundingBox())!;
  const to = await pointAt(page, techId(SECOND), zonedInstant(day, '13:00', timezone));
  const from = (await card.boundingBox()) ?? grab;
  await drag(page, { x: from.x + 10, y: from.y + from.height / 2 }, { x: to.x + 10, y: to.y });
  const moved = page.locator(`[data-drop="technician"][data-tech-id="${techId(SECOND)}"] [data-job-id="${jobId}"]`);
  await expect(moved).toBeVisible();
  await expect(moved).toHaveAttribute('data-start', String(zonedInstant(day, '13:00', timezone)));

  // --- Completed, one status at a time in the drawer ---------------------------------------------
  await moved.dblclick();
  const jobDrawer = page.getByRole('dialog');
  await expect(jobDrawer).toContainText(name);
  for (const [value, label] of [
    ['dispatched', 'dispatched'],
    ['en_route', 'en route'],
    ['on_site', 'on site'],
    ['completed', 'completed'],
  ] as const) {
    // The drawer starts the choice over whenever the job's status arrives (the API's answer, then
    // the board's live copy), so choose again until the button takes it.
    await expect(async () => {
      await jobDrawer.getByTestId('status-select').selectOption(value, { timeout: 2_000 });
      await jobDrawer.getByRole('button', { name: `Mark ${label}` }).click({ timeout: 2_000 });
    }).toPass();
    // The history the drawer keeps records each step.
    await expect(jobDrawer.getByText(new RegExp(`Status: .* → ${label}$`, 'i'))).toBeVisible();
  }
  await expect(jobDrawer.getByText('A completed job moves on when it is invoiced.')).toBeVisible();

  // --- The records, as the API has them ----------------------------------------------------------
  const customer = await apiIn<Record<string, unknown>>(page, 'GET', `/api/customers/${customerId}`);
  expect(customer.body).toMatchObject({
    name,
    phone: '512-555-0142',
    tags: ['residential', 'e2e'],
    notes: 'Prefers mornings. Dog in the yard.',
  });
  const locs = await apiIn<{ items: Record<string, unknown>[] }>(page, 'GET', `/api/locations?customerId=${customerId}`);
  expect(locs.body.items).toHaveLength(1);
  expect(locs.body.items[0]).toMatchObject({
    address: '1500 S Congress Ave',
    city: 'Austin',
    region: 'TX',
    postalCode: '78704',
    lat: spot.lat,
    lng: spot.lng,
  });
  // The pin moved away from the ZIP centre, a short way (inside the ZIP, not across the state).
  expect(spot).not.toEqual({ lat: centre.lat, lng: centre.lng });
  expect(Math.abs(spot.lat - centre.lat) + Math.abs(spot.lng - centre.lng)).toBeLessThan(0.05);
  const job = await apiIn<Record<string, unknown>>(page, 'GET', `/api/jobs/${jobId}`);
  expect(job.body).toMatchObject({
    customerId,
    locationId: locs.body.items[0]!.id,
    type: 'Panel inspection',
    status: 'completed',
    technicianId: techId(SECOND),
    scheduledStart: zonedInstant(day, '13:00', timezone),
  });
});

test('an admin adds a technician with a home base placed by ZIP, and changes the org’s settings', async ({ browser, baseURL }) => {
  const page = await signedIn(browser, baseURL!, ADMIN);
  const stamp = Date.now().toString(36);
  const name = `Nikola Ohm ${stamp}`;
  const original = (await apiIn<Record<string, unknown>>(page, 'GET', '/api/org')).body;
  const trucks = (await apiIn<{ items: { id: string; name: string }[] }>(page, 'GET', '/api/stock/locations?kind=truck&limit=200')).body
    .items;

  try {
    // --- A technician -------------------------------------------------------------------------
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Technicians' }).click();
    await expect(page.getByTestId('technicians-list')).toBeVisible();
    await page.getByRole('button', { name: 'New technician' }).click();
    const form = page.getByRole('form', { name: 'New technician' });
    await form.getByLabel('Name').fill(name);
    await form.getByLabel('Skills').fill('panel, ev-charger');
    await form.getByLabel('Class').fill('journeyman');
    await form.getByLabel('Number').fill(`J-${stamp}`);
    await form.getByLabel('Jurisdiction').fill('TX');
    await form.getByLabel('Expires').fill('2028-06-30');
    await form.getByRole('checkbox', { name: 'Fri' }).uncheck();
    await form.getByRole('checkbox', { name: 'Sat' }).check();
    await form.getByLabel('Starts').fill('06:30');
    await form.getByLabel('Ends').fill('15:00');
    await form.getByLabel('Home address').fill('900 E 41st St, Austin, TX 78751');
    await expect(form.getByTestId('pin-status')).toContainText('Placed at the centre of ZIP 78751');
    const home = await dragPin(page, form, 50, -30);
    await form.getByLabel('Colour on the board').fill('#16a34a');
    await form.getByLabel('Truck').selectOption({ label: trucks[0]!.name });
    await form.getByRole('button', { name: 'Add technician' }).click();
    await expect(page.getByTestId('technicians-list').getByRole('heading', { name })).toBeVisible();
    if (SHOOT) await page.screenshot({ path: 'docs/screenshots/technicians-desktop.png' });

    const list = await apiIn<{ items: Record<string, unknown>[] }>(page, 'GET', `/api/technicians?q=${encodeURIComponent(name)}`);
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0]).toMatchObject({
      name,
      skills: ['panel', 'ev-charger'],
      licenceClass: 'journeyman',
      licenceNumber: `J-${stamp}`,
      licenceJurisdiction: 'TX',
      licenceExpires: '2028-06-30',
      shiftDays: [1, 2, 3, 4, 6],
      shiftStart: '06:30',
      shiftEnd: '15:00',
      homeAddress: '900 E 41st St, Austin, TX 78751',
      homeLat: home.lat,
      homeLng: home.lng,
      colour: '#16a34a',
      truckLocationId: trucks[0]!.id,
      active: true,
    });

    // --- The org's settings ----------------------------------------------------------------------
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    const settings = page.getByRole('form', { name: 'Organisation settings' });
    await settings.getByLabel('Sales tax (%)').fill('30');
    await settings.getByRole('button', { name: 'Save settings' }).click();
    await expect(settings.getByText('A percentage from 0 to 25, e.g. 8.25.')).toBeVisible();
    await settings.getByLabel('Sales tax (%)').fill('8.5');
    const saturday = settings.getByRole('row', { name: /Sat/ });
    await saturday.getByRole('checkbox', { name: 'Open' }).check();
    await saturday.getByLabel('Sat opens').fill('09:00');
    await saturday.getByLabel('Sat closes').fill('13:00');
    await settings.getByRole('button', { name: 'Save settings' }).click();
    await expect(settings.getByRole('status')).toHaveText('Settings saved.');
    if (SHOOT) await page.screenshot({ path: 'docs/screenshots/settings-desktop.png', fullPage: true });
    const org = await apiIn<{ taxRateBps: number; businessHours: Record<string, unknown> }>(page, 'GET', '/api/org');
    expect(org.body.taxRateBps).toBe(850);
    expect(org.body.businessHours['6']).toEqual({ open: '09:00', close: '13:00' });
  } finally {
    // Other specs read the demo's tax rate and hours: put them back.
    const { taxRateBps, businessHours } = original as { taxRateBps: number; businessHours: unknown };
    const back = await apiIn(page, 'PATCH', '/api/org', { taxRateBps, businessHours });
    expect(back.status).toBe(200);
  }
});
