/** Parts: the things kept in stock (breakers, wire, boxes), each with a SKU unique in its org. */
import { z } from '@hono/zod-openapi';
import { or } from 'drizzle-orm';
import { createSelectSchema } from 'drizzle-zod';
import { parts } from '../../db/schema.ts';
import { containsSql } from '../http/list.ts';
import { cents, text } from '../http/fields.ts';
import { resource } from '../http/resource.ts';
import { constraintFailed } from '../http/batch.ts';
import { fieldProblem } from '../problem.ts';

const Part = createSelectSchema(parts, { unit: (s) => s.openapi({ description: "How it is counted: 'each', 'ft', 'box'…" }) })
  .omit({ orgId: true })
  .openapi('Part');

const PartInput = z
  .object({
    sku: text(64),
    name: text(200),
    unit: text(20).default('each'),
    costCents: cents().default(0),
  })
  .strict();

type Input = z.infer<typeof PartInput>;

export const partsRoutes = resource({
  path: '/parts',
  entity: 'part',
  tag: 'Parts',
  table: parts,
  fields: Object.keys(Part.shape),
  rowSchema: Part,
  createSchema: PartInput.openapi('PartCreate'),
  updateSchema: PartInput.extend({ unit: text(20), costCents: cents() })
    .partial()
    .strict()
    .openapi('PartUpdate'),
  filterSchema: z.object({
    q: z.string().trim().min(1).max(100).optional().openapi({ description: 'Search name and SKU.' }),
  }),
  filters: (q) => [q.q ? or(containsSql(parts.name, q.q), containsSql(parts.sku, q.q)) : undefined],
  sorts: { name: parts.name, sku: parts.sku, createdAt: parts.createdAt },
  defaultSort: 'name',
  read: 'parts.read',
  write: 'parts.write',
  toInsert: (input: Input, ctx) => ({ ...input, createdAt: ctx.now, updatedAt: ctx.now }),
  toUpdate: (input: Partial<Input>) => input,
  // The unique index decides, so two people adding the same SKU at once still get a clean 409.
  writeError: (err) =>
    constraintFailed(err, 'UNIQUE', 'parts.sku') ? fieldProblem(409, 'sku', 'body', 'Another part already has this SKU.') : undefined,
});
