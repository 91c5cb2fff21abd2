/**
 * A minimal Yjs client for the room tests: the standard y-websocket sync + awareness
 * protocol (y-protocols) over a real WebSocket opened through the Worker with SELF.fetch.
 * y-partyserver's provider wants to open its own WebSocket from a URL, which cannot carry the
 * session cookie into the test pool's SELF, so we speak the protocol directly.
 */
import { SELF, env } from 'cloudflare:test';
import { afterEach, inject } from 'vitest';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import * as syncProtocol from 'y-protocols/sync';
import * as awarenessProtocol from 'y-protocols/awareness';
import { createClient } from '@libsql/client/web';
import { addDays, localDateOf, zonedInstant } from '../../core/time.ts';
import { readRawJob } from '../../core/board-doc-room.ts';
import type { Role } from '../../db/schema.ts';
import type { Env } from '../../worker/env.ts';

export const fx = inject('fixtures');
export const ORIGIN = 'http://switchboard.test';
export const TZ = 'America/Chicago';
export const sql = createClient({ url: inject('libsqlUrl') });
export const roomEnv = env as unknown as Env;

export type Actor = `${'a' | 'b'}.${Role}` | 'anon';

export interface OpenOptions {
  /** The Origin header; null sends none. Browsers always send it on WebSocket handshakes. */
  origin?: string | null;
  headers?: Record<string, string>;
  /** Present the session as a Bearer token instead of the cookie. */
  bearer?: boolean;
  /** Which room kind: the day's board (default) or the technician's own feed. */
  room?: 'board' | 'technician';
}

export async function openRaw(actor: Actor, date: string, opts: OpenOptions = {}): Promise<Response> {
  const h: Record<string, string> = { upgrade: 'websocket', ...opts.headers };
  if (opts.origin !== null) h.origin = opts.origin ?? ORIGIN;
  if (actor !== 'anon') {
    const [org, role] = actor.split('.') as ['a' | 'b', Role];
    if (opts.bearer) h.authorization = `Bearer ${fx[org].tokens[role]}`;
    else h.cookie = `__Host-sb_session=${fx[org].tokens[role]}`;
  }
  return SELF.fetch(`${ORIGIN}/api/rooms/${opts.room ?? 'board'}/${date}`, { headers: h });
}

export class BoardClient {
  readonly doc = new Y.Doc();
  /** Presence as this client sees it (y-protocols awareness, without its timer). */
  readonly awareness = new awarenessProtocol.Awareness(this.doc);
  /** Custom (text) messages the room sent, parsed. */
  readonly notices: any[] = [];
  synced = false;
  closed: { code: number; reason: string } | null = null;
  frames = 0;
  #queue: Promise<void> = Promise.resolve();

