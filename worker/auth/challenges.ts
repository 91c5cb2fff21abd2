/**
 * Short-lived, single-use server state for sign-ins and enrolments in progress. The browser
 * holds a random token (in the `__Host-sb_attempt` cookie, or implicitly through its session);
 * the database keeps only its hash. Taking a challenge marks it used in the same statement
 * that reads it, so two requests can never both use one.
 */
import { and, eq, gt, isNull } from 'drizzle-orm';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Context } from 'hono';
import { authChallenges } from '../../db/schema.ts';
import type { Db } from '../db.ts';
import { hashToken } from './session.ts';

export const CHALLENGE_TTL_MS = 5 * 60_000;
const ATTEMPT_COOKIE = 'sb_attempt';

type Kind = (typeof authChallenges.$inferSelect)['kind'];

function randomToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

export async function putChallenge(
  db: Db,
  values: { kind: Kind; challenge?: string; userId?: string; sessionTokenHash?: string },
): Promise<string> {
  const token = randomToken();
  const now = Date.now();
  await db.insert(authChallenges).values({
    tokenHash: await hashToken(token),
    kind: values.kind,
    challenge: values.challenge ?? null,
    userId: values.userId ?? null,
    sessionTokenHash: values.sessionTokenHash ?? null,
    createdAt: now,
    expiresAt: now + CHALLENGE_TTL_MS,
  });
  return token;
}

const live = (tokenHash: string, kind: Kind, now: number) =>
  and(
    eq(authChallenges.tokenHash, tokenHash),
    eq(authChallenges.kind, kind),
    isNull(authChallenges.usedAt),
    gt(authChallenges.expiresAt, now),
  );

/** Reads a live challenge without using it up (a mistyped code should not end the attempt). */
export async function peekChallenge(db: Db, token: string | undefined, kind: Kind) {
  if (!token || token.length > 100) return null;
  const [row] = await db
    .select()
    .from(authChallenges)
    .where(live(await hashToken(token), kind, Date.now()));
  return row ?? null;
}

/** Uses a live challenge up and returns it, or null if it is unknown, used or expired. */
export async function takeChallenge(db: Db, token: string | undefined, kind: Kind) {
  if (!token || token.length > 100) return null;
  const now = Date.now();
  const [row] = await db
    .update(authChallenges)
    .set({ usedAt: now })
    .where(live(await hashToken(token), kind, now))
    .returning();
  return row ?? null;
}

export function setAttemptCookie(c: Context, token: string): void {
  setCookie(c, ATTEMPT_COOKIE, token, {
    path: '/',
    secure: true,
    httpOnly: true,
    sameSite: 'Strict',
    maxAge: CHALLENGE_TTL_MS / 1000,
    prefix: 'host',
  });
}

export function attemptCookie(c: Context): string | undefined {
  return getCookie(c, ATTEMPT_COOKIE, 'host');
}

export function clearAttemptCookie(c: Context): void {
  deleteCookie(c, ATTEMPT_COOKIE, { path: '/', secure: true, prefix: 'host' });
}
