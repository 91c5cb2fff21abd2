/**
 * The live channel of the manager's numbers (rooms/org-room.ts): who may open it, that a
 * completion, an invoice and a payment made through the API each reach the org's sockets as one
 * `kpis.changed` notice, that another org's sockets never hear them, and that a socket lives no
 * longer than its session.
 *
 * Nothing here waits on a clock. That a notice did NOT come is shown with a barrier: after the
 * change under test, another change is made whose notice the same socket (or the other org's)
 * then waits for; the room sends in order, so whatever the first change was going to send had
 * been sent by then.
 */
import { SELF, runInDurableObject } from 'cloudflare:test';
import { afterEach, describe, expect, it } from 'vitest';
import { parseKpisChanged, type KpiChange, type KpisChanged } from '../../core/kpi-pulse.ts';
import { ROOM_CLOSE } from '../../core/room-close.ts';
import type { OrgRoom } from '../../rooms/org-room.ts';
import { SESSION_RECHECK_MS } from '../../rooms/session-watch.ts';
import { ORIGIN, fx, makeJobs, roomEnv, sql, testDate, waitFor } from './board-client.ts';
import { apiAs, newPerson, orgAdmin, type TestSession } from './people.ts';

type Org = 'a' | 'b';
type Role = keyof (typeof fx)['a']['tokens'];

const fixtureSession = (org: Org, role: Role): TestSession => ({
  token: fx[org].tokens[role],
  id: '',
  cookie: `__Host-sb_session=${fx[org].tokens[role]}`,
});

/** A KPI page's socket: the notices it received, and how it was closed. */
class OrgSocket {
  readonly notices: KpisChanged[] = [];
  /** Frames that were not notices (there should be none). */
  readonly other: unknown[] = [];
  closed: { code: number; reason: string } | null = null;
  readonly #closing: Promise<{ code: number; reason: string }>;

  constructor(readonly ws: WebSocket) {
    ws.accept();
    ws.addEventListener('message', (ev) => {
      const notice = parseKpisChanged(ev.data);
      if (notice) this.notices.push(notice);
      else this.other.push(ev.data);
    });
    this.#closing = new Promise((resolve) =>
      ws.addEventListener('close', (ev) => {
        this.closed = { code: ev.code, reason: ev.reason };
        resolve(this.closed);
      }),
    );
  }

  whats(): KpiChange[] {
    return this.notices.map((n) => n.what);
  }

  /** Resolves with the close the room sends; fails after `timeoutMs` (a bound for a broken build, not a timing assertion). */
  closeOf(timeoutMs = 5_000): Promise<{ code: number; reason: string }> {
    return Promise.race([
      this.#closing,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no close within ${timeoutMs} ms`)), timeoutMs)),
    ]);
  }

  close(): void {
    try {
      this.ws.close(1000, 'done');
    } catch {
      /* already closed */
    }
  }
}

const upgrade = (headers: Record<string, string>) => SELF.fetch(`${ORIGIN}/api/rooms/org`, { headers });

const opened: OrgSocket[] = [];
afterEach(() => {
  for (const s of opened.splice(0)) s.close();
});

async function openOrg(session: TestSession): Promise<OrgSocket> {
  const res = await upgrade({ upgrade: 'websocket', origin: ORIGIN, cookie: session.cookie });
  if (res.status !== 101 || !res.webSocket) throw new Error(`upgrade refused: ${res.status} ${await res.text()}`);
  const socket = new OrgSocket(res.webSocket);
  opened.push(socket);
  return socket;
}

const api = (org: Org, role: Role, method: string, path: string, body?: unknown) => apiAs(fixtureSession(org, role), method, path, body);

/** Waits until `socket` has received `n` notices. */
const noticesReach = (socket: OrgSocket, n: number, label: string) => waitFor(() => socket.notices.length >= n, label);

