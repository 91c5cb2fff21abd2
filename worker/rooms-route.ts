/**
 * The door to the live rooms: `GET /api/rooms/board/:date` with `Upgrade: websocket`, where
 * :date is a local calendar date (YYYY-MM-DD) in the org's timezone. The protocol on the
 * socket is the standard y-websocket / y-partyserver sync + awareness protocol. A technician's
 * phone opens `/api/rooms/technician/:date` the same way, and the KPI page `/api/rooms/org`,
 * the org's room (rooms/org-room.ts), which only sends `kpis.changed` notices and has no date.
 *
 * The person is authenticated like every API call (the `__Host-sb_session` cookie, or
 * `Authorization: Bearer <token>` for clients that are not browsers). Refused before any room
 * is touched: a cross-origin upgrade (403; browsers always send Origin on WebSocket
 * handshakes, so this is the CSRF check for sockets), then whatever the API would refuse the
 * session for the room's permission (core/permissions.ts refusalFor, the check every API route
 * makes: no session 401, a role with no board 403, a session that must still set up its second
 * factor 403), and a date that is not a date or too far from today (400). The room is named
 * from the session's org, never from the request, so another org's board cannot even be addressed.
 *
 * Each admitted upgrade is noted (worker/room-connections.ts) before the room takes the socket,
 * so that ending the session closes it; the room is told which session it is, and re-checks it
 * (rooms/session-watch.ts).
 *
 * Served ahead of the Hono API app (worker/index.ts): the upgrade needs none of the API's
 * body, compression and response-header middleware, and its 101 response must pass through
 * untouched.
 */
import { Hono, type Context } from 'hono';
import { and, eq } from 'drizzle-orm';
import { technicians } from '../db/schema.ts';
import type { AuthContext } from './auth/session.ts';
import type { Db } from './db.ts';
import type { AppEnv, Env } from './env.ts';
import { openDb } from './db.ts';
import { loadSession } from './auth/session.ts';
import { Problem, problemResponse } from './problem.ts';
import { addDays, isLocalDate, localDateOf } from '../core/time.ts';
import { boardRoomName, technicianRoomName } from '../rooms/board-name.ts';
import { identityHeaders } from '../rooms/identity.ts';
import { refusalFor } from '../core/permissions.ts';
import { noteRoomConnection } from './room-connections.ts';

export const ROOMS_PREFIX = '/api/rooms/';

/** Rooms exist for days this close to today (either way): enough for planning and history, and no room per arbitrary date. */
const MAX_DAYS_FROM_TODAY = 400;

export function isRoomRequest(request: Request): boolean {
  return new URL(request.url).pathname.startsWith(ROOMS_PREFIX);
}

function crossOrigin(request: Request, env: Env): string | null {
  const origin = request.headers.get('origin');
  const allowed = new Set([new URL(request.url).origin, ...(env.ALLOWED_ORIGINS?.split(',').map((s) => s.trim()) ?? [])]);
  if (origin !== null && !allowed.has(origin)) return `Connections from ${origin.slice(0, 100)} are not accepted here.`;
  if (origin === null && request.headers.get('sec-fetch-site') === 'cross-site') return 'Cross-site connections are not accepted here.';
  return null;
}

