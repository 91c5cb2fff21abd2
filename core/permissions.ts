/**
 * Who may do what, as data. Every API route names one permission (carried into the OpenAPI
 * document as `x-permission`), every room names the one its door needs, and this table says
 * which roles hold each. The Worker's middleware (worker/authz.ts), the room door
 * (worker/rooms-route.ts), the rooms themselves and the app all read it from here, and refuse
 * through one function, `refusalFor`, so no two of them can disagree about a session.
 */
import type { Role } from './roles.ts';

const OFFICE: Role[] = ['admin', 'dispatcher', 'manager'];
const EVERYONE: Role[] = ['admin', 'dispatcher', 'manager', 'technician'];

export const POLICY = {
  'session.self': EVERYONE,
  /** One's own security settings: second factors, passkeys, sessions. */
  'account.self': EVERYONE,
  /** One's own devices' Web Push subscriptions (worker/push/): anyone may be told of changes on their phone. */
  'push.self': EVERYONE,
  'org.read': EVERYONE,
  'org.write': ['admin'],
  /** The audit log (worker/audit/): every change by everyone, so admins only. */
  'audit.read': ['admin'],
  /** Outgoing webhooks (worker/webhooks/): where the org's data is sent, so admins only. */
  'webhooks.manage': ['admin'],
  /** The health view and the test error (worker/monitoring/). */
  'monitoring.read': ['admin'],
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
  /** What the technicians' phones sent that was refused for good (worker/jobs/phone-refusals.ts): the office follows it up; the phone already shows each technician their own. */
  'phonerefusals.read': OFFICE,
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
  /** The manager's numbers (GET /api/kpis and its drill-downs): the whole org's work and money, so never a technician. */
  'kpis.read': OFFICE,
  /** Moving in and out (worker/data/): importing another product's export, and exporting every record. The whole org's data, so admins only. */
  'data.import': ['admin'],
  'data.export': ['admin'],
  // Room kinds: the live board (rooms/board-room.ts) shows every job of the day, so technicians
  // get their own feed instead (rooms/technician-room.ts).
  'board.view': ['admin', 'dispatcher', 'manager'],
  'board.edit': ['admin', 'dispatcher'],
  /** A technician's own day on their phone: only their jobs (rooms/technician-room.ts). */
  'feed.view': ['technician'],
} satisfies Record<string, Role[]>;

export type Permission = keyof typeof POLICY;

/** What a session that still has to enrol its required second factor may do. */
export const WHILE_ENROLLING: readonly Permission[] = ['session.self', 'account.self'];

export function allows(role: Role, permission: Permission): boolean {
  return (POLICY[permission] as Role[]).includes(role);
}

/** Roles that must use a second factor (technicians too when their org says so). */
export function secondFactorRequired(role: Role, requireForTechnicians: boolean): boolean {
  return role !== 'technician' || requireForTechnicians;
}

/**
 * Whether a session signed in without the second factor its role requires (`method` as the
 * sessions table records it): such a session may only look at itself and enrol one.
 */
export function mustEnrolSecondFactor(method: string, role: Role, requireForTechnicians: boolean): boolean {
  return method === 'password' && secondFactorRequired(role, requireForTechnicians);
}

/** What a check needs to know of a session, wherever it was loaded. */
export interface SessionStanding {
  role: Role;
  mustEnrolSecondFactor: boolean;
}

/**
 * Why a session may not do something: `status` and the words for a problem+json answer, and
 * `kind` for those that answer otherwise (a room closing a socket, rooms/session-watch.ts).
 */
export type Refusal = {
  kind: 'signed-out' | 'role' | 'enrolling';
  status: 401 | 403;
  title: string;
  detail: string;
};

/**
 * THE check, for every route and every room door: may this session (null: none, or one that
 * ended) use `permission`? Null when it may, else why not.
 */
export function refusalFor(session: SessionStanding | null, permission: Permission): Refusal | null {
  if (!session) {
    return { kind: 'signed-out', status: 401, title: 'Sign in required', detail: 'Your session has ended or you are not signed in.' };
  }
  if (!allows(session.role, permission)) {
    return { kind: 'role', status: 403, title: 'Not allowed', detail: `Your role (${session.role}) cannot do this.` };
  }
  if (session.mustEnrolSecondFactor && !WHILE_ENROLLING.includes(permission)) {
    return {
      kind: 'enrolling',
      status: 403,
      title: 'Set up two-step sign-in first',
      detail: 'Your role needs an authenticator app or a passkey. Set one up on your account page, then carry on.',
    };
  }
  return null;
}