  constructor(readonly ws: WebSocket) {
    clearInterval((this.awareness as unknown as { _checkInterval: ReturnType<typeof setInterval> })._checkInterval);
    this.awareness.setLocalState(null);
    ws.accept();
    ws.addEventListener('message', (ev) => {
      const data = ev.data as string | ArrayBuffer | Blob;
      // Binary frames arrive as Blob in the test pool; reading one is async, so keep order.
      this.#queue = this.#queue.then(() => this.#receive(data)).catch((e) => console.error('test client', e));
    });
    ws.addEventListener('close', (ev) => {
      this.closed = { code: ev.code, reason: ev.reason };
    });
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === this) return;
      const e = encoding.createEncoder();
      encoding.writeVarUint(e, 0);
      syncProtocol.writeUpdate(e, update);
      this.send(encoding.toUint8Array(e));
    });
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 0);
    syncProtocol.writeSyncStep1(e, this.doc);
    this.send(encoding.toUint8Array(e));
  }

  static async open(actor: Actor, date: string, opts: OpenOptions = {}): Promise<BoardClient> {
    const res = await openRaw(actor, date, opts);
    if (res.status !== 101 || !res.webSocket) throw new Error(`upgrade refused: ${res.status} ${await res.text()}`);
    const client = new BoardClient(res.webSocket);
    await waitFor(() => client.synced, `${actor} synced`);
    return client;
  }

  async #receive(data: string | ArrayBuffer | Blob): Promise<void> {
    this.frames++;
    if (typeof data === 'string') {
      if (data.startsWith('__YPS:')) this.notices.push(JSON.parse(data.slice(6)));
      return;
    }
    const bytes = data instanceof Blob ? new Uint8Array(await data.arrayBuffer()) : new Uint8Array(data);
    const d = decoding.createDecoder(bytes);
    const type = decoding.readVarUint(d);
    if (type === 1) {
      awarenessProtocol.applyAwarenessUpdate(this.awareness, decoding.readVarUint8Array(d), this);
      return;
    }
    if (type !== 0) return;
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 0);
    const kind = syncProtocol.readSyncMessage(d, e, this.doc, this);
    if (kind === syncProtocol.messageYjsSyncStep2) this.synced = true;
    if (encoding.length(e) > 1) this.send(encoding.toUint8Array(e));
  }

  /** Announces this client's presence (a BoardAwareness-like state, or null to leave). */
  announce(state: Record<string, unknown> | null): void {
    this.awareness.setLocalState(state);
    this.sendAwareness([this.doc.clientID]);
  }

  /** Sends the awareness entries of these client ids as this client knows them (tests forge some on purpose). */
  sendAwareness(clientIds: number[], awareness = this.awareness): void {
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 1);
    encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(awareness, clientIds));
    this.send(encoding.toUint8Array(e));
  }

  /** A custom message, as y-partyserver's provider sends them. */
  sendCustom(message: unknown): void {
    this.send(`__YPS:${JSON.stringify(message)}`);
  }

  /** The user ids present, as this client sees them. */
  presentUsers(): string[] {
    return [...this.awareness.getStates().values()].map((s) => (s as { user?: { id?: string } }).user?.id ?? '?').sort();
  }

  send(bytes: Uint8Array | string): void {
    if (this.closed) return;
    try {
      this.ws.send(bytes);
    } catch {
      /* closed under us */
    }
  }

  jobs(): Y.Map<Y.Map<unknown>> {
    return this.doc.getMap('jobs');
  }

  /** A job's schedule as this client's doc holds it, undecoded (core/board-doc.ts layout). */
  job(id: string): { technicianId: unknown; start: unknown; durationMin: unknown; status: unknown } | undefined {
    const raw = readRawJob(this.doc, id);
    return raw ? { technicianId: raw.technicianId, start: raw.start, durationMin: raw.durationMin, status: raw.status } : undefined;
  }

  /**
   * Writes schedule fields the way a client could, unchecked (tests send invalid values on
   * purpose): technicianId, start and durationMin go into the placement tuple, status as is.
   */
  set(jobId: string, fields: Record<string, unknown>): void {
    this.doc.transact(() => {
      const entry = this.jobs().get(jobId);
      const raw = readRawJob(this.doc, jobId);
      if (!entry || !raw) throw new Error(`no job ${jobId} in this client's doc`);
      const { technicianId = raw.technicianId, start = raw.start, durationMin = raw.durationMin, status, ...rest } = fields;
      if ('technicianId' in fields || 'start' in fields || 'durationMin' in fields)
        entry.set('placement', [technicianId, start, durationMin]);
      if ('status' in fields) entry.set('status', status);
      for (const [k, v] of Object.entries(rest)) entry.set(k, v);
    });
  }

  /** The schedule of every job, for comparing two docs. */
  schedules(): Record<string, { technicianId: unknown; start: unknown; durationMin: unknown; status: unknown }> {
    const out: Record<string, any> = {};
    for (const id of this.jobs().keys()) out[id] = this.job(id);
    return out;
  }

  close(): void {
    try {
      this.ws.close(1000, 'done');
    } catch {
      /* already closed */
    }
  }
}

