/**
 * The admin's health view (`/admin/health`): how far libSQL is, how many live connections the
 * rooms hold, and what is failing to leave (webhook deliveries, pushes). And a deliberate error,
 * from the Worker or from a room, to check that error tracking (SENTRY_DSN) receives both.
 */
import { z } from '@hono/zod-openapi';
import { sql } from 'drizzle-orm';
import { problemResponses } from '../http/resource.ts';
import type { Db } from '../db.ts';
import { body, json, route, router } from '../http/router.ts';

export const monitoringRoutes = router();

/** The org's figures from libSQL, in one round trip (every figure a subquery); GET /api/metrics reads them too. */
export async function readFigures(db: Db, orgId: string): Promise<Record<string, number | null> | undefined> {
  const [row] = await db.all<Record<string, number | null>>(sql`select
    (select count(*) from room_connections where user_id in (select id from users where org_id = ${orgId})) as connections,
    (select count(*) from webhook_deliveries where org_id = ${orgId} and status = 'pending') as pending,
    (select count(*) from webhook_deliveries where org_id = ${orgId} and status = 'failed') as failed,
    (select max(at) from webhook_attempts where org_id = ${orgId} and (status_code is null or status_code >= 300)) as webhook_failure,
    (select count(*) from push_subscriptions where org_id = ${orgId}) as subscriptions,
    (select count(*) from push_subscriptions where org_id = ${orgId} and failures > 0) as failing,
    (select max(last_failure_at) from push_subscriptions where org_id = ${orgId}) as push_failure`);
  return row;
}

const Health = z
  .object({
    libsql: z.object({ ms: z.number() }),
    rooms: z.object({ connections: z.number() }),
    webhooks: z.object({ pending: z.number(), failed: z.number(), lastFailureAt: z.number().nullable() }),
    push: z.object({ subscriptions: z.number(), failing: z.number(), lastFailureAt: z.number().nullable() }),
    errorTracking: z.boolean().openapi({ description: 'Whether errors are sent to Sentry (SENTRY_DSN is set).' }),
  })
  .openapi('Health');

monitoringRoutes.openapi(
  route({
    method: 'get',
    path: '/health',
    tags: ['Monitoring'],
    summary: 'What is slow or failing, for admins',
    permission: 'monitoring.read',
    responses: { 200: json(Health, 'The org’s health'), ...problemResponses },
  }),
  async (c) => {
    const started = performance.now();
    const row = await readFigures(c.get('db'), c.get('auth').orgId);
    const ms = Math.round((performance.now() - started) * 10) / 10;
    const n = (k: string) => Number(row?.[k] ?? 0);
    return c.json(
      {
        libsql: { ms },
        rooms: { connections: n('connections') },
        webhooks: { pending: n('pending'), failed: n('failed'), lastFailureAt: row?.webhook_failure ?? null },
        push: { subscriptions: n('subscriptions'), failing: n('failing'), lastFailureAt: row?.push_failure ?? null },
        errorTracking: !!c.env.SENTRY_DSN,
      },
      200,
    );
  },
);

monitoringRoutes.openapi(
  route({
    method: 'post',
    path: '/test-error',
    tags: ['Monitoring'],
    summary: 'Raise a test error, to check error tracking',
    description:
      'Always answers 500: the error is raised in the Worker, or in the org’s room (and then again in the Worker that called it).',
    permission: 'monitoring.read',
    request: body(z.object({ where: z.enum(['worker', 'room']) }).strict()),
    responses: { 500: { description: 'The test error (problem+json)' }, ...problemResponses },
  }),
  async (c) => {
    const { where } = c.req.valid('json');
    if (where === 'room') await c.env.ORG_ROOM.getByName(c.get('auth').orgId).raiseTestError();
    throw new Error('Switchboard test error, raised on purpose from the Worker');
  },
);
