/**
 * The technician's phone (issue 12, "Done when"), at 390x844 with touch, against the real API,
 * the technician's feed room and the app's own service worker:
 *
 * - the demo technician signs in and lands on My day; the admin, in another browser context,
 *   books a job onto their day, and it appears on the phone, marked new, pushed by the feed room;
 * - the phone goes offline: context.setOffline, and every request of the context aborted
 *   (route '**'), which also covers the service worker's own requests, which setOffline alone
 *   does not;
 * - on my way, arrived, a note, two parts from the truck, a line item from the price book, two
 *   photos (small JPEGs made here) and a signature with the printed name, complete;
 * - the app is reloaded offline and still shows the job, the day and the ten waiting actions;
 * - online again, the outbox empties by itself and everything landed exactly once (API checks:
 *   one note, two usages, one line, two photos and one signature, the truck's stock down once,
 *   the job completed), and the office's job page shows the photos and the signature; so does
 *   the board's job drawer, opened while the phone was offline and opened again after; a replay
 *   refused after that is listed for the office under "Not accepted from the phone".
 *
 * Calendar-proof: the job is booked on today's board in the org's zone at a time given by the
 * test, whatever the hour. UPDATE_SCREENSHOTS=1 writes the README's phone screenshots.
 */
import sharp from 'sharp';
import type { Browser, BrowserContext, Locator, Page } from '@playwright/test';
import { localDateOf, zonedInstant } from '../../core/time.ts';
import { test, expect, signInFully, apiIn, adminPage, TECHNICIAN } from './fixtures.ts';

const SHOOT = !!process.env.UPDATE_SCREENSHOTS;
const PHONE = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 };

test.describe.configure({ mode: 'serial' });

const contexts: BrowserContext[] = [];
test.afterAll(async () => {
  for (const c of contexts.splice(0)) await c.close();
});

interface StockLevel {
  partId: string;
  partName: string;
  quantity: number;
}

async function phone(browser: Browser, baseURL: string): Promise<Page> {
  const context = await browser.newContext({ baseURL, ...PHONE });
  contexts.push(context);
  return context.newPage();
}

/**
 * A small JPEG of one colour, made here (no binary fixtures in the repository), with the EXIF a
 * phone's camera writes: its make and where the photo was taken. The phone must not send those.
 */
async function photo(colour: string): Promise<Buffer> {
  const jpeg = await sharp({ create: { width: 320, height: 240, channels: 3, background: colour } })
    .withExif({ IFD0: { Make: 'PhoneCam' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '30/1 16/1 0/1' } })
    .jpeg({ quality: 80 })
    .toBuffer();
  expect(hasExif(jpeg)).toBe(true);
  return jpeg;
}

/** Whether a JPEG has an EXIF block (APP1 'Exif'), where a camera keeps the make and the location. */
function hasExif(bytes: Buffer): boolean {
  return bytes.includes(Buffer.from('Exif\0\0', 'latin1'));
}

/** Pixels drawn on the signature pad (darker than its white background). */
function inkOn(canvas: Locator): Promise<number> {
  return canvas.evaluate((c: HTMLCanvasElement) => {
    const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let ink = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i]! < 128) ink++;
    return ink;
  });
}

async function ok<T>(page: Page, method: string, path: string, body?: unknown): Promise<T> {
  const res = await apiIn<T>(page, method, path, body);
  expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
  return res.body;
}

