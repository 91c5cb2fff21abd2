/**
 * Turning push notifications on and off on this phone (issue 12), for a toggle on the phone's
 * pages: `pushState()` says where this device stands, `enablePush()` asks the person's permission,
 * subscribes with the server's VAPID key (GET /api/push/key) and hands the subscription to the
 * Worker (POST /api/push/subscriptions), `disablePush()` takes it back (DELETE, then the browser's
 * own unsubscribe). Call `disablePush()` before signing out, so the next person on a shared phone
 * is not told of the last one's jobs. The service worker shows what arrives (lib/sw/push.ts).
 */
import { fromBase64Url } from '#core/base64url.ts';
import { ApiError, client } from '../api.ts';

/** unsupported: no service worker or Push API here (iOS Safari outside an installed app); denied: the person blocked notifications. */
export type PushState = 'unsupported' | 'denied' | 'off' | 'on';

function supported(): boolean {
  return typeof window !== 'undefined' && 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
}

async function registration(): Promise<ServiceWorkerRegistration> {
  return navigator.serviceWorker.ready;
}

export async function pushState(): Promise<PushState> {
  if (!supported()) return 'unsupported';
  if (Notification.permission === 'denied') return 'denied';
  const sub = await (await registration()).pushManager.getSubscription();
  return sub && Notification.permission === 'granted' ? 'on' : 'off';
}

/** The same key bytes? (A subscription made for another server key cannot be pushed to with this one.) */
function sameKey(a: ArrayBuffer | null | undefined, b: Uint8Array): boolean {
  if (!a || a.byteLength !== b.length) return false;
  const x = new Uint8Array(a);
  return x.every((v, i) => v === b[i]);
}

/**
 * Asks for permission (call it from a tap: browsers refuse a prompt nobody asked for), subscribes
 * this device and tells the Worker. Resolves to the state after; throws ApiError if the Worker
 * refused (409: the phone is subscribed for another organisation).
 */
export async function enablePush(): Promise<PushState> {
  if (!supported()) return 'unsupported';
  const permission = await Notification.requestPermission();
  if (permission !== 'granted') return permission === 'denied' ? 'denied' : 'off';
  const { data } = await client.GET('/api/push/key');
  const key = data ? fromBase64Url(data.publicKey) : null;
  if (!key) throw new ApiError(0, 'Push is not available', 'The server gave no push key.');
  const { pushManager } = await registration();
  let sub = await pushManager.getSubscription();
  // Made for another key (the server's keys changed): the push service would refuse our pushes.
  if (sub && !sameKey(sub.options.applicationServerKey, key)) {
    await sub.unsubscribe();
    sub = null;
  }
  sub ??= await pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
  const json = sub.toJSON();
  await client.POST('/api/push/subscriptions', {
    body: { endpoint: sub.endpoint, keys: { p256dh: json.keys?.p256dh ?? '', auth: json.keys?.auth ?? '' } },
  });
  return 'on';
}

/** Takes this device off the Worker's list and unsubscribes it in the browser. */
export async function disablePush(): Promise<PushState> {
  if (!supported()) return 'unsupported';
  const sub = await (await registration()).pushManager.getSubscription();
  if (sub) {
    await client.DELETE('/api/push/subscriptions', { body: { endpoint: sub.endpoint } });
    await sub.unsubscribe();
  }
  return Notification.permission === 'denied' ? 'denied' : 'off';
}
