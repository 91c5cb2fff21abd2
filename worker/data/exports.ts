/**
 * GET /api/exports/{resource}.csv and GET /api/exports/org.json: everything an org has, for an
 * admin to take elsewhere. A large org must not be held in the Worker's memory at once, so each
 * export reads its rows in pages (keyset on rowid, PAGE rows a round trip) and streams them out
 * as it goes. The first page is read before the answer starts, so a failure is still a problem
 * and a small org's export costs the session lookup and one batch.
 *
 * Other routes may live under /api/exports (the accounting export mounts /api/exports/quickbooks):
 * this router only names its own files.
 */
import { and, eq, gt, sql } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import Papa from 'papaparse';
import { EXPORT_LABELS, EXPORT_RESOURCES, isInstantColumn } from '../../core/exports.ts';
import { localDateOf } from '../../core/time.ts';
import { orgs } from '../../db/schema.ts';
import type { AuthContext } from '../auth/session.ts';
import type { Db } from '../db.ts';
import { runBatch } from '../http/batch.ts';
import { problemResponses } from '../http/resource.ts';
import { route, router } from '../http/router.ts';
import { CSV_TABLES, type ExportTable, exportedColumns, ORG_TABLES } from './export-tables.ts';

/** Rows per round trip: a page of the widest table (jobs) stays well under a megabyte. */
export const EXPORT_PAGE = 1000;

type Row = Record<string, unknown>;

const rowid = sql<number>`rowid`;

/**
 * One page of a table's rows of the org, after the rowid `after`. The org test is written
 * `+org_id` so that SQLite walks the table in rowid order from the cursor and stops at the page's
 * end; on the org's own indexes it would read and sort all the org's rows for every page.
 */
export function pageQuery(db: Db, t: ExportTable, orgId: string, after: number) {
  return db
    .select({ ...exportedColumns(t), __rowid: rowid })
    .from(t.table)
    .where(and(sql`+${t.table.orgId} = ${orgId}`, gt(rowid, after)))
    .orderBy(rowid)
    .limit(EXPORT_PAGE);
}

/**
 * Rows of one table after the first page, page by page: null when the first page was the last.
 * Each page is one round trip; the caller writes it out before the next is read.
 */
async function* laterPages(db: Db, t: ExportTable, orgId: string, first: Row[]): AsyncGenerator<Row[]> {
  let page = first;
  while (page.length === EXPORT_PAGE) {
    page = (await pageQuery(db, t, orgId, page[page.length - 1]!.__rowid as number)) as Row[];
    if (page.length) yield page;
  }
}

/** A stream of text parts, encoded as UTF-8 as they come. */
function textStream(parts: AsyncGenerator<string>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    async pull(controller) {
      const next = await parts.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      await parts.return(undefined);
    },
  });
}

function csvCell(name: string, value: unknown): unknown {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' && isInstantColumn(name)) return new Date(value).toISOString();
  if (typeof value === 'object') return JSON.stringify(value);
  return value;
}

/** CSV lines for rows, with formula escaping (a customer named "=HYPERLINK(...)" stays text) and CRLF after every line. */
function csvLines(names: string[], rows: Row[], header: boolean): string {
  const data = rows.map((r) => names.map((n) => csvCell(n, r[n])));
  const text = Papa.unparse(header ? { fields: names, data } : data, { escapeFormulae: true, newline: '\r\n', header });
  return text ? `${text}\r\n` : '';
}

const attachment = (name: string) => `attachment; filename="${name}"`;

export const exportsRoutes = router();

for (const resource of EXPORT_RESOURCES) {
  const t = CSV_TABLES[resource];
  exportsRoutes.openapi(
    route({
      method: 'get',
      path: `/${resource}.csv`,
      tags: ['Import and export'],
      summary: `Export ${EXPORT_LABELS[resource].toLowerCase()} as CSV`,
      description:
        'Every row of the org, one line each, in the order they were made; instants as ISO 8601 UTC, money in cents, lists as JSON. Streamed page by page.',
      permission: 'data.export',
      responses: { 200: { description: 'The CSV file', content: { 'text/csv': { schema: { type: 'string' } } } }, ...problemResponses },
    }),
    async (c) => {
      const db = c.get('db');
      const auth = c.get('auth');
      const names = Object.keys(exportedColumns(t));
      const first = (await pageQuery(db, t, auth.orgId, 0)) as Row[];
      async function* parts() {
        yield csvLines(names, first, true);
        for await (const page of laterPages(db, t, auth.orgId, first)) yield csvLines(names, page, false);
      }
      return new Response(textStream(parts()), {
        status: 200,
        headers: {
          'content-type': 'text/csv; charset=utf-8',
          'content-disposition': attachment(`${resource}-${localDateOf(Date.now(), auth.timezone)}.csv`),
        },
      }) as never;
    },
  );
}

exportsRoutes.openapi(
  route({
    method: 'get',
    path: '/org.json',
    tags: ['Import and export'],
    summary: 'Export the whole org as one JSON document',
    description:
      '{format, version, exportedAt, org, tables: {customers: [...], jobs: [...], ...}}: every record of the org but sign-in secrets, rows as the API names their fields. Streamed table by table, page by page.',
    permission: 'data.export',
    responses: {
      200: { description: 'The JSON document', content: { 'application/json': { schema: { type: 'object' } } } },
      ...problemResponses,
    },
  }),
  async (c) => {
    const db = c.get('db');
    const auth = c.get('auth');
    const entries = Object.entries(ORG_TABLES);
    // The org's settings and every table's first page in one round trip.
    const [[org], ...firsts] = (await runBatch(db, [
      orgSnapshot(db, auth),
      ...entries.map(([, t]) => pageQuery(db, t, auth.orgId, 0)),
    ])) as [Row[], ...Row[][]];
    const clean = (rows: Row[]) => rows.map(({ __rowid, ...rest }) => JSON.stringify(rest)).join(',');
    async function* parts() {
      const head = { format: 'switchboard.org-export', version: 1, exportedAt: new Date().toISOString(), org };
      yield `${JSON.stringify(head).slice(0, -1)},"tables":{`;
      for (const [i, [name, t]] of entries.entries()) {
        const first = firsts[i]!;
        yield `${i ? ',' : ''}${JSON.stringify(name)}:[${clean(first)}`;
        for await (const page of laterPages(db, t, auth.orgId, first)) yield `,${clean(page)}`;
        yield ']';
      }
      yield '}}\n';
    }
    return new Response(textStream(parts()), {
      status: 200,
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'content-disposition': attachment(`org-${localDateOf(Date.now(), auth.timezone)}.json`),
      },
    }) as never;
  },
);

/** The org's own row: its settings and counters (the next job, invoice and order numbers). */
function orgSnapshot(db: Db, auth: AuthContext): BatchItem<'sqlite'> {
  return db.select().from(orgs).where(eq(orgs.id, auth.orgId));
}
