/**
 * Every route x every role x own org / other org, read from the OpenAPI document the Worker
 * serves. Also: every route refuses anonymous callers, and every GET costs at most 2 libSQL
 * round trips (the session lookup and one batch).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { POLICY, type Permission } from '../../core/permissions.ts';
import type { Role } from '../../db/schema.ts';
import { api, fx, sql, storedOrder } from './helpers.ts';
import { MATRIX } from './route-matrix.ts';

interface Operation {
  key: string;
  method: string;
  path: string;
  permission: Permission | 'public';
}

const ROLES: Role[] = ['admin', 'dispatcher', 'manager', 'technician'];
const operations: Operation[] = [];

beforeAll(async () => {
  const doc = await api('anon', 'GET', '/openapi.json');
  expect(doc.status).toBe(200);
  for (const [path, item] of Object.entries<Record<string, { 'x-permission'?: string }>>(doc.body.paths)) {
    for (const [method, op] of Object.entries(item)) {
      operations.push({
        key: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        permission: op['x-permission'] as Operation['permission'],
      });
    }
  }
});

/** The path with `{id}` filled by an org-a id (its fixture, or the first row its list returns), or the entry's own path. */
async function concretePath(op: Operation): Promise<string> {
  const entry = MATRIX[op.key]!;
  if (entry.path) return entry.path;
  if (!op.path.includes('{id}')) return op.path.replace(/^\/api/, '');
  let id = await entry.id?.(fx.a);
  if (!id) {
    const collection = op.path.slice(0, op.path.indexOf('/{id}')).replace(/^\/api/, '');
    const list = await api('a.admin', 'GET', `${collection}?limit=1`);
    id = list.body.items?.[0]?.id;
    if (!id) throw new Error(`no org-a row to address ${op.key}; give the matrix entry an id`);
  }
  return op.path.replace('{id}', id).replace(/^\/api/, '');
}

/** Every row of org a, to show another org's requests left it exactly as it was. */
async function orgSnapshot(orgId: string): Promise<string> {
  const tables = await sql.execute(
    `select m.name from sqlite_master m where m.type = 'table' and exists (select 1 from pragma_table_info(m.name) where name = 'org_id') order by m.name`,
  );
  const out: string[] = [];
  for (const t of tables.rows) {
    const order = await storedOrder(String(t.name));
    const rows = await sql.execute({ sql: `select * from "${t.name}" where org_id = ? order by ${order}`, args: [orgId] });
    out.push(`${t.name}:${JSON.stringify(rows.rows)}`);
  }
  return out.join('\n');
}

describe('route matrix', () => {
  it('has an entry for every route, and no entry for a route that is gone', () => {
    const keys = operations.map((o) => o.key).sort();
    expect(keys.length).toBeGreaterThan(10);
    expect(keys.filter((k) => !MATRIX[k])).toEqual([]);
    expect(Object.keys(MATRIX).filter((k) => !keys.includes(k))).toEqual([]);
  });

  it('names a known permission on every route', () => {
    for (const op of operations) {
      const known = op.permission === 'public' || op.permission in POLICY;
      expect(known, `${op.key} has permission ${op.permission}`).toBe(true);
      expect(op.permission === 'public', `${op.key} public?`).toBe(MATRIX[op.key]!.public === true);
    }
  });

  it('refuses anonymous callers on every route that is not public', async () => {
    for (const op of operations.filter((o) => o.permission !== 'public')) {
      const res = await api('anon', op.method, await concretePath(op), MATRIX[op.key]!.body?.(fx.a));
      expect(res.status, `${op.key} anonymous`).toBe(401);
    }
  });

  it('gives each role exactly what the policy says', async () => {
    for (const op of operations.filter((o) => o.permission !== 'public' && o.key !== 'POST /api/auth/sign-out')) {
      for (const role of ROLES) {
        const res = await api(`a.${role}`, op.method, await concretePath(op), MATRIX[op.key]!.body?.(fx.a));
        const allowed = (POLICY[op.permission as Permission] as Role[]).includes(role);
        // An allowed role may still meet other refusals (a fresh sign-in needed, a conflict), never these two.
        const refusedByRole = res.status === 401 || (res.status === 403 && res.body?.title === 'Not allowed');
        if (allowed) expect(refusedByRole, `${op.key} as ${role}: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`).toBe(false);
        else expect(res.status, `${op.key} as ${role}`).toBe(403);
      }
    }
  });

  it('never lets org b read or change org a through any route', async () => {
    const before = await orgSnapshot(fx.a.orgId);
    const aIds = [fx.a.customerId, fx.a.locationId, fx.a.technicianId, fx.a.partId, fx.a.truckId, fx.a.userIds.manager];
    for (const op of operations.filter((o) => o.permission !== 'public' && o.key !== 'POST /api/auth/sign-out')) {
      const path = await concretePath(op);
      const res = await api('b.admin', op.method, path, MATRIX[op.key]!.body?.(fx.a));
      if (op.path.includes('{id}')) expect(res.status, `${op.key} from org b: ${JSON.stringify(res.body).slice(0, 200)}`).toBe(404);
      // The problem's `instance` echoes the caller's own path; anything else of org a is a leak.
      const text = JSON.stringify({ ...res.body, instance: undefined });
      for (const id of aIds) expect(text.includes(id), `${op.key} leaked an org-a id`).toBe(false);
      expect(text.includes('Org a'), `${op.key} leaked org a's name`).toBe(false);
    }
    expect(await orgSnapshot(fx.a.orgId)).toBe(before);
  });

  it('answers every GET in at most 2 libSQL round trips', async () => {
    for (const op of operations.filter((o) => o.method === 'GET' && o.permission !== 'public')) {
      const res = await api('a.admin', 'GET', await concretePath(op));
      expect(res.status, op.key).toBe(200);
      expect(res.roundTrips, `${op.key} round trips`).toBeLessThanOrEqual(2);
    }
  });
});
