/** Sign-in throttling through the RateLimiter Durable Object: per account and per client. */
import type { Context } from 'hono';
import type { AppEnv } from '../env.ts';
import type { LimitPolicy, LimitVerdict } from '../../rooms/rate-limiter.ts';
import { Problem } from '../problem.ts';

export const ACCOUNT_POLICY: LimitPolicy = { freeFailures: 10, windowMs: 15 * 60_000, baseLockMs: 30_000, maxLockMs: 60 * 60_000 };
/** Looser per address: an office behind one address has many people signing in. */
export const CLIENT_POLICY: LimitPolicy = { freeFailures: 50, windowMs: 15 * 60_000, baseLockMs: 60_000, maxLockMs: 60 * 60_000 };

export interface LimitKey {
  key: string;
  policy: LimitPolicy;
}

/** Cloudflare sets CF-Connecting-IP on every request at the edge; locally there is none. */
export function clientAddress(c: Context<AppEnv>): string {
  return c.req.header('cf-connecting-ip') ?? 'local';
}

export function accountKey(account: string): LimitKey {
  return { key: `account:${account.toLowerCase()}`, policy: ACCOUNT_POLICY };
}

export function clientKey(c: Context<AppEnv>): LimitKey {
  return { key: `client:${clientAddress(c)}`, policy: CLIENT_POLICY };
}

const stub = (c: Context<AppEnv>, key: string) => c.env.RATE_LIMITER.get(c.env.RATE_LIMITER.idFromName(key));

function tooMany(verdicts: LimitVerdict[]): Problem | null {
  const wait = Math.max(0, ...verdicts.filter((v) => !v.allowed).map((v) => v.retryAfterMs));
  if (!wait) return null;
  const seconds = Math.ceil(wait / 1000);
  return new Problem(429, 'Too many attempts', `Too many failed attempts. Try again in ${seconds} seconds.`, undefined, {
    'Retry-After': String(seconds),
  });
}

/** Refuses with 429 and Retry-After while any of the keys is locked. */
export async function guard(c: Context<AppEnv>, keys: LimitKey[]): Promise<void> {
  const problem = tooMany(await Promise.all(keys.map((k) => stub(c, k.key).check(k.policy))));
  if (problem) throw problem;
}

/** Counts a failure against every key; answers 429 at once if this failure locked one. */
export async function failed(c: Context<AppEnv>, keys: LimitKey[], otherwise: Problem): Promise<never> {
  const problem = tooMany(await Promise.all(keys.map((k) => stub(c, k.key).fail(k.policy))));
  throw problem ?? otherwise;
}

export async function succeeded(c: Context<AppEnv>, key: LimitKey): Promise<void> {
  await stub(c, key.key).reset();
}
