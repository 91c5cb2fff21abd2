/**
 * Inviting people: an admin names an email and a role; the invitee gets a one-time link that
 * expires in 7 days, sets a password, and then a second factor. The token travels in the link's
 * fragment (never sent to a server in a URL) and is stored only as a hash.
 */
import { z } from '@hono/zod-openapi';
import { and, desc, eq, gt, isNull } from 'drizzle-orm';
import { createSelectSchema } from 'drizzle-zod';
import { invitations, orgs, ROLES, users } from '../../db/schema.ts';
import { securityEvent } from '../auth/audit.ts';
import { hashPassword } from '../auth/password.ts';
import { clientKey, failed, guard } from '../auth/rate-limit.ts';
import { hashToken, startSession } from '../auth/session.ts';
import { secondFactorRequired } from '../../core/permissions.ts';
import { email, text } from '../http/fields.ts';
import { auditInsert, idParam, problemResponses, writeContext } from '../http/resource.ts';
import { body, json, route, router } from '../http/router.ts';
import { consoleMailer } from '../mail.ts';
import { fieldProblem, notFound, Problem } from '../problem.ts';

export const INVITATION_TTL_MS = 7 * 24 * 60 * 60_000;

/** An invitation as admins list it: never its token's hash. */
const Invitation = createSelectSchema(invitations)
  .pick({ id: true, email: true, name: true, role: true, createdAt: true, expiresAt: true, acceptedAt: true, revokedAt: true })
  .openapi('Invitation');
const Token = z.string().min(20).max(100);
const columns = {
  id: invitations.id,
  email: invitations.email,
  name: invitations.name,
  role: invitations.role,
  createdAt: invitations.createdAt,
  expiresAt: invitations.expiresAt,
  acceptedAt: invitations.acceptedAt,
  revokedAt: invitations.revokedAt,
};

export const invitationsRoutes = router();

const INVALID = new Problem(
  404,
  'Invitation not found',
  'This invitation link is not valid any more: it may have been used, withdrawn or have expired. Ask your admin for a new one.',
);

async function liveInvitation(db: import('../db.ts').Db, token: string) {
  const [row] = await db
    .select({ invitation: invitations, orgName: orgs.name, requireForTechnicians: orgs.requireTotpForTechnicians })
    .from(invitations)
    .innerJoin(orgs, eq(orgs.id, invitations.orgId))
    .where(
      and(
        eq(invitations.tokenHash, await hashToken(token)),
        isNull(invitations.acceptedAt),
        isNull(invitations.revokedAt),
        gt(invitations.expiresAt, Date.now()),
      ),
    );
  return row ?? null;
}

invitationsRoutes.openapi(
  route({
    method: 'get',
    path: '/',
    tags: ['Invitations'],
    summary: 'Invitations, newest first',
    permission: 'invitations.read',
    responses: { 200: json(z.object({ items: z.array(Invitation) }), 'Invitations'), ...problemResponses },
  }),
  async (c) => {
    const rows = await c
      .get('db')
      .select(columns)
      .from(invitations)
      .where(eq(invitations.orgId, c.get('auth').orgId))
      .orderBy(desc(invitations.createdAt))
      .limit(200);
    return c.json({ items: rows }, 200);
  },
);

invitationsRoutes.openapi(
  route({
    method: 'post',
    path: '/',
    tags: ['Invitations'],
    summary: 'Invite a person; answers the one-time link (also emailed)',
    permission: 'invitations.write',
    request: body(
      z
        .object({ email: email(), name: text(120), role: z.enum(ROLES) })
        .strict()
        .openapi('InvitationCreate'),
    ),
    responses: {
      201: json(Invitation.extend({ link: z.string() }).openapi('InvitationWithLink'), 'The invitation and its link'),
      ...problemResponses,
    },
  }),
  async (c) => {
    const ctx = writeContext(c);
    const { db, auth, now } = ctx;
    const input = c.req.valid('json');
    const [[taken], [pending]] = await db.batch([
      db.select({ id: users.id }).from(users).where(eq(users.email, input.email)),
      db
        .select({ id: invitations.id })
        .from(invitations)
        .where(
          and(
            eq(invitations.orgId, auth.orgId),
            eq(invitations.email, input.email),
            isNull(invitations.acceptedAt),
            isNull(invitations.revokedAt),
            gt(invitations.expiresAt, now),
          ),
        ),
    ]);
    if (taken) throw fieldProblem(409, 'email', 'body', 'Someone already signs in with that email.');
    if (pending) throw fieldProblem(409, 'email', 'body', 'That person already has an open invitation; withdraw it to send a new one.');
    const token = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))))
      .replace(/\+/g, '-')
      .replace(/\//g, '_')
      .replace(/=+$/, '');
    const row = {
      id: crypto.randomUUID(),
      orgId: auth.orgId,
      ...input,
      tokenHash: await hashToken(token),
      invitedBy: auth.userId,
      createdAt: now,
      expiresAt: now + INVITATION_TTL_MS,
      acceptedAt: null,
      revokedAt: null,
    };
    await db.batch([
      db.insert(invitations).values(row),
      auditInsert(ctx, 'invitation', row.id, 'create', null, { email: input.email, role: input.role }),
    ]);
    const link = `${new URL(c.req.url).origin}/invite#${token}`;
    await consoleMailer.send({
      to: input.email,
      subject: `You are invited to Switchboard`,
      text: `${auth.name} invited you as ${input.role}. Open this link within 7 days to set up your account:\n${link}`,
    });
    const { tokenHash: _t, orgId: _o, invitedBy: _i, ...out } = row;
    return c.json({ ...out, link }, 201);
  },
);

