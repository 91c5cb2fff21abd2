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
 * The window grows with the number of sockets, since a flush costs a send per socket:
 * WINDOW_MS up to 25 sockets, then 0.2 ms per socket (20 ms at 100), at most MAX_WINDOW_MS.
 * That bounds the room's sends near 5,000 frames a second however busy the board is; the
 * delay it adds is paid only while edits arrive faster than one per window.
 */
import * as Y from 'yjs';

export const WINDOW_MS = 5;
export const MAX_WINDOW_MS = 25;
const MS_PER_SOCKET = 0.2;

/** The merge window for a room with this many sockets. */
export function windowFor(sockets: number): number {
  return Math.min(MAX_WINDOW_MS, Math.max(WINDOW_MS, sockets * MS_PER_SOCKET));
}

/** `windowMs`: a fixed window, or a function asked at each decision (see windowFor). */
export function batchedFanOut(send: (update: Uint8Array) => void, windowMs: number | (() => number) = WINDOW_MS): (update: Uint8Array) => void {
  const window = typeof windowMs === 'number' ? () => windowMs : windowMs;
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
    if (timer === null && now - lastSent >= window()) {
      lastSent = now;
      send(update);
      return;
    }
    pending.push(update);
    timer ??= setTimeout(flush, Math.max(0, window() - (now - lastSent)));
  };
}
