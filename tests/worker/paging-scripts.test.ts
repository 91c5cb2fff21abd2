/**
 * Paging over names in every script (issue 11, point 5). A cursor carries the last row's sort
 * value, so a page that ends on 张伟, on an emoji or on a right-to-left override must hand back a
 * cursor the next request accepts. Every list route the OpenAPI document publishes (a GET that
 * answers `{ items, nextCursor }`) is paged here, two rows a page, by each of its sort keys both
 * ways and by its default, over a fresh org whose rows carry such names; the pages must add up to
 * exactly the one-page answer, in its order. A list route added later fails this file until
 * SEEDED says which of its rows the seeding makes.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type ApiResult, api, expectProblem, sql } from './helpers.ts';

/** Sort values in several scripts; the Chinese name twice, so a tie is broken by id after a non-Latin-1 value. */
const NAMES = [
  'Ångström Façade Élan', // Latin-1 letters, which always worked
  'Nguyễn Thị Ánh', // Vietnamese: ễ is past Latin-1
  'Cafe\u0301 Zoë', // a combining accent, kept as sent (not normalised)
  '张伟电气',
  '张伟电气',
  'شركة الكهرباء',
  'חשמל ישראלי',
  'Электромонтаж',
  '⚡ Sparky 🔌', // outside the Basic Multilingual Plane: two UTF-16 units, four UTF-8 bytes
  '\u202Eevil\u202C Wiring', // a right-to-left override inside the name
];

const uniq = () => crypto.randomUUID().slice(0, 8);

interface Org {
  orgId: string;
  call: (method: string, path: string, body?: unknown) => Promise<ApiResult>;
}

/** A new org with one admin, signed in with a second factor, so every list holds only what this file made. */
async function freshOrg(adminName: string): Promise<Org> {
  const orgId = crypto.randomUUID();
  const userId = crypto.randomUUID();
  const now = Date.now();
  const hours = { open: '07:00', close: '17:00' };
  await sql.execute({
    sql: `insert into orgs (id, name, timezone, tax_rate_bps, business_hours, created_at) values (?, ?, 'America/Chicago', 825, ?, ?)`,
    args: [orgId, `Paging ${uniq()}`, JSON.stringify({ 0: null, 1: hours, 2: hours, 3: hours, 4: hours, 5: hours, 6: null }), now],
  });
  await sql.execute({
    sql: `insert into users (id, org_id, email, name, role, active, created_at, updated_at) values (?, ?, ?, ?, 'admin', 1, ?, ?)`,
    args: [userId, orgId, `admin-${uniq()}@paging.test`, adminName, now, now],
  });
  const token = crypto.randomUUID() + crypto.randomUUID();
  const hash = [...new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token)))]
    .map((x) => x.toString(16).padStart(2, '0'))
    .join('');
  await sql.execute({
    sql: `insert into sessions (token_hash, user_id, org_id, created_at, last_seen_at, expires_at, method) values (?, ?, ?, ?, ?, ?, 'password+totp')`,
    args: [hash, userId, orgId, now, now, now + 24 * 3600_000],
  });
  // 'anon' adds no fixture cookie; this org's own session goes in the headers.
  return { orgId, call: (method, path, body) => api('anon', method, path, body, { cookie: `__Host-sb_session=${token}` }) };
}

async function create(org: Org, path: string, body: unknown): Promise<any> {
  const res = await org.call('POST', path, body);
  if (res.status !== 201) throw new Error(`POST ${path} gave ${res.status}: ${JSON.stringify(res.body).slice(0, 300)}`);
  return res.body;
}

/** The list routes of the OpenAPI document: GETs whose 200 answer has `items` and `nextCursor`. */
async function listRoutes(): Promise<string[]> {
  const doc = (await api('anon', 'GET', '/openapi.json')).body;
  const resolve = (schema: any) => (schema?.$ref ? doc.components.schemas[schema.$ref.split('/').pop()] : schema);
  const found: string[] = [];
  for (const [path, item] of Object.entries<any>(doc.paths)) {
    const schema = resolve(item.get?.responses?.['200']?.content?.['application/json']?.schema);
    if (schema?.properties?.items && schema.properties.nextCursor) found.push(path);
  }
  return found.sort();
}

