/**
 * Error tracking, behind one door: Sentry (@sentry/cloudflare) when SENTRY_DSN is set, nothing
 * otherwise. worker/index.ts wraps the Worker's handlers (withSentry) and each room class
 * (instrumentDurableObjectWithSentry) with these options; the API reports what it did not expect
 * from Hono's onError, which otherwise answers the error and swallows it.
 */
import * as Sentry from '@sentry/cloudflare';
import type { RoomEnv } from '../../rooms/env.ts';

type MonitoredEnv = RoomEnv & { SENTRY_DSN?: string; SENTRY_ENVIRONMENT?: string };

/** The SDK's options for an env: with no DSN it stays off (enabled: false, nothing sent). */
export function sentryOptions(env: MonitoredEnv): Sentry.CloudflareOptions {
  return {
    dsn: env.SENTRY_DSN,
    enabled: !!env.SENTRY_DSN,
    environment: env.SENTRY_ENVIRONMENT ?? 'production',
    // Errors only: no tracing (and by default no request bodies or cookies in the events).
    tracesSampleRate: 0,
  };
}

/** Reports an error the API did not expect, with the request's id to find its log lines. */
export function reportError(err: unknown, context: { requestId?: string; method: string; route: string }) {
  Sentry.withScope((scope) => {
    scope.setTags({ requestId: context.requestId ?? 'none', route: context.route, method: context.method });
    Sentry.captureException(err);
  });
}
