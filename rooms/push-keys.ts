/**
 * The Web Push application server's key pair (VAPID, RFC 8292): its public half goes to every
 * phone that subscribes (GET /api/push/key, worker/push/), its private half signs every push
 * the board rooms send (rooms/push-send.ts). Both must see the same pair on every request and in
 * every isolate, or a phone's subscription stops working.
 *
 * Production sets VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY as secrets, and VAPID_SUBJECT (a mailto:
 * or https: contact the push services may use); see the README. Development and the tests set
 * none: the first use makes a pair and keeps it in libSQL (`vapid_keys`, one row), and every
 * later use, in any isolate, reads that row. Why libSQL and not a Durable Object's storage: the
 * Worker and every board room already reach libSQL, and the keys then live with the
 * subscriptions made against them, so deleting the development database (.data/) drops both
 * together; a pair kept in a Durable Object (.wrangler/state) could outlive or be lost apart from
 * them, leaving subscriptions no key can sign for. Two isolates making a pair at once both insert
 * "or ignore" and read back the row that won.
 */
import type { Client } from '@libsql/client/web';
import { toBase64Url } from '../core/base64url.ts';
import type { RoomEnv } from './env.ts';

export interface VapidKeys {
  /** The uncompressed P-256 point (65 bytes), base64url: the phone's applicationServerKey. */
  publicKey: string;
  /** The private scalar `d` (32 bytes), base64url. */
  privateKey: string;
  /** Who runs this server, for the push services (the JWT's `sub`). */
  subject: string;
}

type VapidEnv = Pick<RoomEnv, 'VAPID_PUBLIC_KEY' | 'VAPID_PRIVATE_KEY' | 'VAPID_SUBJECT'>;

/** Development's contact: push services want a mailto: or https: URL, and read it only when something goes wrong. */
const DEV_SUBJECT = 'mailto:push@switchboard.invalid';

/** The pair read from libSQL, once per isolate (it never changes once made). */
let kept: Promise<Omit<VapidKeys, 'subject'>> | undefined;

/** The configured pair, or development's own (made once, kept in libSQL). */
export async function vapidKeys(env: VapidEnv, libsql: Pick<Client, 'batch'>): Promise<VapidKeys> {
  const { VAPID_PUBLIC_KEY: publicKey, VAPID_PRIVATE_KEY: privateKey } = env;
  const subject = env.VAPID_SUBJECT || DEV_SUBJECT;
  if (publicKey || privateKey) {
    if (!publicKey || !privateKey) throw new Error('VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY are set together or not at all');
    return { publicKey, privateKey, subject };
  }
  kept ??= keptPair(libsql).catch((e: unknown) => {
    kept = undefined; // libSQL away: the next use tries again
    throw e;
  });
  return { ...(await kept), subject };
}

/** Reads the kept pair, making it first if there is none: one libSQL round trip either way. */
async function keptPair(libsql: Pick<Client, 'batch'>): Promise<Omit<VapidKeys, 'subject'>> {
  const made = await newPair();
  const [, read] = await libsql.batch(
    [
      {
        sql: 'insert into vapid_keys (id, public_key, private_key, created_at) values (1, ?, ?, ?) on conflict (id) do nothing',
        args: [made.publicKey, made.privateKey, Date.now()],
      },
      'select public_key, private_key from vapid_keys where id = 1',
    ],
    'write',
  );
  const row = read!.rows[0]!;
  return { publicKey: String(row.public_key), privateKey: String(row.private_key) };
}

/** A fresh P-256 pair in VAPID's spelling. */
export async function newPair(): Promise<Omit<VapidKeys, 'subject'>> {
  const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const raw = (await crypto.subtle.exportKey('raw', pair.publicKey)) as ArrayBuffer;
  const jwk = (await crypto.subtle.exportKey('jwk', pair.privateKey)) as JsonWebKey;
  return { publicKey: toBase64Url(raw), privateKey: jwk.d! };
}
