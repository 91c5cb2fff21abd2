/**
 * Who may do what, as data. Every API route names one permission (carried into the OpenAPI
 * document as `x-permission`), and this table says which roles hold it. The org is never a
 * parameter: it always comes from the session, and every query is scoped by it.
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { Role } from '../db/schema.ts';
import type { AppEnv } from './env.ts';
import { loadSession } from './auth/session.ts';
import { Problem } from './problem.ts';

const OFFICE: Role[] = ['admin', 'dispatcher', 'manager'];
const EVERYONE: Role[] = ['admin', 'dispatcher', 'manager', 'technician'];

export const POLICY = {
  'session.self': EVERYONE,
  /** One's own security settings: second factors, passkeys, sessions. */
  'account.self': EVERYONE,
  'org.read': EVERYONE,
  'org.write': ['admin'],
  'invitations.read': ['admin'],
  'invitations.write': ['admin'],
  'customers.read': OFFICE,
  'customers.write': ['admin', 'dispatcher'],
  'locations.read': OFFICE,
  'locations.write': ['admin', 'dispatcher'],
  'technicians.read': EVERYONE,
  'technicians.write': ['admin'],
  // Technicians read jobs too, but only their own (the jobs module narrows the query).
  'jobs.read': EVERYONE,
  'jobs.write': ['admin', 'dispatcher'],
  'jobs.transition': EVERYONE,
  'pricebook.read': EVERYONE,
  'pricebook.write': ['admin'],
  'lineitems.read': EVERYONE,
  'lineitems.write': ['admin', 'dispatcher', 'technician'],
  'invoices.read': OFFICE,
  'invoices.write': ['admin', 'dispatcher'],
  'payments.read': OFFICE,
  'payments.write': ['admin', 'dispatcher'],
  'parts.read': EVERYONE,
  'parts.write': ['admin'],
  'stock.read': EVERYONE,
  'stock.write': ['admin', 'dispatcher'],
  'purchaseorders.read': OFFICE,
  'purchaseorders.write': ['admin'],
  'users.read': ['admin'],
  'users.write': ['admin'],
  // Room kinds: the live board (rooms/board-room.ts) shows every job of the day, so technicians
  // get their own feed instead (rooms/technician-room.ts).
  'board.view': ['admin', 'dispatcher', 'manager'],
  'board.edit': ['admin', 'dispatcher'],
  /** A technician's own day on their phone: only their jobs (rooms/technician-room.ts). */
  'feed.view': ['technician'],
} satisfies Record<string, Role[]>;

export type Permission = keyof typeof POLICY;

/** What a session that still has to enrol its required second factor may do. */
const WHILE_ENROLLING: Permission[] = ['session.self', 'account.self'];

export function allows(role: Role, permission: Permission): boolean {
  return (POLICY[permission] as Role[]).includes(role);
}

/** Loads the session (one libSQL round trip) and refuses the request unless its role holds `permission`. */
export function requirePermission(permission: Permission): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const auth = await loadSession(c, c.get('db'));
    if (!auth) throw new Problem(401, 'Sign in required', 'Your session has ended or you are not signed in.');
    if (!allows(auth.role, permission)) {
      throw new Problem(403, 'Not allowed', `Your role (${auth.role}) cannot do this.`);
    }
    if (auth.mustEnrolSecondFactor && !WHILE_ENROLLING.includes(permission)) {
      throw new Problem(
        403,
        'Set up two-step sign-in first',
        'Your role needs an authenticator app or a passkey. Set one up on your account page, then carry on.',
      );
    }
    c.set('auth', auth);
    await next();
  };
}

export const authOf = (c: Context<AppEnv>) => c.get('auth');
