import type { Db, DbStats } from './db.ts';
import type { AuthContext } from './auth/session.ts';
import type { RateLimiter } from '../rooms/rate-limiter.ts';
import type { BoardRoom } from '../rooms/board-room.ts';
import type { TechnicianRoom } from '../rooms/technician-room.ts';

export interface Env {
  /** libSQL over HTTP: the local sqld in development and tests, Turso in production. */
  LIBSQL_URL: string;
  LIBSQL_AUTH_TOKEN?: string;
  /** Extra origins allowed to make state-changing requests, comma separated (the request's own origin always is). */
  ALLOWED_ORIGINS?: string;
  ASSETS?: Fetcher;
  RATE_LIMITER: DurableObjectNamespace<RateLimiter>;
  /** Live board rooms, one per org and local day, named `${orgId}:${YYYY-MM-DD}`. */
  BOARD_ROOM: DurableObjectNamespace<BoardRoom>;
  /** One technician's jobs of one day, named `${orgId}:${technicianId}:${YYYY-MM-DD}`, fed by the board room. */
  TECHNICIAN_ROOM: DurableObjectNamespace<TechnicianRoom>;
  /** WebAuthn relying party: its id (a domain, never an IP address) and the origins allowed to use it. */
  WEBAUTHN_RP_ID: string;
  WEBAUTHN_RP_NAME: string;
  WEBAUTHN_ORIGINS: string;
}

export type AppEnv = {
  Bindings: Env;
  Variables: {
    db: Db;
    dbStats: DbStats;
    auth: AuthContext;
  };
};
