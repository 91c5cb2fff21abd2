/**
 * One's own security: the authenticator app (TOTP) and its recovery codes, passkeys, and the
 * sessions signed in. Changing a factor that already protects the account needs a sign-in in
 * the last 5 minutes; the first factor can be added straight away.
 */
import { z } from '@hono/zod-openapi';
import { and, eq, gt, isNull, ne, sql } from 'drizzle-orm';
import { createSelectSchema } from 'drizzle-zod';
import type { RegistrationResponseJSON } from '@simplewebauthn/server';
import { passkeys, recoveryCodes, sessions, users } from '../../db/schema.ts';
import { securityEvent } from './audit.ts';
import { putChallenge } from './challenges.ts';
import { hashToken, startSession, SESSION_IDLE_MS, type AuthContext } from './session.ts';
import { matchTotp, newRecoveryCodes, newTotpSecret, totpQrSvg, totpUri } from './totp.ts';
import { CredentialJson, registrationOptions, relyingParty, verifyRegistration } from './webauthn.ts';
import type { Db } from '../db.ts';
import type { Env } from '../env.ts';
import { text } from '../http/fields.ts';
import { idParam, problemResponses } from '../http/resource.ts';
import { body, json, route, router } from '../http/router.ts';
import { fieldProblem, notFound, Problem } from '../problem.ts';
import { ROOM_CLOSE } from '../../core/room-close.ts';
import { closeRoomConnections } from '../room-connections.ts';

export const FRESH_SIGN_IN_MS = 5 * 60_000;

export const accountRoutes = router();

/** A passkey as the account page lists it: no key material. */
const Passkey = createSelectSchema(passkeys)
  .pick({ id: true, name: true, deviceType: true, backedUp: true, createdAt: true, lastUsedAt: true })
  .openapi('Passkey');
const Session = z
  .object({
    id: z.string(),
    current: z.boolean(),
    userAgent: z.string().nullable(),
    method: z.string(),
    createdAt: z.number(),
    lastSeenAt: z.number(),
  })
  .openapi('Session');
const Security = z
  .object({
    totpEnabled: z.boolean(),
    recoveryCodesLeft: z.number(),
    passkeys: z.array(Passkey),
    signedInAt: z.number(),
    freshUntil: z.number(),
  })
  .openapi('AccountSecurity');
const SignOutOthers = z.object({ signOutOthers: z.boolean().default(false) }).strict();

/** A passkey as the account page lists it (the Passkey schema): no key material. */
const PASSKEY_COLUMNS = {
  id: passkeys.id,
  name: passkeys.name,
  deviceType: passkeys.deviceType,
  backedUp: passkeys.backedUp,
  createdAt: passkeys.createdAt,
  lastUsedAt: passkeys.lastUsedAt,
};

async function factors(db: Db, userId: string) {
  const [[user], keys, [codes]] = await db.batch([
    db.select({ totpEnabledAt: users.totpEnabledAt, totpSecret: users.totpSecret }).from(users).where(eq(users.id, userId)),
    db
      .select({
        ...PASSKEY_COLUMNS,
        transports: passkeys.transports,
        publicKey: passkeys.publicKey,
        counter: passkeys.counter,
      })
      .from(passkeys)
      .where(eq(passkeys.userId, userId)),
    db
      .select({ n: sql<number>`count(*)` })
      .from(recoveryCodes)
      .where(and(eq(recoveryCodes.userId, userId), isNull(recoveryCodes.usedAt))),
  ]);
  return {
    totpEnabled: Boolean(user?.totpEnabledAt),
    pendingSecret: user?.totpEnabledAt ? null : (user?.totpSecret ?? null),
    passkeys: keys,
    recoveryCodesLeft: Number(codes?.n ?? 0),
  };
}

/** Refuses unless this session signed in within the last 5 minutes. */
function requireFresh(auth: AuthContext): void {
  if (Date.now() - auth.signedInAt > FRESH_SIGN_IN_MS) {
    throw new Problem(
      403,
      'Sign in again to change this',
      'For your safety, changing how you sign in needs a sign-in in the last 5 minutes. Sign out, sign in again, then try once more.',
    );
  }
}

