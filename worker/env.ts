import type { Db, DbStats } from './db.ts';
import type { AuthContext } from './auth/session.ts';
import type { RoomEnv } from '../rooms/env.ts';
import type { RateLimiter } from '../rooms/rate-limiter.ts';
import type { BoardRoom } from '../rooms/board-room.ts';
import type { TechnicianRoom } from '../rooms/technician-room.ts';
import type { OrgRoom } from '../rooms/org-room.ts';

/**
 * The Worker's bindings: the rooms' (rooms/env.ts: libSQL and the room namespaces) and its own.
 * The room namespaces are narrowed to the classes here, since the Worker calls every room RPC; this
 * is also where tsc checks that each class still answers the calls one room makes on the other.
 */
export interface Env extends RoomEnv {
  /** Extra origins allowed to make state-changing requests, comma separated (the request's own origin always is). */
  ALLOWED_ORIGINS?: string;
  ASSETS?: Fetcher;
  RATE_LIMITER: DurableObjectNamespace<RateLimiter>;
  BOARD_ROOM: DurableObjectNamespace<BoardRoom>;
  TECHNICIAN_ROOM: DurableObjectNamespace<TechnicianRoom>;
  ORG_ROOM: DurableObjectNamespace<OrgRoom>;
  /** WebAuthn relying party: its id (a domain, never an IP address) and the origins allowed to use it. */
  WEBAUTHN_RP_ID: string;
  WEBAUTHN_RP_NAME: string;
  WEBAUTHN_ORIGINS: string;
  /** Photos, signatures and backups. */
  FILES: R2Bucket;
  /** Error tracking: set in production, a loopback fake in the tests (worker/monitoring/). */
  SENTRY_DSN?: string;
  SENTRY_ENVIRONMENT?: string;
  /** 'warn' leaves out the per-request info lines (worker/monitoring/request-log.ts); the tests set it. */
  LOG_LEVEL?: string;
  /** Geocoding provider (worker/geo/geocoder.ts): a Nominatim-compatible search URL and its key; unset, ZIP centres offline. */
  GEOCODER_URL?: string;
  GEOCODER_KEY?: string;
  /** 'true' in development and the tests only: webhook endpoints may be http and on loopback or private networks. */
  WEBHOOKS_ALLOW_PRIVATE?: string;
}

export type AppEnv = {
  Bindings: Env;
  Variables: {
    db: Db;
    dbStats: DbStats;
    auth: AuthContext;
    /** worker/monitoring/request-log.ts: on every log line and answered as X-Request-Id. */
    requestId: string;
  };
};
