import { buildApp } from './app.ts';

export { RateLimiter } from '../rooms/rate-limiter.ts';

const app = buildApp();

export default { fetch: app.fetch };
