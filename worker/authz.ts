/**
 * The permission middleware: every API route names one permission (the table and the check are
 * data, in core/permissions.ts, shared with the room door and the rooms). The org is never a
 * parameter: it always comes from the session, and every query is scoped by it.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { refusalFor, type Permission } from '../core/permissions.ts';
import type { AppEnv } from './env.ts';
import { loadSession, type AuthContext } from './auth/session.ts';
import { ownRequestSession } from './http/own-requests.ts';
import { Problem } from './problem.ts';

/** Loads the session (one libSQL round trip, none for a replay's action) and refuses the request unless it may use `permission`. */
export function requirePermission(permission: Permission): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    // A replay's action already has its caller's session (worker/http/own-requests.ts).
    const auth = ownRequestSession(c.req.raw) ?? (await loadSession(c, c.get('db')));
    const refusal = refusalFor(auth, permission);
    if (refusal) throw new Problem(refusal.status, refusal.title, refusal.detail);
    // refusalFor refuses a missing session, so here there is one.
    c.set('auth', auth as AuthContext);
    await next();
  };
}

export const authOf = (c: Context<AppEnv>) => c.get('auth');
