/**
 * A fresh org for the manager's numbers tests, so no other test file's work counts in them.
 * Only what has no API is written here with SQL: the org, its people and their sessions (the
 * fixtures do the same, tests/worker/fixtures-db.ts). Everything else (technicians, customers,
 * jobs, the field's transitions, invoices, payments) goes through the API, by `call`.
 *
 * The clock: `clockAt` sets the time every Date.now() reads in this isolate, which holds the test,
 * the Worker and its Durable Objects (vi.setSystemTime with only Date faked; timers stay real),
 * so a job event, an invoice or a completion is stamped at the local time the test names.
 * Sessions here never go idle or expire, whatever day the clock is on.
 */
import { SELF } from 'cloudflare:test';
import { vi } from 'vitest';
import { zonedInstant } from '../../core/time.ts';
import { ORIGIN, sql, type ApiResult } from './helpers.ts';

export const ZONE = 'America/Chicago';

/** A wall-clock time in the org's zone as an instant: at('2026-03-08 00:30'). */
export function at(local: string): number {
  const [date, time] = local.split(' ') as [string, string];
  return zonedInstant(date, time, ZONE);
}

/** From now on (until vi.useRealTimers), Date.now() everywhere in this isolate is that local time. */
export function clockAt(local: string): void {
  vi.setSystemTime(at(local));
}

export const PEOPLE = ['admin', 'dispatcher', 'manager', 'techA', 'techB'] as const;
export type Who = (typeof PEOPLE)[number];

export interface KpiOrg {
  orgId: string;
  name: string;
  userIds: Record<Who, string>;
  call<T = any>(who: Who, method: string, path: string, body?: unknown): Promise<ApiResult<T>>;
  /** The same, failing the test with the answer unless it is 200 or 201. */
  ok<T = any>(who: Who, method: string, path: string, body?: unknown): Promise<T>;
}

const NEVER = Date.UTC(2100, 0, 1);

async function sha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  return [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export async function makeOrg(name: string): Promise<KpiOrg> {
  const orgId = crypto.randomUUID();
  const created = Date.UTC(2025, 0, 1);
  const week = { open: '07:00', close: '17:00' };
  await sql.execute({
    sql: `insert into orgs (id, name, timezone, tax_rate_bps, business_hours, created_at) values (?, ?, ?, 825, ?, ?)`,
    args: [orgId, name, ZONE, JSON.stringify({ 0: null, 1: week, 2: week, 3: week, 4: week, 5: week, 6: null }), created],
  });
  const userIds = {} as Record<Who, string>;
  const tokens = {} as Record<Who, string>;
  for (const who of PEOPLE) {
    const role = who.startsWith('tech') ? 'technician' : who;
    userIds[who] = crypto.randomUUID();
    tokens[who] = crypto.randomUUID() + crypto.randomUUID();
    await sql.batch(
      [
        {
          sql: `insert into users (id, org_id, email, name, role, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?)`,
          args: [userIds[who], orgId, `${who.toLowerCase()}-${orgId.slice(0, 8)}@kpis.test`, `${who} of ${name}`, role, created, created],
        },
        {
          sql: `insert into sessions (token_hash, user_id, org_id, created_at, last_seen_at, expires_at, method) values (?, ?, ?, ?, ?, ?, ?)`,
          args: [
            await sha256Hex(tokens[who]),
            userIds[who],
            orgId,
            created,
            NEVER,
            NEVER,
            role === 'technician' ? 'password' : 'password+totp',
          ],
        },
      ],
      'write',
    );
  }
  const call = async <T>(who: Who, method: string, path: string, body?: unknown): Promise<ApiResult<T>> => {
    const headers: Record<string, string> = { cookie: `__Host-sb_session=${tokens[who]}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await SELF.fetch(`${ORIGIN}/api${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* CSV, not JSON */
    }
    const roundTrips = Number(/"(\d+) round trips"/.exec(res.headers.get('server-timing') ?? '')?.[1] ?? Number.NaN);
    return { status: res.status, body: parsed as T, headers: res.headers, roundTrips };
  };
  const ok = async <T>(who: Who, method: string, path: string, body?: unknown): Promise<T> => {
    const res = await call<T>(who, method, path, body);
    if (res.status !== 200 && res.status !== 201) throw new Error(`${who} ${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  return { orgId, name, userIds, call, ok };
}
