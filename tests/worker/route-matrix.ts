/**
 * One entry per API route: how to call it validly as org a. The matrix test walks
 * /api/openapi.json and fails when a route has no entry here (or an entry names a route that
 * no longer exists), so no route escapes the role, anonymous and other-org checks.
 */
import { EXPORT_RESOURCES } from '../../core/exports.ts';
import type { OrgFixture } from './fixtures-db.ts';
import { api, fx, sql } from './helpers.ts';

export interface MatrixEntry {
  /** A valid body for org a; sent unchanged by org b's admin in the other-org check. */
  body?: (f: OrgFixture) => unknown;
  /** An org-a id for `{id}`; by default the first item of the collection's list. */
  id?: (f: OrgFixture) => string | Promise<string>;
  /** Routes that answer without a session. */
  public?: true;
  /** The path (under /api) with its query, for routes whose parameters are not ids (a KPI drill and its range). */
  path?: string;
}

const uniq = () => crypto.randomUUID().slice(0, 8);
const MATRIX_DEVICE = 'https://push.example.test/matrix-device';

export const MATRIX: Record<string, MatrixEntry> = {
  'POST /api/auth/sign-in': { public: true, body: () => ({ email: 'nobody@org-a.test', password: 'wrong' }) },
  'POST /api/auth/sign-out': {},
  'GET /api/auth/me': {},
  'POST /api/auth/second-factor': { public: true, body: () => ({ code: '000000' }) },
  'POST /api/auth/passkey/options': { public: true },
  'POST /api/auth/passkey': { public: true, body: () => ({ response: { id: 'x', rawId: 'x', type: 'public-key', response: {} } }) },

  // Account routes act on the caller's own records only; ids that are nobody's keep the sweep
  // from signing fixture users out.
  'GET /api/account/security': {},
  'POST /api/account/totp/setup': {},
  'POST /api/account/totp/confirm': { body: () => ({ code: '000000' }) },
  'DELETE /api/account/totp': { body: () => ({}) },
  'POST /api/account/recovery-codes': {},
  'POST /api/account/passkeys/options': {},
  'POST /api/account/passkeys': { body: () => ({ response: { id: 'x', rawId: 'x', type: 'public-key', response: {} } }) },
  'GET /api/account/passkeys': {},
  'PATCH /api/account/passkeys/{id}': { id: () => 'no-such-passkey', body: () => ({ name: 'Renamed' }) },
  'DELETE /api/account/passkeys/{id}': { id: () => 'no-such-passkey', body: () => ({}) },
  'GET /api/account/sessions': {},
  'DELETE /api/account/sessions/{id}': { id: () => '0'.repeat(64) },
  'POST /api/account/sessions/sign-out-others': {},

  'GET /api/org': {},
  'PATCH /api/org': { body: () => ({ taxRateBps: 825 }) },

  'GET /api/invitations': {},
  'POST /api/invitations': { body: () => ({ email: `invite-${uniq()}@org-a.test`, name: 'Matrix invitee', role: 'technician' }) },
  'DELETE /api/invitations/{id}': { id: (f) => invitation(f) },
  'POST /api/invitations/lookup': { public: true, body: () => ({ token: 'x'.repeat(43) }) },
  'POST /api/invitations/accept': { public: true, body: () => ({ token: 'x'.repeat(43), password: 'long enough password' }) },

  'GET /api/customers': {},
  'POST /api/customers': { body: () => ({ name: `Matrix ${uniq()}` }) },
  'GET /api/customers/{id}': { id: (f) => f.customerId },
  'PATCH /api/customers/{id}': { id: (f) => f.customerId, body: () => ({ notes: `matrix ${uniq()}` }) },

  'GET /api/locations': {},
  'POST /api/locations': {
    body: (f) => ({
      customerId: f.customerId,
      address: `${uniq()} Matrix St`,
      city: 'Austin',
      region: 'TX',
      postalCode: '78701',
      lat: 30.27,
      lng: -97.74,
    }),
  },
  'GET /api/locations/{id}': { id: (f) => f.locationId },
  'PATCH /api/locations/{id}': { id: (f) => f.locationId, body: () => ({ accessNotes: `matrix ${uniq()}` }) },
  'GET /api/geocode': { path: '/geocode?postalCode=78701' },

  'GET /api/technicians': {},
  'POST /api/technicians': { body: (f) => ({ name: `Matrix tech ${uniq()}`, truckLocationId: f.truckId }) },
  'GET /api/technicians/{id}': { id: (f) => f.technicianId },
  'PATCH /api/technicians/{id}': { id: (f) => f.technicianId, body: () => ({ phone: '512-555-0111' }) },

  'GET /api/jobs': {},
  'POST /api/jobs': {
    body: (f) => ({ customerId: f.customerId, locationId: f.locationId, type: 'Matrix', description: `matrix ${uniq()}` }),
  },
  'GET /api/jobs/{id}': { id: (f) => f.jobId },
  'PATCH /api/jobs/{id}': { id: (f) => f.jobId, body: () => ({ description: `matrix ${uniq()}` }) },
  'POST /api/jobs/{id}/transitions': { id: (f) => f.jobId, body: () => ({ to: 'on_hold' }) },
  'GET /api/jobs/{id}/notes': { id: (f) => f.jobId },
  'POST /api/jobs/{id}/notes': { id: (f) => f.jobId, body: () => ({ text: `matrix ${uniq()}` }) },
  // The phone's outbox in one request: each action runs as its own request would, under the caller's own session.
  'POST /api/replay': {
    body: (f) => ({
      actions: [
        { key: crypto.randomUUID(), method: 'POST', path: `/api/jobs/${f.jobId}/notes`, body: { text: `matrix replay ${uniq()}` } },
      ],
    }),
  },
  'GET /api/jobs/{id}/files': { id: (f) => f.jobId },
  'GET /api/jobs/{id}/phone-refusals': { id: (f) => f.jobId },
  // Two parameters: org a's job and a fresh file id. Sent without a body, which the roles allowed
  // meet as a 415 (no image) and org b as a 404 (no such job), before anything is read or written.
  'PUT /api/jobs/{id}/files/{fileId}': { path: `/jobs/${fx.a.jobId}/files/${crypto.randomUUID()}?kind=photo` },
  'GET /api/files/{id}': { id: (f) => jobFile(f) },

  'GET /api/line-items': {},
  'POST /api/line-items': { body: (f) => ({ jobId: f.jobId, description: 'Matrix', quantity: 1, unitPriceCents: 100 }) },
  'GET /api/line-items/{id}': { id: (f) => f.lineItemId },
  'PATCH /api/line-items/{id}': { id: (f) => f.lineItemId, body: () => ({ quantity: 2 }) },
  'DELETE /api/line-items/{id}': { id: (f) => f.doomedLineItemId },

  'GET /api/users': {},
  'POST /api/users': { body: () => ({ email: `matrix-${uniq()}@org-a.test`, name: 'Matrix person', role: 'manager' }) },
  'GET /api/users/{id}': { id: (f) => f.userIds.manager },
  'PATCH /api/users/{id}': { id: (f) => f.userIds.manager, body: () => ({ name: `Manager ${uniq()}` }) },
  'POST /api/users/{id}/reset-second-factor': { id: () => 'no-such-user' },

  // Money and materials. Rows that fixtures do not have are made on demand (async ids).
  'GET /api/pricebook': {},
  'POST /api/pricebook': { body: () => ({ kind: 'service', code: `MX-${uniq()}`, name: 'Matrix service', unitPriceCents: 100 }) },
  'GET /api/pricebook/{id}': { id: (f) => pricebookItem(f) },
  'PATCH /api/pricebook/{id}': { id: (f) => pricebookItem(f), body: () => ({ description: `matrix ${uniq()}` }) },
  'POST /api/pricebook/import': { body: () => ({ csv: `code,kind,name,unitPriceCents\nMX-${uniq()},service,Matrix import,100` }) },

  'GET /api/parts': {},
  'POST /api/parts': { body: () => ({ sku: `MX-${uniq()}`, name: 'Matrix part' }) },
  'GET /api/parts/{id}': { id: (f) => f.partId },
  'PATCH /api/parts/{id}': { id: (f) => f.partId, body: () => ({ costCents: 900 }) },

  'GET /api/stock/locations': {},
  'POST /api/stock/locations': { body: () => ({ kind: 'truck', name: `Matrix truck ${uniq()}` }) },
  'GET /api/stock/locations/{id}': { id: (f) => f.truckId },
  'PATCH /api/stock/locations/{id}': { id: (f) => f.truckId, body: () => ({ name: 'Truck 1' }) },
  'GET /api/stock/levels': {},
  'PATCH /api/stock/levels': { body: (f) => ({ partId: f.partId, locationId: f.truckId, reorderPoint: 5 }) },
  'GET /api/stock/movements': {},
  'POST /api/stock/movements': { body: (f) => ({ partId: f.partId, toLocationId: f.warehouseId, quantity: 1, reason: 'receive' }) },
  'GET /api/stock/movements/{id}': { id: (f) => stockMovement(f) },
  'GET /api/stock/reorder': {},

  'GET /api/purchase-orders': {},
  'POST /api/purchase-orders': {
    body: (f) => ({ supplier: 'Matrix Supply', locationId: f.warehouseId, lines: [{ partId: f.partId, quantity: 1, unitCostCents: 900 }] }),
  },
  'GET /api/purchase-orders/{id}': { id: (f) => purchaseOrder(f) },
  'PATCH /api/purchase-orders/{id}': { id: (f) => purchaseOrder(f), body: () => ({ notes: `matrix ${uniq()}` }) },
  'POST /api/purchase-orders/{id}/transitions': { id: (f) => purchaseOrder(f), body: () => ({ to: 'cancelled' }) },
  'POST /api/purchase-orders/{id}/receipts': {
    id: (f) => purchaseOrder(f),
    body: () => ({ lines: [{ lineId: 'no-such-line', quantity: 1 }] }),
  },
  // The fixture truck is below its minimum: a draft for its refill.
  'POST /api/purchase-orders/from-reorder': {
    body: (f) => ({ supplier: 'Matrix Supply', locationId: f.warehouseId, forLocationId: f.truckId }),
  },

  'GET /api/invoices': {},
  'POST /api/invoices': { body: (f) => ({ jobId: f.jobId }) },
  'GET /api/invoices/{id}': { id: (f) => invoice(f) },
  'PATCH /api/invoices/{id}': { id: (f) => invoice(f), body: () => ({ notes: `matrix ${uniq()}` }) },
  'POST /api/invoices/{id}/transitions': { id: (f) => invoice(f), body: () => ({ to: 'sent' }) },

  'GET /api/payments': {},
  'POST /api/payments': { body: () => ({ invoiceId: 'no-such-invoice', amountCents: 1, method: 'cash' }) },
  'GET /api/payments/{id}': { id: (f) => payment(f) },
  'GET /api/receivables': {},
  // The accounting export: any range of the fixtures' month will do.
  'GET /api/exports/quickbooks/invoices.csv': { path: '/exports/quickbooks/invoices.csv?from=2026-06-01&to=2026-06-30' },
  'GET /api/exports/quickbooks/payments.csv': { path: '/exports/quickbooks/payments.csv?from=2026-06-01&to=2026-06-30' },

  'GET /api/part-usages': {},
  'POST /api/part-usages': { body: (f) => ({ jobId: f.jobId, partId: f.partId, locationId: f.warehouseId, quantity: 1 }) },
  'GET /api/part-usages/{id}': { id: (f) => partUsage(f) },

  // One device, subscribed by each role in turn (it moves to each: a shared phone), then
  // unsubscribed by each (only the last holder's removes it), so no push ever goes to it.
  'GET /api/push/key': {},
  'POST /api/push/subscriptions': {
    body: () => ({ endpoint: MATRIX_DEVICE, keys: { p256dh: `BA${'Q'.repeat(85)}`, auth: 'AAAAAAAAAAAAAAAAAAAAAA' } }),
  },
  'DELETE /api/push/subscriptions': { body: () => ({ endpoint: MATRIX_DEVICE }) },

  // The manager's numbers: any range of the fixtures' month will do.
  // A technician's calendar feed: one's own (409 for users who are not technicians); the feed itself answers by its token.
  'GET /api/audit': { path: '/audit?entity=job&limit=5' },
  'GET /api/monitoring/health': {},
  // Answers 500 on purpose (the test error) for the roles that may call it.
  'POST /api/monitoring/test-error': { body: () => ({ where: 'worker' }) },
  'GET /api/metrics': {},
  'GET /api/webhooks': {},
  // Registered off, so the sweep's own writes queue nothing for a host that does not exist.
  'POST /api/webhooks': { body: () => ({ url: 'https://hooks.example.com/switchboard', events: ['job.completed'], active: false }) },
  'PATCH /api/webhooks/{id}': { id: (f) => webhookEndpoint(f), body: () => ({ description: `matrix ${uniq()}` }) },
  'DELETE /api/webhooks/{id}': { id: (f) => doomedWebhookEndpoint(f) },
  'GET /api/webhooks/{id}/deliveries': { id: (f) => webhookEndpoint(f) },
  'POST /api/webhooks/{id}/deliveries/{deliveryId}/retry': { path: '/webhooks/no-such-endpoint/deliveries/no-such-delivery/retry' },
  'GET /api/calendar/feed': {},
  'POST /api/calendar/feed': {},
  'DELETE /api/calendar/feed': {},
  'GET /api/calendar/feeds/{token}': { public: true, path: '/calendar/feeds/no-such-token' },
  'GET /api/kpis': { path: '/kpis?from=2026-06-01&to=2026-06-30' },
  'GET /api/kpis/{drill}': { path: '/kpis/completed?from=2026-06-01&to=2026-06-30' },

  // Moving in and out: a dry run (it writes nothing), and every export file.
  'POST /api/imports/{source}/{entity}': {
    path: '/imports/jobber/customers?dryRun=1',
    body: () => ({ rows: [{ customerId: `matrix-${uniq()}`, name: 'Matrix import', zip: '78701' }] }),
  },
  ...Object.fromEntries(EXPORT_RESOURCES.map((name) => [`GET /api/exports/${name}.csv`, {}])),
  'GET /api/exports/org.json': {},
};

