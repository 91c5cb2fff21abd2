/**
 * The price book: what the contractor sells, services (a service call, an hour of
 * troubleshooting) and materials (a 20A breaker), each under a code unique in its org. Items are
 * archived (active: false), never deleted: lines and invoices name them. POST /import takes the
 * CSV GET /api/exports/pricebook.csv gives (pricebook-csv.ts), matched to items by code.
 */
import { z } from '@hono/zod-openapi';
import { and, eq, or } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import { createSelectSchema } from 'drizzle-zod';
import { parts, priceBookItems } from '../../db/schema.ts';
import { containsSql } from '../http/list.ts';
import { cents, optionalText, ref, text } from '../http/fields.ts';
import { auditInsert, diff, pick, problemResponses, resource, writeContext, type WriteContext } from '../http/resource.ts';
import { constraintFailed, runBatch } from '../http/batch.ts';
import { body, json, route } from '../http/router.ts';
import { fieldProblem, Problem, type FieldError } from '../problem.ts';
import { parsePricebookCsv } from './pricebook-csv.ts';
import { assertRefs } from '../http/refs.ts';

const PriceBookItem = createSelectSchema(priceBookItems, {
  partId: (s) => s.openapi({ description: 'The stocked part a material is sold from.' }),
})
  .omit({ orgId: true })
  .openapi('PriceBookItem');

/** service or material, as the table has it. */
const kind = PriceBookItem.shape.kind;

const PriceBookInput = z
  .object({
    kind,
    code: text(40),
    name: text(200),
    description: optionalText(2000),
    unit: text(20).default('each'),
    unitPriceCents: cents(),
    costCents: cents().default(0),
    taxable: z.boolean().optional().openapi({ description: 'Defaults to true for materials, false for services.' }),
    partId: ref().nullable().optional(),
    active: z.boolean().default(true),
  })
  .strict();

type Input = z.infer<typeof PriceBookInput>;

async function checkPart(kind: string, partId: string | null | undefined, ctx: WriteContext) {
  if (partId && kind !== 'material') throw fieldProblem(422, 'partId', 'body', 'Only materials are sold from a stocked part.');
  await assertRefs(ctx.db, ctx.auth.orgId, [{ field: 'partId', table: parts, id: partId, what: 'part' }]);
}

export const pricebookRoutes = resource({
  path: '/pricebook',
  entity: 'price book item',
  tag: 'Price book',
  table: priceBookItems,
  fields: Object.keys(PriceBookItem.shape),
  rowSchema: PriceBookItem,
  createSchema: PriceBookInput.openapi('PriceBookItemCreate'),
  // No defaults on patch: a field left out stays as it is.
  updateSchema: PriceBookInput.extend({ unit: text(20), costCents: cents(), active: z.boolean() })
    .partial()
    .strict()
    .openapi('PriceBookItemUpdate'),
  filterSchema: z.object({
    kind: kind.optional(),
    active: z.enum(['true', 'false']).optional(),
    q: z.string().trim().min(1).max(100).optional().openapi({ description: 'Search name and code.' }),
  }),
  filters: (q) => [
    q.kind ? eq(priceBookItems.kind, q.kind) : undefined,
    q.active ? eq(priceBookItems.active, q.active === 'true') : undefined,
    q.q ? or(containsSql(priceBookItems.name, q.q), containsSql(priceBookItems.code, q.q)) : undefined,
  ],
  sorts: {
    name: priceBookItems.name,
    code: priceBookItems.code,
    unitPriceCents: priceBookItems.unitPriceCents,
    createdAt: priceBookItems.createdAt,
  },
  defaultSort: 'name',
  read: 'pricebook.read',
  write: 'pricebook.write',
  toInsert: async (input: Input, ctx) => {
    await checkPart(input.kind, input.partId, ctx);
    return {
      ...input,
      description: input.description ?? null,
      taxable: input.taxable ?? input.kind === 'material',
      partId: input.partId ?? null,
      createdAt: ctx.now,
      updatedAt: ctx.now,
    };
  },
  toUpdate: async (input: Partial<Input>, before, ctx) => {
    const kind = input.kind ?? (before.kind as string);
    const partId = input.partId === undefined ? (before.partId as string | null) : input.partId;
    // Turning a material into a service must not leave it pointing at a part.
    if (input.kind === 'service' && partId && input.partId === undefined) {
      throw fieldProblem(422, 'kind', 'body', 'Clear partId to make this a service.');
    }
    await checkPart(kind, input.partId, ctx);
    return input;
  },
  writeError: (err) =>
    constraintFailed(err, 'UNIQUE', 'price_book_items.code')
      ? fieldProblem(409, 'code', 'body', 'Another price book item already has this code.')
      : undefined,
});

