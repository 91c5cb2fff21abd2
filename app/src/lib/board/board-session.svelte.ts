/**
 * One dispatcher's live connection to one org-day board room: the Yjs doc, its y-partyserver
 * provider, awareness (who is here, who drags what) and this dispatcher's undo history.
 *
 * Components never touch Y types: they read `snapshot` (plain objects from core/board-doc.ts'
 * readBoard, refreshed per changed job from observeBoard; a Y.Map inside $state would not be
 * reactive) and write through `place` / `unassign`, which call core/board-doc.ts with this
 * session's origin so the UndoManager tracks exactly this person's moves.
 */
import * as Y from 'yjs';
import YProvider from 'y-partyserver/provider';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as encoding from 'lib0/encoding';
import { api } from '#lib/api.ts';
import type { BoardAwareness, BoardSnapshot } from '#core/board-doc.ts';
import {
  observeBoard,
  placeJob,
  readBoard,
  readJob,
  setQueueOrder,
  unassignJob,
  unassignedQueue,
  type BoardChange,
  type PlaceResult,
} from '#core/board-client.ts';
import { roomCloseOf, type RoomClose } from '#core/room-close.ts';
import { parseNotice, SUBSCRIBE_NOTICES, type TechnicianPosition } from '#core/board-notices.ts';

/** 'ended': the room closed the connection for good (see `ended`); the board no longer reconnects. */
export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'offline' | 'ended';

export interface Peer {
  clientId: number;
  user: BoardAwareness['user'];
  dragging: NonNullable<BoardAwareness['dragging']> | null;
}

export interface SessionOptions {
  date: string;
  user: BoardAwareness['user'];
  /** Admins and dispatchers; the room drops other roles' writes, so the UI offers none. */
  canEdit: boolean;
  /** Tests and previews may pass their own; the board connects to its room. */
  connect?: boolean;
}

/** Message types of the y-websocket protocol. */
const MESSAGE_SYNC = 0;
const MESSAGE_AWARENESS = 1;
/** One change touching more jobs than this is read whole (the first sync, a reload). */
const WHOLE_READ_OVER = 100;

const EMPTY: BoardSnapshot = { meta: null, jobs: {}, queue: [] };

/** A stable colour per person from their id (users have no colour of their own). */
export function colourFor(id: string): string {
  const palette = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#db2777', '#0891b2', '#65a30d', '#ea580c', '#4f46e5'];
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0;
  return palette[h % palette.length]!;
}

export type { TechnicianPosition } from '#core/board-notices.ts';

export class BoardSession {
  readonly date: string;
  readonly canEdit: boolean;
  readonly doc = new Y.Doc();
  /** The origin of every transaction this person makes: undo tracks it, the edit counter counts it. */
  readonly origin = Object.freeze({ source: 'board-ui' });
  readonly undoManager: Y.UndoManager;
  readonly provider: YProvider | null;

  snapshot = $state.raw<BoardSnapshot>(EMPTY);
  connection = $state<ConnectionState>('connecting');
  /**
   * Why the room closed the connection, when it was for a reason reconnecting cannot fix: the
   * session ended or the person's access changed (core/room-close.ts). The same cookie would
   * be refused, so the board stops trying and says so.
   */
  ended = $state.raw<RoomClose | null>(null);
  /** Local edits made while not live; sent on reconnect, reset once the room has synced. */
  pendingEdits = $state(0);
  /** The first sync with the room has happened (until then the doc is empty, not "no jobs"). */
  loaded = $state(false);
  /** Connection attempts in a row that never opened. */
  failedAttempts = $state(0);
  peers = $state.raw<Peer[]>([]);
  /** Where technicians' phones last said they were (the map shows them). */
  positions = $state.raw<TechnicianPosition[]>([]);
  canUndo = $state(false);
  canRedo = $state(false);
  /** The latest message for the screen-reader live region; `announceId` changes even for the same words. */
  announcement = $state('');
  announceId = $state(0);
  /**
   * Why this person's last move was refused (a completed job dragged, a card someone else holds),
   * shown on screen beside the board until dismissed or a later move goes through. `id` tells
   * the same words said again apart.
   */
  refusal = $state.raw<{ message: string; id: number } | null>(null);

