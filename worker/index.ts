import * as Sentry from '@sentry/cloudflare';
import { buildApp } from './app.ts';
import type { Env } from './env.ts';
import { isRoomRequest, roomsRoute } from './rooms-route.ts';
import { backupToR2 } from './backup/scheduled.ts';
import { deliverDue } from './webhooks/deliver.ts';
import { sentryOptions } from './monitoring/errors.ts';
import { BoardRoom as BoardRoomClass } from '../rooms/board-room.ts';
import { TechnicianRoom as TechnicianRoomClass } from '../rooms/technician-room.ts';
import { OrgRoom as OrgRoomClass } from '../rooms/org-room.ts';

/** wrangler.toml's nightly cron; every other trigger is the minute's webhook run. */
const NIGHTLY_BACKUP = '17 3 * * *';

// Each room class reports its own errors (alarms, socket messages, calls from other rooms) when
// SENTRY_DSN is set (worker/monitoring/errors.ts); without it the SDK stays off. The rate limiter
// and the metrics room are plain counters with RPC methods only: their errors reach the Worker
// that called them.
export { RateLimiter } from '../rooms/rate-limiter.ts';
export { MetricsRoom } from '../rooms/metrics-room.ts';
export const BoardRoom = Sentry.instrumentDurableObjectWithSentry(sentryOptions, BoardRoomClass);
export const TechnicianRoom = Sentry.instrumentDurableObjectWithSentry(sentryOptions, TechnicianRoomClass);
export const OrgRoom = Sentry.instrumentDurableObjectWithSentry(sentryOptions, OrgRoomClass);

const app = buildApp();
const rooms = roomsRoute();

const handler = {
  // Room upgrades go around the API app and its middleware (see worker/rooms-route.ts).
  fetch: (request: Request, env: Env, ctx: ExecutionContext) =>
    isRoomRequest(request) ? rooms.fetch(request, env, ctx) : app.fetch(request, env, ctx),
  // The cron triggers of wrangler.toml: the nightly backup into R2, and every minute the webhook
  // deliveries that are due (those a board room wrote, and retries).
  scheduled: async (controller: ScheduledController, env: Env, ctx: ExecutionContext) => {
    ctx.waitUntil(
      controller.cron === NIGHTLY_BACKUP
        ? backupToR2(env, new Date(controller.scheduledTime))
        : deliverDue(env, { now: controller.scheduledTime }),
    );
  },
} satisfies ExportedHandler<Env>;

const tracked = Sentry.withSentry(sentryOptions, handler);

/**
 * Through Sentry only when it is configured: its wrapper sets up a client and scopes for every
 * request even when it is off (bench:kpis, GET /api/health: 9.3 ms of CPU per request with the
 * wrapper, 7.9 without, wrangler dev's own proxy included).
 */
export default {
  fetch: (request, env, ctx) => (env.SENTRY_DSN ? tracked.fetch!(request, env, ctx) : handler.fetch(request, env, ctx)),
  scheduled: (controller, env, ctx) =>
    env.SENTRY_DSN ? tracked.scheduled!(controller, env, ctx) : handler.scheduled(controller, env, ctx),
} satisfies ExportedHandler<Env>;
