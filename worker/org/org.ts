/** The signed-in person's organisation: name, timezone, tax rate, hours and security policy. */
import { z } from '@hono/zod-openapi';
import { eq } from 'drizzle-orm';
import { createSelectSchema } from 'drizzle-zod';
import { orgs } from '../../db/schema.ts';
import { localTime, text, timezone } from '../http/fields.ts';
import { auditInsert, diff, problemResponses, writeContext } from '../http/resource.ts';
import { body, json, route, router } from '../http/router.ts';
import { fieldProblem } from '../problem.ts';

const Hours = z.object({ open: localTime(), close: localTime() }).nullable();
const BusinessHours = z.object({ '0': Hours, '1': Hours, '2': Hours, '3': Hours, '4': Hours, '5': Hours, '6': Hours }).strict();

const Org = createSelectSchema(orgs, {
  taxRateBps: (s) => s.openapi({ description: 'Sales tax in basis points (825 = 8.25%)' }),
  businessHours: z.record(z.string(), z.object({ open: z.string(), close: z.string() }).nullable()),
})
  .pick({ id: true, name: true, timezone: true, taxRateBps: true, businessHours: true, requireTotpForTechnicians: true })
  .openapi('Org');

const columns = {
  id: orgs.id,
  name: orgs.name,
  timezone: orgs.timezone,
  taxRateBps: orgs.taxRateBps,
  businessHours: orgs.businessHours,
  requireTotpForTechnicians: orgs.requireTotpForTechnicians,
};

export const orgRoutes = router();

orgRoutes.openapi(
  route({
    method: 'get',
    path: '/',
    tags: ['Organisation'],
    summary: 'Your organisation',
    permission: 'org.read',
    responses: { 200: json(Org, 'The organisation'), ...problemResponses },
  }),
  async (c) => {
    const [row] = await c
      .get('db')
      .select(columns)
      .from(orgs)
      .where(eq(orgs.id, c.get('auth').orgId));
    return c.json(row!, 200);
  },
);

orgRoutes.openapi(
  route({
    method: 'patch',
    path: '/',
    tags: ['Organisation'],
    summary: 'Change the organisation’s settings',
    permission: 'org.write',
    request: body(
      z
        .object({
          name: text(120),
          timezone: timezone(),
          taxRateBps: z.number().int().min(0).max(2500),
          businessHours: BusinessHours,
          requireTotpForTechnicians: z.boolean(),
        })
        .partial()
        .strict()
        .openapi('OrgUpdate'),
    ),
    responses: { 200: json(Org, 'The changed organisation'), ...problemResponses },
  }),
  async (c) => {
    const ctx = writeContext(c);
    const { db, auth } = ctx;
    const input = c.req.valid('json');
    for (const [day, hours] of Object.entries(input.businessHours ?? {})) {
      if (hours && hours.close <= hours.open)
        throw fieldProblem(422, `businessHours.${day}.close`, 'body', 'Closing time must be after opening time.');
    }
    const [before] = await db.select(columns).from(orgs).where(eq(orgs.id, auth.orgId));
    const change = diff(before!, input);
    if (!change) return c.json(before!, 200);
    const [[row]] = await db.batch([
      db.update(orgs).set(input).where(eq(orgs.id, auth.orgId)).returning(columns),
      auditInsert(ctx, 'org', auth.orgId, 'update', change.before, change.after),
    ]);
    return c.json(row!, 200);
  },
);