  #stopObserving: () => void;
  #cleanups: (() => void)[] = [];
  #nextLabel = '';
  #reannounceTimer: ReturnType<typeof setTimeout> | undefined;
  #sessionChecked = false;

  constructor(opts: SessionOptions) {
    this.date = opts.date;
    this.canEdit = opts.canEdit;
    this.undoManager = new Y.UndoManager(this.doc.getMap('jobs'), { trackedOrigins: new Set([this.origin]), captureTimeout: 0 });
    this.#stopObserving = observeBoard(this.doc, (change) => this.#onChange(change));
    this.#watchUndo();
    this.#countOfflineEdits();

    if (opts.connect === false || typeof location === 'undefined') {
      this.provider = null;
      return;
    }
    const provider = new YProvider(location.host, opts.date, this.doc, {
      prefix: `/api/rooms/board/${opts.date}`,
      protocol: location.protocol === 'https:' ? 'wss' : 'ws',
      // Tabs of one browser would otherwise sync through a BroadcastChannel behind the room's
      // back (and around its read-only rule); the room is the only path.
      disableBc: true,
      maxBackoffTime: 5_000,
    });
    this.provider = provider;
    provider.awareness.setLocalState({ user: opts.user, dragging: null } satisfies BoardAwareness);
    this.#watchProvider(provider);
  }

  // -------------------------------------------------------------------------------------------
  // Reading

