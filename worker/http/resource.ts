/**
 * Builds the four routes most resources need (list, detail, create, update) from a table and
 * its zod schemas. Every query is scoped by the session's org; every write is one libSQL batch
 * (a transaction) holding the change and its audit event, so nothing is half-written.
 */
import { z } from '@hono/zod-openapi';
import { and, eq, type SQL } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { BatchItem } from 'drizzle-orm/batch';
import { auditEvents } from '../../db/schema.ts';
import type { AuthContext } from '../auth/session.ts';
import type { Db } from '../db.ts';
import type { Env } from '../env.ts';
import type { Permission } from '../../core/permissions.ts';
import { notFound, type Problem } from '../problem.ts';
import { afterCursor, decodeCursor, encodeCursor, listQuery, orderBy, parseFields, parseSort } from './list.ts';
import { body, json, route, router } from './router.ts';
import { insertIf, runBatch } from './batch.ts';

// The factory is generic over drizzle tables, so it passes `any` where their types differ.
type AnyTable = SQLiteTable & { id: SQLiteColumn; orgId: SQLiteColumn } & Record<string, any>;
type Row = Record<string, unknown>;

export interface WriteContext {
  db: Db;
  auth: AuthContext;
  now: number;
  /** The Worker's settings (which geocoder places an address); absent in a write made outside a request. */
  env?: Env;
}

/** A request's write: its libSQL client, who is signed in, and one clock reading for every row and event it stamps. */
export function writeContext(c: { get(key: 'db'): Db; get(key: 'auth'): AuthContext; env: Env }): WriteContext {
  return { db: c.get('db'), auth: c.get('auth'), now: Date.now(), env: c.env };
}

export const idParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'id', in: 'path' } }),
});

export const problemResponses = {
  400: { description: 'Bad request (problem+json)' },
  401: { description: 'Not signed in (problem+json)' },
  403: { description: 'Not allowed for this role (problem+json)' },
  404: { description: 'Not found in your organisation (problem+json)' },
  422: { description: 'Invalid body, fields named in `errors` (problem+json)' },
};

/**
 * The audit_events row of a write, by the request's user at its clock reading. With `when`, it
 * is written only if that still holds at its point of the batch: a change decided from state
 * another request may change meanwhile (an invoice still 'sent') puts that condition on each of
 * its statements (see insertIf).
 */
export function auditInsert(
  ctx: WriteContext,
  entity: string,
  entityId: string,
  action: string,
  before: Row | null,
  after: Row | null,
  when?: SQL,
) {
  const row = {
    id: crypto.randomUUID(),
    orgId: ctx.auth.orgId,
    actorUserId: ctx.auth.userId,
    at: ctx.now,
    entity,
    entityId,
    action,
    before,
    after,
  };
  return when ? insertIf(ctx.db, auditEvents, row, when) : ctx.db.insert(auditEvents).values(row);
}

/** The keys whose values differ, with their before and after values. */
export function diff(before: Row, after: Row): { before: Row; after: Row } | null {
  const b: Row = {};
  const a: Row = {};
  for (const key of Object.keys(after)) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) {
      b[key] = before[key] ?? null;
      a[key] = after[key] ?? null;
    }
  }
  return Object.keys(a).length ? { before: b, after: a } : null;
}

export function pick(row: Row, fields: readonly string[]): Row {
  const out: Row = {};
  for (const f of fields) out[f] = row[f];
  return out;
}

