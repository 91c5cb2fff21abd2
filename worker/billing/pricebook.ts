/**
 * The price book: what the contractor sells, services (a service call, an hour of
 * troubleshooting) and materials (a 20A breaker), each under a code unique in its org.
 */
import { z } from '@hono/zod-openapi';
import { eq, or } from 'drizzle-orm';
import { createSelectSchema } from 'drizzle-zod';
import { parts, priceBookItems } from '../../db/schema.ts';
import { containsSql } from '../http/list.ts';
import { cents, optionalText, ref, text } from '../http/fields.ts';
import { resource, type WriteContext } from '../http/resource.ts';
import { constraintFailed } from '../http/batch.ts';
import { fieldProblem } from '../problem.ts';
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
