// Signs in as the demo dispatcher the way the app does: password, then (office roles have it
// enrolled in the demo seed) a TOTP code from the documented demo secret. Returns the
// `__Host-sb_session=...` cookie to send with every request.
import { createHmac } from 'node:crypto';
import { DEMO_PASSWORD, DEMO_TOTP_SECRET } from '../../db/seed/index.ts';

const EMAIL = 'dispatch@demo.switchboard.test';

/** RFC 6238 code (HMAC-SHA1, 30 s steps, 6 digits) for a base32 secret. */
export function totp(base32, at = Date.now()) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of base32.replace(/=+$/, '').toUpperCase()) bits += alphabet.indexOf(ch).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 30_000)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

const cookieNamed = (res, name) =>
  res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .find((c) => c.startsWith(`${name}=`));

export async function signInDispatcher(url) {
  const post = (path, body, cookie) =>
    fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: url, ...(cookie ? { cookie } : {}) },
      body: JSON.stringify(body),
    });
  let res = await post('/api/auth/sign-in', { email: EMAIL, password: DEMO_PASSWORD });
  let body = await res.text();
  if (!res.ok) throw new Error(`sign-in answered ${res.status}: ${body.slice(0, 300)}`);
  if (JSON.parse(body).status === 'second-factor-required') {
    const attempt = cookieNamed(res, '__Host-sb_attempt');
    res = await post('/api/auth/second-factor', { code: totp(DEMO_TOTP_SECRET) }, attempt);
    body = await res.text();
    if (!res.ok) throw new Error(`second factor answered ${res.status}: ${body.slice(0, 300)}`);
  }
  const session = cookieNamed(res, '__Host-sb_session');
  if (!session) throw new Error(`sign-in set no __Host-sb_session cookie: ${body.slice(0, 300)}`);
  return session;
}
