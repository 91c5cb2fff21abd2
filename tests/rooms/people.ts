/**
 * People of their own for tests that end sessions or change access: the fixture users' sessions
 * are shared by every room test file, so signing one of them out would break the files after.
 * Each person is a user of org a written straight into libSQL, with sessions made the way
 * worker/auth/session.ts stores them (only the token's SHA-256).
 */
import { SELF } from 'cloudflare:test';
import type { Role } from '../../core/roles.ts';
import { hashToken } from '../../worker/auth/session.ts';
import { BoardClient, fx, ORIGIN, sql, waitFor } from './board-client.ts';

export interface TestSession {
  token: string;
  /** The sessions table's key (SHA-256 of the token), as the account page lists it. */
  id: string;
  cookie: string;
}

export interface Person {
  userId: string;
  role: Role;
  sessions: TestSession[];
  /** The technician record linked to this person (technicians only). */
  technicianId?: string;
}

let people = 0;

/** A session of `userId`; `method: 'password'` is one that used no second factor. */
export async function addSession(userId: string, method = 'password+totp', orgId = fx.a.orgId): Promise<TestSession> {
  const token = crypto.randomUUID() + crypto.randomUUID();
  const id = await hashToken(token);
  const now = Date.now();
  await sql.execute({
    sql: `insert into sessions (token_hash, user_id, org_id, created_at, last_seen_at, expires_at, method) values (?, ?, ?, ?, ?, ?, ?)`,
    args: [id, userId, orgId, now, now, now + 12 * 3600_000, method],
  });
  return { token, id, cookie: `__Host-sb_session=${token}` };
}

/** A person of org a (or of `orgId`, see newOrg). */
export async function newPerson(role: Role, opts: { sessions?: number; method?: string; orgId?: string } = {}): Promise<Person> {
  const orgId = opts.orgId ?? fx.a.orgId;
  const userId = crypto.randomUUID();
  const now = Date.now();
  const n = ++people;
  await sql.execute({
    sql: `insert into users (id, org_id, email, name, role, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?)`,
    args: [userId, orgId, `room-person-${n}-${userId.slice(0, 8)}@org-a.test`, `Room person ${n}`, role, now, now],
  });
  const sessions: TestSession[] = [];
  for (let i = 0; i < (opts.sessions ?? 1); i++) sessions.push(await addSession(userId, opts.method, orgId));
  const person: Person = { userId, role, sessions };
  if (role === 'technician') {
    person.technicianId = crypto.randomUUID();
    await sql.execute({
      sql: `insert into technicians (id, org_id, user_id, name, skills, shift_start, shift_end, shift_days, timezone, colour, created_at, updated_at)
            values (?, ?, ?, ?, '[]', '07:00', '15:30', '[1,2,3,4,5]', 'America/Chicago', '#0891b2', ?, ?)`,
      args: [person.technicianId, orgId, userId, `Room person ${n}`, now, now],
    });
  }
  return person;
}

/** An org of its own, for a test that changes org settings the fixture orgs' tests rely on. */
export async function newOrg(settings: { requireTotpForTechnicians?: boolean } = {}): Promise<string> {
  const orgId = crypto.randomUUID();
  const open = { open: '07:00', close: '17:00' };
  const hours = { '0': null, '1': open, '2': open, '3': open, '4': open, '5': open, '6': null };
  await sql.execute({
    sql: `insert into orgs (id, name, timezone, business_hours, require_totp_for_technicians, created_at) values (?, ?, 'America/Chicago', ?, ?, ?)`,
    args: [orgId, `Room test org ${orgId.slice(0, 8)}`, JSON.stringify(hours), settings.requireTotpForTechnicians ? 1 : 0, Date.now()],
  });
  return orgId;
}

/** The upgrade to a room as a browser with this session's cookie would make it. */
export function upgrade(session: TestSession, date: string, room: 'board' | 'technician' = 'board'): Promise<Response> {
  return SELF.fetch(`${ORIGIN}/api/rooms/${room}/${date}`, { headers: { upgrade: 'websocket', origin: ORIGIN, cookie: session.cookie } });
}

/** An open, synced client on that room with this session. */
export async function openWith(session: TestSession, date: string, room: 'board' | 'technician' = 'board'): Promise<BoardClient> {
  const res = await upgrade(session, date, room);
  if (res.status !== 101 || !res.webSocket) throw new Error(`upgrade refused: ${res.status} ${await res.text()}`);
  const client = new BoardClient(res.webSocket);
  await waitFor(() => client.synced, `${room} synced`);
  return client;
}

/** A call to the API with this session, as a same-origin browser makes it. */
export async function apiAs(session: TestSession, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await SELF.fetch(`${ORIGIN}/api${path}`, {
    method,
    headers: { cookie: session.cookie, origin: ORIGIN, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** The fixture admin of org a, whose session no test here ends. */
export const orgAdmin: TestSession = {
  token: fx.a.tokens.admin,
  id: '',
  cookie: `__Host-sb_session=${fx.a.tokens.admin}`,
};

/**
 * Resolves with the close the room sends this client; fails after `timeoutMs` (a bound for a
 * broken build, not a timing assertion: the close is normally there before the API answers).
 */
export function closeOf(client: BoardClient, timeoutMs = 5_000): Promise<{ code: number; reason: string }> {
  if (client.closed) return Promise.resolve(client.closed);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no close within ${timeoutMs} ms`)), timeoutMs);
    client.ws.addEventListener('close', (ev) => {
      clearTimeout(timer);
      resolve({ code: ev.code, reason: ev.reason });
    });
  });
}
