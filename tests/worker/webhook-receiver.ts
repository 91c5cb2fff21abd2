/**
 * A webhook receiver on 127.0.0.1 for the webhook tests, started by the worker project's global
 * setup (workerd tests cannot listen) and handed to them as `webhookReceiverUrl`. It verifies
 * each delivery's Standard Webhooks signature itself, with the endpoint's secret the test gives
 * it, and can be told to fail the first attempts.
 *
 *   PUT  /receivers/{name}          body {secret, failFirst}: expect deliveries at /hooks/{name}
 *   POST /hooks/{name}              a delivery: 500 for the first `failFirst`, then 204; 401 if the signature is wrong
 *   GET  /receivers/{name}?count=n  -> [{id, timestamp, verified, answered, body}], once it has n (or after 20 s)
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

interface Attempt {
  id: string | undefined;
  timestamp: string | undefined;
  verified: boolean;
  answered: number;
  body: unknown;
}
interface Receiver {
  secret: string;
  failFirst: number;
  attempts: Attempt[];
  waiters: { count: number; resolve: () => void }[];
}

const read = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => resolve(text));
  });

export async function startWebhookReceiver() {
  const receivers = new Map<string, Receiver>();
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://receiver');
    const [, kind, name] = url.pathname.split('/');
    const body = await read(req);
    if (kind === 'receivers' && name && req.method === 'PUT') {
      const { secret, failFirst = 0 } = JSON.parse(body);
      receivers.set(name, { secret, failFirst, attempts: [], waiters: [] });
      return res.writeHead(204).end();
    }
    const r = name ? receivers.get(name) : undefined;
    if (!r) return res.writeHead(404).end();
    if (kind === 'receivers' && req.method === 'GET') {
      const count = Number(url.searchParams.get('count') ?? 0);
      if (r.attempts.length < count) {
        await Promise.race([
          new Promise<void>((resolve) => r.waiters.push({ count, resolve })),
          new Promise((resolve) => setTimeout(resolve, 20_000)),
        ]);
      }
      return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(r.attempts));
    }
    if (kind === 'hooks' && req.method === 'POST') {
      let verified = false;
      try {
        new Webhook(r.secret).verify(body, req.headers as Record<string, string>);
        verified = true;
      } catch {}
      const answered = !verified ? 401 : r.attempts.filter((a) => a.verified).length < r.failFirst ? 500 : 204;
      r.attempts.push({
        id: req.headers['webhook-id'] as string | undefined,
        timestamp: req.headers['webhook-timestamp'] as string | undefined,
        verified,
        answered,
        body: JSON.parse(body),
      });
      for (const w of r.waiters.filter((w) => r.attempts.length >= w.count)) w.resolve();
      return res.writeHead(answered).end(answered === 500 ? 'Receiver restarting' : '');
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    webhookReceiverUrl: string;
  }
}