invitationsRoutes.openapi(
  route({
    method: 'delete',
    path: '/{id}',
    tags: ['Invitations'],
    summary: 'Withdraw an invitation',
    permission: 'invitations.write',
    request: { params: idParam },
    responses: { 204: { description: 'Withdrawn' }, ...problemResponses },
  }),
  async (c) => {
    const ctx = writeContext(c);
    const { db, auth, now } = ctx;
    const id = c.req.valid('param').id;
    const [row] = await db
      .update(invitations)
      .set({ revokedAt: now })
      .where(and(eq(invitations.orgId, auth.orgId), eq(invitations.id, id), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)))
      .returning({ id: invitations.id });
    if (!row) throw notFound('open invitation');
    await auditInsert(ctx, 'invitation', id, 'revoke', null, null);
    return c.body(null, 204);
  },
);

invitationsRoutes.openapi(
  route({
    method: 'post',
    path: '/lookup',
    tags: ['Invitations'],
    summary: 'What an invitation link is for (the token goes in the body, never in a URL)',
    permission: 'public',
    request: body(z.object({ token: Token }).strict()),
    responses: {
      200: json(
        z
          .object({ orgName: z.string(), email: z.string(), name: z.string(), role: z.enum(ROLES), expiresAt: z.number() })
          .openapi('InvitationPreview'),
        'The invitation',
      ),
      ...problemResponses,
    },
  }),
  async (c) => {
    await guard(c, [clientKey(c)]);
    const row = await liveInvitation(c.get('db'), c.req.valid('json').token);
    if (!row) return failed(c, [clientKey(c)], INVALID);
    const { email: e, name, role, expiresAt } = row.invitation;
    return c.json({ orgName: row.orgName, email: e, name, role, expiresAt }, 200);
  },
);

invitationsRoutes.openapi(
  route({
    method: 'post',
    path: '/accept',
    tags: ['Invitations'],
    summary: 'Accept an invitation: set a password and sign in (a second factor comes next)',
    permission: 'public',
    request: body(
      z
        .object({ token: Token, password: z.string().min(12, 'At least 12 characters.').max(1024) })
        .strict()
        .openapi('InvitationAccept'),
    ),
    responses: {
      201: json(z.object({ userId: z.string(), mustEnrolSecondFactor: z.boolean() }), 'Account created and signed in'),
      ...problemResponses,
    },
  }),
  async (c) => {
    await guard(c, [clientKey(c)]);
    const db = c.get('db');
    const input = c.req.valid('json');
    const row = await liveInvitation(db, input.token);
    if (!row) return failed(c, [clientKey(c)], INVALID);
    const inv = row.invitation;
    const now = Date.now();
    const user = {
      id: crypto.randomUUID(),
      orgId: inv.orgId,
      email: inv.email,
      name: inv.name,
      role: inv.role,
      passwordHash: await hashPassword(input.password),
      active: true,
      createdAt: now,
      updatedAt: now,
    };
    // Claiming the invitation and creating the person happen together or not at all; the
    // accepted_at guard makes a second, racing acceptance fail on the unique email instead.
    await startSession(c, db, user, 'password', [
      db
        .update(invitations)
        .set({ acceptedAt: now })
        .where(and(eq(invitations.id, inv.id), isNull(invitations.acceptedAt))),
      db.insert(users).values(user),
      securityEvent(db, {
        orgId: inv.orgId,
        userId: user.id,
        actorUserId: user.id,
        action: 'invitation_accepted',
        detail: { invitationId: inv.id, role: inv.role },
      }),
    ]);
    return c.json({ userId: user.id, mustEnrolSecondFactor: secondFactorRequired(inv.role, row.requireForTechnicians) }, 201);
  },
);
