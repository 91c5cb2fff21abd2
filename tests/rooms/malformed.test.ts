/**
 * Hostile or broken input from a connection that is allowed to write (a dispatcher): the
 * offender is closed (or ignored, for frames a standard client may legitimately send), the
 * room stays up, the others keep syncing, and the doc is exactly what it was.
 */
import { readRawJob } from '../../core/board-doc-room.ts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import { BoardClient, barrier, makeJobs, openRaw, sleep, testDate, waitFor } from './board-client.ts';

const open: BoardClient[] = [];
afterEach(() => {
  for (const c of open.splice(0)) c.close();
});

let date = '';
let jobId = '';
let bystander: BoardClient;
let offset = 50;

beforeEach(async () => {
  date = testDate(offset++);
  [jobId] = (await makeJobs('a', date, 1)) as [string];
  bystander = await BoardClient.open('a.dispatcher', date);
  open.push(bystander);
});

/** An attacker: a raw socket that speaks no protocol unless told to. */
async function attacker(): Promise<{ ws: WebSocket; closed: Promise<{ code: number; reason: string }> }> {
  const res = await openRaw('a.dispatcher', date);
  const ws = res.webSocket!;
  ws.accept();
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.addEventListener('close', (ev) => resolve({ code: ev.code, reason: ev.reason })),
  );
  return { ws, closed };
}

const frame = (...parts: (number | Uint8Array)[]) => {
  const e = encoding.createEncoder();
  for (const p of parts) typeof p === 'number' ? encoding.writeVarUint(e, p) : encoding.writeUint8Array(e, p);
  return encoding.toUint8Array(e);
};
const withLength = (u: Uint8Array) => {
  const e = encoding.createEncoder();
  encoding.writeVarUint8Array(e, u);
  return encoding.toUint8Array(e);
};