export interface ResourceSpec<Q extends z.ZodObject> {
  /** Path under /api, e.g. '/customers'. */
  path: string;
  /** Singular name for messages and audit, e.g. 'customer'. */
  entity: string;
  tag: string;
  table: AnyTable;
  /** The public fields, in order; each is a property of `table`. */
  fields: readonly string[];
  rowSchema: z.ZodObject;
  createSchema?: z.ZodObject;
  updateSchema?: z.ZodObject;
  /** Extra list filters, merged into the standard list query. */
  filterSchema?: Q;
  filters?: (q: z.infer<Q>, auth: AuthContext) => (SQL | undefined)[];
  sorts: Record<string, SQLiteColumn | SQL>;
  defaultSort: string;
  read: Permission;
  write: Permission;
  /** Extra scoping on every read (e.g. a technician sees only their own jobs). */
  scope?: (auth: AuthContext) => SQL | undefined;
  /** Turns a validated create body into the row to insert; may check references (throw a Problem). */
  toInsert?: (input: any, ctx: WriteContext) => Promise<Row> | Row;
  /** Turns a validated patch into the columns to set; may check references. */
  toUpdate?: (input: any, before: Row, ctx: WriteContext) => Promise<Row> | Row;
  /** Further statements to run in the same batch as an insert (e.g. a stock level for a new truck). */
  alsoOnInsert?: (row: Row, ctx: WriteContext) => BatchItem<'sqlite'>[];
  /** Rows returned with the detail under these keys (an invoice's payments), read in the same batch; each query must scope by org itself. */
  related?: Record<string, (db: Db, auth: AuthContext, id: string) => BatchItem<'sqlite'>>;
  /** The detail's schema when `related` adds to the row. */
  detailSchema?: z.ZodObject;
  /** Turns a failed create/update batch into a problem (e.g. a duplicate code into a 409); undefined rethrows. */
  writeError?: (err: unknown) => Problem | undefined;
  /** Public fields that are SQL expressions rather than columns (a line's decimal quantity from its thousandths). */
  columns?: Record<string, SQL>;
  /** false when the module serves its own GET /{id} (a job's detail with its history). */
  detail?: false;
}

export function scopedWhere(spec: ResourceSpec<any>, auth: AuthContext, ...more: (SQL | undefined)[]) {
  return and(eq(spec.table.orgId, auth.orgId), spec.scope?.(auth), ...more);
}

