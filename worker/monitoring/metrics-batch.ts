/**
 * The request counts this isolate has not yet handed to the org's metrics room
 * (rooms/metrics-room.ts). Counting is a few additions in memory on the request's way out; the
 * counts go to the room at most every FLUSH_MS, in waitUntil after an answer, never on a
 * request's path. A scrape flushes its own isolate's counts for its org first (flushOrg), so what
 * it shows includes everything that isolate counted.
 *
 * What an isolate counted but had not flushed when it is evicted is lost: at most FLUSH_MS of it.
 */
import { bucketIndex, LATENCY_BUCKETS_S, methodLabel, type RequestBatch } from '../../core/metrics.ts';
import type { Env } from '../env.ts';
import { logLine } from './log-line.ts';

const FLUSH_MS = 5_000;
/** A flush scheduled longer ago than this was cut off with its request's waitUntil (30 s): schedule another. */
const STALE_MS = 35_000;

interface Pending {
  requests: Map<string, RequestBatch['requests'][number]>;
  latency: Map<string, RequestBatch['latency'][number]>;
}

/** By org id. Module state: one per isolate, shared by its requests, which is the point. */
const pending = new Map<string, Pending>();
let flushScheduledAt: number | null = null;

export function countRequest(
  env: Env,
  ctx: { waitUntil(p: Promise<unknown>): void },
  r: { orgId: string | undefined; method: string; route: string; status: number; ms: number },
): void {
  // Requests with no org (sign-in, public feeds, refused sessions) belong to no org's metrics.
  if (!r.orgId) return;
  const method = methodLabel(r.method);
  let p = pending.get(r.orgId);
  if (!p) pending.set(r.orgId, (p = { requests: new Map(), latency: new Map() }));
  const key = `${method} ${r.route}`;
  const counted = p.requests.get(`${key} ${r.status}`);
  if (counted) counted.count++;
  else p.requests.set(`${key} ${r.status}`, { method, route: r.route, status: r.status, count: 1 });
  let l = p.latency.get(key);
  if (!l) p.latency.set(key, (l = { method, route: r.route, buckets: new Array(LATENCY_BUCKETS_S.length + 1).fill(0), sum: 0 }));
  const seconds = r.ms / 1000;
  l.buckets[bucketIndex(seconds)]!++;
  l.sum += seconds;

  const now = Date.now();
  if (flushScheduledAt !== null && now - flushScheduledAt < STALE_MS) return;
  flushScheduledAt = now;
  // One flush per window for the whole isolate: it waits out the window in this request's
  // waitUntil, so a burst of requests costs one call per org, and a quiet isolate still flushes.
  ctx.waitUntil(
    new Promise((resolve) => setTimeout(resolve, FLUSH_MS)).then(async () => {
      flushScheduledAt = null;
      await Promise.all([...pending.keys()].map((orgId) => flushOrg(env, orgId)));
    }),
  );
}

/** Hands this isolate's counts for one org to its metrics room; on failure they are kept for the next flush. */
export async function flushOrg(env: Env, orgId: string): Promise<void> {
  const p = pending.get(orgId);
  if (!p) return;
  pending.delete(orgId);
  const batch: RequestBatch = { requests: [...p.requests.values()], latency: [...p.latency.values()] };
  try {
    await env.METRICS_ROOM.getByName(orgId).record(batch);
  } catch (e) {
    logLine('warn', 'metrics flush failed; kept for the next one', { org: orgId, error: String(e) });
    merge(orgId, p);
  }
}

/** Puts counts back (a failed flush) under whatever was counted meanwhile. */
function merge(orgId: string, back: Pending): void {
  const now = pending.get(orgId);
  if (!now) {
    pending.set(orgId, back);
    return;
  }
  for (const [k, r] of back.requests) {
    const c = now.requests.get(k);
    if (c) c.count += r.count;
    else now.requests.set(k, r);
  }
  for (const [k, l] of back.latency) {
    const c = now.latency.get(k);
    if (!c) now.latency.set(k, l);
    else {
      l.buckets.forEach((n, i) => (c.buckets[i]! += n));
      c.sum += l.sum;
    }
  }
}