const PriceBookImport = z
  .object({
    csv: z
      .string()
      .min(1, 'Must not be empty.')
      .max(1_000_000)
      .openapi({ description: 'The file: a header line, then one item per line (the columns of GET /api/exports/pricebook.csv).' }),
  })
  .strict()
  .openapi('PriceBookImport');

const PriceBookImportResult = z
  .object({ created: z.number().int(), updated: z.number().int(), unchanged: z.number().int() })
  .openapi('PriceBookImportResult');

/** The most cell errors one answer lists: enough to fix a file, not a wall of them. */
const MAX_ERRORS = 100;

pricebookRoutes.openapi(
  route({
    method: 'post',
    path: '/import',
    tags: ['Price book'],
    summary: 'Create and update price-book items from CSV, matched by code; all or nothing',
    description:
      'A code not yet in the price book is created, a known one is changed in the columns the file has (an empty optional cell leaves the value as it is). Any bad cell refuses the whole file, naming it as csv[line].column.',
    permission: 'pricebook.write',
    request: body(PriceBookImport),
    responses: {
      200: json(PriceBookImportResult, 'How many items were created, changed and left as they were'),
      409: { description: 'An item was created with one of the codes meanwhile (problem+json naming csv)' },
      ...problemResponses,
    },
  }),
  async (c) => {
    const ctx = writeContext(c);
    const { db, auth, now } = ctx;
    const { rows, errors } = parsePricebookCsv(c.req.valid('json').csv);
    const existing = errors.length ? [] : await db.select().from(priceBookItems).where(eq(priceBookItems.orgId, auth.orgId));
    const byCode = new Map(existing.map((i) => [i.code, i]));
    const fields = Object.keys(PriceBookItem.shape);
    const statements: BatchItem<'sqlite'>[] = [];
    const counts = { created: 0, updated: 0, unchanged: 0 };
    for (const { line, values } of rows) {
      const before = byCode.get(values.code as string);
      if (!before) {
        const kind = values.kind as 'service' | 'material';
        const row = {
          id: crypto.randomUUID(),
          orgId: auth.orgId,
          kind,
          code: values.code as string,
          name: values.name as string,
          description: (values.description as string | undefined) || null,
          unit: (values.unit as string | undefined) ?? 'each',
          unitPriceCents: values.unitPriceCents as number,
          costCents: (values.costCents as number | undefined) ?? 0,
          taxable: (values.taxable as boolean | undefined) ?? kind === 'material',
          partId: null,
          active: (values.active as boolean | undefined) ?? true,
          createdAt: now,
          updatedAt: now,
        };
        statements.push(
          db.insert(priceBookItems).values(row),
          auditInsert(ctx, 'price book item', row.id, 'create', null, pick(row, fields)),
        );
        counts.created++;
        continue;
      }
      // The same rule as PATCH: a material sold from a stocked part does not become a service by itself.
      if (values.kind === 'service' && before.partId)
        errors.push({ field: `csv[${line}].kind`, in: 'body', message: 'This item is sold from a stocked part; clear its part first.' });
      const change = diff(before, values);
      if (!change) {
        counts.unchanged++;
        continue;
      }
      statements.push(
        db
          .update(priceBookItems)
          .set({ ...change.after, updatedAt: now })
          .where(and(eq(priceBookItems.orgId, auth.orgId), eq(priceBookItems.id, before.id))),
        auditInsert(ctx, 'price book item', before.id, 'update', change.before, change.after),
      );
      counts.updated++;
    }
    if (errors.length) {
      const shown: FieldError[] = errors.slice(0, MAX_ERRORS);
      throw new Problem(422, 'Invalid request', `Nothing was imported: ${errors.length} cell(s) to fix, first ${shown[0]!.field}.`, shown);
    }
    if (statements.length) {
      await runBatch(db, statements).catch((err: unknown) => {
        if (constraintFailed(err, 'UNIQUE', 'price_book_items.code'))
          throw fieldProblem(409, 'csv', 'body', 'An item with one of these codes was added meanwhile; nothing was imported. Try again.');
        throw err;
      });
    }
    return c.json(counts, 200);
  },
);
