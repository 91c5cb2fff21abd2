/**
 * Merging updates before they fan out to every socket. y-partyserver sends each doc update to
 * every connection the moment it is applied; with 100 dispatchers and phones on a board and
 * hundreds of edits a second, the room spends its time in sends (bench/realtime: about 18% of
 * the Worker's CPU per edit, growing with the number of sockets).
 *
 * Leading edge, then a window: an update after a quiet spell goes out at once (a lone drag is
 * never delayed); updates arriving within WINDOW_MS of the last send are merged into one Yjs
 * update (Y.mergeUpdates: same effect, one frame) and sent when the window ends. Yjs updates
 * commute and are idempotent, so merging changes no client's result, only how many frames
 * carry it. Nothing here is about durability: every update is stored before this runs, and
 * the frames wait for that storage anyway (the output gate).
 */
import * as Y from 'yjs';

export const WINDOW_MS = 5;

export function batchedFanOut(send: (update: Uint8Array) => void, windowMs = WINDOW_MS): (update: Uint8Array) => void {
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
    if (timer === null && now - lastSent >= windowMs) {
      lastSent = now;
      send(update);
      return;
    }
    pending.push(update);
    timer ??= setTimeout(flush, Math.max(0, windowMs - (now - lastSent)));
  };
}
