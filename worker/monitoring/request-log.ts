/**
 * One JSON line per API request, and a request id on every line: `requestId` is Cloudflare's ray
 * id when there is one (so the platform's own logs match), otherwise made here; it is answered as
 * X-Request-Id, so a user's report ("it said error 5f3a…") leads to the line. Workers Logs and
 * `wrangler tail` keep the lines as they are; anything reading them parses JSON.
 */
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env.ts';
import { countRequest } from './metrics-batch.ts';
import { logLine } from './log-line.ts';

export function requestLog(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const requestId = c.req.header('cf-ray') ?? crypto.randomUUID();
    c.set('requestId', requestId);
    const started = performance.now();
    await next();
    c.res.headers.set('X-Request-Id', requestId);
    const ms = Math.round(performance.now() - started);
    // The route's pattern, not the path: ids stay out of the logs and the metrics group by it.
    const route = c.req.routePath;
    // Counted whatever the log level: the metrics are not the log (worker/monitoring/metrics-batch.ts).
    // The execution context is asked for only when a flush is due: `npm run api:types` runs the app in Node, without one.
    const later = { waitUntil: (p: Promise<unknown>) => c.executionCtx.waitUntil(p) };
    countRequest(c.env, later, { orgId: c.get('auth')?.orgId, method: c.req.method, route, status: c.res.status, ms });
    const level = c.res.status >= 500 ? 'error' : 'info';
    // The test suites make thousands of requests: they keep only the lines worth reading.
    if (level === 'info' && c.env.LOG_LEVEL === 'warn') return;
    const stats = c.get('dbStats');
    logLine(level, 'request', {
      requestId,
      method: c.req.method,
      route,
      status: c.res.status,
      ms,
      dbRoundTrips: stats?.roundTrips,
      org: c.get('auth')?.orgId,
    });
  };
}