export function resource<Q extends z.ZodObject>(spec: ResourceSpec<Q>) {
  const app = router();
  const table = spec.table;
  const columnsOf = (fields: readonly string[]) =>
    Object.fromEntries(fields.map((f) => [f, (spec.columns?.[f] ?? table[f]) as SQLiteColumn]));
  const listSchema = z.object({ items: z.array(spec.rowSchema.partial()), nextCursor: z.string().nullable() });
  const query = spec.filterSchema ? listQuery.extend(spec.filterSchema.shape) : listQuery;
  /** A create's or an update's batch; a failure the spec knows (a duplicate code) becomes its problem. */
  const write = (ctx: WriteContext, statements: BatchItem<'sqlite'>[]) =>
    runBatch(ctx.db, statements).catch((err: unknown) => {
      throw spec.writeError?.(err) ?? err;
    });

  app.openapi(
    route({
      method: 'get',
      path: '/',
      tags: [spec.tag],
      summary: `List ${spec.tag.toLowerCase()}`,
      permission: spec.read,
      request: { query },
      responses: { 200: json(listSchema, `A page of ${spec.tag.toLowerCase()}`), ...problemResponses },
    }),
    (async (c: any) => {
      const q = c.req.valid('query') as z.infer<typeof listQuery> & z.infer<Q>;
      const auth = c.get('auth') as AuthContext;
      const fields = parseFields(q.fields, spec.fields);
      const sort = parseSort(q.sort, spec.sorts, spec.defaultSort);
      const cursor = q.cursor ? decodeCursor(q.cursor, sort) : undefined;
      const rows = await (c.get('db') as Db)
        .select({ ...columnsOf(fields), __sort: sort.expr as SQLiteColumn, __id: table.id })
        .from(table)
        .where(scopedWhere(spec, auth, ...(spec.filters?.(q, auth) ?? []), cursor && afterCursor(sort, table.id, cursor)))
        .orderBy(...orderBy(sort, table.id))
        .limit(q.limit + 1);
      const more = rows.length > q.limit;
      const page = more ? rows.slice(0, q.limit) : rows;
      const last = page[page.length - 1];
      return c.json(
        {
          items: page.map((r: Row) => pick(r, fields)),
          nextCursor: more && last ? encodeCursor(sort, last.__sort, last.__id as string) : null,
        },
        200,
      );
    }) as any,
  );

  if (spec.detail !== false) {
    app.openapi(
      route({
        method: 'get',
        path: '/{id}',
        tags: [spec.tag],
        summary: `Get one ${spec.entity}`,
        permission: spec.read,
        request: { params: idParam, query: z.object({ fields: listQuery.shape.fields }) },
        responses: { 200: json(spec.detailSchema ?? spec.rowSchema, `The ${spec.entity}`), ...problemResponses },
      }),
      (async (c: any) => {
        const { id } = c.req.valid('param');
        const fields = parseFields(c.req.valid('query').fields, spec.fields);
        const db = c.get('db') as Db;
        const rowQuery = db
          .select(columnsOf(fields))
          .from(table)
          .where(scopedWhere(spec, c.get('auth'), eq(table.id, id)));
        const related = Object.entries(spec.related ?? {});
        const [rows, ...more] = related.length
          ? await runBatch(db, [rowQuery, ...related.map(([, q]) => q(db, c.get('auth'), id))])
          : [await rowQuery];
        const row = (rows as Row[])[0];
        if (!row) throw notFound(spec.entity);
        related.forEach(([key], i) => (row[key] = more[i]));
        return c.json(row, 200);
      }) as any,
    );
  }

  if (spec.createSchema && spec.toInsert) {
    const toInsert = spec.toInsert;
    app.openapi(
      route({
        method: 'post',
        path: '/',
        tags: [spec.tag],
        summary: `Create a ${spec.entity}`,
        permission: spec.write,
        request: body(spec.createSchema),
        responses: { 201: json(spec.rowSchema, `The new ${spec.entity}`), ...problemResponses },
      }),
      (async (c: any) => {
        const ctx = writeContext(c);
        const values = { id: crypto.randomUUID(), ...(await toInsert(c.req.valid('json'), ctx)), orgId: ctx.auth.orgId };
        const created = pick(values, spec.fields);
        const [[row]] = (await write(ctx, [
          ctx.db
            .insert(table)
            .values(values as any)
            .returning(columnsOf(spec.fields)),
          auditInsert(ctx, spec.entity, values.id as string, 'create', null, created),
          ...(spec.alsoOnInsert?.(values, ctx) ?? []),
        ])) as [Row[]];
        return c.json(row, 201);
      }) as any,
    );
  }

  if (spec.updateSchema && spec.toUpdate) {
    const toUpdate = spec.toUpdate;
    app.openapi(
      route({
        method: 'patch',
        path: '/{id}',
        tags: [spec.tag],
        summary: `Change a ${spec.entity}`,
        permission: spec.write,
        request: { params: idParam, ...body(spec.updateSchema) },
        responses: { 200: json(spec.rowSchema, `The changed ${spec.entity}`), ...problemResponses },
      }),
      (async (c: any) => {
        const ctx = writeContext(c);
        const { id } = c.req.valid('param');
        const [before] = await ctx.db
          .select(columnsOf(spec.fields))
          .from(table)
          .where(scopedWhere(spec, ctx.auth, eq(table.id, id)));
        if (!before) throw notFound(spec.entity);
        const set = await toUpdate(c.req.valid('json'), before, ctx);
        const change = diff(before, set);
        if (!change) return c.json(before, 200);
        const [[row]] = (await write(ctx, [
          ctx.db
            .update(table)
            .set({ ...set, ...('updatedAt' in table ? { updatedAt: ctx.now } : {}) } as any)
            .where(and(eq(table.orgId, ctx.auth.orgId), eq(table.id, id)))
            .returning(columnsOf(spec.fields)),
          auditInsert(ctx, spec.entity, id, 'update', change.before, change.after),
        ])) as [Row[]];
        return c.json(row, 200);
      }) as any,
    );
  }

  return app;
}