function signOutOthersStatement(db: Db, auth: AuthContext, now: number) {
  return db
    .update(sessions)
    .set({ revokedAt: now })
    .where(and(eq(sessions.userId, auth.userId), ne(sessions.tokenHash, auth.tokenHash), isNull(sessions.revokedAt)));
}

/** After signOutOthersStatement: the other sessions' board and feed sockets close too. */
function closeOthersRooms(env: Env, db: Db, auth: AuthContext) {
  return closeRoomConnections(env, db, { userId: auth.userId, exceptSessionId: auth.tokenHash }, ROOM_CLOSE.sessionEnded);
}

async function storeRecoveryCodes(db: Db, auth: AuthContext, now: number) {
  const codes = newRecoveryCodes();
  const rows = await Promise.all(
    codes.map(async (code) => ({
      id: crypto.randomUUID(),
      orgId: auth.orgId,
      userId: auth.userId,
      codeHash: await hashToken(code),
      createdAt: now,
    })),
  );
  return {
    codes,
    statements: [db.delete(recoveryCodes).where(eq(recoveryCodes.userId, auth.userId)), db.insert(recoveryCodes).values(rows)] as const,
  };
}

accountRoutes.openapi(
  route({
    method: 'get',
    path: '/security',
    tags: ['Account'],
    summary: 'Your second factors and passkeys',
    permission: 'account.self',
    responses: { 200: json(Security, 'Security settings'), ...problemResponses },
  }),
  async (c) => {
    const auth = c.get('auth');
    const f = await factors(c.get('db'), auth.userId);
    return c.json(
      {
        totpEnabled: f.totpEnabled,
        recoveryCodesLeft: f.recoveryCodesLeft,
        passkeys: f.passkeys.map(({ transports: _t, publicKey: _p, counter: _c, ...p }) => p),
        signedInAt: auth.signedInAt,
        freshUntil: auth.signedInAt + FRESH_SIGN_IN_MS,
      },
      200,
    );
  },
);

accountRoutes.openapi(
  route({
    method: 'post',
    path: '/totp/setup',
    tags: ['Account'],
    summary: 'Start enrolling an authenticator app: a new secret, its URI and QR code',
    permission: 'account.self',
    responses: {
      200: json(
        z.object({ secret: z.string(), uri: z.string(), qrSvg: z.string() }).openapi('TotpSetup'),
        'Scan the QR code, then confirm with a code',
      ),
      ...problemResponses,
    },
  }),
  async (c) => {
    const auth = c.get('auth');
    const db = c.get('db');
    const f = await factors(db, auth.userId);
    if (f.totpEnabled) throw new Problem(409, 'Already set up', 'Turn the authenticator app off first, then set up the new one.');
    if (f.passkeys.length) requireFresh(auth);
    const secret = newTotpSecret();
    // Stored but not trusted until confirmed with a code (totp_enabled_at stays null till then).
    await db.update(users).set({ totpSecret: secret }).where(eq(users.id, auth.userId));
    const uri = totpUri(secret, auth.email, 'Switchboard');
    return c.json({ secret, uri, qrSvg: totpQrSvg(uri) }, 200);
  },
);

accountRoutes.openapi(
  route({
    method: 'post',
    path: '/totp/confirm',
    tags: ['Account'],
    summary: 'Finish enrolling with a first code; answers the recovery codes, shown only this once',
    permission: 'account.self',
    request: body(
      z
        .object({
          code: z
            .string()
            .trim()
            .regex(/^\d{6}$/, 'Six digits.'),
        })
        .strict()
        .openapi('TotpConfirm'),
    ),
    responses: { 200: json(z.object({ recoveryCodes: z.array(z.string()) }).openapi('RecoveryCodes'), 'Enabled'), ...problemResponses },
  }),
  async (c) => {
    const auth = c.get('auth');
    const db = c.get('db');
    const f = await factors(db, auth.userId);
    if (f.totpEnabled) throw new Problem(409, 'Already set up', 'The authenticator app is already on.');
    if (!f.pendingSecret) throw fieldProblem(409, 'code', 'body', 'Start the setup first.');
    const now = Date.now();
    const step = matchTotp(f.pendingSecret, c.req.valid('json').code, now);
    if (step === null)
      throw fieldProblem(422, 'code', 'body', 'That code does not match. Check the time on your phone and try the next code.');
    const { codes, statements } = await storeRecoveryCodes(db, auth, now);
    // A new factor is a privilege change: the session is replaced by one that used it.
    await startSession(c, db, { id: auth.userId, orgId: auth.orgId }, 'password+totp', [
      db.update(users).set({ totpEnabledAt: now, totpLastStep: step, updatedAt: now }).where(eq(users.id, auth.userId)),
      ...statements,
      securityEvent(db, { orgId: auth.orgId, userId: auth.userId, action: 'totp_enabled' }),
    ]);
    return c.json({ recoveryCodes: codes }, 200);
  },
);

