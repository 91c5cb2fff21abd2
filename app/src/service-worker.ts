/**
 * The app's service worker (SvelteKit's own: Kit builds this file to /service-worker.js and
 * registers it). What it is for: the technician's phone opens with no signal.
 *
 * - Install: precache the app shell of this build, the SPA fallback page and every built chunk
 *   and static file ($app/manifest), in a cache named after the build, so an offline reload of
 *   any page (/field, /field/jobs/…) gets the fallback page, which boots the app from cache.
 * - Fetch: navigations go to the network first (a new build's page when there is signal) and
 *   fall back to the cached page; built files and static files come from the cache. The API is
 *   never cached here: the phone keeps its data in IndexedDB (lib/field/), where the pages can
 *   tell what is fresh, and an API answer kept by a cache would be shown as if it were.
 * - Background Sync: the outbox is replayed from here too (lib/field/replayer.ts), so actions go
 *   out when signal returns even with the app closed, where the browser supports it.
 * - Push: the push engineer's handlers (lib/sw/push.ts).
 */
import { self } from '$app/service-worker';
import { assets, immutable } from '$app/manifest';
import { version } from '$app/env';
import { readKv } from '#lib/field/db.ts';
import { replayOutbox, SYNC_TAG } from '#lib/field/replayer.ts';
import { onNotificationClick, onPush } from '#lib/sw/push.ts';

// The self of '$app/service-worker' is typed only under Kit's service-worker tsconfig; the app's
// tsconfig has the DOM library, so the few service-worker types used here are named locally.
interface ExtendableEvent extends Event {
  waitUntil(p: Promise<unknown>): void;
}
interface FetchEvent extends ExtendableEvent {
  request: Request;
  respondWith(r: Response | Promise<Response>): void;
}
interface SyncEvent extends ExtendableEvent {
  tag: string;
}
interface Scope {
  location: Location;
  skipWaiting(): Promise<void>;
  clients: { claim(): Promise<void>; matchAll(o?: { type?: string }): Promise<{ postMessage(m: unknown): void }[]> };
  addEventListener(type: string, fn: (e: never) => void): void;
}
const sw = self as unknown as Scope;

const CACHE = `switchboard-${version}`;
/** The SPA fallback: the Worker's static assets serve index.html at /. */
const SHELL = '/';
const abs = (p: string) => (p.startsWith('/') ? p : `/${p}`);
// The API reference's bundle is for the office's desktop, not the phone.
const PRECACHE = [
  SHELL,
  ...immutable.map((f) => abs(f.path)),
  ...assets.map((f) => abs(f.path)).filter((p) => !p.startsWith('/api-reference/')),
];
const PRECACHED = new Set(PRECACHE);
/** A navigation that gets no answer this quickly (a signal that comes and goes) opens from the cache. */
const NAVIGATION_WAIT_MS = 3_000;

sw.addEventListener('install', (event: ExtendableEvent) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(PRECACHE))
      .then(() => sw.skipWaiting()),
  );
});

sw.addEventListener('activate', (event: ExtendableEvent) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) if (key !== CACHE && key.startsWith('switchboard-')) await caches.delete(key);
      await sw.clients.claim();
    })(),
  );
});

async function fromCache(path: string): Promise<Response | undefined> {
  return (await caches.open(CACHE)).match(path);
}

async function navigation(request: Request): Promise<Response> {
  const network = fetch(request);
  const timeout = new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), NAVIGATION_WAIT_MS));
  try {
    const res = await Promise.race([network, timeout]);
    if (res) return res;
  } catch {
    // No signal: the cached shell below.
  }
  const shell = await fromCache(SHELL);
  return shell ?? network;
}

sw.addEventListener('fetch', (event: FetchEvent) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== sw.location.origin || url.pathname.startsWith('/api/')) return;
  if (request.mode === 'navigate') {
    event.respondWith(navigation(request));
    return;
  }
  if (PRECACHED.has(url.pathname)) {
    event.respondWith(fromCache(url.pathname).then((hit) => hit ?? fetch(request)));
  }
});

sw.addEventListener('sync', (event: SyncEvent) => {
  if (event.tag !== SYNC_TAG) return;
  event.waitUntil(
    (async () => {
      const me = await readKv<{ userId: string }>('me');
      if (!me) return;
      const report = await replayOutbox(me.userId);
      for (const client of await sw.clients.matchAll({ type: 'window' })) client.postMessage({ type: 'outbox-replayed' });
      // Still waiting: reject, so the browser schedules the sync again.
      if (report.stoppedAt) throw new Error('outbox not fully delivered');
    })(),
  );
});

// Push (issue 12 item 8): the push engineer's handlers show a job's notice and open the job when tapped.
sw.addEventListener('push', onPush);
sw.addEventListener('notificationclick', onNotificationClick);