test('the phone: live day, a whole job offline, reload offline, everything lands once on reconnect', async ({ browser, baseURL }) => {
  test.setTimeout(180_000);

  // --- The technician signs in on the phone and lands on My day.
  const tech = await phone(browser, baseURL!);
  await signInFully(tech, TECHNICIAN);
  await expect(tech).toHaveURL(/\/field$/);
  await expect(tech.getByRole('heading', { name: /My day/ })).toBeVisible();
  await expect(tech.getByRole('status').filter({ hasText: 'Live' })).toBeVisible();
  const me = await ok<{ userId: string; timezone: string }>(tech, 'GET', '/api/auth/me');

  // --- The admin (another context) books a job onto the technician's day.
  const admin = await adminPage(browser, baseURL!);
  contexts.push(admin.context());
  const technicians = await ok<{ items: { id: string; userId: string | null; truckLocationId: string | null }[] }>(
    admin,
    'GET',
    '/api/technicians?limit=200',
  );
  const technician = technicians.items.find((t) => t.userId === me.userId)!;
  expect(technician.truckLocationId).toBeTruthy();
  const customers = await ok<{ items: { id: string }[] }>(admin, 'GET', '/api/customers?limit=1');
  const customerId = customers.items[0]!.id;
  const locations = await ok<{ items: { id: string }[] }>(admin, 'GET', `/api/locations?customerId=${customerId}&limit=1`);
  const today = localDateOf(Date.now(), me.timezone);
  const start = zonedInstant(today, '23:00', me.timezone);
  const job = await ok<{ id: string; number: number }>(admin, 'POST', '/api/jobs', {
    customerId,
    locationId: locations.items[0]!.id,
    type: 'Panel inspection',
    description: 'Booked by the phone test',
    technicianId: technician.id,
    scheduledStart: start,
    durationMin: 45,
    arrivalWindowStart: start - 30 * 60_000,
    arrivalWindowEnd: start + 30 * 60_000,
  });

  const card = tech.locator(`li[data-job-id="${job.id}"]`);
  await expect(card).toBeVisible();
  await expect(card.getByText('New: ')).toBeVisible();
  await expect(card).toContainText(`#${job.number}`);

  // The office dispatches it (a technician's own steps start at on my way): the phone follows.
  await ok(admin, 'POST', `/api/jobs/${job.id}/transitions`, { to: 'dispatched' });
  await expect(card).toHaveAttribute('data-status', 'dispatched');
  if (SHOOT) {
    await tech.getByRole('button', { name: 'Not now' }).click();
    await card.scrollIntoViewIfNeeded();
    await tech.screenshot({ path: 'docs/screenshots/field-day.png' });
  }

  // What the phone will use, and the truck's stock before.
  const truckBefore = await ok<{ items: StockLevel[] }>(
    admin,
    'GET',
    `/api/stock/levels?locationId=${technician.truckLocationId}&limit=200`,
  );
  const names = new Map<string, number>();
  for (const s of truckBefore.items) names.set(s.partName, (names.get(s.partName) ?? 0) + 1);
  const [partA, partB] = truckBefore.items.filter((s) => s.quantity >= 3 && names.get(s.partName) === 1);
  expect(partA && partB, 'two parts on the truck').toBeTruthy();
  const priceBook = await ok<{ items: { id: string; name: string; kind: string }[] }>(
    admin,
    'GET',
    '/api/pricebook?active=true&kind=service&limit=50',
  );
  const service = priceBook.items[0]!;

  // --- The job screen, opened once with signal (so it is kept), and the service worker in control.
  await card.getByRole('link', { name: new RegExp(`#${job.number} `) }).click();
  await expect(tech.getByRole('heading', { name: `#${job.number} · Panel inspection` })).toBeVisible();
  await tech.waitForFunction(() => navigator.serviceWorker.controller !== null);
  await expect(tech.getByRole('button', { name: 'On my way' })).toBeVisible();

  // --- Offline, the service worker's requests too.
  const context = tech.context();
  await context.setOffline(true);
  await context.route('**', (route) => route.abort('internetdisconnected'));

  const count = tech.getByTestId('outbox-count');
  await tech.getByRole('button', { name: 'On my way' }).click();
  await expect(count).toHaveText('1');
  await tech.getByRole('button', { name: 'Arrived' }).click();
  await expect(count).toHaveText('2');
  if (SHOOT) {
    await tech.evaluate(() => window.scrollTo(0, 0));
    await tech.screenshot({ path: 'docs/screenshots/field-job.png' });
  }

  await tech.getByLabel('Note', { exact: true }).fill('Main breaker replaced; panel labelled.');
  await tech.getByRole('button', { name: 'Add note' }).click();
  await expect(count).toHaveText('3');

  for (const part of [partA!, partB!]) {
    await tech.getByLabel('Search the truck').fill(part.partName);
    await tech.getByRole('button', { name: new RegExp(`^Use ${part.partName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`) }).click();
  }
  await expect(count).toHaveText('5');

  await tech.getByLabel('Price book').fill(service.name);
  await tech.getByRole('button', { name: new RegExp(`^Add ${service.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`) }).click();
  await expect(count).toHaveText('6');

  const fileInput = tech.locator('input[type="file"]');
  await tech.getByLabel('Caption (optional, for the next photo)').fill('Panel before');
  await fileInput.setInputFiles({ name: 'before.jpg', mimeType: 'image/jpeg', buffer: await photo('#b04030') });
  await expect(count).toHaveText('7');
  await tech.getByLabel('Caption (optional, for the next photo)').fill('Panel after');
  await fileInput.setInputFiles({ name: 'after.jpg', mimeType: 'image/jpeg', buffer: await photo('#3070b0') });
  await expect(count).toHaveText('8');
  await expect(tech.getByRole('list', { name: 'Photos' }).getByRole('img')).toHaveCount(2);

  await tech.getByRole('button', { name: 'Complete', exact: true }).click();
  const pad = tech.locator('canvas[aria-label="Signature"]');
  const box = (await pad.boundingBox())!;
  await tech.mouse.move(box.x + 30, box.y + box.height * 0.6);
  await tech.mouse.down();
  for (let i = 1; i <= 12; i++) await tech.mouse.move(box.x + 30 + i * 20, box.y + box.height * (0.6 - 0.3 * Math.sin(i / 2)));
  await tech.mouse.up();
  // Turned sideways and back (the canvas is resized each time): the signature is redrawn, not lost.
  const ink = await inkOn(pad);
  expect(ink).toBeGreaterThan(0);
  await tech.setViewportSize({ width: 844, height: 390 });
  await expect.poll(async () => (await pad.boundingBox())!.width).toBeGreaterThan(box.width + 100);
  await expect.poll(() => inkOn(pad)).toBeGreaterThan(0);
  await tech.setViewportSize(PHONE.viewport);
  await expect.poll(async () => Math.round((await pad.boundingBox())!.width)).toBe(Math.round(box.width));
  await expect.poll(() => inkOn(pad)).toBeGreaterThan(ink / 2);
  await tech.getByLabel('Printed name').fill('Pat Customer');
  await tech.getByRole('button', { name: 'Complete job' }).click();
  await expect(count).toHaveText('10');
  await expect(tech.getByText('Completed').first()).toBeVisible();
  if (SHOOT) {
    await tech.getByRole('heading', { name: 'Line items' }).scrollIntoViewIfNeeded();
    await tech.screenshot({ path: 'docs/screenshots/field-job-offline.png' });
  }

  // --- Reloaded offline: the app still opens, with the job, the day and what waits.
  await tech.reload();
  await expect(tech.getByRole('heading', { name: `#${job.number} · Panel inspection` })).toBeVisible();
  await expect(count).toHaveText('10');
  await tech.goto('/field');
  await expect(tech.locator(`li[data-job-id="${job.id}"]`)).toBeVisible();
  await expect(tech.getByRole('status').filter({ hasText: 'Offline' })).toBeVisible();
  await expect(tech.getByRole('list', { name: 'Waiting actions' }).getByRole('listitem')).toHaveCount(10);

  // --- Meanwhile the office has the job open in the board's drawer, before anything from the phone arrived.
  const office = await admin.context().newPage();
  await office.goto(`/board/${today}?job=${job.id}`);
  const drawer = office.getByTestId('job-drawer');
  await expect(drawer.getByRole('heading', { level: 2 })).toHaveText(`Job #${job.number}`);

  // --- Online again: the outbox empties by itself.
  await context.unroute('**');
  await context.setOffline(false);
  await expect(count).toHaveText('0', { timeout: 30_000 });
  await expect(tech.getByRole('list', { name: 'Not accepted' })).toHaveCount(0);

  // --- Exactly once, by the API.
  const after = await ok<{ status: string; lineItems: { priceBookItemId: string | null }[] }>(admin, 'GET', `/api/jobs/${job.id}`);
  expect(after.status).toBe('completed');
  expect(after.lineItems.filter((l) => l.priceBookItemId === service.id)).toHaveLength(1);
  const notes = await ok<{ items: { text: string }[] }>(admin, 'GET', `/api/jobs/${job.id}/notes`);
  expect(notes.items.filter((n) => n.text === 'Main breaker replaced; panel labelled.')).toHaveLength(1);
  const usages = await ok<{ items: { partId: string; quantity: number }[] }>(admin, 'GET', `/api/part-usages?jobId=${job.id}&limit=50`);
  expect(usages.items.map((u) => u.partId).sort()).toEqual([partA!.partId, partB!.partId].sort());
  const truckAfter = await ok<{ items: StockLevel[] }>(
    admin,
    'GET',
    `/api/stock/levels?locationId=${technician.truckLocationId}&limit=200`,
  );
  for (const part of [partA!, partB!]) {
    expect(truckAfter.items.find((s) => s.partId === part.partId)!.quantity, part.partName).toBe(part.quantity - 1);
  }
  const files = await ok<{ items: { kind: string; caption: string | null; signerName: string | null; url: string }[] }>(
    admin,
    'GET',
    `/api/jobs/${job.id}/files`,
  );
  expect(
    files.items
      .filter((f) => f.kind === 'photo')
      .map((f) => f.caption)
      .sort(),
  ).toEqual(['Panel after', 'Panel before']);
  expect(files.items.filter((f) => f.kind === 'signature').map((f) => f.signerName)).toEqual(['Pat Customer']);
  // Re-encoded on the phone: no EXIF, so neither the camera nor the place reached the server.
  for (const f of files.items.filter((f) => f.kind === 'photo')) {
    const bytes = await admin.evaluate(async (url) => Array.from(new Uint8Array(await (await fetch(url)).arrayBuffer())), f.url);
    expect(bytes.slice(0, 3)).toEqual([0xff, 0xd8, 0xff]);
    expect(hasExif(Buffer.from(bytes)), `${f.caption} has EXIF`).toBe(false);
  }

  // --- The office's job page shows them.
  await admin.goto(`/jobs/${job.id}`);
  const section = admin.getByRole('region', { name: 'Photos and signature' });
  await expect(section.getByRole('img', { name: 'Panel before' })).toBeVisible();
  await expect(section.getByRole('img', { name: 'Panel after' })).toBeVisible();
  await expect(section.getByRole('img', { name: 'Signature of Pat Customer' })).toBeVisible();
  await expect(section).toContainText('Signed by Pat Customer');
  // The images load (the bytes are served, not just listed); the photos load lazily, once in view.
  await section.scrollIntoViewIfNeeded();
  await expect
    .poll(() =>
      section
        .locator('img')
        .evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0)),
    )
    .toEqual([true, true, true]);
  if (SHOOT) {
    await admin.setViewportSize(PHONE.viewport);
    await section.screenshot({ path: 'docs/screenshots/field-office-files.png' });
  }

  // --- The board's drawer, closed and opened again from the selected card, shows their thumbnails.
  await drawer.getByRole('heading', { level: 2 }).press('Escape');
  await expect(drawer).toBeHidden();
  await office.getByTestId('selected-job').getByRole('button', { name: 'Open job' }).click();
  const thumbnails = drawer.getByRole('region', { name: 'Photos and signature' });
  await expect(thumbnails.getByRole('img', { name: 'Panel before' })).toBeVisible();
  await expect(thumbnails.getByRole('img', { name: 'Panel after' })).toBeVisible();
  await expect(thumbnails.getByRole('img', { name: 'Signature of Pat Customer' })).toBeVisible();

  // --- A replay that no longer fits ("On my way" again, sent as the outbox sends it, for a job now
  // completed) is refused, and the office sees it on the job's page and in the drawer.
  const refused = await tech.evaluate(async (path) => {
    const headers = { 'content-type': 'application/json', 'Idempotency-Key': crypto.randomUUID() };
    const res = await fetch(path, { method: 'POST', headers, body: JSON.stringify({ to: 'en_route' }) });
    return { status: res.status, detail: ((await res.json()) as { detail: string }).detail };
  }, `/api/jobs/${job.id}/transitions`);
  expect(refused.status).toBe(409);
  await admin.reload();
  const onPage = admin.getByRole('region', { name: 'Not accepted from the phone' });
  await expect(onPage).toContainText('Status change: To En route');
  await expect(onPage).toContainText(refused.detail);
  await drawer.getByRole('heading', { level: 2 }).press('Escape');
  await office.getByTestId('selected-job').getByRole('button', { name: 'Open job' }).click();
  const inDrawer = drawer.getByRole('region', { name: 'Not accepted from the phone' });
  await expect(inDrawer).toContainText('Status change: To En route');
  await expect(inDrawer).toContainText(refused.detail);
});