accountRoutes.openapi(
  route({
    method: 'delete',
    path: '/totp',
    tags: ['Account'],
    summary: 'Turn the authenticator app off (needs a fresh sign-in)',
    permission: 'account.self',
    request: body(SignOutOthers),
    responses: { 204: { description: 'Turned off' }, ...problemResponses },
  }),
  async (c) => {
    const auth = c.get('auth');
    const db = c.get('db');
    requireFresh(auth);
    const f = await factors(db, auth.userId);
    if (!f.totpEnabled) throw new Problem(409, 'Not set up', 'The authenticator app is not on.');
    if (auth.role !== 'technician' && !f.passkeys.length) {
      throw new Problem(409, 'Still needed', 'Your role needs a second factor: add a passkey before turning the authenticator app off.');
    }
    const now = Date.now();
    await db.batch([
      db.update(users).set({ totpSecret: null, totpEnabledAt: null, totpLastStep: null, updatedAt: now }).where(eq(users.id, auth.userId)),
      db.delete(recoveryCodes).where(eq(recoveryCodes.userId, auth.userId)),
      securityEvent(db, { orgId: auth.orgId, userId: auth.userId, action: 'totp_disabled' }),
      ...(c.req.valid('json').signOutOthers ? [signOutOthersStatement(db, auth, now)] : []),
    ]);
    if (c.req.valid('json').signOutOthers) await closeOthersRooms(c.env, db, auth);
    return c.body(null, 204);
  },
);

accountRoutes.openapi(
  route({
    method: 'post',
    path: '/recovery-codes',
    tags: ['Account'],
    summary: 'Replace the recovery codes (the old ones stop working; needs a fresh sign-in)',
    permission: 'account.self',
    responses: { 200: json(z.object({ recoveryCodes: z.array(z.string()) }), 'The new codes, shown only this once'), ...problemResponses },
  }),
  async (c) => {
    const auth = c.get('auth');
    const db = c.get('db');
    requireFresh(auth);
    if (!(await factors(db, auth.userId)).totpEnabled)
      throw new Problem(409, 'Not set up', 'Recovery codes go with the authenticator app; set that up first.');
    const { codes, statements } = await storeRecoveryCodes(db, auth, Date.now());
    await db.batch([...statements, securityEvent(db, { orgId: auth.orgId, userId: auth.userId, action: 'recovery_codes_regenerated' })]);
    return c.json({ recoveryCodes: codes }, 200);
  },
);

accountRoutes.openapi(
  route({
    method: 'post',
    path: '/passkeys/options',
    tags: ['Account'],
    summary: 'Start adding a passkey: the WebAuthn creation options',
    permission: 'account.self',
    responses: { 200: json(z.record(z.string(), z.unknown()), 'PublicKeyCredentialCreationOptionsJSON'), ...problemResponses },
  }),
  async (c) => {
    const auth = c.get('auth');
    const db = c.get('db');
    const f = await factors(db, auth.userId);
    if (f.totpEnabled || f.passkeys.length) requireFresh(auth);
    const options = await registrationOptions(relyingParty(c.env), { id: auth.userId, email: auth.email, name: auth.name }, f.passkeys);
    // Bound to this session: only the session that asked can finish the registration.
    await putChallenge(db, {
      kind: 'passkey-register',
      challenge: options.challenge,
      userId: auth.userId,
      sessionTokenHash: auth.tokenHash,
    });
    return c.json(options as unknown as Record<string, unknown>, 200);
  },
);

