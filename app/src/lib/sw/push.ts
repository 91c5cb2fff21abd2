/**
 * The service worker's side of Web Push (issue 12): app/src/service-worker.ts registers these two
 * handlers. A push from the Worker (rooms/outbox-push.ts) carries the JSON core/push-notices.ts
 * makes, {title, body, url, jobId, kind}; the browser has decrypted it already.
 *
 * onPush shows it, one notification per job (tag): a job moved twice shows its latest words, not
 * two. Every push shows something: Chromium's subscriptions are userVisibleOnly, and a push that
 * shows nothing gets the browser's own "updated in the background" instead.
 *
 * onNotificationClick opens the job: a window of the app already showing it is focused; another
 * window of the app is focused and taken there; with none, a new one opens.
 */
import type { PushKind, PushPayload } from '#core/push-notices.ts';
import { PUSH_KINDS } from '#core/push-notices.ts';

// The app's tsconfig has the DOM library, not the service worker's, so the few types used here
// are named locally (as app/src/service-worker.ts does).
interface ExtendableEvent extends Event {
  waitUntil(p: Promise<unknown>): void;
}
export interface PushEvent extends ExtendableEvent {
  data: { text(): string } | null;
}
export interface NotificationClickEvent extends ExtendableEvent {
  notification: { data: unknown; close(): void };
}
interface WindowClient {
  url: string;
  focus(): Promise<WindowClient>;
  navigate(url: string): Promise<WindowClient | null>;
}
interface Scope {
  location: Location;
  registration: { showNotification(title: string, options: NotificationOptions & { data?: unknown }): Promise<void> };
  clients: {
    matchAll(o: { type: 'window'; includeUncontrolled: boolean }): Promise<WindowClient[]>;
    openWindow(url: string): Promise<WindowClient | null>;
  };
}
const sw = globalThis as unknown as Scope;

/** What the notification keeps for its click. */
interface NoticeData {
  url: string;
  jobId: string | null;
  kind: PushKind | null;
}

/** Where a tap may go: a page of this app (a path), never another site; anything else opens My day. */
function safePath(url: unknown): string {
  return typeof url === 'string' && url.startsWith('/') && !url.startsWith('//') ? url : '/field';
}

/** The push's payload, or words of our own when it has none we can read. */
export function readPush(data: PushEvent['data']): { title: string; options: NotificationOptions & { data: NoticeData } } {
  let p: Partial<PushPayload> = {};
  try {
    const parsed = data ? JSON.parse(data.text()) : null;
    if (parsed && typeof parsed === 'object') p = parsed as Partial<PushPayload>;
  } catch {
    // Not JSON: the general words below.
  }
  const jobId = typeof p.jobId === 'string' ? p.jobId : null;
  const kind = PUSH_KINDS.find((k) => k === p.kind) ?? null;
  return {
    title: typeof p.title === 'string' && p.title ? p.title : 'Your day changed',
    options: {
      body: typeof p.body === 'string' ? p.body : 'Open Switchboard to see your jobs.',
      tag: jobId ? `job-${jobId}` : 'switchboard',
      icon: '/icons/icon-192.png',
      badge: '/icons/icon-192.png',
      data: { url: safePath(p.url), jobId, kind },
    },
  };
}

export function onPush(event: PushEvent): void {
  const { title, options } = readPush(event.data);
  event.waitUntil(sw.registration.showNotification(title, options));
}

export function onNotificationClick(event: NotificationClickEvent): void {
  event.notification.close();
  const path = safePath((event.notification.data as Partial<NoticeData> | null)?.url);
  const target = new URL(path, sw.location.origin).href;
  event.waitUntil(
    (async () => {
      const windows = (await sw.clients.matchAll({ type: 'window', includeUncontrolled: true })).filter(
        (c) => new URL(c.url).origin === sw.location.origin,
      );
      const showing = windows.find((c) => c.url === target);
      if (showing) {
        await showing.focus();
        return;
      }
      const open = windows[0];
      if (open) {
        const focused = await open.focus();
        // navigate() works only for a window this worker controls; otherwise open a new one.
        if (await focused.navigate(target).catch(() => null)) return;
      }
      await sw.clients.openWindow(target);
    })(),
  );
}