// Org-a rows the fixtures do not have, made once on first use (before the other-org sweep
// takes its snapshot) and reused after, so the sweep itself writes nothing to org a.
function once(make: (f: OrgFixture) => Promise<string>) {
  let id: Promise<string> | undefined;
  return (f: OrgFixture) => (id ??= make(f));
}
const made = async (path: string, body: unknown) => (await api('a.admin', 'POST', path, body)).body.id as string;
const pricebookItem = once(() => made('/pricebook', { kind: 'service', code: `MX-${uniq()}`, name: 'Matrix item', unitPriceCents: 100 }));
const stockMovement = once((f) =>
  made('/stock/movements', { partId: f.partId, toLocationId: f.warehouseId, quantity: 1, reason: 'receive' }),
);
const purchaseOrder = once((f) =>
  made('/purchase-orders', {
    supplier: 'Matrix Supply',
    locationId: f.warehouseId,
    lines: [{ partId: f.partId, quantity: 1, unitCostCents: 1 }],
  }),
);
const partUsage = once((f) => made('/part-usages', { jobId: f.jobId, partId: f.partId, locationId: f.warehouseId, quantity: 1 }));
/** A draft invoice on a completed job of its own (written with SQL: only completed jobs are invoiced). */
async function newInvoice(f: OrgFixture): Promise<string> {
  const jobId = crypto.randomUUID();
  const now = Date.now();
  await sql.execute({
    sql: `insert into jobs (id, org_id, number, customer_id, location_id, type, priority, description, status, duration_min, warnings, created_at, updated_at) values (?, ?, ?, ?, ?, 'Matrix', 'normal', 'Matrix', 'completed', 60, '[]', ?, ?)`,
    args: [jobId, f.orgId, 900_000_000 + Math.floor(Math.random() * 1e8), f.customerId, f.locationId, now, now],
  });
  await sql.execute({
    sql: `insert into line_items (id, org_id, job_id, description, quantity_milli, unit_price_cents, taxable, total_cents, created_at, updated_at) values (?, ?, ?, 'Matrix', 1000, 10000, 1, 10000, ?, ?)`,
    args: [crypto.randomUUID(), f.orgId, jobId, now, now],
  });
  return made('/invoices', { jobId });
}
const invoice = once(newInvoice);
const payment = once(async (f) => {
  const id = await newInvoice(f);
  await api('a.admin', 'POST', `/invoices/${id}/transitions`, { to: 'sent' });
  return made('/payments', { invoiceId: id, amountCents: 100, method: 'cash' });
});
/** A photo on the fixture job (bytes that start as a JPEG does). */
const jobFile = once(async (f) => {
  const bytes = new Uint8Array(64);
  bytes.set([0xff, 0xd8, 0xff, 0xe0]);
  const res = await api('a.admin', 'PUT', `/jobs/${f.jobId}/files/${crypto.randomUUID()}?kind=photo`, bytes, {
    'content-type': 'image/jpeg',
  });
  return res.body.id as string;
});
const invitation = once(() => made('/invitations', { email: `withdraw-${uniq()}@org-a.test`, name: 'To withdraw', role: 'manager' }));
const webhookEndpoint = once(() => made('/webhooks', { url: 'https://hooks.example.com/matrix', events: ['job.created'], active: false }));
const doomedWebhookEndpoint = once(() =>
  made('/webhooks', { url: 'https://hooks.example.com/doomed', events: ['job.created'], active: false }),
);
