/**
 * Outgoing webhooks, for admins: register an endpoint and the events it wants, see each delivery
 * with its attempts, send one again. Which events exist, the retry schedule and which addresses
 * are refused are core/webhooks.ts; the events are written by libSQL triggers (migration 0011)
 * and sent by ./deliver.ts.
 */
import { z } from '@hono/zod-openapi';
import { and, desc, eq, sql } from 'drizzle-orm';
import { createSelectSchema } from 'drizzle-zod';
import { refuseWebhookUrl, WEBHOOK_EVENT_NAMES, WEBHOOK_EVENTS } from '../../core/webhooks.ts';
import { webhookAttempts, webhookDeliveries, webhookEndpoints } from '../../db/schema.ts';
import { auditInsert, idParam, problemResponses, writeContext } from '../http/resource.ts';
import { body, json, route, router } from '../http/router.ts';
import { fieldProblem, notFound } from '../problem.ts';
import type { Env } from '../env.ts';
import { deliverDue } from './deliver.ts';

export const webhooksRoutes = router();

const Endpoint = createSelectSchema(webhookEndpoints, { events: z.array(z.enum(WEBHOOK_EVENT_NAMES)) })
  .omit({ orgId: true })
  .openapi('WebhookEndpoint');
const Attempt = createSelectSchema(webhookAttempts).pick({ attempt: true, at: true, statusCode: true, response: true });
const Delivery = createSelectSchema(webhookDeliveries)
  .omit({ orgId: true, payload: true })
  .extend({ payload: z.unknown(), attemptLog: z.array(Attempt) })
  .openapi('WebhookDelivery');

const events = z
  .array(z.enum(WEBHOOK_EVENT_NAMES))
  .min(1, 'Choose at least one event.')
  .openapi({
    description: Object.entries(WEBHOOK_EVENTS)
      .map(([k, v]) => `${k}: ${v}`)
      .join(' '),
  });
const EndpointInput = z
  .object({ url: z.string().max(2000), events, description: z.string().max(200).nullish(), active: z.boolean().optional() })
  .strict();
const EndpointPatch = EndpointInput.partial().strict();

/** Development lets endpoints on loopback and http (a receiver on this machine); deployments never. */
const allowPrivate = (env: Env) => env.WEBHOOKS_ALLOW_PRIVATE === 'true';

function checkUrl(env: Env, url: string | undefined) {
  if (url === undefined) return;
  const why = refuseWebhookUrl(url, allowPrivate(env));
  if (why) throw fieldProblem(422, 'url', 'body', why);
}

const secret = () => `whsec_${btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(24))))}`;
const mine = (orgId: string, id: string) => and(eq(webhookEndpoints.orgId, orgId), eq(webhookEndpoints.id, id));

webhooksRoutes.openapi(
  route({
    method: 'get',
    path: '/',
    tags: ['Webhooks'],
    summary: 'The org’s webhook endpoints',
    permission: 'webhooks.manage',
    responses: { 200: json(z.object({ items: z.array(Endpoint) }), 'Every endpoint, newest first'), ...problemResponses },
  }),
  async (c) => {
    const { orgId } = c.get('auth');
    const rows = await c
      .get('db')
      .select()
      .from(webhookEndpoints)
      .where(eq(webhookEndpoints.orgId, orgId))
      .orderBy(desc(webhookEndpoints.createdAt));
    return c.json({ items: rows.map(({ orgId: _, ...e }) => e) }, 200);
  },
);

webhooksRoutes.openapi(
  route({
    method: 'post',
    path: '/',
    tags: ['Webhooks'],
    summary: 'Register a webhook endpoint',
    description: 'Deliveries are signed as Standard Webhooks with the endpoint’s secret (in the answer).',
    permission: 'webhooks.manage',
    request: body(EndpointInput),
    responses: { 201: json(Endpoint, 'The endpoint, with its signing secret'), ...problemResponses },
  }),
  async (c) => {
    const input = c.req.valid('json');
    checkUrl(c.env, input.url);
    const ctx = writeContext(c);
    const row = {
      id: crypto.randomUUID(),
      orgId: ctx.auth.orgId,
      url: input.url,
      events: [...new Set(input.events)],
      secret: secret(),
      active: input.active ?? true,
      description: input.description ?? null,
      createdAt: ctx.now,
      updatedAt: ctx.now,
    };
    await ctx.db.batch([
      ctx.db.insert(webhookEndpoints).values(row),
      auditInsert(ctx, 'webhook_endpoint', row.id, 'create', null, { url: row.url, events: row.events }),
    ]);
    const { orgId: _, ...endpoint } = row;
    return c.json(endpoint, 201);
  },
);

webhooksRoutes.openapi(
  route({
    method: 'patch',
    path: '/{id}',
    tags: ['Webhooks'],
    summary: 'Change a webhook endpoint (address, events, on or off)',
    permission: 'webhooks.manage',
    request: { params: idParam, ...body(EndpointPatch) },
    responses: { 200: json(Endpoint, 'The endpoint'), ...problemResponses },
  }),
  async (c) => {
    const { id } = c.req.valid('param');
    const input = c.req.valid('json');
    checkUrl(c.env, input.url);
    const ctx = writeContext(c);
    const set = {
      ...(input.url !== undefined ? { url: input.url } : {}),
      ...(input.events !== undefined ? { events: [...new Set(input.events)] } : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.active !== undefined ? { active: input.active } : {}),
      updatedAt: ctx.now,
    };
    const [updated] = await ctx.db.batch([
      ctx.db.update(webhookEndpoints).set(set).where(mine(ctx.auth.orgId, id)).returning(),
      auditInsert(ctx, 'webhook_endpoint', id, 'update', null, set, sql`changes() = 1`),
    ]);
    const row = updated[0];
    if (!row) throw notFound('webhook endpoint');
    const { orgId: _, ...endpoint } = row;
    return c.json(endpoint, 200);
  },
);

