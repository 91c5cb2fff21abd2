import { z } from '@hono/zod-openapi';
import { eq, or } from 'drizzle-orm';
import { customers, locations } from '../../db/schema.ts';
import { containsSql } from '../http/list.ts';
import { latitude, longitude, optionalText, ref, text, timezone } from '../http/fields.ts';
import { resource } from '../http/resource.ts';
import { assertRefs } from '../http/refs.ts';
import { Location } from './records.ts';

const LocationInput = z
  .object({
    customerId: ref(),
    label: optionalText(80),
    address: text(200),
    city: text(80),
    region: text(40),
    postalCode: z
      .string()
      .trim()
      .min(3)
      .max(12)
      .regex(/^[A-Za-z0-9 -]+$/, 'Letters, digits, spaces and dashes only.'),
    lat: latitude(),
    lng: longitude(),
    timezone: timezone().optional(),
    accessNotes: optionalText(2000),
  })
  .strict();

type Input = z.infer<typeof LocationInput>;

export const locationsRoutes = resource({
  path: '/locations',
  entity: 'location',
  tag: 'Locations',
  table: locations,
  fields: Object.keys(Location.shape),
  rowSchema: Location,
  createSchema: LocationInput.openapi('LocationCreate'),
  // A location stays with its customer; moving it would rewrite the history of its jobs.
  updateSchema: LocationInput.omit({ customerId: true }).partial().strict().openapi('LocationUpdate'),
  filterSchema: z.object({
    customerId: ref().optional(),
    q: z.string().trim().min(1).max(100).optional().openapi({ description: 'Search address, city and postal code.' }),
  }),
  filters: (q) => [
    q.customerId ? eq(locations.customerId, q.customerId) : undefined,
    q.q ? or(containsSql(locations.address, q.q), containsSql(locations.city, q.q), containsSql(locations.postalCode, q.q)) : undefined,
  ],
  sorts: { address: locations.address, createdAt: locations.createdAt },
  defaultSort: 'address',
  read: 'locations.read',
  write: 'locations.write',
  toInsert: async (input: Input, ctx) => {
    await assertRefs(ctx.db, ctx.auth.orgId, [{ field: 'customerId', table: customers, id: input.customerId, what: 'customer' }]);
    return {
      ...input,
      label: input.label ?? null,
      accessNotes: input.accessNotes ?? null,
      timezone: input.timezone ?? ctx.auth.timezone,
      createdAt: ctx.now,
      updatedAt: ctx.now,
    };
  },
  toUpdate: (input: Partial<Input>) => input,
});
