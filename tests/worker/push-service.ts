/**
 * A push service on 127.0.0.1 for the push tests, with the browser behind it: it makes each
 * device's subscription (an ECDH P-256 key pair and a 16-byte auth secret, as a browser's
 * PushManager.subscribe does), and when the Worker posts a message to a device's endpoint it
 * checks the VAPID authorization (RFC 8292: an ES256 JWT for this origin, signed by the key it
 * names) and decrypts the body as the browser would (RFC 8291 aes128gcm, node:crypto, written
 * apart from the Worker's WebCrypto code it checks). Started by the worker project's global
 * setup (workerd tests cannot listen), which hands its URL to the tests (`pushServiceUrl`).
 *
 * Its control routes, for the tests:
 *   POST /devices                      -> {id, endpoint, keys: {p256dh, auth}}, a new device
 *   PUT  /devices/{id}/answer          body: the status its endpoint answers from now on (201 by default)
 *   GET  /devices/{id}/messages?count=n -> [{payload, vapidKey, ttl, topic, urgency} | {error}], once it has n (or after 20 s)
 *   GET  /deliveries                   -> how many posts reached any endpoint so far
 */
import { createDecipheriv, createECDH, createHmac, createPublicKey, randomBytes, verify } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

interface Received {
  payload?: unknown;
  vapidKey?: string;
  ttl?: string | undefined;
  topic?: string | undefined;
  urgency?: string | undefined;
  error?: string;
}

interface Device {
  ecdh: ReturnType<typeof createECDH>;
  auth: Buffer;
  answer: number;
  messages: Received[];
  /** Long polls waiting for the device to have `count` messages. */
  waiters: { count: number; resolve: () => void }[];
}

const b64u = (b: Buffer) => b.toString('base64url');
const hmac = (key: Buffer, data: Buffer) => createHmac('sha256', key).update(data).digest();

/** RFC 8291 §3.4 and RFC 8188 §2: the user agent's side. */
function decrypt(device: Device, body: Buffer): unknown {
  const salt = body.subarray(0, 16);
  const idLength = body[20]!;
  const serverPublic = body.subarray(21, 21 + idLength);
  const record = body.subarray(21 + idLength);
  const uaPublic = device.ecdh.getPublicKey();
  const ecdhSecret = device.ecdh.computeSecret(serverPublic);
  const prkKey = hmac(device.auth, ecdhSecret);
  const ikm = hmac(prkKey, Buffer.concat([Buffer.from('WebPush: info\0'), uaPublic, serverPublic, Buffer.from([1])]));
  const prk = hmac(salt, ikm);
  const cek = hmac(prk, Buffer.from('Content-Encoding: aes128gcm\0\x01')).subarray(0, 16);
  const nonce = hmac(prk, Buffer.from('Content-Encoding: nonce\0\x01')).subarray(0, 12);
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(record.subarray(record.length - 16));
  const padded = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  if (padded[end] !== 2) throw new Error('not the last record (no 0x02 delimiter)');
  return JSON.parse(padded.subarray(0, end).toString('utf8'));
}

/** RFC 8292 §3: `vapid t=<jwt>, k=<key>`, the JWT ES256-signed by k, for this origin, not expired. */
function checkVapid(header: string | undefined, origin: string): string {
  const m = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(header ?? '');
  if (!m) throw new Error(`authorization is not vapid: ${header}`);
  const [, jwt, k] = m as unknown as [string, string, string];
  const [head, claims, signature] = jwt.split('.') as [string, string, string];
  const point = Buffer.from(k, 'base64url');
  const key = createPublicKey({
    key: { kty: 'EC', crv: 'P-256', x: b64u(point.subarray(1, 33)), y: b64u(point.subarray(33, 65)) },
    format: 'jwk',
  });
  const ok = verify('sha256', Buffer.from(`${head}.${claims}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url'));
  if (!ok) throw new Error('VAPID signature does not verify');
  const { alg } = JSON.parse(Buffer.from(head, 'base64url').toString());
  const { aud, exp, sub } = JSON.parse(Buffer.from(claims, 'base64url').toString());
  const now = Date.now() / 1000;
  if (alg !== 'ES256' || aud !== origin || !(exp > now && exp <= now + 24 * 3600) || !/^(mailto:|https:)/.test(sub))
    throw new Error(`bad VAPID claims: ${claims}`);
  return k;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export async function startPushService(): Promise<{ url: string; stop: () => Promise<void> }> {
  const devices = new Map<string, Device>();
  let deliveries = 0;
  let origin = '';
  const send = (res: ServerResponse, status: number, body?: unknown) => {
    res.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json' });
    res.end(body === undefined ? undefined : JSON.stringify(body));
  };
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', origin);
    const parts = url.pathname.split('/').filter(Boolean);
    const device = parts[1] ? devices.get(parts[1]) : undefined;
    if (req.method === 'POST' && url.pathname === '/devices') {
      const id = crypto.randomUUID();
      const ecdh = createECDH('prime256v1');
      ecdh.generateKeys();
      const auth = randomBytes(16);
      devices.set(id, { ecdh, auth, answer: 201, messages: [], waiters: [] });
      return send(res, 201, { id, endpoint: `${origin}/push/${id}`, keys: { p256dh: b64u(ecdh.getPublicKey()), auth: b64u(auth) } });
    }
    if (req.method === 'GET' && url.pathname === '/deliveries') return send(res, 200, { deliveries });
    if (parts[0] === 'devices' && device && req.method === 'PUT' && parts[2] === 'answer') {
      device.answer = Number((await readBody(req)).toString());
      return send(res, 204);
    }
    if (parts[0] === 'devices' && device && req.method === 'GET' && parts[2] === 'messages') {
      const count = Number(url.searchParams.get('count') ?? 0);
      if (device.messages.length < count) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 20_000);
          device.waiters.push({
            count,
            resolve: () => {
              clearTimeout(timer);
              resolve();
            },
          });
        });
      }
      return send(res, 200, device.messages);
    }
    if (parts[0] === 'push' && req.method === 'POST') {
      deliveries++;
      const body = await readBody(req);
      if (!device) return send(res, 404);
      let received: Received;
      try {
        if (req.headers['content-encoding'] !== 'aes128gcm') throw new Error(`content-encoding ${req.headers['content-encoding']}`);
        const vapidKey = checkVapid(req.headers.authorization, origin);
        received = {
          payload: decrypt(device, body),
          vapidKey,
          ttl: req.headers.ttl as string | undefined,
          topic: req.headers.topic as string | undefined,
          urgency: req.headers.urgency as string | undefined,
        };
      } catch (e) {
        received = { error: String(e) };
      }
      device.messages.push(received);
      for (const w of device.waiters.splice(0)) {
        if (device.messages.length >= w.count) w.resolve();
        else device.waiters.push(w);
      }
      return send(res, received.error ? 400 : device.answer);
    }
    send(res, 404);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: origin,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    pushServiceUrl: string;
  }
}
