/** Password sign-in, sign-out and "who am I". Passkeys and TOTP slot in beside these. */
import { z } from '@hono/zod-openapi';
import { eq } from 'drizzle-orm';
import { users, auditEvents } from '../../db/schema.ts';
import { verifyPassword } from '../auth/password.ts';
import { endSession, startSession } from '../auth/session.ts';
import { Problem } from '../problem.ts';
import { body, json, route, router } from '../http/router.ts';
import { problemResponses } from '../http/resource.ts';

const Me = z.object({ userId: z.string(), orgId: z.string(), role: z.string(), name: z.string(), email: z.string(), timezone: z.string().optional() }).openapi('Me');
const SignIn = z
  .object({
    email: z.string().trim().toLowerCase().min(1).max(254),
    password: z.string().min(1).max(1024),
  })
  .strict()
  .openapi('SignIn');

export const authRoutes = router();

authRoutes.openapi(
  route({
    method: 'post',
    path: '/sign-in',
    tags: ['Auth'],
    summary: 'Sign in with email and password; sets the session cookie',
    permission: 'public',
    request: body(SignIn),
    responses: { 200: json(Me, 'Signed in'), ...problemResponses },
  }),
  async (c) => {
    const { email, password } = c.req.valid('json');
    const db = c.get('db');
    const [user] = await db.select().from(users).where(eq(users.email, email));
    // Always verify (against a dummy hash when there is no such user) so timing reveals nothing.
    const ok = (await verifyPassword(password, user?.passwordHash)) && user?.active === true;
    if (!user || !ok) {
      if (user) {
        await db.insert(auditEvents).values({ id: crypto.randomUUID(), orgId: user.orgId, actorUserId: null, at: Date.now(), entity: 'user', entityId: user.id, action: 'sign_in_failed', before: null, after: null });
      }
      throw new Problem(401, 'Sign-in failed', 'That email and password do not match an active account.');
    }
    await startSession(c, db, user);
    return c.json({ userId: user.id, orgId: user.orgId, role: user.role, name: user.name, email: user.email }, 200);
  },
);

authRoutes.openapi(
  route({
    method: 'post',
    path: '/sign-out',
    tags: ['Auth'],
    summary: 'End this session',
    permission: 'session.self',
    responses: { 204: { description: 'Signed out' }, ...problemResponses },
  }),
  async (c) => {
    await endSession(c, c.get('db'), c.get('auth').tokenHash);
    return c.body(null, 204);
  },
);

authRoutes.openapi(
  route({
    method: 'get',
    path: '/me',
    tags: ['Auth'],
    summary: 'The signed-in person',
    permission: 'session.self',
    responses: { 200: json(Me, 'The signed-in person'), ...problemResponses },
  }),
  (c) => {
    const { tokenHash: _omit, ...me } = c.get('auth');
    return c.json(me, 200);
  },
);
