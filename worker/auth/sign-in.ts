/**
 * Signing in and out. Password sign-in asks for a second factor when the person has one
 * (TOTP, or a recovery code); passkeys sign in on their own. Every step is rate-limited per
 * account and per client, audited, and answers wrong emails and wrong passwords alike.
 */
import { z } from '@hono/zod-openapi';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { orgs, passkeys, recoveryCodes, users } from '../../db/schema.ts';
import { securityEvent } from './audit.ts';
import { attemptCookie, clearAttemptCookie, peekChallenge, putChallenge, setAttemptCookie, takeChallenge } from './challenges.ts';
import { verifyPassword } from './password.ts';
import { accountKey, clientKey, failed, guard, succeeded } from './rate-limit.ts';
import { endSession, hashToken, startSession } from './session.ts';
import { secondFactorRequired } from '../../core/permissions.ts';
import { ROLES } from '../../core/roles.ts';
import { ROOM_CLOSE } from '../../core/room-close.ts';
import { closeRoomConnections } from '../room-connections.ts';
import { matchTotp, normaliseRecoveryCode } from './totp.ts';
import { authenticationOptions, CredentialJson, relyingParty, verifyAuthentication } from './webauthn.ts';
import { Problem } from '../problem.ts';
import { body, json, route, router } from '../http/router.ts';
import { problemResponses } from '../http/resource.ts';

const Me = z
  .object({
    userId: z.string(),
    orgId: z.string(),
    role: z.enum(ROLES),
    name: z.string(),
    email: z.string(),
    timezone: z.string(),
    method: z.string(),
    signedInAt: z.number(),
    mustEnrolSecondFactor: z.boolean(),
  })
  .openapi('Me');

const SignInResult = z.object({ status: z.enum(['signed-in', 'second-factor-required']), me: Me.optional() }).openapi('SignInResult');

const SignIn = z
  .object({ email: z.string().trim().toLowerCase().min(1).max(254), password: z.string().min(1).max(1024) })
  .strict()
  .openapi('SignIn');

const SecondFactor = z
  .object({
    code: z.string().trim().max(10).optional().openapi({ description: 'A 6-digit code from the authenticator app' }),
    recoveryCode: z.string().trim().max(20).optional().openapi({ description: 'One of the recovery codes, used up by this sign-in' }),
  })
  .strict()
  .refine((b) => Boolean(b.code) !== Boolean(b.recoveryCode), { message: 'Give either a code or a recovery code.', path: ['code'] })
  .openapi('SecondFactor');

const PasskeyAssertion = z.object({ response: CredentialJson }).strict().openapi('PasskeyAssertion');

const SIGN_IN_FAILED = new Problem(401, 'Sign-in failed', 'That email and password do not match an active account.');
const CODE_FAILED = new Problem(401, 'Code not accepted', 'That code is not right, or it was already used. Codes change every 30 seconds.');
const PASSKEY_FAILED = new Problem(401, 'Passkey not accepted', 'That passkey could not be verified for this site.');

export const authRoutes = router();

function meOf(user: typeof users.$inferSelect, timezone: string, method: string, mustEnrol: boolean) {
  return {
    userId: user.id,
    orgId: user.orgId,
    role: user.role,
    name: user.name,
    email: user.email,
    timezone,
    method,
    signedInAt: Date.now(),
    mustEnrolSecondFactor: mustEnrol,
  };
}

