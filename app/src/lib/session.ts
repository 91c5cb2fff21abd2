/** The signed-in person, shared by the layout and the pages. Filled by the (app) layout's load. */
import { allows, type Permission } from '#core/permissions.ts';
import type { Role } from '#core/roles.ts';
import type { Me } from './types.ts';

export interface NavItem {
  href: string;
  label: string;
  /** Served by the Worker rather than the app, so following it loads a whole page. */
  reload?: boolean;
}

/**
 * The main navigation. Each page is listed for the roles that the permission of its main API
 * call admits (core/permissions.ts), so a link never leads to a page the API refuses.
 */
const PAGES: (NavItem & { permission: Permission })[] = [
  // The board's room door checks board.view (worker/rooms-route.ts).
  { href: '/board', label: 'Board', permission: 'board.view' },
  { href: '/jobs', label: 'Jobs', permission: 'jobs.read' },
  { href: '/customers', label: 'Customers', permission: 'customers.read' },
  { href: '/stock', label: 'Stock', permission: 'stock.read' },
  { href: '/purchase-orders', label: 'Purchase orders', permission: 'purchaseorders.read' },
  // Admins keep the technicians' records (PATCH /api/technicians); everyone else sees them on the board.
  { href: '/technicians', label: 'Technicians', permission: 'technicians.write' },
  // The manager's numbers (GET /api/kpis).
  { href: '/kpis', label: 'Numbers', permission: 'kpis.read' },
  // Billing: the invoices (GET /api/invoices), and the price book for the admins who keep it (POST /api/pricebook).
  { href: '/invoices', label: 'Invoices', permission: 'invoices.read' },
  { href: '/pricebook', label: 'Price book', permission: 'pricebook.write' },
  { href: '/admin/audit', label: 'Audit log', permission: 'audit.read' },
  { href: '/admin/webhooks', label: 'Webhooks', permission: 'webhooks.manage' },
  { href: '/admin/users', label: 'Users', permission: 'users.read' },
  // What is slow or failing, and the test errors (GET /api/monitoring/health): admins.
  { href: '/admin/health', label: 'Health', permission: 'monitoring.read' },
  // Moving in and out (POST /api/imports, GET /api/exports): admins.
  { href: '/import', label: 'Import', permission: 'data.import' },
  { href: '/export', label: 'Export', permission: 'data.export' },
  { href: '/settings', label: 'Settings', permission: 'org.write' },
  { href: '/account', label: 'Account', permission: 'account.self' },
];

export function navFor(role: Role): NavItem[] {
  const nav: NavItem[] = PAGES.filter((p) => allows(role, p.permission)).map(({ href, label }) => ({
    href,
    // The API narrows a technician's jobs to their own (ownJobsOnly, worker/jobs/schedule.ts).
    label: href === '/jobs' && role === 'technician' ? 'My jobs' : label,
  }));
  // A technician's home is their day on the phone (their own feed room, feed.view).
  if (allows(role, 'feed.view')) nav.unshift({ href: '/field', label: 'My day' });
  // /api/docs needs no session at all; the app links it for the office only, by product choice:
  // a technician's phone has no use for the API's reference.
  if (role !== 'technician') nav.push({ href: '/api/docs', label: 'API reference', reload: true });
  return nav;
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
