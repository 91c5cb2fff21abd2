/**
 * The Worker's word to the manager's numbers: after a committed change that moves them (a job
 * completed or reopened in the backlog, a done job changed, an invoice, a payment), the org's
 * room (rooms/org-room.ts) tells every open KPI page to read them again. Changes on a board
 * reach libSQL through the board room's outbox, which tells the org room itself
 * (rooms/outbox-pulse.ts); call this only where the Worker commits the change.
 *
 * Handed to `waitUntil`, never awaited by the request and never its failure: the change is
 * committed either way, and a page that missed a notice catches up at the next one or when it
 * reconnects. A room that cannot be reached is logged.
 */
import type { KpiChange } from '../../core/kpi-pulse.ts';
import type { AuthContext } from '../auth/session.ts';
import type { Env } from '../env.ts';
import { reports } from './cache.ts';

export function notifyKpis(env: Env, orgId: string, what: KpiChange, waitUntil: (p: Promise<unknown>) => void): void {
  // This isolate's kept reports of the org are outdated now: the next request reads at once (cache.ts).
  reports.forgetOrg(orgId);
  const sent = Promise.resolve()
    .then(() => env.ORG_ROOM.getByName(orgId).changed(what))
    .catch((e: unknown) => console.warn(`org room ${orgId}: ${what} change not announced`, e));
  try {
    waitUntil(sent);
  } catch (e) {
    // No execution context to extend (a caller outside a request): the promise still runs.
    console.warn('notifyKpis: waitUntil unavailable', e);
  }
}

/** notifyKpis for the request's own org, as a route handler calls it once its change is committed. */
export function kpiPulse(c: {
  env: Env;
  executionCtx: { waitUntil(p: Promise<unknown>): void };
  get(key: 'auth'): AuthContext;
}): (what: KpiChange) => void {
  return (what) => notifyKpis(c.env, c.get('auth').orgId, what, (p) => c.executionCtx.waitUntil(p));
}
