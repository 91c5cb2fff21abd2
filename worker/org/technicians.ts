import { z } from '@hono/zod-openapi';
import { eq, sql } from 'drizzle-orm';
import { createSelectSchema } from 'drizzle-zod';
import { stockLocations, technicians, users } from '../../db/schema.ts';
import { containsSql } from '../http/list.ts';
import { email, latitude, localDate, localTime, longitude, optionalText, phone, ref, text, timezone } from '../http/fields.ts';
import { resource, type WriteContext } from '../http/resource.ts';
import { fieldProblem } from '../problem.ts';
import { assertRefs } from '../http/refs.ts';
import { locate } from '../geo/geocoder.ts';
import { zipAtEnd } from '../../core/postal.ts';

// JSON columns' types are the API's to say (drizzle-zod reads them as any JSON); a home's
// coordinates are in the ranges the API takes them in.
const Technician = createSelectSchema(technicians, {
  skills: z.array(z.string()),
  licenceExpires: (s) => s.openapi({ description: 'Local date YYYY-MM-DD' }),
  shiftDays: z.array(z.number()).openapi({ description: 'Weekdays worked, 0 = Sunday' }),
  homeLat: () => latitude(),
  homeLng: () => longitude(),
})
  .omit({ orgId: true })
  .openapi('Technician');

const TechnicianInput = z
  .object({
    userId: ref().nullable().optional(),
    name: text(120),
    email: email().nullable().optional(),
    phone: phone().nullable().optional(),
    skills: z.array(z.string().trim().min(1).max(40)).max(30).default([]),
    licenceClass: optionalText(40),
    licenceNumber: optionalText(40),
    licenceJurisdiction: optionalText(40),
    licenceExpires: localDate().nullable().optional(),
    shiftStart: localTime().default('07:00'),
    shiftEnd: localTime().default('15:30'),
    shiftDays: z.array(z.number().int().min(0).max(6)).max(7).default([1, 2, 3, 4, 5]),
    timezone: timezone().optional(),
    homeAddress: optionalText(300),
    homeLat: latitude()
      .nullable()
      .optional()
      .openapi({ description: 'Left out with homeLng: placed by the ZIP that ends homeAddress (worker/geo/geocoder.ts)' }),
    homeLng: longitude().nullable().optional(),
    colour: z
      .string()
      .regex(/^#[0-9a-fA-F]{6}$/, 'A colour as #rrggbb.')
      .default('#2563eb'),
    truckLocationId: ref().nullable().optional(),
    active: z.boolean().optional(),
  })
  .strict();

type Input = z.infer<typeof TechnicianInput>;

/**
 * The home base's point: the coordinates sent (both or neither), else the geocoder's for the ZIP
 * that ends the address (worker/geo/geocoder.ts, as for service locations). A change keeps its
 * pin unless that ZIP changes; an address with no ZIP at its end gets no point (the map draws no
 * home), and no address no point.
 */
async function homeOf(input: Partial<Input>, before: Partial<Input> | null, ctx: WriteContext) {
  if ((input.homeLat === undefined) !== (input.homeLng === undefined)) {
    const missing = input.homeLat === undefined ? 'homeLat' : 'homeLng';
    throw fieldProblem(422, missing, 'body', 'Send homeLat and homeLng together, or neither.');
  }
  if (input.homeLat !== undefined || input.homeAddress === undefined) return {};
  if (!input.homeAddress) return { homeLat: null, homeLng: null };
  const zip = zipAtEnd(input.homeAddress);
  if (before && zip === zipAtEnd(before.homeAddress ?? '')) return {};
  if (!zip) return { homeLat: null, homeLng: null };
  const { lat, lng } = await locate(ctx.env ?? {}, { postalCode: zip, address: input.homeAddress }, 'homeAddress');
  return { homeLat: lat, homeLng: lng };
}

async function checkRefs(input: Partial<Input>, ctx: WriteContext) {
  if (input.shiftStart && input.shiftEnd && input.shiftEnd <= input.shiftStart) {
    throw fieldProblem(422, 'shiftEnd', 'body', 'The shift must end after it starts.');
  }
  await assertRefs(ctx.db, ctx.auth.orgId, [
    {
      field: 'userId',
      table: users,
      id: input.userId,
      what: 'user',
      where: eq(users.role, 'technician'),
      whereMessage: 'No technician user with that id in your organisation.',
    },
    {
      field: 'truckLocationId',
      table: stockLocations,
      id: input.truckLocationId,
      what: 'truck',
      where: eq(stockLocations.kind, 'truck'),
      whereMessage: 'No truck with that id in your organisation.',
    },
  ]);
}

export const techniciansRoutes = resource({
  path: '/technicians',
  entity: 'technician',
  tag: 'Technicians',
  table: technicians,
  fields: Object.keys(Technician.shape),
  rowSchema: Technician,
  createSchema: TechnicianInput.openapi('TechnicianCreate'),
  // No defaults on patch: a field left out stays as it is.
  updateSchema: TechnicianInput.extend({
    skills: TechnicianInput.shape.skills.removeDefault(),
    shiftStart: localTime(),
    shiftEnd: localTime(),
    shiftDays: TechnicianInput.shape.shiftDays.removeDefault(),
    colour: TechnicianInput.shape.colour.removeDefault(),
  })
    .partial()
    .strict()
    .openapi('TechnicianUpdate'),
  filterSchema: z.object({
    q: z.string().trim().min(1).max(100).optional(),
    skill: z.string().max(40).optional(),
    active: z.enum(['true', 'false']).optional(),
  }),
  filters: (q) => [
    q.q ? containsSql(technicians.name, q.q) : undefined,
    q.skill ? sql`exists (select 1 from json_each(${technicians.skills}) where value = ${q.skill})` : undefined,
    q.active ? eq(technicians.active, q.active === 'true') : undefined,
  ],
  sorts: { name: technicians.name, createdAt: technicians.createdAt },
  defaultSort: 'name',
  read: 'technicians.read',
  write: 'technicians.write',
  toInsert: async (input: Input, ctx) => {
    await checkRefs(input, ctx);
    return {
      ...input,
      userId: input.userId ?? null,
      email: input.email ?? null,
      phone: input.phone ?? null,
      licenceClass: input.licenceClass ?? null,
      licenceNumber: input.licenceNumber ?? null,
      licenceJurisdiction: input.licenceJurisdiction ?? null,
      licenceExpires: input.licenceExpires ?? null,
      timezone: input.timezone ?? ctx.auth.timezone,
      homeAddress: input.homeAddress ?? null,
      homeLat: input.homeLat ?? null,
      homeLng: input.homeLng ?? null,
      ...(await homeOf(input, null, ctx)),
      truckLocationId: input.truckLocationId ?? null,
      active: input.active ?? true,
      createdAt: ctx.now,
      updatedAt: ctx.now,
    };
  },
  toUpdate: async (input: Partial<Input>, before, ctx) => {
    await checkRefs(
      { ...input, shiftStart: input.shiftStart ?? (before.shiftStart as string), shiftEnd: input.shiftEnd ?? (before.shiftEnd as string) },
      ctx,
    );
    return { ...input, ...(await homeOf(input, before as Partial<Input>, ctx)) };
  },
});