export function roomsRoute() {
  const app = new Hono<AppEnv>();

  /** The checks every room upgrade shares; answers the person, or a refusal to send back. */
  async function admit(
    c: Context<AppEnv>,
    permission: 'board.view' | 'feed.view' | 'kpis.read',
    hint = '',
  ): Promise<{ auth: AuthContext; db: Db } | Response> {
    if (c.req.header('upgrade')?.toLowerCase() !== 'websocket') {
      return problemResponse(
        c,
        new Problem(426, 'Upgrade required', 'This is a WebSocket endpoint: connect with Upgrade: websocket.', undefined, {
          upgrade: 'websocket',
        }),
      );
    }
    const crossSite = crossOrigin(c.req.raw, c.env);
    if (crossSite) return problemResponse(c, new Problem(403, 'Cross-origin connection refused', crossSite));

    const { db } = openDb(c.env);
    const session = await loadSession(c, db);
    // The API's own check (worker/authz.ts makes the same call), so the door and the API cannot drift apart.
    const refusal = refusalFor(session, permission);
    if (refusal) {
      const detail = refusal.kind === 'role' ? `${refusal.detail} ${hint}`.trim() : refusal.detail;
      return problemResponse(c, new Problem(refusal.status, refusal.title, detail));
    }
    // refusalFor refuses a missing session, so here there is one.
    return { auth: session as AuthContext, db };
  }

  /** A day's room (board, technician): admit, then the :date in the path, a local date near today. */
  async function admitToDay(
    c: Context<AppEnv>,
    permission: 'board.view' | 'feed.view',
    hint = '',
  ): Promise<{ auth: AuthContext; date: string; db: Db } | Response> {
    const admitted = await admit(c, permission, hint);
    if (admitted instanceof Response) return admitted;
    const date = c.req.param('date') ?? '';
    const today = localDateOf(Date.now(), admitted.auth.timezone);
    if (!isLocalDate(date) || date < addDays(today, -MAX_DAYS_FROM_TODAY) || date > addDays(today, MAX_DAYS_FROM_TODAY)) {
      return problemResponse(
        c,
        new Problem(400, 'Invalid request', `Rooms exist for dates (YYYY-MM-DD) within ${MAX_DAYS_FROM_TODAY} days of today.`, [
          { field: 'date', in: 'path', message: 'Not a date near today.' },
        ]),
      );
    }
    return { ...admitted, date };
  }

  /**
   * A request of our own: nothing the client sent (cookies, forged identity headers,
   * partyserver's x-partykit-* headers, a chosen connection id in ?_pk=) reaches the room.
   */
  const forwardTo = (name: string, auth: AuthContext) =>
    new Request(`https://room.internal/${encodeURIComponent(name)}`, {
      headers: {
        upgrade: 'websocket',
        ...identityHeaders({ userId: auth.userId, role: auth.role, name: auth.name, sessionId: auth.tokenHash }),
      },
    });

  app.get('/api/rooms/board/:date', async (c) => {
    const admitted = await admitToDay(c, 'board.view', 'Technicians open their own day at /api/rooms/technician/YYYY-MM-DD.');
    if (admitted instanceof Response) return admitted;
    const { auth, date, db } = admitted;
    const name = boardRoomName(auth.orgId, date);
    await noteRoomConnection(db, { sessionId: auth.tokenHash, userId: auth.userId, kind: 'board', room: name });
    return c.env.BOARD_ROOM.getByName(name).fetch(forwardTo(name, auth));
  });

  // A technician's phone: that technician's jobs of the day and nobody else's.
  app.get('/api/rooms/technician/:date', async (c) => {
    const admitted = await admitToDay(c, 'feed.view');
    if (admitted instanceof Response) return admitted;
    const { auth, date, db } = admitted;
    const [tech] = await db
      .select({ id: technicians.id })
      .from(technicians)
      .where(and(eq(technicians.orgId, auth.orgId), eq(technicians.userId, auth.userId), eq(technicians.active, true)))
      .limit(1);
    if (!tech) return problemResponse(c, new Problem(403, 'Not allowed', 'Your account is not linked to an active technician.'));
    const name = technicianRoomName(auth.orgId, tech.id, date);
    await noteRoomConnection(db, { sessionId: auth.tokenHash, userId: auth.userId, kind: 'technician', room: name });
    return c.env.TECHNICIAN_ROOM.getByName(name).fetch(forwardTo(name, auth));
  });

  // The manager's numbers, live (rooms/org-room.ts): the session's own org, whatever the day.
  app.get('/api/rooms/org', async (c) => {
    const admitted = await admit(c, 'kpis.read');
    if (admitted instanceof Response) return admitted;
    const { auth, db } = admitted;
    const name = auth.orgId;
    await noteRoomConnection(db, { sessionId: auth.tokenHash, userId: auth.userId, kind: 'org', room: name });
    return c.env.ORG_ROOM.getByName(name).fetch(forwardTo(name, auth));
  });

  // The likely failure here is libSQL not answering the session lookup: say so, retryably.
  app.onError((err, c) => {
    console.error('room upgrade failed', err);
    return problemResponse(
      c,
      new Problem(503, 'Board unavailable', 'The board cannot be opened right now; try again shortly.', undefined, { 'retry-after': '5' }),
    );
  });
  app.all('*', (c) =>
    problemResponse(
      c,
      new Problem(
        404,
        'Not found',
        'No such room route. Boards are at /api/rooms/board/YYYY-MM-DD, technicians’ days at /api/rooms/technician/YYYY-MM-DD, the org’s live numbers at /api/rooms/org.',
      ),
    ),
  );
  return app;
}
