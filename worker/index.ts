import { buildApp } from './app.ts';
import type { Env } from './env.ts';
import { isRoomRequest, roomsRoute } from './rooms-route.ts';
import { backupToR2 } from './backup/scheduled.ts';

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
  // The cron trigger of wrangler.toml: the nightly backup into R2 (worker/backup/scheduled.ts).
  scheduled: async (controller: ScheduledController, env: Env, ctx: ExecutionContext) => {
    ctx.waitUntil(backupToR2(env, new Date(controller.scheduledTime)));
  },
};
