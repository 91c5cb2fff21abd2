/**
 * List mechanics shared by every resource: keyset cursors, `fields=` selection and sorting.
 * Cursors are opaque base64url JSON of the last row's sort value and id, tied to the sort they
 * were made with; pagination is `(sort, id) > (value, id)`, which the (org, sort, id) indexes serve.
 */
import { z } from '@hono/zod-openapi';
import { sql, type SQL } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { fieldProblem } from '../problem.ts';

export const MAX_LIMIT = 200;

export const listQuery = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_LIMIT)
    .default(50)
    .openapi({ description: `Page size, at most ${MAX_LIMIT}.` }),
  cursor: z.string().max(512).optional().openapi({ description: 'The `nextCursor` of the previous page.' }),
  sort: z.string().max(40).optional().openapi({ description: 'A sort key; prefix with `-` for descending.' }),
  fields: z.string().max(1000).optional().openapi({ description: 'Comma-separated fields to return.' }),
});

export interface SortSpec {
  name: string;
  expr: SQLiteColumn | SQL;
  desc: boolean;
}

export function parseSort(param: string | undefined, sorts: Record<string, SQLiteColumn | SQL>, fallback: string): SortSpec {
  const raw = param ?? fallback;
  const desc = raw.startsWith('-');
  const name = desc ? raw.slice(1) : raw;
  const expr = sorts[name];
  if (!expr) throw fieldProblem(400, 'sort', 'query', `Sort by one of: ${Object.keys(sorts).join(', ')} (prefix - for descending).`);
  return { name, expr, desc };
}

export function parseFields(param: string | undefined, allowed: readonly string[]): string[] {
  if (!param) return [...allowed];
  const wanted = param
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean);
  const unknown = wanted.filter((f) => !allowed.includes(f));
  if (unknown.length)
    throw fieldProblem(400, 'fields', 'query', `Unknown field(s): ${unknown.map((u) => JSON.stringify(u.slice(0, 40))).join(', ')}.`);
  if (!wanted.length) throw fieldProblem(400, 'fields', 'query', 'Name at least one field.');
  return [...new Set(wanted)];
}

interface CursorData {
  s: string;
  d: 0 | 1;
  v: string | number | null;
  id: string;
}

export function encodeCursor(sort: SortSpec, value: unknown, id: string): string {
  const data: CursorData = { s: sort.name, d: sort.desc ? 1 : 0, v: value as CursorData['v'], id };
  return btoa(JSON.stringify(data)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function decodeCursor(cursor: string, sort: SortSpec): CursorData {
  const bad = () => fieldProblem(400, 'cursor', 'query', 'This cursor is not valid here; start again without it.');
  let data: unknown;
  try {
    data = JSON.parse(atob(cursor.replace(/-/g, '+').replace(/_/g, '/')));
  } catch {
    throw bad();
  }
  const d = data as Partial<CursorData>;
  if (
    typeof d !== 'object' ||
    d === null ||
    d.s !== sort.name ||
    d.d !== (sort.desc ? 1 : 0) ||
    typeof d.id !== 'string' ||
    d.id.length > 64 ||
    !(d.v === null || typeof d.v === 'string' || typeof d.v === 'number')
  ) {
    throw bad();
  }
  return d as CursorData;
}

/** The keyset condition that continues after the cursor's row. */
export function afterCursor(sort: SortSpec, idColumn: SQLiteColumn, cursor: CursorData): SQL {
  return sort.desc
    ? sql`(${sort.expr}, ${idColumn}) < (${cursor.v}, ${cursor.id})`
    : sql`(${sort.expr}, ${idColumn}) > (${cursor.v}, ${cursor.id})`;
}

export function orderBy(sort: SortSpec, idColumn: SQLiteColumn): SQL[] {
  return sort.desc ? [sql`${sort.expr} desc`, sql`${idColumn} desc`] : [sql`${sort.expr} asc`, sql`${idColumn} asc`];
}

/** Escapes LIKE wildcards so a search for "50%" means the text "50%". */
export function likeContains(text: string): string {
  return `%${text.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
}

export function containsSql(column: SQLiteColumn | SQL, text: string): SQL {
  return sql`${column} like ${likeContains(text)} escape '\\'`;
}
