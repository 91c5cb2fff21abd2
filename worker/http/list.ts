/**
 * List mechanics shared by every resource: keyset cursors, `fields=` selection and sorting.
 * Cursors are opaque base64url of the UTF-8 JSON of the last row's sort value and id, tied to the
 * sort they were made with; pagination is `(sort, id) > (value, id)`, which the (org, sort, id)
 * indexes serve.
 */
import { z } from '@hono/zod-openapi';
import { sql, type SQL } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { fieldProblem } from '../problem.ts';

export const MAX_LIMIT = 200;

/**
 * A cursor carries its row's sort value whole. The longest sortable text is 254 characters (an
 * email; names stop at 200), and JSON spends at most 6 bytes on one UTF-16 unit (a control
 * character becomes \u0001), so with the id and sort name a cursor stays under 1,700 bytes,
 * about 2,200 characters of base64url. The limit leaves room and still bounds the query string.
 */
const MAX_CURSOR = 4096;

export const listQuery = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_LIMIT)
    .default(50)
    .openapi({ description: `Page size, at most ${MAX_LIMIT}.` }),
  cursor: z.string().max(MAX_CURSOR).optional().openapi({ description: 'The `nextCursor` of the previous page.' }),
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
  return toBase64Url(new TextEncoder().encode(JSON.stringify(data)));
}

export function decodeCursor(cursor: string, sort: SortSpec): CursorData {
  const bad = () => fieldProblem(400, 'cursor', 'query', 'This cursor is not valid here; start again without it.');
  let data: unknown;
  try {
    // fatal: bytes that are not UTF-8 are a bad cursor, not text with U+FFFD in it.
    data = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(fromBase64Url(cursor)));
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
    // JSON can spell what libSQL's protocol cannot carry to the query: a lone surrogate
    // ("\ud800") and, through JSON.parse, Infinity (1e400).
    !d.id.isWellFormed() ||
    !(d.v === null || Number.isFinite(d.v) || (typeof d.v === 'string' && d.v.isWellFormed()))
  ) {
    throw bad();
  }
  return d as CursorData;
}

// btoa and atob speak bytes as Latin-1 characters; cursors hold any text (张伟, an emoji), so
// they go through UTF-8 bytes first.
function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Throws on text that is not base64 (either alphabet, padded or not). */
function fromBase64Url(text: string): Uint8Array {
  return Uint8Array.from(atob(text.replace(/-/g, '+').replace(/_/g, '/')), (ch) => ch.charCodeAt(0));
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
