/**
 * A stand-in for Sentry on 127.0.0.1, for the error-tracking tests: it takes the envelopes the
 * SDK posts to a DSN's project (POST /api/{project}/envelope/) and keeps their events. Started by
 * the worker project's global setup, which hands its DSN to the Worker as SENTRY_DSN.
 *
 *   GET /events?count=n  -> the events so far, once there are n (or after 20 s)
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export async function startSentryReceiver() {
  const events: unknown[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://sentry');
    if (req.method === 'GET' && url.pathname === '/events') {
      const count = Number(url.searchParams.get('count') ?? 0);
      const answer = () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(events));
      if (events.length >= count) return answer();
      const timer = setTimeout(answer, 20_000);
      waiters.push({
        count,
        resolve: () => {
          clearTimeout(timer);
          answer();
        },
      });
      return;
    }
    if (req.method === 'POST' && /^\/api\/\d+\/envelope\/?$/.test(url.pathname)) {
      let text = '';
      req.on('data', (c) => (text += c));
      req.on('end', () => {
        // An envelope: a header line, then for each item its header line and its payload line.
        const lines = text.split('\n');
        for (let i = 1; i + 1 < lines.length; i += 2) {
          const item = JSON.parse(lines[i]!);
          if (item.type === 'event') events.push(JSON.parse(lines[i + 1]!));
        }
        const ready = waiters.filter((w) => events.length >= w.count);
        waiters.splice(0, waiters.length, ...waiters.filter((w) => events.length < w.count));
        for (const w of ready) w.resolve();
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    dsn: `http://public@127.0.0.1:${port}/1`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    sentryUrl: string;
    sentryDsn: string;
  }
}
