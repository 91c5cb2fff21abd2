import { SELF } from 'cloudflare:test';
import { inject } from 'vitest';
import { createClient } from '@libsql/client/web';
import type { Role } from '../../db/schema.ts';

export const fx = inject('fixtures');
export const ORIGIN = 'http://switchboard.test';

export type Actor = `${'a' | 'b'}.${Role}` | 'anon';

export interface ApiResult<T = any> {
  status: number;
  body: T;
  headers: Headers;
  roundTrips: number;
}

/** Calls the Worker as a fixture user (org a or b, by role), like a same-origin browser would; a body is JSON unless it is a string or bytes. */
export async function api<T = any>(
  actor: Actor,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ApiResult<T>> {
  const h: Record<string, string> = { ...headers };
  if (actor !== 'anon') {
    const [org, role] = actor.split('.') as ['a' | 'b', Role];
    h.cookie = `__Host-sb_session=${fx[org].tokens[role]}`;
  }
  // Bytes (an upload) go as they are, with whatever content-type the caller gives or none.
  const bytes = body instanceof Uint8Array;
  if (body !== undefined && typeof body !== 'string' && !bytes) h['content-type'] = 'application/json';
  if (body !== undefined && typeof body === 'string') h['content-type'] ??= 'application/json';
  const res = await SELF.fetch(`${ORIGIN}/api${path}`, {
    method,
    headers: h,
    body: body === undefined ? undefined : typeof body === 'string' || bytes ? (body as BodyInit) : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON */
  }
  const timing = res.headers.get('server-timing') ?? '';
  const roundTrips = Number(/"(\d+) round trips"/.exec(timing)?.[1] ?? NaN);
  return { status: res.status, body: parsed as T, headers: res.headers, roundTrips };
}

/** Straight SQL against the test database, to check what a request did or did not change. */
export const sql = createClient({ url: inject('libsqlUrl') });

export async function count(table: string, where = '1=1', args: (string | number)[] = []): Promise<number> {
  const r = await sql.execute({ sql: `select count(*) as n from ${table} where ${where}`, args });
  return Number(r.rows[0]!.n);
}

/** A fingerprint of every table's row count and content, to prove a refused request changed nothing. */
/**
 * The order a table's rows are stored in: rowid, or for a WITHOUT ROWID table (the KPI rollups)
 * its primary key, which has no rowid.
 */
export async function storedOrder(table: string): Promise<string> {
  const { rows } = await sql.execute({ sql: "select sql from sqlite_master where type = 'table' and name = ?", args: [table] });
  if (!/without\s+rowid\s*$/i.test(String(rows[0]?.sql ?? '').trim())) return 'rowid';
  const key = await sql.execute({ sql: 'select name from pragma_table_info(?) where pk > 0 order by pk', args: [table] });
  return key.rows.map((r) => `"${String(r.name)}"`).join(', ');
}

export async function dbFingerprint(): Promise<string> {
  const tables = await sql.execute(
    `select name from sqlite_master where type='table' and name not like 'sqlite_%' and name not like '__drizzle%' and name <> 'sessions' order by name`,
  );
  const parts: string[] = [];
  for (const row of tables.rows) {
    const r = await sql.execute(`select * from "${row.name}" order by ${await storedOrder(String(row.name))}`);
    parts.push(`${row.name}:${JSON.stringify(r.rows)}`);
  }
  return parts.join('\n');
}

export function expectProblem(res: ApiResult, status: number, field?: string) {
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
  if (!res.headers.get('content-type')?.startsWith('application/problem+json'))
    throw new Error(`not problem+json: ${res.headers.get('content-type')}`);
  if (field && !res.body.errors?.some((e: { field: string }) => e.field === field)) {
    throw new Error(`expected an error naming ${field}: ${JSON.stringify(res.body)}`);
  }
}
