/**
 * Stock, part usage and the reorder alert as one loop (issue 14, "Done when" 3), through the UI:
 *
 * - the admin creates a purchase order for a new part on /purchase-orders, sends it, and
 *   receives it into the warehouse in two receipts (6, then the last 4);
 * - on /stock, transfers 6 to the demo technician's truck and sets the truck's minimum 3 and
 *   maximum 8 for the part;
 * - the technician, on the phone's job screen (/field/jobs/{id}), uses 4 from the truck;
 * - the truck is down to 2, below its minimum: /stock's reorder list shows it with its refill
 *   (6: the warehouse's 4 and 2 to buy), and "Create purchase order" drafts the 2;
 * - API checks of every record.
 *
 * Set up through the API (not the flow itself): the part (a new SKU, so the numbers are the
 * test's own whatever ran before) and the technician's job to use it on, booked like the phone's
 * own test books one. UPDATE_SCREENSHOTS=1 writes the README's screenshots.
 */
import type { BrowserContext, Page } from '@playwright/test';
import { localDateOf, zonedInstant } from '../../core/time.ts';
import { test, expect, signInFully, apiIn, adminPage, TECHNICIAN } from './fixtures.ts';

const SHOOT = !!process.env.UPDATE_SCREENSHOTS;
const PHONE = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 };

const contexts: BrowserContext[] = [];
test.afterAll(async () => {
  for (const c of contexts.splice(0)) await c.close();
});

async function ok<T>(page: Page, method: string, path: string, body?: unknown): Promise<T> {
  const res = await apiIn<T>(page, method, path, body);
  expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
  return res.body;
}

interface Level {
  partId: string;
  locationId: string;
  quantity: number;
  reorderPoint: number;
  maxQuantity: number;
}
interface Order {
  id: string;
  number: number;
  status: string;
  locationId: string;
  supplier: string;
  lines: { partId: string; quantity: number; unitCostCents: number; receivedQuantity: number }[];
}