authRoutes.openapi(
  route({
    method: 'post',
    path: '/sign-in',
    tags: ['Auth'],
    summary: 'Sign in with email and password; then a second factor when the person has one',
    permission: 'public',
    request: body(SignIn),
    responses: {
      200: json(SignInResult, 'Signed in, or a second factor is needed'),
      429: { description: 'Too many attempts (Retry-After)' },
      ...problemResponses,
    },
  }),
  async (c) => {
    const { email, password } = c.req.valid('json');
    const db = c.get('db');
    const limits = [accountKey(email), clientKey(c)];
    await guard(c, limits);
    const [row] = await db
      .select({ user: users, timezone: orgs.timezone, requireForTechnicians: orgs.requireTotpForTechnicians })
      .from(users)
      .innerJoin(orgs, eq(orgs.id, users.orgId))
      .where(eq(users.email, email));
    const user = row?.user;
    // Always verify (against a dummy hash when there is no such user) so timing reveals nothing.
    const ok = (await verifyPassword(password, user?.passwordHash)) && user?.active === true;
    if (!user || !ok) {
      if (user)
        await securityEvent(db, {
          orgId: user.orgId,
          userId: user.id,
          actorUserId: null,
          action: 'sign_in_failed',
          detail: { step: 'password' },
        });
      return failed(c, limits, SIGN_IN_FAILED);
    }
    if (user.totpEnabledAt) {
      setAttemptCookie(c, await putChallenge(db, { kind: 'second-factor', userId: user.id }));
      return c.json({ status: 'second-factor-required' as const }, 200);
    }
    await succeeded(c, limits[0]!);
    const mustEnrol = secondFactorRequired(user.role, row.requireForTechnicians);
    await startSession(c, db, user, 'password', [
      securityEvent(db, { orgId: user.orgId, userId: user.id, action: 'signed_in', detail: { method: 'password', mustEnrol } }),
    ]);
    return c.json({ status: 'signed-in' as const, me: meOf(user, row.timezone, 'password', mustEnrol) }, 200);
  },
);

authRoutes.openapi(
  route({
    method: 'post',
    path: '/second-factor',
    tags: ['Auth'],
    summary: 'Finish a password sign-in with an authenticator code or a recovery code',
    permission: 'public',
    request: body(SecondFactor),
    responses: { 200: json(SignInResult, 'Signed in'), 429: { description: 'Too many attempts (Retry-After)' }, ...problemResponses },
  }),
  async (c) => {
    const input = c.req.valid('json');
    const db = c.get('db');
    const attempt = await peekChallenge(db, attemptCookie(c), 'second-factor');
    if (!attempt?.userId) throw new Problem(401, 'Sign in again', 'This sign-in has expired; enter your email and password again.');
    const limits = [accountKey(attempt.userId), clientKey(c)];
    await guard(c, limits);
    const [row] = await db
      .select({ user: users, timezone: orgs.timezone })
      .from(users)
      .innerJoin(orgs, eq(orgs.id, users.orgId))
      .where(eq(users.id, attempt.userId));
    const user = row?.user;
    if (!row || !user?.active || !user.totpSecret || !user.totpEnabledAt)
      throw new Problem(401, 'Sign in again', 'This sign-in has expired; enter your email and password again.');

    let method: 'password+totp' | 'password+recovery';
    const now = Date.now();
    if (input.code) {
      const step = matchTotp(user.totpSecret, input.code, now);
      // Claim the step atomically: a replayed code, or a race of two, finds it taken.
      const claimed = step !== null && (await db.run(sqlClaimStep(user.id, step))).rowsAffected === 1;
      if (!claimed) {
        await securityEvent(db, {
          orgId: user.orgId,
          userId: user.id,
          actorUserId: null,
          action: 'sign_in_failed',
          detail: { step: 'totp' },
        });
        return failed(c, limits, CODE_FAILED);
      }
      method = 'password+totp';
    } else {
      const hash = await hashToken(normaliseRecoveryCode(input.recoveryCode!));
      const [used] = await db
        .update(recoveryCodes)
        .set({ usedAt: now })
        .where(and(eq(recoveryCodes.userId, user.id), eq(recoveryCodes.codeHash, hash), isNull(recoveryCodes.usedAt)))
        .returning({ id: recoveryCodes.id });
      if (!used) {
        await securityEvent(db, {
          orgId: user.orgId,
          userId: user.id,
          actorUserId: null,
          action: 'sign_in_failed',
          detail: { step: 'recovery-code' },
        });
        return failed(c, limits, CODE_FAILED);
      }
      method = 'password+recovery';
    }
    await takeChallenge(db, attemptCookie(c), 'second-factor');
    clearAttemptCookie(c);
    await succeeded(c, limits[0]!);
    await startSession(c, db, user, method, [
      securityEvent(db, { orgId: user.orgId, userId: user.id, action: 'signed_in', detail: { method } }),
    ]);
    return c.json({ status: 'signed-in' as const, me: meOf(user, row.timezone, method, false) }, 200);
  },
);