/** A seeded PRNG (mulberry32), so a failure can be replayed. */
function rng(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
/** The close code the room sent, or null if it did not close the socket within two seconds. */
const closeCode = async (a: { closed: Promise<{ code: number }> }) =>
  (await Promise.race([a.closed, sleep(2000).then(() => null)]))?.code ?? null;
const randomBytes = (next: () => number, n: number) => Uint8Array.from({ length: n }, () => Math.floor(next() * 256));

/** A real update that sets the job's placement (with `value` as its duration), made against the room's current state. */
function realUpdate(value: unknown): Uint8Array {
  const d = new Y.Doc();
  Y.applyUpdate(d, Y.encodeStateAsUpdate(bystander.doc));
  const before = Y.encodeStateVector(d);
  const raw = readRawJob(d, jobId)!;
  (d.getMap('jobs').get(jobId) as Y.Map<unknown>).set('placement', [raw.technicianId, raw.start, value]);
  return Y.encodeStateAsUpdate(d, before);
}

/** The room is up, still syncs the others, and its doc is what it was plus a fresh edit. */
async function roomIsFine(before: string) {
  const probe = await BoardClient.open('a.manager', date);
  open.push(probe);
  expect(JSON.stringify(probe.schedules())).toBe(before);
  expect(JSON.stringify(bystander.schedules())).toBe(before);
  bystander.set(jobId, { durationMin: 75 });
  await waitFor(() => probe.job(jobId)?.durationMin === 75, 'the others to keep syncing');
}

describe('malformed input', () => {
  it('random bytes', async () => {
    const before = JSON.stringify(bystander.schedules());
    const next = rng(4);
    for (let i = 0; i < 20; i++) {
      const a = await attacker();
      for (let k = 0; k < 10; k++) a.ws.send(randomBytes(next, 1 + Math.floor(next() * 2000)));
      // Random bytes behind a sync-update header must be refused as malformed.
      a.ws.send(frame(0, 2, withLength(randomBytes(next, 64))));
      a.ws.send(frame(0, 1, withLength(randomBytes(next, 64))));
      expect(await closeCode(a)).toBe(1007);
    }
    await roomIsFine(before);
  });

  it('truncated Yjs messages, cut at every byte', async () => {
    const before = JSON.stringify(bystander.schedules());
    const update = realUpdate(77);
    const whole = frame(0, 2, withLength(update));
    const cases: Uint8Array[] = [];
    // The frame cut short (its length prefix promises more), and the update itself cut short
    // inside a well-formed frame.
    for (let k = 1; k < whole.length; k++) cases.push(whole.slice(0, k));
    for (let k = 1; k < update.length; k++) cases.push(frame(0, 2, withLength(update.slice(0, k))));
    cases.push(frame(1, withLength(frame(1, 12345, 3).slice(0, 3))));
    for (const bytes of cases) {
      const a = await attacker();
      a.ws.send(bytes);
      expect(await closeCode(a), `cut ${Array.from(bytes).join(',')}`).toBe(1007);
    }
    await roomIsFine(before);
  });

  it('an oversized message', async () => {
    const before = JSON.stringify(bystander.schedules());
    const a = await attacker();
    const big = realUpdate('x'.repeat(300 * 1024));
    expect(big.length).toBeGreaterThan(256 * 1024);
    a.ws.send(frame(0, 2, withLength(big)));
    expect(await closeCode(a)).toBe(1009);
    await roomIsFine(before);
  });

  it('unknown message types are ignored, and unknown sync steps refused', async () => {
    const before = JSON.stringify(bystander.schedules());
    const polite = await BoardClient.open('a.dispatcher', date);
    open.push(polite);
    // y-websocket's auth (2) and query-awareness (3), a type from the future, text frames.
    for (const f of [frame(2, 0), frame(3), frame(7, 1, 2, 3), frame(300, 1), 'hello', '__YPS:{"x":1}']) polite.send(f);
    // The barrier: an edit sent after those frames, through the same socket, reaches the bystander,
    // so the room has handled them all (nothing a socket sends after the frame it is closed for
    // counts, see below). An edit goes the other way too: a close would have reached the polite
    // client before it, and cut it off.
    polite.set(jobId, { durationMin: 45 });
    await waitFor(() => bystander.job(jobId)?.durationMin === 45, 'the polite client to keep writing');
    bystander.set(jobId, { durationMin: 60 });
    await waitFor(() => polite.job(jobId)?.durationMin === 60, 'and to be written back');
    expect(polite.closed).toBeNull();

    const a = await attacker();
    a.ws.send(frame(0, 9, withLength(new Uint8Array([0]))));
    expect(await closeCode(a)).toBe(1007);
    const b = await attacker();
    // Awareness whose state is not an object.
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 1);
    encoding.writeVarUint(e, 42);
    encoding.writeVarUint(e, 1);
    encoding.writeVarString(e, '"not an object"');
    b.ws.send(frame(1, withLength(encoding.toUint8Array(e))));
    expect(await closeCode(b)).toBe(1007);
    await roomIsFine(before);
  });

  it('nothing a socket sends after the frame it was closed for is applied', async () => {
    const before = JSON.stringify(bystander.schedules());
    const a = await attacker();
    // An unknown sync step (refused: the socket is closed), then a real edit right behind it,
    // already on its way when the room closes the socket.
    a.ws.send(frame(0, 9, withLength(new Uint8Array([0]))));
    a.ws.send(frame(0, 2, withLength(realUpdate(33))));
    expect(await closeCode(a)).toBe(1007);
    // Barrier: an edit from another socket, sent after the close reached the attacker (so after
    // its frames reached the room), reaches the bystander after anything the room sent before.
    const polite = await BoardClient.open('a.dispatcher', date);
    open.push(polite);
    await barrier(polite, bystander);
    expect(JSON.stringify(bystander.schedules())).toBe(before);
    await roomIsFine(before);
  });

  it('a flood from one client closes that client only', async () => {
    const before = JSON.stringify(bystander.schedules());
    const a = await attacker();
    // Sync step 1 asks the room for the whole doc: the costliest small frame there is.
    const step1 = frame(0, 0, withLength(Y.encodeStateVector(new Y.Doc())));
    for (let i = 0; i < 3000; i++) {
      try {
        a.ws.send(step1);
      } catch {
        break;
      }
    }
    expect(await closeCode(a)).toBe(1008);
    // A byte flood of allowed-size frames is cut off too (frames the room would otherwise ignore).
    const b = await attacker();
    const fat = frame(3, withLength(new Uint8Array(200 * 1024)));
    for (let i = 0; i < 40; i++) {
      try {
        b.ws.send(fat);
      } catch {
        break;
      }
    }
    expect(await closeCode(b)).toBe(1008);
    await roomIsFine(before);
  });
});
