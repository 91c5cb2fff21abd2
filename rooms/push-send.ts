/**
 * One Web Push message to one device: the payload encrypted for the subscription (RFC 8291,
 * aes128gcm, by @block65/webcrypto-web-push's encryptNotification, which runs on WebCrypto
 * where `web-push` cannot), signed for the push service with the VAPID key (RFC 8292), and
 * what the push service answered, as the bookkeeping the subscription's row needs.
 *
 * The VAPID header is made here rather than by the library's vapidHeaders, which refuses every
 * endpoint that is not https. Real push services always are (RFC 8030), but a push service on
 * this machine (development, and the tests' loopback fake) is plain http; the API admits those
 * only on a loopback host (worker/push/subscriptions.ts), so nothing is ever signed in the clear
 * over a network.
 */
import { encryptNotification } from '@block65/webcrypto-web-push';
import { fromBase64Url, toBase64Url } from '../core/base64url.ts';
import type { PushPayload } from '../core/push-notices.ts';
import type { VapidKeys } from './push-keys.ts';

export interface PushSubscriptionRow {
  id: string;
  endpoint: string;
  p256dh: string;
  auth: string;
}

/** sent: the push service took it; gone: the subscription expired or was withdrawn (404/410); failed: anything else. */
export type Delivery = 'sent' | 'gone' | 'failed';

/** How long a push service keeps a message for a phone that is off: a change to today's work is stale by tomorrow. */
const TTL_SECONDS = 24 * 3600;
/** A push service that does not answer in this long counts as a failure. */
const TIMEOUT_MS = 10_000;

export async function deliver(sub: PushSubscriptionRow, payload: PushPayload, keys: VapidKeys): Promise<Delivery> {
  try {
    const body = await encryptNotification(
      { endpoint: sub.endpoint, expirationTime: null, keys: { p256dh: sub.p256dh, auth: sub.auth } },
      new TextEncoder().encode(JSON.stringify(payload)),
    );
    const res = await fetch(sub.endpoint, {
      method: 'POST',
      headers: {
        authorization: await vapidAuthorization(new URL(sub.endpoint).origin, keys),
        'content-encoding': 'aes128gcm',
        'content-type': 'application/octet-stream',
        ttl: String(TTL_SECONDS),
        urgency: 'high',
        // Messages of the same job replace each other at the push service while the phone is off.
        topic: payload.jobId.replace(/-/g, '').slice(0, 32),
      },
      body,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    await res.body?.cancel();
    if (res.ok) return 'sent';
    return res.status === 404 || res.status === 410 ? 'gone' : 'failed';
  } catch (e) {
    console.warn(`push to subscription ${sub.id} failed`, e);
    return 'failed';
  }
}

/** `vapid t=<JWT>, k=<public key>` (RFC 8292 §3): an ES256 JWT for the push service's origin, good for 12 hours. */
export async function vapidAuthorization(audience: string, keys: VapidKeys): Promise<string> {
  const point = fromBase64Url(keys.publicKey);
  if (point?.length !== 65) throw new Error('VAPID public key is not an uncompressed P-256 point');
  const key = await crypto.subtle.importKey(
    'jwk',
    { kty: 'EC', crv: 'P-256', x: toBase64Url(point.slice(1, 33)), y: toBase64Url(point.slice(33, 65)), d: keys.privateKey },
    { name: 'ECDSA', namedCurve: 'P-256' },
    false,
    ['sign'],
  );
  const part = (o: object) => toBase64Url(new TextEncoder().encode(JSON.stringify(o)));
  const unsigned = `${part({ typ: 'JWT', alg: 'ES256' })}.${part({ aud: audience, exp: Math.floor(Date.now() / 1000) + 12 * 3600, sub: keys.subject })}`;
  const signature = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key, new TextEncoder().encode(unsigned));
  return `vapid t=${unsigned}.${toBase64Url(signature)}, k=${keys.publicKey}`;
}
