/**
 * The manager's numbers, live: one WebSocket to the org's room (`/api/rooms/org`,
 * rooms/org-room.ts) for the whole app, open while anyone subscribes. The room sends a
 * `kpis.changed` notice (core/kpi-pulse.ts) after a completion, an invoice or a payment anywhere
 * in the org; it carries no numbers, so a subscriber reads them again from the API.
 *
 * While subscribed, a dropped socket is opened again with backoff (0.5 s doubling to 30 s, with
 * jitter; at once when the browser comes back online). Every open, the first included, is
 * reported as 'connected': notices sent while the socket was not there are lost, so whatever a
 * subscriber read before may be stale (the first read of a page races the first open the same
 * way). A close for a reason reconnecting cannot fix (the session ended, access changed:
 * core/room-close.ts) stops the retries; the page's next API call meets the same refusal and
 * the app handles it there. When the last subscriber leaves, the socket closes and no timer or
 * listener is left behind.
 */
import { parseKpisChanged, type KpiChange } from '#core/kpi-pulse.ts';
import { roomCloseOf } from '#core/room-close.ts';

/** What a subscriber hears: a kind of change, or 'connected' when the socket (re)opened. */
export type KpiPulse = KpiChange | 'connected';

const PATH = '/api/rooms/org';
const BASE_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 30_000;

const listeners = new Set<(what: KpiPulse) => void>();
let socket: WebSocket | null = null;
let retry: ReturnType<typeof setTimeout> | undefined;
/** Opens that failed or dropped in a row: the next wait grows with it. */
let failures = 0;
/** A close said not to come back (core/room-close.ts): no more attempts until everyone has left. */
let ended = false;

function tell(what: KpiPulse): void {
  for (const listener of [...listeners]) {
    try {
      listener(what);
    } catch (e) {
      console.error('KPI subscriber failed', e);
    }
  }
}

function connect(): void {
  retry = undefined;
  if (!listeners.size || ended || socket) return;
  const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${PATH}`);
  socket = ws;
  ws.addEventListener('open', () => {
    failures = 0;
    tell('connected');
  });
  ws.addEventListener('message', (event) => {
    const notice = parseKpisChanged(event.data);
    if (notice) tell(notice.what);
  });
  ws.addEventListener('close', (event) => {
    if (socket !== ws) return;
    socket = null;
    if (roomCloseOf(event.code)) {
      ended = true;
      return;
    }
    scheduleRetry();
  });
}

function scheduleRetry(): void {
  if (!listeners.size || ended || retry !== undefined) return;
  failures++;
  const ceiling = Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** (failures - 1));
  retry = setTimeout(connect, ceiling / 2 + Math.random() * (ceiling / 2));
}

/** Back online: try now rather than at the end of a long wait. */
function onOnline(): void {
  if (retry === undefined) return;
  clearTimeout(retry);
  connect();
}

/**
 * Calls `onChange` on each notice of the org's room, and with 'connected' each time the socket
 * opens; returns the unsubscribe. Subscribers share one socket.
 */
export function subscribeKpis(onChange: (what: KpiPulse) => void): () => void {
  // A fresh listener (not a second subscription of the same function, which a Set would merge).
  const listener = (what: KpiPulse) => onChange(what);
  listeners.add(listener);
  if (listeners.size === 1) {
    ended = false;
    failures = 0;
    addEventListener('online', onOnline);
    connect();
  }
  return () => {
    if (!listeners.delete(listener) || listeners.size) return;
    removeEventListener('online', onOnline);
    clearTimeout(retry);
    retry = undefined;
    const ws = socket;
    socket = null;
    ws?.close(1000, 'no one is listening');
  };
}
