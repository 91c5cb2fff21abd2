/**
 * Sessions: a random 256-bit token in a __Host- cookie; only its SHA-256 is stored.
 * Looking a session up also touches `last_seen_at` in the same libSQL batch, so
 * authentication costs a request exactly one round trip.
 */
import { and, eq, gt, isNull } from 'drizzle-orm';
import { getCookie, setCookie, deleteCookie } from 'hono/cookie';
import type { Context } from 'hono';
import { kpiVersions, orgs, sessions, users, type Role } from '../../db/schema.ts';
import type { BatchItem } from 'drizzle-orm/batch';
import type { Db } from '../db.ts';
import { mustEnrolSecondFactor } from '../../core/permissions.ts';

/** Sent as `__Host-sb_session`: hono adds the prefix from the `prefix: 'host'` option. */
export const SESSION_COOKIE = 'sb_session';
export const SESSION_ABSOLUTE_MS = 12 * 60 * 60 * 1000;
export const SESSION_IDLE_MS = 2 * 60 * 60 * 1000;
/** last_seen_at is written at most this often, so reads stay reads. */
const TOUCH_EVERY_MS = 60 * 1000;

export interface AuthContext {
  userId: string;
  orgId: string;
  role: Role;
  name: string;
  email: string;
  /** The org's IANA timezone: local days and date filters are read in it. */
  timezone: string;
  tokenHash: string;
  /** How this session signed in (see SignInMethod). */
  method: SignInMethod;
  /** When this session began: sign-in and every rotation start a new one. */
  signedInAt: number;
  /**
   * True while the person's role requires a second factor that this session did not use: such
   * a session may only look at itself and enrol one.
   */
  mustEnrolSecondFactor: boolean;
  /** last_seen_at is older than a minute: touchSession should run after the answer. */
  lastSeenStale: boolean;
  /**
   * The org's KPI data version as this request's session lookup read it (worker/kpis/cache.ts),
   * so a kept KPI report is checked in the round trip every request makes anyway. Only from
   * loadSession; absent where a session is made otherwise.
   */
  kpiVersion?: number;
}

export type SignInMethod = 'password' | 'password+totp' | 'password+recovery' | 'passkey';

const hex = (buf: ArrayBuffer) => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, '0')).join('');

export async function hashToken(token: string): Promise<string> {
  return hex(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token)));
}

function newToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

export async function startSession(
  c: Context,
  db: Db,
  user: { id: string; orgId: string },
  method: SignInMethod,
  extra: BatchItem<'sqlite'>[] = [],
): Promise<void> {
  const token = newToken();
  const now = Date.now();
  // Rotation: the session this request came with (if any) ends now.
  const previous = presentedToken(c);
  // The caller's statements go first: they may create the very user this session belongs to.
  const ops: BatchItem<'sqlite'>[] = [...extra];
  if (previous) {
    ops.push(
      db
        .update(sessions)
        .set({ revokedAt: now })
        .where(eq(sessions.tokenHash, await hashToken(previous))),
    );
  }
  ops.push(
    db.insert(sessions).values({
      tokenHash: await hashToken(token),
      userId: user.id,
      orgId: user.orgId,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: now + SESSION_ABSOLUTE_MS,
      userAgent: c.req.header('user-agent')?.slice(0, 300) ?? null,
      method,
    }),
  );
  await db.batch(ops as [BatchItem<'sqlite'>, ...BatchItem<'sqlite'>[]]);
  setCookie(c, SESSION_COOKIE, token, {
    path: '/',
    secure: true,
    httpOnly: true,
    sameSite: 'Lax',
    maxAge: SESSION_ABSOLUTE_MS / 1000,
    prefix: 'host',
  });
}

export async function endSession(c: Context, db: Db, tokenHash: string): Promise<void> {
  await db.update(sessions).set({ revokedAt: Date.now() }).where(eq(sessions.tokenHash, tokenHash));
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure: true, prefix: 'host' });
}

/** The session token a request carries: the cookie from browsers, a Bearer header from scripts. */
function presentedToken(c: Context): string | undefined {
  const token = getCookie(c, SESSION_COOKIE, 'host') ?? c.req.header('authorization')?.replace(/^Bearer /i, '');
  return token && token.length <= 100 ? token : undefined;
}

/**
 * The signed-in person for this request, or null. One libSQL round trip, and a read: noting
 * when the session was last seen is left to `touchSession`, after the answer, because a write
 * in the same batch would make every request a write transaction queued behind other writers.
 */
export async function loadSession(c: Context, db: Db): Promise<AuthContext | null> {
  const token = presentedToken(c);
  if (!token) return null;
  const tokenHash = await hashToken(token);
  const now = Date.now();
  const rows = await db
    .select({
      userId: users.id,
      orgId: users.orgId,
      role: users.role,
      name: users.name,
      email: users.email,
      timezone: orgs.timezone,
      method: sessions.method,
      signedInAt: sessions.createdAt,
      lastSeenAt: sessions.lastSeenAt,
      requireForTechnicians: orgs.requireTotpForTechnicians,
      kpiVersion: kpiVersions.version,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .innerJoin(orgs, eq(orgs.id, users.orgId))
    // One primary-key lookup more for every request, so the KPI report cache needs no round trip of its own.
    .leftJoin(kpiVersions, eq(kpiVersions.orgId, users.orgId))
    .where(
      and(
        eq(sessions.tokenHash, tokenHash),
        isNull(sessions.revokedAt),
        gt(sessions.expiresAt, now),
        gt(sessions.lastSeenAt, now - SESSION_IDLE_MS),
        eq(users.active, true),
      ),
    );
  const row = rows[0];
  if (!row) return null;
  const { requireForTechnicians, lastSeenAt, kpiVersion, ...rest } = row;
  const method = row.method as SignInMethod;
  return {
    ...rest,
    // An org no change has reached yet has no row: version 0, as cache.ts reads it.
    kpiVersion: Number(kpiVersion ?? 0),
    method,
    tokenHash,
    mustEnrolSecondFactor: mustEnrolSecondFactor(method, row.role, requireForTechnicians),
    lastSeenStale: lastSeenAt < now - TOUCH_EVERY_MS,
  };
}

/** Records that the session was just used (at most once a minute), off the request's path. */
export function touchSession(db: Db, auth: AuthContext): Promise<unknown> {
  return db
    .update(sessions)
    .set({ lastSeenAt: Date.now() })
    .where(and(eq(sessions.tokenHash, auth.tokenHash), isNull(sessions.revokedAt)))
    .then(
      () => undefined,
      (err: unknown) => console.error('could not note session activity', err),
    );
}