/** A job of `org` on a board, done by its own technician through the API, as in the field. */
async function completeJob(org: Org, date: string): Promise<string> {
  const [job] = await makeJobs(org, date, 1);
  const step = async (role: Role, to: string) => {
    const r = await api(org, role, 'POST', `/jobs/${job}/transitions`, { to });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  };
  await step('dispatcher', 'dispatched');
  await step('technician', 'en_route');
  await step('technician', 'on_site');
  await step('technician', 'completed');
  return job!;
}

/** A line item on a job, so that it can be invoiced (written straight into libSQL: it moves no number by itself). */
async function addLine(org: Org, jobId: string): Promise<void> {
  const now = Date.now();
  await sql.execute({
    sql: `insert into line_items (id, org_id, job_id, description, quantity_milli, unit_price_cents, taxable, total_cents, created_at, updated_at) values (?, ?, ?, 'Breaker', 1000, 4500, 1, 4500, ?, ?)`,
    args: [crypto.randomUUID(), fx[org].orgId, jobId, now, now],
  });
}

/** The barrier: a change of the org's own that `socket` then receives, after everything sent before it. */
let barriers = 0;
async function barrier(org: Org, socket: OrgSocket): Promise<void> {
  const count = socket.notices.length;
  const mark = ++barriers;
  await roomEnv.ORG_ROOM.getByName(fx[org].orgId).changed('invoice');
  await noticesReach(socket, count + 1, `barrier ${mark} to reach the socket`);
}

describe('the org room’s door', () => {
  it('admits admins, managers and dispatchers of the org, and nobody else', async () => {
    for (const role of ['admin', 'manager', 'dispatcher'] as const) await openOrg(fixtureSession('a', role));

    const technician = await upgrade({ upgrade: 'websocket', origin: ORIGIN, cookie: fixtureSession('a', 'technician').cookie });
    expect(technician.status).toBe(403);
    expect(technician.headers.get('content-type')).toContain('application/problem+json');
    expect(technician.webSocket).toBeNull();

    expect((await upgrade({ upgrade: 'websocket', origin: ORIGIN })).status).toBe(401);
    expect(
      (await upgrade({ upgrade: 'websocket', origin: 'https://evil.example', cookie: fixtureSession('a', 'manager').cookie })).status,
    ).toBe(403);
    expect((await upgrade({ origin: ORIGIN, cookie: fixtureSession('a', 'manager').cookie })).status).toBe(426);
  });

  it('is closed to a connection that did not come through the Worker’s door', async () => {
    const res = await roomEnv.ORG_ROOM.getByName(fx.a.orgId).fetch(
      new Request('https://room.internal/x', { headers: { upgrade: 'websocket' } }),
    );
    expect(res.status).toBe(403);
  });
});