/** A route's sort keys, as its refusal of an unknown one lists them. */
async function sortKeys(org: Org, path: string): Promise<string[]> {
  const res = await org.call('GET', `${path.replace(/^\/api/, '')}?sort=no-such-sort&limit=1`);
  expectProblem(res, 400, 'sort');
  const message: string = res.body.errors.find((e: { field: string }) => e.field === 'sort').message;
  const keys = /one of: (.+) \(prefix/.exec(message)?.[1]?.split(', ');
  if (!keys?.length) throw new Error(`${path}: no sort keys in ${JSON.stringify(message)}`);
  return keys;
}

/** Identifies a row in a list: its id, or for a stock level (which has none) its part and location. */
const rowKey = (item: any): string => item.id ?? `${item.partId}/${item.locationId}`;

/** Every page of a list, `limit` rows at a time; stops at the first answer that is not a page. */
async function pageThrough(org: Org, path: string, sort: string | undefined, limit: number) {
  const keys: string[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 200; pages++) {
    const q = new URLSearchParams({ limit: String(limit) });
    if (sort) q.set('sort', sort);
    if (cursor) q.set('cursor', cursor);
    const res = await org.call('GET', `${path.replace(/^\/api/, '')}?${q}`);
    if (res.status !== 200) return { keys, error: `page ${pages + 1}: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}` };
    keys.push(...res.body.items.map(rowKey));
    cursor = res.body.nextCursor;
    if (!cursor) return { keys, pages: pages + 1 };
  }
  return { keys, error: 'more than 200 pages' };
}

/**
 * Lists that are not lists of named records, paged by their own tests instead: the audit log's rows
 * are the other lists' writes (more than one page of them here), tests/worker/audit-log.test.ts.
 * The malformed-cursor check below still covers them.
 */
const PAGED_ELSEWHERE = ['/api/audit'];

/** The rows the seeding made, by list route: each must come back. */
const SEEDED: Record<string, string[]> = {};
let org: Org;
let routes: string[];

beforeAll(async () => {
  routes = await listRoutes();
  org = await freshOrg('Trần Quản Trị ⚡');
  const seed = (route: string, key: string) => (SEEDED[route] ??= []).push(key);
  const each = async <T>(make: (name: string, i: number) => Promise<T>) => {
    const out: T[] = [];
    for (const [i, name] of NAMES.entries()) out.push(await make(name, i));
    return out;
  };
  // SKUs and price-book codes are unique in an org, so those take the index after the name.
  const customers = await each((name) => create(org, '/customers', { name }));
  customers.forEach((c) => seed('/api/customers', c.id));
  const places = await each((name, i) =>
    create(org, '/locations', {
      customerId: customers[i].id,
      address: name,
      city: name,
      region: name,
      postalCode: '78701',
      lat: 30.27,
      lng: -97.74,
    }),
  );
  places.forEach((l) => seed('/api/locations', l.id));
  for (const t of await each((name) => create(org, '/technicians', { name }))) seed('/api/technicians', t.id);
  for (const u of await each((name, i) => create(org, '/users', { email: `p${i}-${uniq()}@paging.test`, name, role: 'manager' })))
    seed('/api/users', u.id);
  for (const p of await each((name, i) => create(org, '/pricebook', { kind: 'service', code: `${name} ${i}`, name, unitPriceCents: 100 })))
    seed('/api/pricebook', p.id);
  const parts = await each((name, i) => create(org, '/parts', { sku: `${name} ${i}`, name }));
  parts.forEach((p) => seed('/api/parts', p.id));
  const shelves = await each((name) => create(org, '/stock/locations', { kind: 'warehouse', name }));
  shelves.forEach((s) => seed('/api/stock/locations', s.id));
  // Receiving part i at shelf i makes the stock level sorted by both names.
  const received = await each((_, i) =>
    create(org, '/stock/movements', { partId: parts[i].id, toLocationId: shelves[i].id, quantity: 5, reason: 'receive' }),
  );
  received.forEach((m, i) => {
    seed('/api/stock/movements', m.id);
    seed('/api/stock/levels', `${parts[i].id}/${shelves[i].id}`);
  });
  const jobs = await each((name, i) =>
    create(org, '/jobs', { customerId: customers[i].id, locationId: places[i].id, type: name, description: name }),
  );
  jobs.forEach((j) => seed('/api/jobs', j.id));
  for (const l of await each((name, i) =>
    create(org, '/line-items', { jobId: jobs[i].id, description: name, quantity: 1, unitPriceCents: 100 }),
  ))
    seed('/api/line-items', l.id);
  for (const u of await each((_, i) =>
    create(org, '/part-usages', { jobId: jobs[i].id, partId: parts[i].id, locationId: shelves[i].id, quantity: 1 }),
  ))
    seed('/api/part-usages', u.id);
  for (const po of await each((name, i) =>
    create(org, '/purchase-orders', {
      supplier: name,
      notes: name,
      locationId: shelves[i].id,
      lines: [{ partId: parts[i].id, quantity: 1, unitCostCents: 100 }],
    }),
  ))
    seed('/api/purchase-orders', po.id);
  // Only completed work is invoiced; walking each job through the board is not what this file tests.
  await sql.execute({ sql: `update jobs set status = 'completed', completed_at = ? where org_id = ?`, args: [Date.now(), org.orgId] });
  const invoices = await each((name, i) => create(org, '/invoices', { jobId: jobs[i].id, notes: name }));
  for (const inv of invoices) {
    seed('/api/invoices', inv.id);
    const sent = await org.call('POST', `/invoices/${inv.id}/transitions`, { to: 'sent' });
    if (sent.status !== 200) throw new Error(`sending invoice: ${sent.status} ${JSON.stringify(sent.body)}`);
  }
  for (const p of await each((name, i) =>
    create(org, '/payments', { invoiceId: invoices[i].id, amountCents: 1, method: 'cash', reference: name }),
  ))
    seed('/api/payments', p.id);
}, 120_000);

describe('paging over names in several scripts', () => {
  it('seeds every list route the OpenAPI document publishes, and no other', () => {
    expect(routes.length).toBeGreaterThanOrEqual(15);
    expect(Object.keys(SEEDED).sort()).toEqual(routes.filter((r) => !PAGED_ELSEWHERE.includes(r)));
  });

  it('pages every list route by each sort key, both ways, two rows a page, to exactly the one-page answer', async () => {
    const failures: string[] = [];
    let pagedOnText = 0;
    for (const route of routes.filter((r) => !PAGED_ELSEWHERE.includes(r))) {
      const path = route.replace(/^\/api/, '');
      const sorts = [undefined, ...(await sortKeys(org, route)).flatMap((k) => [k, `-${k}`])];
      for (const sort of sorts) {
        const label = `${route} sort=${sort ?? '(default)'}`;
        const whole = await org.call('GET', `${path}?limit=200${sort ? `&sort=${sort}` : ''}`);
        if (whole.status !== 200 || whole.body.nextCursor !== null) {
          failures.push(`${label}: one page of 200 gave ${whole.status}, nextCursor ${whole.body.nextCursor}`);
          continue;
        }
        const expected: string[] = whole.body.items.map(rowKey);
        const missing = (SEEDED[route] ?? []).filter((k) => !expected.includes(k));
        if (missing.length) failures.push(`${label}: the list lacks ${missing.length} seeded rows`);
        if (expected.length < NAMES.length) failures.push(`${label}: ${expected.length} rows; seed this route with one per name`);
        const paged = await pageThrough(org, route, sort, 2);
        if (paged.error) failures.push(`${label}: ${paged.error}`);
        else if (JSON.stringify(paged.keys) !== JSON.stringify(expected))
          failures.push(
            `${label}: pages gave ${paged.keys.length} rows (${new Set(paged.keys).size} distinct), one page ${expected.length}`,
          );
        const key = sort?.replace(/^-/, '');
        if (key && typeof whole.body.items[0]?.[key] === 'string' && whole.body.items.some((r: any) => NAMES.includes(r[key])))
          pagedOnText++;
      }
    }
    expect(failures).toEqual([]);
    // Customers, locations, technicians, users, price book, parts, stock locations and levels sort by a name.
    expect(pagedOnText).toBeGreaterThanOrEqual(8 * 2);
  }, 240_000);

  it('refuses a malformed cursor with a 400 naming `cursor` on every list route, never a 500', async () => {
    const b64url = (text: string) => {
      let binary = '';
      for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
      return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    };
    /** Cursors for ascending `key`: the surrogate ones are well-formed up to the JSON, so they reach the query unless refused. */
    const bad = (key: string) => ({
      garbage: 'not-a-cursor',
      'not base64': '!!**!!',
      'one character': 'a',
      'not UTF-8': '__79', // the bytes FF FE FD
      'JSON array': b64url('[]'),
      'JSON null': b64url('null'),
      'a value of the wrong type': b64url(JSON.stringify({ s: key, d: 0, v: {}, id: 'x' })),
      'a value past any number': b64url(`{"s":"${key}","d":0,"v":1e400,"id":"x"}`), // JSON.parse makes it Infinity
      'a lone surrogate value': b64url(`{"s":"${key}","d":0,"v":"\\ud800","id":"x"}`),
      'a lone surrogate id': b64url(`{"s":"${key}","d":0,"v":"x","id":"\\udc00"}`),
      'too long': 'A'.repeat(8192),
    });
    const failures: string[] = [];
    for (const route of routes) {
      const path = route.replace(/^\/api/, '');
      const [key] = await sortKeys(org, route);
      for (const [name, cursor] of Object.entries(bad(key!))) {
        const res = await org.call('GET', `${path}?sort=${key}&cursor=${encodeURIComponent(cursor)}`);
        const named = res.body?.errors?.some((e: { field: string }) => e.field === 'cursor');
        const problem = res.headers.get('content-type')?.startsWith('application/problem+json');
        if (res.status !== 400 || !named || !problem)
          failures.push(`${route} ${name}: ${res.status} ${JSON.stringify(res.body).slice(0, 160)}`);
      }
      // A real cursor from one direction is not valid in the other.
      const first = await org.call('GET', `${path}?limit=1&sort=${key}`);
      if (typeof first.body?.nextCursor !== 'string') {
        failures.push(`${route} sort=${key}: no cursor to try (${first.status})`);
        continue;
      }
      const other = await org.call('GET', `${path}?limit=1&sort=-${key}&cursor=${first.body.nextCursor}`);
      if (other.status !== 400) failures.push(`${route}: a ${key} cursor under -${key} gave ${other.status}`);
    }
    expect(failures).toEqual([]);
  }, 120_000);
});

describe('paging over the longest names', () => {
  it('hands back cursors the next request accepts when a page ends on 200 characters of emoji, quotes or control characters', async () => {
    const own = await freshOrg('Long names admin');
    const names = ['🔌'.repeat(100), '"\\'.repeat(100), `A${'\u0001'.repeat(198)}Z`, '张'.repeat(200)];
    const ids: string[] = [];
    for (const name of names) ids.push((await create(own, '/customers', { name })).id);
    for (const sort of ['name', '-name']) {
      const paged = await pageThrough(own, '/api/customers', sort, 1);
      expect(paged.error, sort).toBeUndefined();
      expect([...paged.keys].sort(), sort).toEqual([...ids].sort());
    }
  });
});
