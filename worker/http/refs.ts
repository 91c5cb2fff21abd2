/**
 * Checks that ids named in a request body belong to the caller's org, before a write. An id
 * from another org answers exactly like an id that does not exist: 422 naming the field.
 */
import { and, eq, inArray, type SQL } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Db } from '../db.ts';
import { fieldProblem } from '../problem.ts';

type OwnedTable = SQLiteTable & { id: SQLiteColumn; orgId: SQLiteColumn };

export interface RefCheck {
  field: string;
  table: OwnedTable;
  id: string | null | undefined;
  what: string;
  /** Extra condition the row must meet (e.g. the location belongs to this customer). */
  where?: SQL;
  whereMessage?: string;
}

/** Looks every reference up in one libSQL batch and throws a 422 for the first that fails. */
export async function assertRefs(db: Db, orgId: string, checks: RefCheck[]): Promise<void> {
  const wanted = checks.filter((c) => c.id != null);
  if (!wanted.length) return;
  const queries = wanted.map((c) =>
    db
      .select({ id: c.table.id })
      .from(c.table)
      .where(and(eq(c.table.orgId, orgId), inArray(c.table.id, [c.id!]), c.where)),
  );
  const results = (await db.batch(queries as [(typeof queries)[number], ...typeof queries])) as { id: unknown }[][];
  wanted.forEach((c, i) => {
    if (!results[i]!.length) throw fieldProblem(422, c.field, 'body', c.whereMessage ?? `No ${c.what} with that id in your organisation.`);
  });
}
