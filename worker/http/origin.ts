import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env.ts';
import { Problem } from '../problem.ts';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Cross-site request forgery guard for every state-changing request: a browser always sends
 * Origin (and Sec-Fetch-Site) on such requests, so any other origin is refused. Clients that
 * are not browsers send neither and are judged by their credentials alone.
 */
export function sameOriginOnly(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!SAFE.has(c.req.method)) {
      const origin = c.req.header('origin');
      const allowed = new Set([new URL(c.req.url).origin, ...(c.env.ALLOWED_ORIGINS?.split(',').map((s) => s.trim()) ?? [])]);
      if (origin !== undefined && !allowed.has(origin)) {
        throw new Problem(403, 'Cross-origin request refused', `Requests from ${origin.slice(0, 100)} may not change data here.`);
      }
      if (origin === undefined && c.req.header('sec-fetch-site') === 'cross-site') {
        throw new Problem(403, 'Cross-origin request refused', 'Cross-site requests may not change data here.');
      }
    }
    await next();
  };
}
