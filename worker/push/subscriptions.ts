/**
 * Web Push for the technician's phone (issue 12): the server's public key, and each device's
 * subscription. Anyone signed in may subscribe their own devices (`push.self`); the board rooms
 * push to a technician's when the office changes their day (rooms/outbox-push.ts).
 *
 * One row per device: the endpoint is the device's (unique). A device subscribed again by
 * someone else of the same org (a shared phone, signed in by the next person) moves to them:
 * the phone is theirs now, and the person before must not be told of work on a phone they no
 * longer hold. An endpoint another org holds is refused (409) and left as it is. Unsubscribing
 * removes only the caller's own row, and answers 204 whether or not there was one (a phone
 * replaying it from its offline queue is done either way).
 */
import { z } from '@hono/zod-openapi';
import { and, eq, sql } from 'drizzle-orm';
import { fromBase64Url } from '../../core/base64url.ts';
import { pushSubscriptions } from '../../db/schema.ts';
import { vapidKeys } from '../../rooms/push-keys.ts';
import { problemResponses } from '../http/resource.ts';
import { body, json, route, router } from '../http/router.ts';
import { fieldProblem } from '../problem.ts';

export const pushRoutes = router();

const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** A push service's URL: https, as every real one is (RFC 8030), or plain http on this machine (a local push service in development and the tests). */
function isPushEndpoint(text: string): boolean {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return false;
  }
  return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname));
}

/** base64url of exactly `bytes` bytes, optionally starting with `first`. */
const keyBytes = (bytes: number, message: string, first?: number) =>
  z
    .string()
    .max(200)
    .refine((s) => {
      const b = fromBase64Url(s);
      return b !== null && b.length === bytes && (first === undefined || b[0] === first);
    }, message);

const Endpoint = z
  .string()
  .max(2048, 'At most 2048 characters.')
  .refine(isPushEndpoint, 'The https URL of a push service, as the browser gave it.')
  .openapi({ description: "The push service's URL for this device (PushSubscription.endpoint)." });

const NewSubscription = z
  .object({
    endpoint: Endpoint,
    keys: z
      .object({
        p256dh: keyBytes(65, "The subscription's P-256 public key: 65 bytes (an uncompressed point), base64url.", 0x04),
        auth: keyBytes(16, "The subscription's authentication secret: 16 bytes, base64url."),
      })
      .strict(),
    /** PushSubscription.toJSON() has it; the push service says when a subscription ends, so it is not kept. */
    expirationTime: z.number().nullable().optional(),
  })
  .strict()
  .openapi('NewPushSubscription', { description: 'PushSubscription.toJSON() as the browser gives it.' });

const PushSubscription = z
  .object({ id: z.string(), endpoint: z.string(), createdAt: z.number().int() })
  .openapi('PushSubscription', { description: "A device that is told of changes to its user's day." });

pushRoutes.openapi(
  route({
    method: 'get',
    path: '/key',
    tags: ['Push'],
    summary: "The server's Web Push (VAPID) public key, for PushManager.subscribe's applicationServerKey",
    permission: 'push.self',
    responses: {
      200: json(
        z.object({ publicKey: z.string().openapi({ description: 'An uncompressed P-256 point, base64url.' }) }).openapi('PushKey'),
        'The key',
      ),
      ...problemResponses,
    },
  }),
  async (c) => {
    const { publicKey } = await vapidKeys(c.env, c.get('db').$client);
    return c.json({ publicKey }, 200);
  },
);

pushRoutes.openapi(
  route({
    method: 'post',
    path: '/subscriptions',
    tags: ['Push'],
    summary: 'Subscribe this device: pushes go to it when your day changes',
    description:
      'One subscription per device (endpoint): 201 when new, 200 when the device was subscribed already (by you, or by someone else of your organisation: it is yours now). 409 naming `endpoint` when another organisation holds it.',
    permission: 'push.self',
    request: body(NewSubscription),
    responses: {
      200: json(PushSubscription, 'Already subscribed; now yours, with these keys'),
      201: json(PushSubscription, 'Subscribed'),
      409: { description: 'Held by another organisation (problem+json)' },
      ...problemResponses,
    },
  }),
  async (c) => {
    const auth = c.get('auth');
    const { endpoint, keys } = c.req.valid('json');
    const db = c.get('db');
    const id = crypto.randomUUID();
    const now = Date.now();
    const [, rows] = await db.batch([
      db
        .insert(pushSubscriptions)
        .values({ id, orgId: auth.orgId, userId: auth.userId, endpoint, p256dh: keys.p256dh, auth: keys.auth, createdAt: now })
        .onConflictDoUpdate({
          target: pushSubscriptions.endpoint,
          set: { userId: auth.userId, p256dh: keys.p256dh, auth: keys.auth, failures: 0, lastFailureAt: null },
          setWhere: sql`${pushSubscriptions.orgId} = ${auth.orgId}`,
        }),
      db
        .select({ id: pushSubscriptions.id, orgId: pushSubscriptions.orgId, createdAt: pushSubscriptions.createdAt })
        .from(pushSubscriptions)
        .where(eq(pushSubscriptions.endpoint, endpoint)),
    ]);
    const row = rows[0]!;
    if (row.orgId !== auth.orgId)
      throw fieldProblem(409, 'endpoint', 'body', 'This device is subscribed for another organisation; unsubscribe it there first.');
    return c.json({ id: row.id, endpoint, createdAt: row.createdAt }, row.id === id ? 201 : 200);
  },
);

pushRoutes.openapi(
  route({
    method: 'delete',
    path: '/subscriptions',
    tags: ['Push'],
    summary: 'Unsubscribe this device (yours only; 204 whether or not it was subscribed)',
    permission: 'push.self',
    request: body(z.object({ endpoint: z.string().max(2048, 'At most 2048 characters.') }).strict()),
    responses: { 204: { description: 'Not subscribed (any more)' }, ...problemResponses },
  }),
  async (c) => {
    const auth = c.get('auth');
    const { endpoint } = c.req.valid('json');
    await c
      .get('db')
      .delete(pushSubscriptions)
      .where(
        and(eq(pushSubscriptions.orgId, auth.orgId), eq(pushSubscriptions.userId, auth.userId), eq(pushSubscriptions.endpoint, endpoint)),
      );
    return c.body(null, 204);
  },
);