webhooksRoutes.openapi(
  route({
    method: 'delete',
    path: '/{id}',
    tags: ['Webhooks'],
    summary: 'Remove a webhook endpoint and its delivery log',
    permission: 'webhooks.manage',
    request: { params: idParam },
    responses: { 204: { description: 'Removed' }, ...problemResponses },
  }),
  async (c) => {
    const { id } = c.req.valid('param');
    const ctx = writeContext(c);
    const ownDeliveries = sql`(select ${webhookDeliveries.id} from ${webhookDeliveries} where ${webhookDeliveries.orgId} = ${ctx.auth.orgId} and ${webhookDeliveries.endpointId} = ${id})`;
    const [, , , gone] = await ctx.db.batch([
      auditInsert(
        ctx,
        'webhook_endpoint',
        id,
        'delete',
        null,
        null,
        sql`exists (select 1 from ${webhookEndpoints} where ${mine(ctx.auth.orgId, id)})`,
      ),
      ctx.db
        .delete(webhookAttempts)
        .where(and(eq(webhookAttempts.orgId, ctx.auth.orgId), sql`${webhookAttempts.deliveryId} in ${ownDeliveries}`)),
      ctx.db.delete(webhookDeliveries).where(and(eq(webhookDeliveries.orgId, ctx.auth.orgId), eq(webhookDeliveries.endpointId, id))),
      ctx.db.delete(webhookEndpoints).where(mine(ctx.auth.orgId, id)).returning({ id: webhookEndpoints.id }),
    ]);
    if (!gone.length) throw notFound('webhook endpoint');
    return c.body(null, 204);
  },
);

webhooksRoutes.openapi(
  route({
    method: 'get',
    path: '/{id}/deliveries',
    tags: ['Webhooks'],
    summary: 'An endpoint’s delivery log',
    description: 'The 50 newest deliveries, each with every attempt and the answer it got.',
    permission: 'webhooks.manage',
    request: { params: idParam },
    responses: { 200: json(z.object({ items: z.array(Delivery) }), 'Newest first'), ...problemResponses },
  }),
  async (c) => {
    const { id } = c.req.valid('param');
    const { orgId } = c.get('auth');
    const db = c.get('db');
    const newest = sql`(select ${webhookDeliveries.id} from ${webhookDeliveries} where ${webhookDeliveries.orgId} = ${orgId}
      and ${webhookDeliveries.endpointId} = ${id} order by ${webhookDeliveries.createdAt} desc limit 50)`;
    const [[endpoint], deliveries, attempts] = await db.batch([
      db.select({ id: webhookEndpoints.id }).from(webhookEndpoints).where(mine(orgId, id)),
      db
        .select()
        .from(webhookDeliveries)
        .where(and(eq(webhookDeliveries.orgId, orgId), eq(webhookDeliveries.endpointId, id)))
        .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
        .limit(50),
      db
        .select()
        .from(webhookAttempts)
        .where(and(eq(webhookAttempts.orgId, orgId), sql`${webhookAttempts.deliveryId} in ${newest}`))
        .orderBy(webhookAttempts.attempt),
    ]);
    if (!endpoint) throw notFound('webhook endpoint');
    return c.json(
      {
        items: deliveries.map(({ orgId: _, payload, ...d }) => ({
          ...d,
          payload: JSON.parse(payload),
          attemptLog: attempts
            .filter((a) => a.deliveryId === d.id)
            .map(({ attempt, at, statusCode, response }) => ({ attempt, at, statusCode, response })),
        })),
      },
      200,
    );
  },
);

webhooksRoutes.openapi(
  route({
    method: 'post',
    path: '/{id}/deliveries/{deliveryId}/retry',
    tags: ['Webhooks'],
    summary: 'Send a delivery again',
    description: 'Puts the delivery back in the queue, due now, with the same message id, and sends it at once.',
    permission: 'webhooks.manage',
    request: { params: idParam.extend({ deliveryId: z.string().max(64) }) },
    responses: { 202: { description: 'Queued and being sent' }, ...problemResponses },
  }),
  async (c) => {
    const { id, deliveryId } = c.req.valid('param');
    const { orgId } = c.get('auth');
    const now = Date.now();
    const updated = await c
      .get('db')
      .update(webhookDeliveries)
      .set({ status: 'pending', nextAttemptAt: now })
      .where(and(eq(webhookDeliveries.orgId, orgId), eq(webhookDeliveries.endpointId, id), eq(webhookDeliveries.id, deliveryId)))
      .returning({ id: webhookDeliveries.id });
    if (!updated.length) throw notFound('delivery');
    c.executionCtx.waitUntil(deliverDue(c.env, { orgId, now }));
    return c.body(null, 202);
  },
);
