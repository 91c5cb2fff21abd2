/**
 * One rate limiter per key ("account:<email>", "client:<address>"), as a Durable Object so the
 * count is shared by every Worker instance and kept in durable storage across restarts; never
 * in Worker memory.
 *
 * Policy: a key may fail `freeFailures` times within `windowMs`; after that each further
 * failure locks it for `baseLockMs`, doubling per failure up to `maxLockMs`. A success resets
 * an account key (the person proved who they are); client keys only age out, so an attacker
 * cannot clear their address's count by signing in to an account of their own.
 */
import { DurableObject } from 'cloudflare:workers';

export interface LimitPolicy {
  freeFailures: number;
  windowMs: number;
  baseLockMs: number;
  maxLockMs: number;
}

interface State {
  failures: number;
  firstFailureAt: number;
  lockedUntil: number;
}

export interface LimitVerdict {
  allowed: boolean;
  retryAfterMs: number;
}

const EMPTY: State = { failures: 0, firstFailureAt: 0, lockedUntil: 0 };

export class RateLimiter extends DurableObject {
  private async state(now: number, windowMs: number): Promise<State> {
    const s = (await this.ctx.storage.get<State>('s')) ?? EMPTY;
    // A quiet window forgets old failures, but never shortens a lock in force.
    if (s.failures && now - s.firstFailureAt > windowMs && now >= s.lockedUntil) return { ...EMPTY };
    return s;
  }

  async check(policy: LimitPolicy, now = Date.now()): Promise<LimitVerdict> {
    const s = await this.state(now, policy.windowMs);
    return s.lockedUntil > now ? { allowed: false, retryAfterMs: s.lockedUntil - now } : { allowed: true, retryAfterMs: 0 };
  }

  async fail(policy: LimitPolicy, now = Date.now()): Promise<LimitVerdict> {
    const s = await this.state(now, policy.windowMs);
    const failures = s.failures + 1;
    const over = failures - policy.freeFailures;
    const lockedUntil = over > 0 ? now + Math.min(policy.baseLockMs * 2 ** (over - 1), policy.maxLockMs) : s.lockedUntil;
    await this.ctx.storage.put<State>('s', { failures, firstFailureAt: s.failures ? s.firstFailureAt : now, lockedUntil });
    return lockedUntil > now ? { allowed: false, retryAfterMs: lockedUntil - now } : { allowed: true, retryAfterMs: 0 };
  }

  async reset(): Promise<void> {
    await this.ctx.storage.deleteAll();
  }
}
