import { z } from '@hono/zod-openapi';
import { eq, or } from 'drizzle-orm';
import { customers, locations } from '../../db/schema.ts';
import { containsSql } from '../http/list.ts';
import { latitude, longitude, optionalText, ref, text, timezone } from '../http/fields.ts';
import { resource, type WriteContext } from '../http/resource.ts';
import { locate } from '../geo/geocoder.ts';
import { fieldProblem } from '../problem.ts';
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
    lat: latitude().optional().openapi({ description: 'Left out with lng: the server places the address (worker/geo/geocoder.ts)' }),
    lng: longitude().optional(),
    timezone: timezone().optional(),
    accessNotes: optionalText(2000),
  })
  .strict();

type Input = z.infer<typeof LocationInput>;

/**
 * The point to store: the coordinates sent (both or neither), else the geocoder's for the address.
 * A change keeps its pin unless the ZIP code changes, since the pin may have been dragged to the
 * exact spot and a new street in the same ZIP would only move it back to the centre.
 */
async function placeOf(input: Partial<Input>, before: Partial<Input> | null, ctx: WriteContext): Promise<{ lat?: number; lng?: number }> {
  if (input.lat !== undefined && input.lng === undefined) throw fieldProblem(422, 'lng', 'body', 'Send lng with lat, or neither.');
  if (input.lng !== undefined && input.lat === undefined) throw fieldProblem(422, 'lat', 'body', 'Send lat with lng, or neither.');
  if (input.lat !== undefined) return { lat: input.lat, lng: input.lng };
  if (before && (input.postalCode === undefined || input.postalCode === before.postalCode)) return {};
  const address = { ...before, ...input };
  const { lat, lng } = await locate(ctx.env ?? {}, {
    postalCode: address.postalCode!,
    address: address.address,
    city: address.city,
    region: address.region,
  });
  return { lat, lng };
}

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
      ...(await placeOf(input, null, ctx)),
      label: input.label ?? null,
      accessNotes: input.accessNotes ?? null,
      timezone: input.timezone ?? ctx.auth.timezone,
      createdAt: ctx.now,
      updatedAt: ctx.now,
    };
  },
  toUpdate: async (input: Partial<Input>, before, ctx) => ({ ...input, ...(await placeOf(input, before as Partial<Input>, ctx)) }),
});
