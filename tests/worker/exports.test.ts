/**
 * Moving out: GET /api/exports/{resource}.csv and GET /api/exports/org.json. Admins only; the
 * session's org only; sign-in secrets never in them; and an org larger than a page comes out
 * whole, every row once, page after page (EXPORT_PAGE rows a round trip).
 */
import { drizzle } from 'drizzle-orm/libsql/web';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { EXPORT_RESOURCES } from '../../core/exports.ts';
import * as schema from '../../db/schema.ts';
import { ORG_TABLES } from '../../worker/data/export-tables.ts';
import { pageQuery } from '../../worker/data/exports.ts';
import { api, count, expectProblem, fx, sql } from './helpers.ts';

const csvRows = (text: string) => Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true });

describe('exports', () => {
  it('gives an admin each resource as CSV: a header of the API names, their org only, instants in ISO 8601', async () => {
    const res = await api('a.admin', 'GET', '/exports/customers.csv');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="customers-\d{4}-\d{2}-\d{2}\.csv"$/);
    const text = res.body as string;
    expect(text.endsWith('\r\n')).toBe(true);
    const parsed = csvRows(text);
    expect(parsed.meta.fields).toEqual(['id', 'name', 'email', 'phone', 'billingAddress', 'notes', 'tags', 'createdAt', 'updatedAt']);
    const ids = parsed.data.map((r) => r.id);
    expect(ids).toContain(fx.a.customerId);
    expect(ids).not.toContain(fx.b.customerId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(parsed.data.length).toBe(await count('customers', 'org_id = ?', [fx.a.orgId]));
    const mine = parsed.data.find((r) => r.id === fx.a.customerId)!;
    expect(mine.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(() => JSON.parse(mine.tags!)).not.toThrow();

    for (const name of EXPORT_RESOURCES) {
      const r = await api('a.admin', 'GET', `/exports/${name}.csv`);
      expect(r.status, name).toBe(200);
      expect(String(r.body).includes(fx.b.orgId), `${name} names org b`).toBe(false);
    }
  });

  it('writes a formula in a cell as text', async () => {
    const made = await api('a.dispatcher', 'POST', '/customers', { name: '=HYPERLINK("http://evil.test","click")' });
    expect(made.status).toBe(201);
    const text = (await api('a.admin', 'GET', '/exports/customers.csv')).body as string;
    const row = csvRows(text).data.find((r) => r.id === made.body.id)!;
    expect(row.name!.startsWith("'=")).toBe(true);
  });

  it('leaves sign-in secrets out of users.csv and org.json', async () => {
    const users = csvRows((await api('a.admin', 'GET', '/exports/users.csv')).body as string);
    expect(users.meta.fields).not.toContain('passwordHash');
    expect(users.meta.fields).not.toContain('totpSecret');
    expect(users.data.map((u) => u.id)).toContain(fx.a.userIds.manager);
    const doc = await api('a.admin', 'GET', '/exports/org.json');
    const text = JSON.stringify(doc.body);
    expect(text).not.toContain('pbkdf2-sha256$');
    expect(text).not.toContain('passwordHash');
    expect(text).not.toContain('tokenHash');
  });

  it('gives the whole org as one JSON document, every table of theirs and nothing of another org', async () => {
    const res = await api('a.admin', 'GET', '/exports/org.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const doc = res.body;
    expect(doc).toMatchObject({ format: 'switchboard.org-export', version: 1, org: { id: fx.a.orgId, name: 'Org a' } });
    for (const name of EXPORT_RESOURCES) expect(Array.isArray(doc.tables[name]), name).toBe(true);
    expect(doc.tables.customers.length).toBe(await count('customers', 'org_id = ?', [fx.a.orgId]));
    expect(doc.tables.jobs.map((j: { id: string }) => j.id)).toContain(fx.a.jobId);
    const text = JSON.stringify(doc);
    for (const id of [fx.b.orgId, fx.b.customerId, fx.b.jobId, fx.b.technicianId]) expect(text.includes(id)).toBe(false);
  });

  it('is for admins only', async () => {
    for (const actor of ['a.dispatcher', 'a.manager', 'a.technician'] as const) {
      expectProblem(await api(actor, 'GET', '/exports/customers.csv'), 403);
      expectProblem(await api(actor, 'GET', '/exports/org.json'), 403);
    }
    expectProblem(await api('anon', 'GET', '/exports/jobs.csv'), 401);
    expectProblem(await api('a.admin', 'GET', '/exports/secrets.csv'), 404);
  });

  it('streams an org larger than a page whole, every row once', async () => {
    // 2,300 customers more in org b (its own, so the other tests' counts stay), by the import.
    for (let batch = 0; batch < 5; batch++) {
      const rows = Array.from({ length: 460 }, (_, i) => ({ customerId: `page-${batch}-${i}`, name: `Paged customer ${batch}-${i}` }));
      const res = await api('b.admin', 'POST', '/imports/jobber/customers', { rows });
      expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(200);
    }
    const total = await count('customers', 'org_id = ?', [fx.b.orgId]);
    expect(total).toBeGreaterThan(2000);

    const csv = await api('b.admin', 'GET', '/exports/customers.csv');
    const rows = csvRows(csv.body as string).data;
    expect(rows.length).toBe(total);
    expect(new Set(rows.map((r) => r.id)).size).toBe(total);
    // The first page is read before the answer starts (2 round trips with the session); the rest as it streams.
    expect(csv.roundTrips).toBe(2);

    const doc = await api('b.admin', 'GET', '/exports/org.json');
    expect(doc.body.tables.customers.length).toBe(total);
    expect(new Set(doc.body.tables.customers.map((c: { id: string }) => c.id)).size).toBe(total);
    expect(doc.body.tables['import-keys'].length).toBe(await count('import_keys', 'org_id = ?', [fx.b.orgId]));
  });

  it('reads each page from its cursor in rowid order: no sort of the whole org per page', async () => {
    const db = drizzle(sql, { schema });
    for (const [name, t] of Object.entries(ORG_TABLES)) {
      const page = pageQuery(db, t, fx.a.orgId, 1000).toSQL();
      const plan = await sql.execute({ sql: `explain query plan ${page.sql}`, args: page.params as never[] });
      const steps = plan.rows.map((r) => String(r.detail));
      expect(steps, name).toEqual([expect.stringMatching(/USING INTEGER PRIMARY KEY \(rowid>\?\)/)]);
    }
  });
});
