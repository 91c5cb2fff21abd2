/**
 * base64url (RFC 4648 §5, no padding): how Web Push spells its keys (VAPID, a subscription's
 * p256dh and auth) and JWTs their parts. Shared by the Worker, the rooms and the phone.
 */

export function toBase64Url(bytes: Uint8Array | ArrayBuffer): string {
  let binary = '';
  for (const byte of bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The bytes of base64url (or standard base64, padded or not); null for anything else. */
export function fromBase64Url(text: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(text)) return null;
  try {
    return Uint8Array.from(atob(text.replace(/-/g, '+').replace(/_/g, '/')), (ch) => ch.charCodeAt(0));
  } catch {
    return null;
  }
}
