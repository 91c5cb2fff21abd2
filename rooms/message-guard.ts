/**
 * What a room accepts off the wire, checked before y-partyserver sees a frame.
 *
 * y-partyserver catches a decoding error, but by then Yjs may have integrated part of an
 * update (structs are integrated before the delete set is read), and y-protocols applies an
 * awareness update entry by entry. So every frame is decoded completely here first; only
 * frames that decode cleanly are handed on. Size and rate are capped per connection so one
 * client cannot starve the room.
 */
import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';

export const MAX_MESSAGE_BYTES = 256 * 1024;
/** Awareness entries one frame may carry (a client normally sends its own, one). */
const MAX_AWARENESS_ENTRIES = 32;

/** Close codes (RFC 6455): 1007 payload not consistent with the protocol, 1008 policy, 1009 too big. */
export const CLOSE_MALFORMED = 1007;
export const CLOSE_POLICY = 1008;
export const CLOSE_TOO_BIG = 1009;

export type FrameKind = 'sync-step1' | 'sync-step2' | 'sync-update' | 'awareness' | 'custom' | 'ignored';
/** One entry of an awareness frame: a client id, its clock and its state (null = that client left). */
export interface AwarenessEntry {
  clientId: number;
  clock: number;
  state: Record<string, unknown> | null;
}

export type Inspection =
  | { ok: true; kind: Exclude<FrameKind, 'awareness'> }
  | { ok: true; kind: 'awareness'; entries: AwarenessEntry[] }
  | { ok: false; code: number; reason: string };

const MESSAGE_SYNC = 0;
const MESSAGE_AWARENESS = 1;

export function byteLengthOf(message: string | ArrayBuffer | ArrayBufferView): number {
  return typeof message === 'string' ? message.length * 3 : message.byteLength;
}

export function inspectFrame(message: string | ArrayBuffer | ArrayBufferView): Inspection {
  if (byteLengthOf(message) > MAX_MESSAGE_BYTES) return { ok: false, code: CLOSE_TOO_BIG, reason: 'message too big' };
  // Text frames are y-partyserver's custom messages (`__YPS:`): a board client's subscription (core/board-notices.ts).
  if (typeof message === 'string') return { ok: true, kind: message.startsWith('__YPS:') ? 'custom' : 'ignored' };
  const data =
    message instanceof ArrayBuffer ? new Uint8Array(message) : new Uint8Array(message.buffer, message.byteOffset, message.byteLength);
  try {
    const d = decoding.createDecoder(data);
    const type = decoding.readVarUint(d);
    if (type === MESSAGE_SYNC) {
      const step = decoding.readVarUint(d);
      const payload = decoding.readVarUint8Array(d);
      if (step === 0) {
        Y.decodeStateVector(payload);
        return { ok: true, kind: 'sync-step1' };
      }
      if (step === 1 || step === 2) {
        if (payload.byteLength === 0) throw new Error('empty update');
        Y.decodeUpdate(payload);
        return { ok: true, kind: step === 1 ? 'sync-step2' : 'sync-update' };
      }
      return { ok: false, code: CLOSE_MALFORMED, reason: 'unknown sync step' };
    }
    if (type === MESSAGE_AWARENESS) {
      return { ok: true, kind: 'awareness', entries: awarenessEntries(decoding.readVarUint8Array(d)) };
    }
    // Other y-websocket message types (auth = 2, query awareness = 3) and anything newer: a
    // standard client may send them, so they are not a reason to close; the room ignores them.
    return { ok: true, kind: 'ignored' };
  } catch {
    return { ok: false, code: CLOSE_MALFORMED, reason: 'malformed message' };
  }
}

function awarenessEntries(update: Uint8Array): AwarenessEntry[] {
  const d = decoding.createDecoder(update);
  const n = decoding.readVarUint(d);
  if (n > MAX_AWARENESS_ENTRIES) throw new Error('too many awareness entries');
  const entries: AwarenessEntry[] = [];
  for (let i = 0; i < n; i++) {
    const clientId = decoding.readVarUint(d);
    const clock = decoding.readVarUint(d);
    const state: unknown = JSON.parse(decoding.readVarString(d));
    if (state !== null && (typeof state !== 'object' || Array.isArray(state))) throw new Error('awareness state must be an object or null');
    entries.push({ clientId, clock, state: state as AwarenessEntry['state'] });
  }
  return entries;
}

/**
 * A token bucket per connection, in memory: after a wake every connection starts full, which
 * is the lenient side. Counts frames and bytes; a client over either is closed (1008).
 */
export class FloodGuard {
  #buckets = new Map<string, { frames: number; bytes: number; at: number }>();
  constructor(
    private readonly burstFrames = 400,
    private readonly framesPerSecond = 200,
    private readonly burstBytes = 4 * 1024 * 1024,
    private readonly bytesPerSecond = 1024 * 1024,
  ) {}

  /** False when this frame takes the connection over its allowance. */
  take(connectionId: string, bytes: number, now = Date.now()): boolean {
    const b = this.#buckets.get(connectionId) ?? { frames: this.burstFrames, bytes: this.burstBytes, at: now };
    const elapsed = Math.max(0, now - b.at) / 1000;
    b.frames = Math.min(this.burstFrames, b.frames + elapsed * this.framesPerSecond) - 1;
    b.bytes = Math.min(this.burstBytes, b.bytes + elapsed * this.bytesPerSecond) - bytes;
    b.at = now;
    this.#buckets.set(connectionId, b);
    return b.frames >= 0 && b.bytes >= 0;
  }

  forget(connectionId: string): void {
    this.#buckets.delete(connectionId);
  }
}

/** What a room needs of a connection to turn it away. */
interface Closable {
  id: string;
  /** WebSocket.OPEN (1) while open; the room closes a socket by calling close(). */
  readonly readyState?: number;
  close(code?: number, reason?: string): void;
}

/**
 * A room's first look at a frame: over its connection's allowance, or not decoding cleanly,
 * the connection is closed and null comes back; otherwise what the frame is.
 */
export function screenFrame(
  conn: Closable,
  message: string | ArrayBuffer | ArrayBufferView,
  flood: FloodGuard,
): Extract<Inspection, { ok: true }> | null {
  // Frames already on their way when the room closed this socket still arrive: none of them
  // counts (the close was for a frame before them, so the sender is not to be trusted).
  if (conn.readyState !== undefined && conn.readyState !== 1) return null;
  if (!flood.take(conn.id, byteLengthOf(message))) {
    conn.close(CLOSE_POLICY, 'too many messages');
    return null;
  }
  const verdict = inspectFrame(message);
  if (!verdict.ok) {
    conn.close(verdict.code, verdict.reason);
    return null;
  }
  return verdict;
}