accountRoutes.openapi(
  route({
    method: 'post',
    path: '/passkeys',
    tags: ['Account'],
    summary: 'Finish adding a passkey with the authenticator’s attestation',
    permission: 'account.self',
    request: body(
      z
        .object({
          name: text(60).default('Passkey'),
          response: CredentialJson,
        })
        .strict()
        .openapi('PasskeyRegistration'),
    ),
    responses: { 201: json(Passkey, 'The new passkey'), ...problemResponses },
  }),
  async (c) => {
    const auth = c.get('auth');
    const db = c.get('db');
    const input = c.req.valid('json');
    const now = Date.now();
    // The session's latest live registration challenge, used up by this call whatever happens.
    const challenge = await takeSessionChallenge(db, auth.tokenHash, now);
    if (!challenge?.challenge) throw fieldProblem(409, 'response', 'body', 'This passkey set-up expired; start again.');
    let created: Awaited<ReturnType<typeof verifyRegistration>> = null;
    try {
      created = await verifyRegistration(relyingParty(c.env), input.response as unknown as RegistrationResponseJSON, challenge.challenge);
    } catch {
      created = null; // wrong origin, RP id, challenge or no user verification
    }
    if (!created) throw fieldProblem(422, 'response', 'body', 'The passkey could not be verified for this site.');
    const row = { ...created, orgId: auth.orgId, userId: auth.userId, name: input.name, createdAt: now, lastUsedAt: null };
    const extra = [
      db.insert(passkeys).values(row),
      securityEvent(db, { orgId: auth.orgId, userId: auth.userId, action: 'passkey_added', detail: { name: input.name } }),
    ];
    if (auth.mustEnrolSecondFactor) {
      // The first factor of a role that needs one: rotate into a session that may do everything.
      await startSession(c, db, { id: auth.userId, orgId: auth.orgId }, 'passkey', extra);
    } else {
      await db.batch(extra as unknown as [(typeof extra)[0], ...typeof extra]);
    }
    const { publicKey: _p, counter: _c, transports: _t, orgId: _o, userId: _u, ...out } = row;
    return c.json(out, 201);
  },
);

/** Uses up, in one statement, the newest live registration challenge of this session. */
async function takeSessionChallenge(db: Db, sessionTokenHash: string, now: number) {
  const [row] = await db.all<{ challenge: string }>(sql`
    update auth_challenges set used_at = ${now}
    where used_at is null and token_hash = (
      select token_hash from auth_challenges
      where kind = 'passkey-register' and session_token_hash = ${sessionTokenHash} and used_at is null and expires_at > ${now}
      order by created_at desc limit 1)
    returning challenge`);
  return row ?? null;
}

accountRoutes.openapi(
  route({
    method: 'get',
    path: '/passkeys',
    tags: ['Account'],
    summary: 'Your passkeys',
    permission: 'account.self',
    responses: { 200: json(z.object({ items: z.array(Passkey) }), 'Passkeys'), ...problemResponses },
  }),
  async (c) => {
    const rows = await c
      .get('db')
      .select(PASSKEY_COLUMNS)
      .from(passkeys)
      .where(eq(passkeys.userId, c.get('auth').userId));
    return c.json({ items: rows }, 200);
  },
);

accountRoutes.openapi(
  route({
    method: 'patch',
    path: '/passkeys/{id}',
    tags: ['Account'],
    summary: 'Rename a passkey',
    permission: 'account.self',
    request: { params: idParam, ...body(z.object({ name: text(60) }).strict()) },
    responses: { 200: json(Passkey, 'Renamed'), ...problemResponses },
  }),
  async (c) => {
    const auth = c.get('auth');
    const [row] = await c
      .get('db')
      .update(passkeys)
      .set({ name: c.req.valid('json').name })
      .where(and(eq(passkeys.id, c.req.valid('param').id), eq(passkeys.userId, auth.userId)))
      .returning(PASSKEY_COLUMNS);
    if (!row) throw notFound('passkey');
    return c.json(row, 200);
  },
);

