/** The signed-in person, shared by the layout and the pages. Filled by the (app) layout's load. */
import type { Me, Role } from './types.ts';

export interface NavItem {
  href: string;
  label: string;
}

/**
 * Navigation by role, mirroring worker/authz.ts: technicians cannot read customers, and their
 * jobs list is narrowed to their own jobs by the API.
 */
export function navFor(role: Role): NavItem[] {
  if (role === 'technician') return [{ href: '/jobs', label: 'My jobs' }, ACCOUNT];
  return [
    { href: '/jobs', label: 'Jobs' },
    { href: '/customers', label: 'Customers' },
    // Only admins may read users (worker/authz.ts: users.read).
    ...(role === 'admin' ? [{ href: '/admin/users', label: 'Users' }] : []),
    ACCOUNT,
  ];
}

const ACCOUNT: NavItem = { href: '/account', label: 'Account' };

export function canReadCustomers(role: Role): boolean {
  return role !== 'technician';
}

/** Only same-site paths may be a post-sign-in destination (no open redirect). */
export function safeNext(next: string | null): string {
  if (!next?.startsWith('/') || next.startsWith('//') || next.startsWith('/\\') || next.startsWith('/sign-in')) return '/';
  return next;
}

export function initials(name: string): string {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => w[0]!.toUpperCase())
    .join('');
}

export type { Me };
