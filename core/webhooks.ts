/**
 * Outgoing webhooks' rules: which events an endpoint may ask for, how long to wait before trying
 * a failed delivery again, and which addresses are refused. The events themselves are written by
 * triggers in libSQL (db/migrations/0011_webhook_triggers.sql), in the same transaction as the
 * change they tell of, whichever writer made it (the API, a board room, billing); the names there
 * are these.
 */

export const WEBHOOK_EVENTS = {
  'job.created': 'A job was created.',
  'job.scheduled': 'A job was placed, moved, reassigned or taken off the schedule.',
  'job.status_changed': 'A job moved along its lifecycle (en route, on site, paused, completed, ...).',
  'job.completed': 'A job was completed (also sent as job.status_changed).',
  'invoice.sent': 'An invoice was sent to the customer.',
  'invoice.paid': 'An invoice was paid in full.',
} as const;

export type WebhookEvent = keyof typeof WEBHOOK_EVENTS;
export const WEBHOOK_EVENT_NAMES = Object.keys(WEBHOOK_EVENTS) as WebhookEvent[];

/**
 * Waits after the 1st, 2nd, ... failed attempt: quick at first (a receiver restarting), then
 * spread over a day (a receiver down for the night). After the last the delivery is failed; the
 * delivery log's "send again" starts it over.
 */
export const RETRY_DELAYS_MS = [30_000, 2 * 60_000, 10 * 60_000, 30 * 60_000, 2 * 3_600_000, 6 * 3_600_000, 12 * 3_600_000];
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;

/** When to try again after `attempts` failed attempts, or null when there are no tries left. */
export function nextAttemptAt(attempts: number, now: number): number | null {
  const delay = RETRY_DELAYS_MS[attempts - 1];
  return delay === undefined ? null : now + delay;
}

/**
 * Why an endpoint's URL is refused, or null. Outside development, only https, and never a
 * private, loopback or link-local address (a webhook must not become a way to reach the
 * service's own network). Names are judged as written: a public name that resolves to a private
 * address is not caught here.
 */
export function refuseWebhookUrl(raw: string, allowPrivate: boolean): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'Not a URL.';
  }
  if (url.protocol !== 'https:' && !(allowPrivate && url.protocol === 'http:')) return 'Use an https:// address.';
  if (url.username || url.password) return 'Put no user name or password in the address; each delivery is signed instead.';
  if (!allowPrivate && isPrivateHost(url.hostname)) return 'Addresses on private, loopback or link-local networks are refused.';
  return null;
}

export function isPrivateHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local') || host.endsWith('.internal')) return true;
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (v4) {
    const [a, b] = [Number(v4[1]), Number(v4[2])];
    return (
      a === 0 ||
      a === 10 ||
      a === 127 ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 100 && b >= 64 && b <= 127)
    );
  }
  if (host.includes(':')) {
    // IPv6: loopback, unspecified, unique-local (fc00::/7), link-local (fe80::/10), and IPv4-mapped private ones.
    if (host === '::1' || host === '::') return true;
    if (/^f[cd][0-9a-f]{0,2}:/.test(host) || /^fe[89ab][0-9a-f]?:/.test(host)) return true;
    // IPv4-mapped: the URL parser writes ::ffff:10.0.0.1 as ::ffff:a00:1.
    const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host);
    if (!mapped) return false;
    const [hi, lo] = [Number.parseInt(mapped[1]!, 16), Number.parseInt(mapped[2]!, 16)];
    return isPrivateHost(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`);
  }
  return false;
}