describe('notices', () => {
  it('a technician’s completion through the API reaches the org’s socket once; the steps before it send nothing', async () => {
    const socket = await openOrg(fixtureSession('a', 'manager'));
    await completeJob('a', testDate(130));
    await noticesReach(socket, 1, 'the completion’s notice');
    await barrier('a', socket);
    expect(socket.whats()).toEqual(['job', 'invoice']);
    expect(socket.notices[0]).toMatchObject({ type: 'kpis.changed', what: 'job' });
    expect(socket.other).toEqual([]);
  });

  it('another org’s socket never hears this org’s notices', async () => {
    // Org b's change is made ready before anyone listens: a completed job with a line to invoice.
    const bJob = await completeJob('b', testDate(131));
    await addLine('b', bJob);
    const a = await openOrg(fixtureSession('a', 'manager'));
    const b = await openOrg(fixtureSession('b', 'manager'));
    await completeJob('a', testDate(131));
    await noticesReach(a, 1, 'org a’s completion to reach org a');
    // Org b's own change, after org a's notice went out: had org b's socket been sent that, it would be there first.
    const invoice = await api('b', 'dispatcher', 'POST', '/invoices', { jobId: bJob });
    expect(invoice.status, JSON.stringify(invoice.body)).toBe(201);
    await noticesReach(b, 1, 'org b’s invoice to reach org b');
    expect(b.whats()).toEqual(['invoice']);
    // And org a's socket did not hear org b's invoice: its barrier is the only invoice it has.
    await barrier('a', a);
    expect(a.whats()).toEqual(['job', 'invoice']);
  });

  it('an invoice and a payment through the API each send one notice', async () => {
    const socket = await openOrg(fixtureSession('a', 'dispatcher'));
    const job = await completeJob('a', testDate(132));
    await noticesReach(socket, 1, 'the completion’s notice');
    await addLine('a', job);

    const invoice = await api('a', 'dispatcher', 'POST', '/invoices', { jobId: job });
    expect(invoice.status, JSON.stringify(invoice.body)).toBe(201);
    await noticesReach(socket, 2, 'the invoice’s notice');
    const sent = await api('a', 'dispatcher', 'POST', `/invoices/${invoice.body.id}/transitions`, { to: 'sent' });
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    await noticesReach(socket, 3, 'the sent invoice’s notice');
    const paid = await api('a', 'dispatcher', 'POST', '/payments', {
      invoiceId: invoice.body.id,
      amountCents: invoice.body.totalCents,
      method: 'card',
    });
    expect(paid.status, JSON.stringify(paid.body)).toBe(201);
    await noticesReach(socket, 4, 'the payment’s notice');
    // The payment also marked the job paid (invoiced to paid: done either way, so no notice of its own).
    await barrier('a', socket);
    expect(socket.whats()).toEqual(['job', 'invoice', 'invoice', 'payment', 'invoice']);
  });
});

describe('a socket lives no longer than its session', () => {
  it('signing out closes the org socket (4401); the same person’s other session stays', async () => {
    const person = await newPerson('manager', { sessions: 2 });
    const [leaving, staying] = person.sessions as [TestSession, TestSession];
    const gone = await openOrg(leaving);
    const kept = await openOrg(staying);
    const closed = gone.closeOf();
    expect((await apiAs(leaving, 'POST', '/auth/sign-out')).status).toBe(204);
    expect(await closed).toEqual(ROOM_CLOSE.sessionEnded);
    await barrier('a', kept);
    expect(kept.closed).toBeNull();
  });

  it('a role that does not read the numbers closes the socket (4403)', async () => {
    const person = await newPerson('dispatcher');
    const socket = await openOrg(person.sessions[0]!);
    const closed = socket.closeOf();
    expect((await apiAs(orgAdmin, 'PATCH', `/users/${person.userId}`, { role: 'technician' })).status).toBe(200);
    expect(await closed).toEqual(ROOM_CLOSE.accessChanged);
  });

  it('a session revoked behind the API’s back is closed when the room next sends (4401); others stay', async () => {
    const person = await newPerson('manager', { sessions: 2 });
    const [revoked, fine] = person.sessions as [TestSession, TestSession];
    const socket = await openOrg(revoked);
    const other = await openOrg(fine);
    const room = roomEnv.ORG_ROOM.getByName(fx.a.orgId);
    await sql.execute({ sql: `update sessions set revoked_at = ? where token_hash = ?`, args: [Date.now(), revoked.id] });
    // The interval passed (for this room instance: the test cannot wait a minute).
    await runInDurableObject(room, (r: OrgRoom) => {
      r.sessionWatch.everyMs = 0;
    });
    try {
      const closed = socket.closeOf();
      await room.changed('job');
      expect(await closed).toEqual(ROOM_CLOSE.sessionEnded);
      await barrier('a', other);
      expect(other.closed).toBeNull();
    } finally {
      await runInDurableObject(room, (r: OrgRoom) => {
        r.sessionWatch.everyMs = SESSION_RECHECK_MS;
      });
    }
  });
});
