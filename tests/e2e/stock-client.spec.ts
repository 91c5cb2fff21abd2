/**
 * The room protocol from outside, as a client that is not our app would speak it: a stock
 * y-websocket `WebsocketProvider` (Node, the `ws` package, Bearer auth) on the documented
 * board URL, while a technician's phone reports positions. The board's custom frames (text,
 * `__YPS:`) would make y-websocket throw; the room sends them only to clients that subscribe
 * (core/board-notices.ts), so the stock clients stay connected and converge.
 */
import { test, expect } from '@playwright/test';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { readBoard, placeJob } from '../../core/board-client.ts';
import { SUBSCRIBE_NOTICES } from '../../core/board-notices.ts';
import { addDays, localDateOf } from '../../core/time.ts';
import { DISPATCHER, TECHNICIAN, totpCode, type Person } from './fixtures.ts';

/** Signs in over plain HTTP as a script would (README) and returns the session token, for a Bearer header. */
async function sessionToken(base: string, who: Person): Promise<string> {
  const jar = new Map<string, string>();
  const call = async (path: string, body: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: base, cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') },
      body: JSON.stringify(body),
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const at = pair!.indexOf('=');
      jar.set(pair!.slice(0, at), pair!.slice(at + 1));
    }
    return (await res.json()) as { status?: string };
  };
  const first = await call('/api/auth/sign-in', { email: who.email, password: who.password });
  if (first.status === 'second-factor-required')
    await call('/api/auth/second-factor', { code: await totpCode(who.email, who.totpSecret!) });
  const token = jar.get('__Host-sb_session');
  if (!token) throw new Error(`no session for ${who.email}`);
  return token;
}

/** The `ws` WebSocket with our Bearer token and Origin on the handshake, as y-websocket's WebSocketPolyfill. */
function authedSocket(token: string, origin: string) {
  return class extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { headers: { authorization: `Bearer ${token}`, origin } });
    }
  } as unknown as typeof globalThis.WebSocket;
}

const until = async (cond: () => boolean, label: string) => {
  await expect.poll(cond, { message: label, timeout: 10_000 }).toBe(true);
};

test('a stock y-websocket client stays connected through technicians’ positions and converges', async ({ baseURL }) => {
  const base = baseURL!.replace('localhost', '127.0.0.1');
  const errors: unknown[] = [];
  const onError = (e: unknown) => errors.push(e);
  process.on('uncaughtException', onError);
  const providers: WebsocketProvider[] = [];
  const sockets: WebSocket[] = [];
  try {
    const dispatcher = await sessionToken(base, DISPATCHER);
    const technician = await sessionToken(base, TECHNICIAN);
    const me = (await (await fetch(`${base}/api/auth/me`, { headers: { authorization: `Bearer ${dispatcher}` } })).json()) as {
      timezone: string;
    };
    const day = addDays(localDateOf(Date.now(), me.timezone), 1);
    const wsBase = `${base.replace('http', 'ws')}/api/rooms/board`;

    const open = () => {
      const doc = new Y.Doc();
      const provider = new WebsocketProvider(wsBase, day, doc, { WebSocketPolyfill: authedSocket(dispatcher, base) });
      providers.push(provider);
      return { doc, provider };
    };
    const a = open();
    const b = open();
    await until(() => a.provider.synced && b.provider.synced, 'both stock clients to sync');

    // Our own board subscribes to the room's custom frames, so it sees the position arrive.
    const subscriber = new WebSocket(`${wsBase}/${day}`, { headers: { authorization: `Bearer ${dispatcher}`, origin: base } });
    sockets.push(subscriber);
    const notices: string[] = [];
    subscriber.on('message', (data, isBinary) => {
      if (!isBinary) notices.push(String(data));
    });
    await new Promise((resolve) => subscriber.once('open', resolve));
    subscriber.send(`__YPS:${JSON.stringify(SUBSCRIBE_NOTICES)}`);

    const phone = new WebSocket(`${base.replace('http', 'ws')}/api/rooms/technician/${day}`, {
      headers: { authorization: `Bearer ${technician}`, origin: base },
    });
    sockets.push(phone);
    await new Promise((resolve) => phone.once('open', resolve));
    phone.send(`__YPS:${JSON.stringify({ type: 'position', lat: 30.2672, lng: -97.7431, at: Date.now() })}`);
    await until(() => notices.some((n) => n.includes('"positions"')), 'the position to reach the subscribed board');

    // The room sent that notice to every subscribed socket at once; an edit made after it reaches
    // the stock clients after anything the room sent them before it.
    const job = Object.values(readBoard(a.doc).jobs).find((j) => j.technicianId && j.start != null && j.status === 'scheduled');
    expect(job, 'a scheduled job on that day').toBeTruthy();
    const placed = placeJob(a.doc, job!.id, { technicianId: job!.technicianId!, start: job!.start!, durationMin: job!.durationMin + 15 });
    expect(placed.ok).toBe(true);
    await until(() => readBoard(b.doc).jobs[job!.id]?.durationMin === job!.durationMin + 15, 'b to see a’s edit');
    expect(a.provider.wsconnected && b.provider.wsconnected).toBe(true);
    expect(errors).toEqual([]);
  } finally {
    process.off('uncaughtException', onError);
    for (const p of providers) p.destroy();
    for (const s of sockets) s.close();
  }
});
