import { z } from '@hono/zod-openapi';
import { or, sql } from 'drizzle-orm';
import { customers, locations } from '../../db/schema.ts';
import { containsSql } from '../http/list.ts';
import { email, optionalText, phone, tags, text } from '../http/fields.ts';
import { resource } from '../http/resource.ts';
import { Customer } from './records.ts';

const CustomerInput = z
  .object({
    name: text(200),
    email: email().nullable().optional(),
    phone: phone().nullable().optional(),
    billingAddress: optionalText(300),
    notes: optionalText(5000),
    tags: tags().optional(),
  })
  .strict();

export const customersRoutes = resource({
  path: '/customers',
  entity: 'customer',
  tag: 'Customers',
  table: customers,
  fields: Object.keys(Customer.shape),
  rowSchema: Customer,
  createSchema: CustomerInput.openapi('CustomerCreate'),
  updateSchema: CustomerInput.partial().strict().openapi('CustomerUpdate'),
  filterSchema: z.object({
    q: z.string().trim().min(1).max(100).optional().openapi({ description: 'Search name, phone, email and addresses.' }),
    tag: z.string().max(40).optional(),
  }),
  filters: (q) => [
    q.q
      ? or(
          containsSql(customers.name, q.q),
          containsSql(customers.email, q.q),
          // Phone search ignores formatting: "(512) 555" finds "512-555-0100".
          q.q.replace(/\D/g, '').length >= 3
            ? containsSql(
                sql`replace(replace(replace(replace(${customers.phone}, '-', ''), ' ', ''), '(', ''), ')', '')`,
                q.q.replace(/\D/g, ''),
              )
            : undefined,
          containsSql(customers.billingAddress, q.q),
          // org_id first, so the (org_id, customer_id) index serves the lookup instead of a scan.
          sql`exists (select 1 from ${locations} where ${locations.orgId} = ${customers.orgId} and ${locations.customerId} = ${customers.id} and ${containsSql(locations.address, q.q)})`,
        )
      : undefined,
    q.tag ? sql`exists (select 1 from json_each(${customers.tags}) where value = ${q.tag})` : undefined,
  ],
  sorts: { name: customers.name, createdAt: customers.createdAt, updatedAt: customers.updatedAt },
  defaultSort: 'name',
  read: 'customers.read',
  write: 'customers.write',
  toInsert: (input: z.infer<typeof CustomerInput>, ctx) => ({
    name: input.name,
    email: input.email ?? null,
    phone: input.phone ?? null,
    billingAddress: input.billingAddress ?? null,
    notes: input.notes ?? null,
    tags: input.tags ?? [],
    createdAt: ctx.now,
    updatedAt: ctx.now,
  }),
  toUpdate: (input: Partial<z.infer<typeof CustomerInput>>) => input,
});
