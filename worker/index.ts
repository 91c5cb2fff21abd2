import { buildApp } from './app.ts';
import type { Env } from './env.ts';
import { isRoomRequest, roomsRoute } from './rooms-route.ts';
import { backupToR2 } from './backup/scheduled.ts';
import { deliverDue } from './webhooks/deliver.ts';

/** wrangler.toml's nightly cron; every other trigger is the minute's webhook run. */
const NIGHTLY_BACKUP = '17 3 * * *';

export { RateLimiter } from '../rooms/rate-limiter.ts';
export { BoardRoom } from '../rooms/board-room.ts';
export { TechnicianRoom } from '../rooms/technician-room.ts';
export { OrgRoom } from '../rooms/org-room.ts';

const app = buildApp();
const rooms = roomsRoute();

export default {
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
};