accountRoutes.openapi(
  route({
    method: 'delete',
    path: '/passkeys/{id}',
    tags: ['Account'],
    summary: 'Remove a passkey (needs a fresh sign-in)',
    permission: 'account.self',
    request: { params: idParam, ...body(SignOutOthers) },
    responses: { 204: { description: 'Removed' }, ...problemResponses },
  }),
  async (c) => {
    const auth = c.get('auth');
    const db = c.get('db');
    const id = c.req.valid('param').id;
    const f = await factors(db, auth.userId);
    if (!f.passkeys.some((p) => p.id === id)) throw notFound('passkey');
    requireFresh(auth);
    if (auth.role !== 'technician' && !f.totpEnabled && f.passkeys.length === 1) {
      throw new Problem(
        409,
        'Still needed',
        'This is your only second factor and your role needs one: add another passkey or the authenticator app first.',
      );
    }
    const now = Date.now();
    await db.batch([
      db.delete(passkeys).where(and(eq(passkeys.id, id), eq(passkeys.userId, auth.userId))),
      securityEvent(db, { orgId: auth.orgId, userId: auth.userId, action: 'passkey_removed', detail: { id } }),
      ...(c.req.valid('json').signOutOthers ? [signOutOthersStatement(db, auth, now)] : []),
    ]);
    if (c.req.valid('json').signOutOthers) await closeOthersRooms(c.env, db, auth);
    return c.body(null, 204);
  },
);

accountRoutes.openapi(
  route({
    method: 'get',
    path: '/sessions',
    tags: ['Account'],
    summary: 'Where you are signed in',
    permission: 'account.self',
    responses: { 200: json(z.object({ items: z.array(Session) }), 'Active sessions'), ...problemResponses },
  }),
  async (c) => {
    const auth = c.get('auth');
    const now = Date.now();
    const rows = await c
      .get('db')
      .select({
        id: sessions.tokenHash,
        userAgent: sessions.userAgent,
        method: sessions.method,
        createdAt: sessions.createdAt,
        lastSeenAt: sessions.lastSeenAt,
      })
      .from(sessions)
      .where(
        and(
          eq(sessions.userId, auth.userId),
          isNull(sessions.revokedAt),
          gt(sessions.expiresAt, now),
          gt(sessions.lastSeenAt, now - SESSION_IDLE_MS),
        ),
      )
      .orderBy(sql`${sessions.lastSeenAt} desc`);
    return c.json({ items: rows.map((r) => ({ ...r, current: r.id === auth.tokenHash })) }, 200);
  },
);

accountRoutes.openapi(
  route({
    method: 'delete',
    path: '/sessions/{id}',
    tags: ['Account'],
    summary: 'Sign out one of your sessions',
    permission: 'account.self',
    request: { params: idParam.extend({ id: z.string().regex(/^[0-9a-f]{64}$/, 'A session id.') }) },
    responses: { 204: { description: 'Signed out' }, ...problemResponses },
  }),
  async (c) => {
    const auth = c.get('auth');
    const db = c.get('db');
    const sessionId = c.req.valid('param').id;
    const result = await db
      .update(sessions)
      .set({ revokedAt: Date.now() })
      .where(and(eq(sessions.tokenHash, sessionId), eq(sessions.userId, auth.userId), isNull(sessions.revokedAt)));
    if (!result.rowsAffected) throw notFound('session');
    await closeRoomConnections(c.env, db, { sessionId }, ROOM_CLOSE.sessionEnded);
    return c.body(null, 204);
  },
);

accountRoutes.openapi(
  route({
    method: 'post',
    path: '/sessions/sign-out-others',
    tags: ['Account'],
    summary: 'Sign out everywhere but here',
    permission: 'account.self',
    responses: { 204: { description: 'Done' }, ...problemResponses },
  }),
  async (c) => {
    const auth = c.get('auth');
    const db = c.get('db');
    await db.batch([
      signOutOthersStatement(db, auth, Date.now()),
      securityEvent(db, { orgId: auth.orgId, userId: auth.userId, action: 'signed_out_others' }),
    ]);
    await closeOthersRooms(c.env, db, auth);
    return c.body(null, 204);
  },
);
