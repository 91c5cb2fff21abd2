/**
 * libSQL batches: all-or-nothing writes, conditional inserts, statements compiled outside
 * drizzle (db/job-writes.ts) inside drizzle's batches, and reading constraint failures.
 */
import { getTableColumns, is, SQL, sql } from 'drizzle-orm';
import { SQLiteAsyncDialect, type SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { BatchItem } from 'drizzle-orm/batch';
import type { Statement, Value } from '../../db/job-writes.ts';
import type { Db } from '../db.ts';

type Row = Record<string, unknown>;

/** Runs statements as one libSQL batch (a transaction: all or nothing) and hands back each result. */
export async function runBatch(db: Db, items: BatchItem<'sqlite'>[]): Promise<unknown[]> {
  return (await db.batch(items as [BatchItem<'sqlite'>, ...BatchItem<'sqlite'>[]])) as unknown[];
}

/**
 * An insert that happens only if `when` still holds at that point of the batch. A batch has no
 * IF, so a write that depends on state another request may change meanwhile (an invoice still
 * 'sent', an order still 'ordered') puts that condition on each of its statements.
 */
export function insertIf<T extends SQLiteTable>(
  db: Db,
  table: T,
  row: { [K in keyof T['$inferInsert']]: T['$inferInsert'][K] | SQL },
  when: SQL,
) {
  const values = Object.entries(getTableColumns(table)).map(([key, column]) => {
    const given = (row as Row)[key];
    const value = given === undefined ? column.default : given;
    if (is(value, SQL)) return value;
    return value === undefined ? sql`null` : sql.param(value, column);
  });
  return db.insert(table).select(sql`select ${sql.join(values, sql`, `)} where ${when}`);
}

/**
 * A statement compiled as SQL text with `?` arguments (db/job-writes.ts, shared with the rooms,
 * which have no drizzle) as an item of a drizzle batch. Its result in the batch is the rows it
 * returned as libSQL sends them (SQL column names): read them with rowOf.
 */
export function compiledItem(db: Db, statement: Statement) {
  const texts = statement.sql.split('?');
  if (texts.length !== statement.args.length + 1) {
    throw new Error(`${texts.length - 1} placeholders for ${statement.args.length} arguments: ${statement.sql}`);
  }
  return db.all<Row>(
    sql.join(texts.map((text, i) => (i === 0 ? sql.raw(text) : sql`${sql.param(statement.args[i - 1])}${sql.raw(text)}`))),
  );
}

const dialect = new SQLiteAsyncDialect();

/** A drizzle condition as a statement for db/job-writes.ts (billing's condition on a job's change). */
export function compiled(condition: SQL): Statement {
  const query = dialect.sqlToQuery(condition);
  return { sql: query.sql, args: query.params as Value[] };
}

/** A row a compiled statement returned (compiledItem), read as drizzle reads `table`'s rows: its keys, JSON and other modes decoded. */
export function rowOf<T extends SQLiteTable>(table: T, row: Row | undefined): T['$inferSelect'] | undefined {
  if (!row) return undefined;
  const out: Row = {};
  for (const [key, column] of Object.entries(getTableColumns(table))) {
    if (!(column.name in row)) continue;
    const value = row[column.name];
    out[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
  }
  return out as T['$inferSelect'];
}

/**
 * Whether a failed libSQL call broke a CHECK constraint (by name) or a UNIQUE one (by
 * 'table.column'), looking through drizzle's wrapping. The constraint is the authority under
 * concurrency, so callers turn this into a problem naming the field.
 */
export function constraintFailed(err: unknown, kind: 'CHECK' | 'UNIQUE', name: string): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const at = e.message.indexOf(`${kind} constraint failed: `);
    if (at >= 0 && e.message.slice(at).split('\n')[0]!.includes(name)) return true;
  }
  return false;
}
