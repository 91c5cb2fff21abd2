/**
 * People who sign in. Admins only. A password hash never leaves the database; deactivating a
 * person or changing their role ends their sessions in the same batch (and then closes their
 * open board and feed sockets, worker/room-connections.ts), and an admin cannot lock
 * themselves out by demoting or deactivating their own account.
 */
import { z } from '@hono/zod-openapi';
import { and, eq, isNull } from 'drizzle-orm';
import { createSelectSchema, createUpdateSchema } from 'drizzle-zod';
import { passkeys, recoveryCodes, ROLES, sessions, users } from '../../db/schema.ts';
import { securityEvent } from '../auth/audit.ts';
import { hashPassword } from '../auth/password.ts';
import { containsSql } from '../http/list.ts';
import { email, text } from '../http/fields.ts';
import { auditInsert, diff, idParam, problemResponses, resource, scopedWhere, writeContext, type WriteContext } from '../http/resource.ts';
import { body, json, route } from '../http/router.ts';
import { fieldProblem, notFound } from '../problem.ts';
import { ROOM_CLOSE } from '../../core/room-close.ts';
import { closeRoomConnections } from '../room-connections.ts';

/** What the API shows of a person: never their password hash or second-factor secrets. */
const User = createSelectSchema(users)
  .pick({ id: true, email: true, name: true, role: true, active: true, createdAt: true, updatedAt: true })
  .openapi('User');

const UserCreate = z
  .object({
    email: email(),
    name: text(120),
    role: z.enum(ROLES),
    password: z.string().min(12, 'At least 12 characters.').max(1024).optional(),
  })
  .strict()
  .openapi('UserCreate');

const UserUpdate = createUpdateSchema(users, { name: () => text(120) })
  .pick({ name: true, role: true, active: true })
  .strict()
  .openapi('UserUpdate');

const spec = {
  path: '/users',
  entity: 'user',
  tag: 'Users',
  table: users,
  fields: Object.keys(User.shape),
  rowSchema: User,
  createSchema: UserCreate,
  filterSchema: z.object({
    role: z.enum(ROLES).optional(),
    active: z.enum(['true', 'false']).optional(),
    q: z.string().trim().min(1).max(100).optional(),
  }),
  sorts: { name: users.name, email: users.email, createdAt: users.createdAt },
  defaultSort: 'name',
  read: 'users.read',
  write: 'users.write',
} as const;

export const usersRoutes = resource({
  ...spec,
  filters: (q) => [
    q.role ? eq(users.role, q.role) : undefined,
    q.active ? eq(users.active, q.active === 'true') : undefined,
    q.q ? containsSql(users.name, q.q) : undefined,
  ],
  toInsert: async (input: z.infer<typeof UserCreate>, ctx: WriteContext) => {
    // Emails are sign-in names across the whole service, so uniqueness is global.
    const [taken] = await ctx.db.select({ id: users.id }).from(users).where(eq(users.email, input.email));
    if (taken) throw fieldProblem(409, 'email', 'body', 'Someone already signs in with that email.');
    return {
      email: input.email,
      name: input.name,
      role: input.role,
      passwordHash: input.password ? await hashPassword(input.password) : null,
      active: true,
      createdAt: ctx.now,
      updatedAt: ctx.now,
    };
  },
});

usersRoutes.openapi(
  route({
    method: 'patch',
    path: '/{id}',
    tags: ['Users'],
    summary: 'Change a person’s name, role or whether they may sign in',
    permission: 'users.write',
    request: { params: idParam, ...body(UserUpdate) },
    responses: { 200: json(User, 'The changed user'), ...problemResponses },
  }),
  async (c) => {
    const ctx = writeContext(c);
    const { id } = c.req.valid('param');
    const input = c.req.valid('json');
    const columns = Object.fromEntries(spec.fields.map((f) => [f, users[f as keyof typeof User.shape]]));
    const [before] = await ctx.db
      .select(columns)
      .from(users)
      .where(scopedWhere(spec as never, ctx.auth, eq(users.id, id)));
    if (!before) throw notFound('user');
    if (id === ctx.auth.userId && input.role && input.role !== 'admin') {
      throw fieldProblem(409, 'role', 'body', 'You cannot remove your own admin role; ask another admin.');
    }
    if (id === ctx.auth.userId && input.active === false) {
      throw fieldProblem(409, 'active', 'body', 'You cannot deactivate your own account.');
    }
    const change = diff(before, input);
    if (!change) return c.json(User.parse(before), 200);
    const endsSessions = 'role' in change.after || change.after.active === false;
    const [[row]] = await ctx.db.batch([
      ctx.db
        .update(users)
        .set({ ...input, updatedAt: ctx.now })
        .where(and(eq(users.orgId, ctx.auth.orgId), eq(users.id, id)))
        .returning(columns),
      auditInsert(ctx, 'user', id, 'update', change.before, change.after),
      // A new role takes effect at the next sign-in; a deactivated person is out now.
      ...(endsSessions
        ? [
            ctx.db
              .update(sessions)
              .set({ revokedAt: ctx.now })
              .where(and(eq(sessions.userId, id), isNull(sessions.revokedAt))),
          ]
        : []),
    ]);
    // Their open board and feed sockets go with the sessions; the app tells them their access changed.
    if (endsSessions) await closeRoomConnections(c.env, ctx.db, { userId: id }, ROOM_CLOSE.accessChanged);
    return c.json(User.parse(row), 200);
  },
);

usersRoutes.openapi(
  route({
    method: 'post',
    path: '/{id}/reset-second-factor',
    tags: ['Users'],
    summary: 'Clear a person’s authenticator app, recovery codes and passkeys, and sign them out (for a lost phone)',
    permission: 'users.write',
    request: { params: idParam },
    responses: { 204: { description: 'Reset; at their next sign-in they set up a new factor' }, ...problemResponses },
  }),
  async (c) => {
    const auth = c.get('auth');
    const db = c.get('db');
    const id = c.req.valid('param').id;
    const [target] = await db
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.orgId, auth.orgId), eq(users.id, id)));
    if (!target) throw notFound('user');
    const now = Date.now();
    await db.batch([
      db.update(users).set({ totpSecret: null, totpEnabledAt: null, totpLastStep: null, updatedAt: now }).where(eq(users.id, id)),
      db.delete(recoveryCodes).where(eq(recoveryCodes.userId, id)),
      db.delete(passkeys).where(eq(passkeys.userId, id)),
      db
        .update(sessions)
        .set({ revokedAt: now })
        .where(and(eq(sessions.userId, id), isNull(sessions.revokedAt))),
      securityEvent(db, { orgId: auth.orgId, userId: id, actorUserId: auth.userId, action: 'second_factor_reset' }),
    ]);
    await closeRoomConnections(c.env, db, { userId: id }, ROOM_CLOSE.sessionEnded);
    return c.body(null, 204);
  },
);