  #onChange(change: BoardChange): void {
    if (change.meta.length || change.jobs.size > WHOLE_READ_OVER || !this.snapshot.meta) {
      this.snapshot = readBoard(this.doc);
      return;
    }
    const jobs = { ...this.snapshot.jobs };
    for (const [id, c] of change.jobs) {
      const job = c.kind === 'removed' ? null : readJob(this.doc, id);
      if (job) jobs[id] = job;
      else delete jobs[id];
    }
    this.snapshot = { meta: this.snapshot.meta, jobs, queue: unassignedQueue(Object.values(jobs)).map((j) => j.id) };
  }

  /** The name of someone else dragging this job right now, if anyone is. */
  lockedBy(jobId: string): Peer | null {
    for (const p of this.peers) if (p.dragging?.jobId === jobId) return p;
    return null;
  }

  // -------------------------------------------------------------------------------------------
  // Writing

  /** `label` names the move in the undo history; `note` (warnings) is only announced. */
  place(jobId: string, placement: { technicianId: string; start: number; durationMin: number }, label: string, note = ''): PlaceResult {
    if (!this.canEdit) return { ok: false, reason: 'invalid', message: 'Your role can watch the board but not change it.' };
    this.#nextLabel = label;
    const result = placeJob(this.doc, jobId, placement, this.origin);
    this.#nextLabel = '';
    if (result.ok) this.#accepted(`${label}.${note ? ` ${note}` : ''}`);
    else this.refuse(result.message);
    return result;
  }

  unassign(jobId: string, label: string): PlaceResult {
    if (!this.canEdit) return { ok: false, reason: 'invalid', message: 'Your role can watch the board but not change it.' };
    this.#nextLabel = label;
    const result = unassignJob(this.doc, jobId, this.origin);
    this.#nextLabel = '';
    if (result.ok) this.#accepted(`${label}.`);
    else this.refuse(result.message);
    return result;
  }

  /** A manual queue position (see core/board-doc.ts unassignedQueue). */
  reorder(jobId: string, order: number | null): boolean {
    if (!this.canEdit) return false;
    return setQueueOrder(this.doc, jobId, order, this.origin);
  }

  undo(): void {
    if (this.canEdit) this.undoManager.undo();
  }

  redo(): void {
    if (this.canEdit) this.undoManager.redo();
  }

  announce(message: string): void {
    this.announcement = message;
    this.announceId++;
  }

  /** A move of this person's that did not happen: said to screen readers and shown on screen. */
  refuse(message: string): void {
    this.announce(message);
    this.refusal = { message, id: this.announceId };
  }

  dismissRefusal(): void {
    this.refusal = null;
  }

  #accepted(message: string): void {
    this.announce(message);
    this.refusal = null;
  }

  #watchUndo(): void {
    const um = this.undoManager;
    const refresh = () => {
      this.canUndo = um.canUndo();
      this.canRedo = um.canRedo();
    };
    um.on('stack-item-added', (e) => {
      if (e.origin === this.origin && this.#nextLabel) e.stackItem.meta.set('label', this.#nextLabel);
      refresh();
    });
    um.on('stack-item-popped', (e) => {
      // The opposite stack got its item inside the same transaction, just before this event.
      const label = e.stackItem.meta.get('label') as string | undefined;
      const other = e.type === 'undo' ? um.redoStack : um.undoStack;
      if (label) other[other.length - 1]?.meta.set('label', label);
      this.announce(label ? `${e.type === 'undo' ? 'Undone' : 'Redone'}: ${label}` : e.type === 'undo' ? 'Undone.' : 'Redone.');
      refresh();
    });
    um.on('stack-cleared', refresh);
  }

  // -------------------------------------------------------------------------------------------
  // Presence

  setDragging(dragging: BoardAwareness['dragging']): void {
    const aw = this.provider?.awareness;
    if (!aw || !this.canEdit) return;
    const current = (aw.getLocalState() as BoardAwareness | null)?.dragging ?? null;
    if (current?.jobId === dragging?.jobId && current?.technicianId === dragging?.technicianId && current?.start === dragging?.start)
      return;
    aw.setLocalStateField('dragging', dragging ?? null);
  }

  #readPeers(): void {
    const aw = this.provider?.awareness;
    if (!aw) return;
    const peers: Peer[] = [];
    for (const [clientId, raw] of aw.getStates()) {
      if (clientId === this.doc.clientID) continue;
      const s = raw as Partial<BoardAwareness> | null;
      const u = s?.user;
      if (!u || typeof u.id !== 'string' || typeof u.name !== 'string') continue;
      const d = s.dragging;
      const dragging =
        d && typeof d.jobId === 'string'
          ? {
              jobId: d.jobId,
              technicianId: typeof d.technicianId === 'string' ? d.technicianId : null,
              start: typeof d.start === 'number' ? d.start : null,
            }
          : null;
      peers.push({
        clientId,
        user: { id: u.id, name: u.name, colour: typeof u.colour === 'string' ? u.colour : '#566173', role: String(u.role ?? '') },
        dragging,
      });
    }
    this.peers = peers;
  }

  /**
   * Sends this client's awareness state again. A client joining an occupied room may get no
   * states from existing peers (STACK.md): so everyone announces after each sync, and again
   * when a newcomer appears. Setting an equal state bumps its clock but emits no 'change', so
   * the provider would not send it: the frame is sent here.
   */
  #reannounce(): void {
    const provider = this.provider;
    const aw = provider?.awareness;
    const state = aw?.getLocalState();
    if (!provider || !aw || !state) return;
    aw.setLocalState({ ...state });
    const enc = encoding.createEncoder();
    encoding.writeVarUint(enc, MESSAGE_AWARENESS);
    encoding.writeVarUint8Array(enc, awarenessProtocol.encodeAwarenessUpdate(aw, [this.doc.clientID]));
    this.#send(provider, encoding.toUint8Array(enc));
  }

  // -------------------------------------------------------------------------------------------
  // Connection

  /** Local updates made while not live, sent again once the room has synced (Yjs applies an update once). */
  #pendingUpdates: Uint8Array[] = [];

  #countOfflineEdits(): void {
    const onUpdate = (update: Uint8Array, origin: unknown) => {
      if ((origin === this.origin || origin === this.undoManager) && this.connection !== 'live') {
        this.pendingEdits++;
        this.#pendingUpdates.push(update);
      }
    };
    this.doc.on('update', onUpdate);
    this.#cleanups.push(() => this.doc.off('update', onUpdate));
  }

  #send(provider: YProvider, message: Uint8Array<ArrayBuffer>): boolean {
    const ws = provider.ws;
    if (!provider.wsconnected || !ws || ws.readyState !== WebSocket.OPEN) return false;
    ws.send(message);
    return true;
  }

  /**
   * Back online with a socket that still looks open: it may be dead (the browser finds out
   * late). Ask the room for a sync; until its answer arrives the board is "reconnecting", not
   * "live". If the socket is dead, the provider reconnects once the browser notices.
   */
  #probe(provider: YProvider): void {
    if (!provider.wsconnected) return;
    provider.synced = false;
    const enc = encoding.createEncoder();
    encoding.writeVarUint(enc, MESSAGE_SYNC);
    syncProtocol.writeSyncStep1(enc, this.doc);
    this.#send(provider, encoding.toUint8Array(enc));
  }

  /** Sends the edits made while not live again: a socket that looked open may have lost them. */
  #flushPending(provider: YProvider): void {
    if (!this.#pendingUpdates.length) return;
    const enc = encoding.createEncoder();
    encoding.writeVarUint(enc, MESSAGE_SYNC);
    syncProtocol.writeUpdate(enc, Y.mergeUpdates(this.#pendingUpdates));
    if (this.#send(provider, encoding.toUint8Array(enc))) this.#pendingUpdates = [];
  }

  #watchProvider(provider: YProvider): void {
    const offline = () => typeof navigator !== 'undefined' && navigator.onLine === false;
    const update = () => {
      if (this.ended) this.connection = 'ended';
      else if (offline()) this.connection = 'offline';
      else if (provider.wsconnected && provider.synced) this.connection = 'live';
      else this.connection = this.loaded || this.failedAttempts > 0 ? 'reconnecting' : 'connecting';
    };
    provider.on('status', ({ status }: { status: string }) => {
      if (status === 'connected') {
        this.failedAttempts = 0;
        // Technicians' positions come as custom messages, sent only to clients that ask (core/board-notices.ts).
        provider.sendMessage(JSON.stringify(SUBSCRIBE_NOTICES));
      }
      update();
    });
    provider.on('sync', (synced: boolean) => {
      if (synced) {
        this.#flushPending(provider);
        this.loaded = true;
        this.pendingEdits = 0;
        this.#sessionChecked = false;
        this.snapshot = readBoard(this.doc);
        this.#reannounce();
      }
      update();
    });
    provider.on('connection-close', (event: CloseEvent | null) => {
      const ended = event ? roomCloseOf(event.code) : null;
      if (ended) {
        // The provider's reconnect timer, set just after this event, checks shouldConnect: disconnect() clears it.
        provider.disconnect();
        this.ended = ended;
        update();
        return;
      }
      // The provider updates its counters just after this event.
      queueMicrotask(() => {
        this.failedAttempts = provider.wsconnected ? 0 : provider.wsUnsuccessfulReconnects;
        update();
        // Refusals of the upgrade (session over, role changed) look like any failed socket; ask
        // the API once per failure streak, whose 401 sends the person to sign in (lib/api.ts).
        if (this.failedAttempts >= 2 && !this.#sessionChecked && !offline()) {
          this.#sessionChecked = true;
          void api.get('/auth/me').catch(() => {});
        }
      });
    });
    provider.on('custom-message', (message: string) => {
      // Technicians' positions (core/board-notices.ts): the latest per technician.
      const notice = parseNotice(message);
      if (!notice) return;
      const next = new Map(this.positions.map((p) => [p.technicianId, p]));
      for (const p of notice.positions) next.set(p.technicianId, p);
      this.positions = [...next.values()];
    });
    const aw = provider.awareness;
    const onAwareness = ({ added }: { added: number[] }) => {
      this.#readPeers();
      if (added.some((id) => id !== this.doc.clientID)) {
        clearTimeout(this.#reannounceTimer);
        this.#reannounceTimer = setTimeout(() => this.#reannounce(), 150);
      }
    };
    aw.on('change', onAwareness);
    this.#cleanups.push(() => aw.off('change', onAwareness));
    if (typeof window !== 'undefined') {
      // Offline as soon as the browser says so, whatever the socket claims; back online, the
      // board is live again only after the room answers a sync (see #probe).
      const onOffline = () => update();
      const onOnline = () => {
        this.#probe(provider);
        update();
      };
      window.addEventListener('online', onOnline);
      window.addEventListener('offline', onOffline);
      this.#cleanups.push(() => {
        window.removeEventListener('online', onOnline);
        window.removeEventListener('offline', onOffline);
      });
    }
    update();
  }

  destroy(): void {
    clearTimeout(this.#reannounceTimer);
    this.#stopObserving();
    for (const c of this.#cleanups) c();
    this.provider?.awareness.setLocalState(null);
    this.provider?.destroy();
    this.undoManager.destroy();
    this.doc.destroy();
  }
}
