/**
 * Merging updates before they fan out to every socket. y-partyserver sends each doc update to
 * every connection the moment it is applied; with 100 dispatchers and phones on a board and
 * hundreds of edits a second, the room spends its time in sends: every frame out is a send,
 * a pass through workerd's WebSocket pump and a TCP write, per socket. In bench/realtime at
 * 100 sockets and 800 edits/s the room sent about twenty frames per frame it received, and
 * those sends were nearly half of the Worker process's CPU (perf, bench/realtime/steady.mjs).
 *
 * Leading edge, then a window: an update after a quiet spell goes out at once (a lone drag is
 * never delayed); updates arriving within the window of the last send are merged into one Yjs
 * update (Y.mergeUpdates: same effect, one frame) and sent when the window ends. Yjs updates
 * commute and are idempotent, so merging changes no client's result, only how many frames
 * carry it. Nothing here is about durability: the room commits every update before a send
 * (the group commit in rooms/board-room.ts), and the output gate holds frames until then.
 *
 * The window grows with the number of sockets once the sends would pass SEND_BUDGET frames a
 * second (sockets x edits a second), since a flush costs a send per socket: then 0.2 ms per
 * socket (20 ms at 100), at most MAX_WINDOW_MS, which keeps the sends near SEND_BUDGET however
 * busy the board is. Below that, or with up to 25 sockets, it stays WINDOW_MS: a quiet board
 * with many watchers pays no extra delay.
 */
import * as Y from 'yjs';

export const WINDOW_MS = 5;
export const MAX_WINDOW_MS = 25;
/** Frames a second the room may send before it merges over a longer window. */
export const SEND_BUDGET = 5000;
const MS_PER_SOCKET = 1000 / SEND_BUDGET;

/** The merge window for a room with this many sockets, receiving this many updates a second. */
export function windowFor(sockets: number, updatesPerSecond: number): number {
  if (sockets * updatesPerSecond <= SEND_BUDGET) return WINDOW_MS;
  return Math.min(MAX_WINDOW_MS, Math.max(WINDOW_MS, sockets * MS_PER_SOCKET));
}

/**
 * `windowMs`: a fixed window, or a function asked at each decision with the updates a second
 * seen lately (the last whole second's count, or the current second's so far if higher).
 */
export function batchedFanOut(
  send: (update: Uint8Array) => void,
  windowMs: number | ((updatesPerSecond: number) => number) = WINDOW_MS,
): (update: Uint8Array) => void {
  let secondStart = -Infinity;
  let inSecond = 0;
  let lastSecond = 0;
  const window = typeof windowMs === 'number' ? () => windowMs : () => windowMs(Math.max(lastSecond, inSecond));
  let pending: Uint8Array[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;
  let lastSent = -Infinity;
  const flush = () => {
    timer = null;
    const merged = pending.length === 1 ? pending[0]! : Y.mergeUpdates(pending);
    pending = [];
    lastSent = Date.now();
    send(merged);
  };
  return (update) => {
    const now = Date.now();
    if (now - secondStart >= 1000) {
      // A gap of more than a second since the last one counts as a quiet second.
      lastSecond = now - secondStart < 2000 ? inSecond : 0;
      secondStart = now;
      inSecond = 0;
    }
    inSecond++;
    if (timer === null && now - lastSent >= window()) {
      lastSent = now;
      send(update);
      return;
    }
    pending.push(update);
    timer ??= setTimeout(flush, Math.max(0, window() - (now - lastSent)));
  };
}

/**
 * y-partyserver's onStart registers, on the doc's 'update' event, the handler that sends each
 * update to every connection. There is no option to batch it, so while `start` runs that one
 * registration (the first 'update' handler that `isTheirs` picks out) goes through
 * batchedFanOut, with `guard` around each send (the room's group commit). If a y-partyserver
 * upgrade registers differently, the wrap does not happen and `wrapped` is never called: the
 * room then commits clients' edits one by one, unbatched but just as durable.
 */
export async function wrapFanOut(
  doc: { on: (name: 'update', f: (update: Uint8Array, ...rest: any[]) => void) => void },
  isTheirs: (f: (...args: any[]) => void) => boolean,
  guard: (send: (update: Uint8Array) => void) => (update: Uint8Array) => void,
  windowMs: (updatesPerSecond: number) => number,
  wrapped: () => void,
  start: () => Promise<void>,
): Promise<void> {
  const on = doc.on;
  let done = false;
  doc.on = ((name: string, f: (...args: any[]) => void) => {
    if (name === 'update' && !done && isTheirs(f)) {
      done = true;
      wrapped();
      const send = batchedFanOut(guard(f), windowMs);
      return on.call(doc, 'update', (update: Uint8Array) => send(update));
    }
    return on.call(doc, name as 'update', f);
  }) as typeof doc.on;
  try {
    await start();
  } finally {
    doc.on = on;
  }
}
