/** List filters by local date, read in the org's timezone (never the UTC date). */
import { z } from '@hono/zod-openapi';
import { and, sql, type SQL } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { dayRange } from '../../core/time.ts';
import { fieldProblem } from '../problem.ts';
import { localDate } from './fields.ts';

/** `from`/`to` list filters: local dates, both inclusive, read in the org's timezone. */
export const localDatesQuery = z.object({
  from: localDate().optional().openapi({ description: 'First local date (YYYY-MM-DD), in the org timezone.' }),
  to: localDate().optional().openapi({ description: 'Last local date (YYYY-MM-DD), inclusive.' }),
});

export function withinLocalDates(column: SQLiteColumn | SQL, q: { from?: string; to?: string }, timezone: string): SQL | undefined {
  if (q.from && q.to && q.to < q.from) throw fieldProblem(400, 'to', 'query', 'The last date must not be before the first.');
  return and(
    q.from ? sql`${column} >= ${dayRange(q.from, timezone).start}` : undefined,
    q.to ? sql`${column} < ${dayRange(q.to, timezone).end}` : undefined,
  );
}