authRoutes.openapi(
  route({
    method: 'post',
    path: '/passkey/options',
    tags: ['Auth'],
    summary: 'Start a passkey sign-in: the WebAuthn request options',
    permission: 'public',
    responses: { 200: json(z.record(z.string(), z.unknown()), 'PublicKeyCredentialRequestOptionsJSON'), ...problemResponses },
  }),
  async (c) => {
    await guard(c, [clientKey(c)]);
    const options = await authenticationOptions(relyingParty(c.env));
    setAttemptCookie(c, await putChallenge(c.get('db'), { kind: 'passkey-sign-in', challenge: options.challenge }));
    return c.json(options as unknown as Record<string, unknown>, 200);
  },
);

authRoutes.openapi(
  route({
    method: 'post',
    path: '/passkey',
    tags: ['Auth'],
    summary: 'Finish a passkey sign-in with the authenticator’s assertion',
    permission: 'public',
    request: body(PasskeyAssertion),
    responses: { 200: json(SignInResult, 'Signed in'), ...problemResponses },
  }),
  async (c) => {
    const db = c.get('db');
    const limits = [clientKey(c)];
    await guard(c, limits);
    const challenge = await takeChallenge(db, attemptCookie(c), 'passkey-sign-in');
    clearAttemptCookie(c);
    if (!challenge?.challenge) throw new Problem(401, 'Try again', 'This passkey sign-in expired or was already used; start again.');
    const assertion = c.req.valid('json').response as unknown as AuthenticationResponseJSON;
    const [row] = await db
      .select({ passkey: passkeys, user: users, timezone: orgs.timezone })
      .from(passkeys)
      .innerJoin(users, eq(users.id, passkeys.userId))
      .innerJoin(orgs, eq(orgs.id, users.orgId))
      .where(eq(passkeys.id, assertion.id));
    if (!row?.user.active) return failed(c, limits, PASSKEY_FAILED);
    let verified: { newCounter: number } | null = null;
    try {
      verified = await verifyAuthentication(relyingParty(c.env), assertion, challenge.challenge, row.passkey);
    } catch {
      verified = null; // a wrong origin, RP id or signature throws: all are the same refusal
    }
    if (!verified) {
      await securityEvent(db, {
        orgId: row.user.orgId,
        userId: row.user.id,
        actorUserId: null,
        action: 'sign_in_failed',
        detail: { step: 'passkey' },
      });
      return failed(c, limits, PASSKEY_FAILED);
    }
    await startSession(c, db, row.user, 'passkey', [
      db.update(passkeys).set({ counter: verified.newCounter, lastUsedAt: Date.now() }).where(eq(passkeys.id, row.passkey.id)),
      securityEvent(db, {
        orgId: row.user.orgId,
        userId: row.user.id,
        action: 'signed_in',
        detail: { method: 'passkey', passkey: row.passkey.name },
      }),
    ]);
    return c.json({ status: 'signed-in' as const, me: meOf(row.user, row.timezone, 'passkey', false) }, 200);
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
    const db = c.get('db');
    const { tokenHash } = c.get('auth');
    await endSession(c, db, tokenHash);
    await closeRoomConnections(c.env, db, { sessionId: tokenHash }, ROOM_CLOSE.sessionEnded);
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
    const { tokenHash: _token, lastSeenStale: _stale, kpiVersion: _kpis, ...me } = c.get('auth');
    return c.json(me, 200);
  },
);

/** Accepts a TOTP step only if it is later than every step accepted before. */
function sqlClaimStep(userId: string, step: number) {
  return sql`update ${users} set totp_last_step = ${step} where ${users.id} = ${userId} and (${users.totpLastStep} is null or ${users.totpLastStep} < ${step})`;
}