test('a purchase order received, a transfer to a truck, parts used on a job, the reorder alert and its purchase order', async ({
  browser,
  baseURL,
}) => {
  test.setTimeout(180_000);
  const admin = await adminPage(browser, baseURL!);
  contexts.push(admin.context());
  await admin.setViewportSize({ width: 1280, height: 900 });

  // --- Set-up: a new part, the warehouse, the technician's truck and a job of theirs.
  const tag = crypto.randomUUID().slice(0, 6).toUpperCase();
  const partName = `Breaker 20A AFCI ${tag}`;
  const part = await ok<{ id: string; sku: string }>(admin, 'POST', '/api/parts', { sku: `E2E-${tag}`, name: partName, costCents: 4_250 });
  const warehouses = await ok<{ items: { id: string; name: string }[] }>(admin, 'GET', '/api/stock/locations?kind=warehouse&limit=200');
  const warehouse = warehouses.items[0]!;
  const technicians = await ok<{ items: { id: string; userId: string | null; truckLocationId: string | null }[] }>(
    admin,
    'GET',
    '/api/technicians?limit=200',
  );
  const techUser = await ok<{ items: { id: string; email: string }[] }>(admin, 'GET', '/api/users?limit=200');
  const techUserId = techUser.items.find((u) => u.email === TECHNICIAN.email)!.id;
  const technician = technicians.items.find((t) => t.userId === techUserId)!;
  const truckId = technician.truckLocationId!;
  const truck = await ok<{ name: string }>(admin, 'GET', `/api/stock/locations/${truckId}`);
  const me = await ok<{ timezone: string }>(admin, 'GET', '/api/auth/me');
  const customers = await ok<{ items: { id: string }[] }>(admin, 'GET', '/api/customers?limit=1');
  const places = await ok<{ items: { id: string }[] }>(admin, 'GET', `/api/locations?customerId=${customers.items[0]!.id}&limit=1`);
  const start = zonedInstant(localDateOf(Date.now(), me.timezone), '22:00', me.timezone);
  const job = await ok<{ id: string; number: number }>(admin, 'POST', '/api/jobs', {
    customerId: customers.items[0]!.id,
    locationId: places.items[0]!.id,
    type: 'Breaker swap',
    description: 'Stock loop test',
    technicianId: technician.id,
    scheduledStart: start,
    durationMin: 60,
    arrivalWindowStart: start - 30 * 60_000,
    arrivalWindowEnd: start + 30 * 60_000,
  });
  await ok(admin, 'POST', `/api/jobs/${job.id}/transitions`, { to: 'dispatched' });

  // --- A purchase order for 10, created, sent and received in two parts.
  await admin.goto('/purchase-orders');
  await admin.getByRole('button', { name: 'New purchase order' }).click();
  const form = admin.getByRole('form', { name: 'New purchase order' });
  await form.getByLabel('Supplier').fill('Crescent Electric Supply');
  await form.getByLabel('Deliver to').selectOption(warehouse.id);
  await form.getByLabel('Part of line 1').selectOption(part.id);
  await expect(form.getByLabel('Unit cost of line 1')).toHaveValue('42.50');
  await form.getByLabel('Quantity of line 1').fill('10');
  await form.getByRole('button', { name: 'Save draft' }).click();
  await expect(admin.getByRole('heading', { name: /^PO \d+/ })).toBeVisible();
  const firstOrderId = admin.url().split('/').pop()!;
  await expect(admin.getByTestId('po-status')).toHaveText('Draft');
  await admin.getByRole('button', { name: 'Send to supplier' }).click();
  await expect(admin.getByTestId('po-status')).toHaveText('Sent to supplier');

  const arrived = admin.getByLabel(`Arrived now: ${partName}`);
  await expect(arrived).toHaveValue('10');
  await arrived.fill('6');
  await admin.getByRole('button', { name: 'Record receipt' }).click();
  await expect(admin.getByText('Receipt recorded; stock is updated.')).toBeVisible();
  const line = admin.getByTestId('po-line');
  await expect(line.locator('td').nth(2)).toHaveText('6');
  await expect(admin.getByTestId('po-status')).toHaveText('Sent to supplier');
  await expect(arrived).toHaveValue('4');
  if (SHOOT) await admin.screenshot({ path: 'docs/screenshots/purchase-order-desktop.png', fullPage: true });
  await admin.getByRole('button', { name: 'Record receipt' }).click();
  await expect(admin.getByTestId('po-status')).toHaveText('Received');
  await expect(line.locator('td').nth(2)).toHaveText('10');

  // --- On /stock: 6 to the technician's truck, and the truck's minimum and maximum.
  await admin.goto('/stock');
  await admin.getByLabel('Search parts').fill(part.sku);
  const rows = admin.getByTestId('stock-level');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText(warehouse.name);
  await expect(rows.first().locator('td').nth(2)).toHaveText('10');
  await rows
    .first()
    .getByRole('button', { name: `Transfer ${partName} from ${warehouse.name}` })
    .click();
  const transfer = admin.getByRole('dialog', { name: `Transfer ${partName}` });
  await transfer.getByLabel('To').selectOption(truckId);
  await transfer.getByLabel(/^Quantity/).fill('6');
  await transfer.getByRole('button', { name: 'Transfer' }).click();
  await expect(transfer).toBeHidden();
  await expect(rows).toHaveCount(2);
  const truckRow = rows.filter({ hasText: truck.name });
  await expect(truckRow.locator('td').nth(2)).toHaveText('6');
  await truckRow.getByRole('button', { name: `Min/max of ${partName} at ${truck.name}` }).click();
  const limits = admin.getByRole('dialog', { name: `Minimum and maximum: ${partName}` });
  await limits.getByLabel(/^Minimum/).fill('3');
  await limits.getByLabel(/^Maximum/).fill('8');
  await limits.getByRole('button', { name: 'Save' }).click();
  await expect(limits).toBeHidden();
  await expect(truckRow.locator('td').nth(3)).toHaveText('3');
  await expect(truckRow.locator('td').nth(4)).toHaveText('8');
  // 6 on the truck is above its minimum: not on the reorder list.
  const alert = admin.getByTestId('reorder-line').filter({ hasText: partName });
  await expect(alert).toHaveCount(0);

  // --- The technician uses 4 from the truck on the job, on the phone.
  const phoneContext = await browser.newContext({ baseURL, ...PHONE });
  contexts.push(phoneContext);
  const tech = await phoneContext.newPage();
  await signInFully(tech, TECHNICIAN);
  await tech.goto(`/field/jobs/${job.id}`);
  await expect(tech.getByRole('heading', { name: `#${job.number} · Breaker swap` })).toBeVisible();
  const used = tech.getByRole('region', { name: 'Parts used' });
  await used.getByLabel('Search the truck').fill(partName);
  await used.getByLabel('Quantity').fill('4');
  await used.getByRole('button', { name: new RegExp(`^Use ${partName}`) }).click();
  await expect(
    used
      .getByRole('listitem')
      .filter({ hasText: `4 × ${partName}` })
      .first(),
  ).toBeVisible();
  await expect(tech.getByTestId('outbox-count')).toHaveText('0');

  // The technician can look at stock (the truck is below its minimum now) but change none of it.
  await tech.goto(`/stock?q=${part.sku}`);
  const techRows = tech.getByTestId('stock-level');
  await expect(techRows.filter({ hasText: truck.name }).getByText('Below minimum')).toBeVisible();
  await expect(tech.getByTestId('reorder-line').filter({ hasText: partName })).toBeVisible();
  await expect(tech.getByRole('button', { name: /^(Transfer|Adjust|Min\/max|Create purchase order)/ })).toHaveCount(0);
  await expect(tech.getByRole('link', { name: /Purchase orders/ })).toHaveCount(0);
  if (SHOOT) await tech.screenshot({ path: 'docs/screenshots/stock-phone.png' });

  // --- The truck is below its minimum: the alert, its refill, and a purchase order drafted from it.
  await admin.reload();
  const group = admin.getByTestId('reorder-group').filter({ has: admin.getByRole('heading', { name: truck.name }) });
  const truckAlert = group.getByTestId('reorder-line').filter({ hasText: partName });
  await expect(truckAlert).toBeVisible();
  await expect(truckAlert).toContainText(`6 each: transfer 4 from ${warehouse.name}, buy 2`);
  await expect(truckRow.getByText('Below minimum')).toBeVisible();
  // The truck's history: the transfer in, the job's use out.
  await truckRow.getByRole('button', { name: `History of ${partName} at ${truck.name}` }).click();
  const history = admin.getByRole('dialog', { name: `History: ${partName}` });
  await expect(history.getByTestId('level-history').getByRole('listitem')).toHaveText([
    /^−4 Used on a job/,
    new RegExp(`^\\+6 Transfer from ${warehouse.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`),
  ]);
  await history.getByRole('button', { name: 'Close' }).click();
  if (SHOOT) {
    await admin.evaluate(() => window.scrollTo(0, 0));
    await admin.screenshot({ path: 'docs/screenshots/stock-desktop.png' });
  }
  await group.getByRole('button', { name: `Create purchase order for ${truck.name}` }).click();
  const draft = admin.getByRole('dialog', { name: 'Create purchase order' });
  await draft.getByLabel('Supplier').fill('Crescent Electric Supply');
  await draft.getByLabel('Deliver to').selectOption(warehouse.id);
  await draft.getByRole('button', { name: 'Create draft' }).click();
  await expect(admin.getByTestId('po-status')).toHaveText('Draft');
  const draftId = admin.url().split('/').pop()!;
  await expect(admin.getByTestId('po-line').filter({ hasText: partName }).locator('td').nth(1)).toHaveText('2');
  // The office checks the draft before sending it: 5 rather than 2 this time.
  const quantity = admin.getByTestId('po-draft').getByLabel(`Quantity: ${partName}`);
  await expect(quantity).toHaveValue('2');
  await quantity.fill('5');
  await admin.getByRole('button', { name: 'Save draft' }).click();
  await expect(admin.getByText('Draft saved.')).toBeVisible();
  await expect(admin.getByTestId('po-line').filter({ hasText: partName }).locator('td').nth(1)).toHaveText('5');

  // --- The records, by the API.
  const first = await ok<Order>(admin, 'GET', `/api/purchase-orders/${firstOrderId}`);
  expect(first).toMatchObject({ status: 'received', locationId: warehouse.id, supplier: 'Crescent Electric Supply' });
  expect(first.lines).toEqual([expect.objectContaining({ partId: part.id, quantity: 10, unitCostCents: 4_250, receivedQuantity: 10 })]);
  const levels = await ok<{ items: Level[] }>(admin, 'GET', `/api/stock/levels?partId=${part.id}&limit=10`);
  const at = (id: string) => levels.items.find((l) => l.locationId === id)!;
  expect(at(warehouse.id).quantity).toBe(4);
  expect(at(truckId)).toMatchObject({ quantity: 2, reorderPoint: 3, maxQuantity: 8 });
  const moves = await ok<{ items: { reason: string; quantity: number; fromLocationId: string | null; toLocationId: string | null }[] }>(
    admin,
    'GET',
    `/api/stock/movements?partId=${part.id}&sort=at&limit=10`,
  );
  expect(moves.items.map((m) => [m.reason, m.quantity, m.fromLocationId, m.toLocationId])).toEqual([
    ['receive', 6, null, warehouse.id],
    ['receive', 4, null, warehouse.id],
    ['transfer', 6, warehouse.id, truckId],
    ['use', 4, truckId, null],
  ]);
  const usages = await ok<{ items: { partId: string; quantity: number; locationId: string; flagged: boolean }[] }>(
    admin,
    'GET',
    `/api/part-usages?jobId=${job.id}&limit=10`,
  );
  expect(usages.items).toEqual([expect.objectContaining({ partId: part.id, quantity: 4, locationId: truckId, flagged: false })]);
  const reorder = await ok<{ items: { partId: string; locationId: string; transferQuantity: number; purchaseQuantity: number }[] }>(
    admin,
    'GET',
    `/api/stock/reorder?locationId=${truckId}&q=${part.sku}`,
  );
  expect(reorder.items).toEqual([expect.objectContaining({ partId: part.id, transferQuantity: 4, purchaseQuantity: 2 })]);
  const drafted = await ok<Order>(admin, 'GET', `/api/purchase-orders/${draftId}`);
  expect(drafted).toMatchObject({ status: 'draft', locationId: warehouse.id, supplier: 'Crescent Electric Supply' });
  expect(drafted.lines.filter((l) => l.partId === part.id)).toEqual([
    expect.objectContaining({ quantity: 5, unitCostCents: 4_250, receivedQuantity: 0 }),
  ]);
  // Drafted with the reorder list's 2, then changed to 5 by hand: the audit log has both.
  const audit = await ok<{ items: { action: string; after: { lines?: { partId: string; quantity: number }[] } | null }[] }>(
    admin,
    'GET',
    `/api/audit?entityId=${draftId}&limit=10`,
  );
  expect(audit.items.map((e) => [e.action, e.after?.lines?.find((l) => l.partId === part.id)?.quantity]).reverse()).toEqual([
    ['create', 2],
    ['update', 5],
  ]);
});