export async function waitFor(cond: () => boolean | Promise<boolean>, label: string, timeoutMs = 8_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${label}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** For pacing a load only: a test that something did not happen waits on a barrier instead. */
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let sentinels = 0;

/**
 * A barrier, for a test that something did NOT happen: `from` sends a sentinel after whatever
 * it sent before, through the same socket, and `watcher` (another client of the same room)
 * waits until it sees it. The room handles one socket's frames in order, so once the sentinel
 * is seen every earlier frame of `from` has been handled.
 *
 * The sentinel is a doc edit outside the jobs (the room checks only the jobs and the meta).
 * The room fans edits out in order, so an edit or repair that an earlier frame caused reached
 * `watcher` before the sentinel did. It has to be another client: the sender's own doc holds
 * the sentinel from the start.
 *
 * A read-only client's edits are dropped, sentinel too: with `presenceAs` (the user `from` is
 * signed in as) the sentinel is `from`'s own presence, which the room relays to everyone when
 * it names its sender (rooms/presence.ts `mayAnnounce`). Presence skips the fan-out's merge
 * window, so it proves the earlier frames were handled, not that an edit they made has
 * reached `watcher`: look at the room's own doc for that.
 */
export async function barrier(from: BoardClient, watcher: BoardClient, opts: { presenceAs?: string } = {}): Promise<void> {
  const mark = `barrier-${++sentinels}`;
  if (opts.presenceAs) {
    from.announce({ ...(from.awareness.getLocalState() ?? { user: { id: opts.presenceAs } }), barrier: mark });
    await waitFor(
      () => (watcher.awareness.getStates().get(from.doc.clientID) as { barrier?: string } | undefined)?.barrier === mark,
      `the room to relay ${mark}`,
    );
    return;
  }
  from.doc.transact(() => from.doc.getMap('barriers').set(mark, true));
  await waitFor(() => watcher.doc.getMap('barriers').get(mark) === true, `the room to pass on ${mark}`);
}

/** A board day of its own for each test, across all files: rooms keep their storage for the whole run, and libSQL the day's jobs. */
export function testDate(offset: number): string {
  return addDays(localDateOf(Date.now(), TZ), offset);
}

export const at = (date: string, time: string) => zonedInstant(date, time, TZ);

let jobCounter = 0;
/** Jobs in libSQL on `date` for org `org`, one per hour from 08:00, on the given technician (or none). */
export async function makeJobs(org: 'a' | 'b', date: string, n: number, technician: 'own' | 'other' | null = 'own'): Promise<string[]> {
  const f = fx[org];
  const ids: string[] = [];
  const now = Date.now();
  for (let i = 0; i < n; i++) {
    const id = crypto.randomUUID();
    const techId = technician === 'own' ? f.ownTechnicianId : technician === 'other' ? f.technicianId : null;
    const start = at(date, `${String(8 + i).padStart(2, '0')}:00`);
    await sql.execute({
      sql: `insert into jobs (id, org_id, number, customer_id, location_id, type, priority, description, status, scheduled_start, duration_min, technician_id, warnings, created_at, updated_at)
            values (?, ?, ?, ?, ?, 'Service call', 'normal', ?, ?, ?, 60, ?, '[]', ?, ?)`,
      args: [
        id,
        f.orgId,
        500_000 + Math.floor(Math.random() * 1e6) * 100 + (jobCounter++ % 100),
        f.customerId,
        f.locationId,
        `Room test job ${i}`,
        techId ? 'scheduled' : 'unscheduled',
        start,
        techId,
        now,
        now,
      ],
    });
    ids.push(id);
  }
  return ids;
}

export interface JobRecord {
  technicianId: string | null;
  start: number | null;
  durationMin: number;
  status: string;
  scheduleVersion: number;
}

export async function record(jobId: string): Promise<JobRecord> {
  const r = await sql.execute({
    sql: `select technician_id, scheduled_start, duration_min, status, schedule_version from jobs where id = ?`,
    args: [jobId],
  });
  const row = r.rows[0]!;
  return {
    technicianId: (row.technician_id as string | null) ?? null,
    start: row.scheduled_start == null ? null : Number(row.scheduled_start),
    durationMin: Number(row.duration_min),
    status: String(row.status),
    scheduleVersion: Number(row.schedule_version),
  };
}

/** Every job of a doc as libSQL holds it, in the doc's terms. */
export async function recordsOf(
  client: BoardClient,
): Promise<Record<string, { technicianId: unknown; start: unknown; durationMin: unknown; status: unknown }>> {
  const out: Record<string, any> = {};
  for (const id of Object.keys(client.schedules())) {
    const r = await record(id);
    out[id] = { technicianId: r.technicianId, start: r.start, durationMin: r.durationMin, status: r.status };
  }
  return out;
}

export function roomStub(org: 'a' | 'b', date: string) {
  return roomEnv.BOARD_ROOM.getByName(`${fx[org].orgId}:${date}`);
}

/** `connect` opens a client that is closed after the test, whatever happens in it. */
export function trackedClients() {
  const open: BoardClient[] = [];
  afterEach(() => {
    for (const c of open.splice(0)) c.close();
  });
  return async (...args: Parameters<typeof BoardClient.open>) => {
    const c = await BoardClient.open(...args);
    open.push(c);
    return c;
  };
}
