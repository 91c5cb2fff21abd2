// Yjs clients for the bench: the standard y-websocket sync + awareness protocol spoken directly
// with y-protocols and lib0 over `ws` (as tests/rooms/board-client.ts does), so the room and the
// reference server see byte-identical client behaviour. Hocuspocus speaks the same sync and
// awareness messages inside its own framing (see `hocuspocus` below): only the framing differs,
// what a client sends, when, and what it applies stay the same.
//
// A machine running 100 clients cannot also apply every edit in every client's doc (at 400
// edits/s that is 40,000 Yjs applies a second in this one process, which would measure the
// bench, not the server). So every client receives every frame (the server does all of its
// fan-out work), but only the observers decode and apply them after the initial sync; the
// others just count bytes. Every client edits, each its own disjoint share of the jobs, from
// its own synced doc, which is current for those jobs because nobody else writes them.
import WebSocket from 'ws';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import * as syncProtocol from 'y-protocols/sync';

const MESSAGE_SYNC = 0;
const MESSAGE_AWARENESS = 1;
/** Hocuspocus's message types beyond y-websocket's (@hocuspocus/server types.ts MessageType, @hocuspocus/common AuthMessageType). */
const HOCUSPOCUS_AUTH = 2;
const AUTH_TOKEN = 0;
const AUTH_PERMISSION_DENIED = 1;
/**
 * Hocuspocus closes a socket it has heard nothing from for 60 s (its `timeout`); its provider never
 * goes that quiet, since y-protocols' Awareness renews the local state every 15 s. A bench client
 * that has sent nothing for that long renews its awareness the same way; one that edits never does.
 */
const KEEPALIVE_MS = 15_000;

export class BenchClient {
  doc = new Y.Doc();
  synced = false;
  /** performance.now() when the WebSocket was created, opened, and sync step 2 arrived. */
  times = { created: 0, open: 0, synced: 0 };
  framesIn = 0;
  bytesIn = 0;
  closed = null;
  #onSynced;
  #onFail;
  /** Hocuspocus mode: the document's name, written before every message. */
  #documentName = null;
  #lastSent = 0;
  #keepalive = null;
  #awarenessClock = 0;

  /**
   * @param {string} url ws:// URL of the room or the reference doc (of the Hocuspocus server, which names docs in its messages)
   * @param {{headers?: Record<string,string>, observer?: boolean, name?: string, hocuspocus?: {documentName: string, providerVersion: string}}} opts
   *   observer: keep applying updates after the initial sync (see the top of this file);
   *   hocuspocus: speak Hocuspocus's framing for that document, as @hocuspocus/provider does
   */
  constructor(url, { headers = {}, observer = true, name = 'bench', hocuspocus = null } = {}) {
    this.observer = observer;
    this.name = name;
    this.#documentName = hocuspocus?.documentName ?? null;
    this.ready = new Promise((resolve, reject) => {
      this.#onSynced = resolve;
      this.#onFail = reject;
    });
    this.times.created = performance.now();
    // No permessage-deflate: the reference (ws) does not negotiate it by default, and frames here are tiny.
    this.ws = new WebSocket(url, { headers, perMessageDeflate: false });
    this.ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => this.#onFail(new Error(`upgrade refused: ${res.statusCode} ${body.slice(0, 300)}`)));
    });
    this.ws.on('error', (e) => this.#onFail(e));
    this.ws.on('close', (code, reason) => {
      this.closed = { code, reason: String(reason) };
      clearInterval(this.#keepalive);
      this.#onFail(new Error(`closed before sync: ${code} ${reason}`));
    });
    this.ws.on('open', () => {
      this.times.open = performance.now();
      if (this.#documentName !== null) {
        // The provider's first message (AuthenticationMessage): a token, empty here as the server
        // asks for none, and the provider's version. The server holds back everything else until it.
        const auth = this.#message(HOCUSPOCUS_AUTH);
        encoding.writeVarUint(auth, AUTH_TOKEN);
        encoding.writeVarString(auth, '');
        encoding.writeVarString(auth, hocuspocus.providerVersion);
        this.send(encoding.toUint8Array(auth));
        this.#keepalive = setInterval(() => {
          if (performance.now() - this.#lastSent >= KEEPALIVE_MS) this.#announce();
        }, KEEPALIVE_MS / 3);
        this.#keepalive.unref();
      }
      const e = this.#message(MESSAGE_SYNC);
      syncProtocol.writeSyncStep1(e, this.doc);
      this.send(encoding.toUint8Array(e));
    });
    this.ws.on('message', (data, isBinary) => this.#receive(data, isBinary));
    this.doc.on('update', (update, origin) => {
      if (origin === this) return;
      const e = this.#message(MESSAGE_SYNC);
      syncProtocol.writeUpdate(e, update);
      this.send(encoding.toUint8Array(e));
    });
  }

  /** An encoder holding a message's head: its type, after the document's name in Hocuspocus mode. */
  #message(type) {
    const e = encoding.createEncoder();
    if (this.#documentName !== null) encoding.writeVarString(e, this.#documentName);
    encoding.writeVarUint(e, type);
    return e;
  }

  #receive(data, isBinary) {
    this.framesIn++;
    this.bytesIn += data.length;
    if (!isBinary) return; // y-partyserver's custom text messages: the board defines none
    if (this.synced && !this.observer) return;
    const d = decoding.createDecoder(data);
    // Hocuspocus: one socket could carry several documents; this one carries only ours.
    if (this.#documentName !== null) decoding.readVarString(d);
    const type = decoding.readVarUint(d);
    if (type === HOCUSPOCUS_AUTH && this.#documentName !== null && decoding.readVarUint(d) === AUTH_PERMISSION_DENIED) {
      this.#onFail(new Error(`permission denied: ${decoding.readVarString(d)}`));
      return;
    }
    // Awareness from peers, Hocuspocus's "authenticated" and its per-update acks (SyncStatus): not measured.
    if (type !== MESSAGE_SYNC) return;
    const e = this.#message(MESSAGE_SYNC);
    const head = encoding.length(e);
    const kind = syncProtocol.readSyncMessage(d, e, this.doc, this);
    if (encoding.length(e) > head) this.send(encoding.toUint8Array(e));
    if (kind === syncProtocol.messageYjsSyncStep2 && !this.synced) {
      this.synced = true;
      this.times.synced = performance.now();
      this.#announce();
      this.#onSynced(this);
    }
  }

  /** One awareness state, as a board client sends after every sync (core/board-doc.ts BoardAwareness); a renewal counts its clock on. */
  #announce() {
    const state = JSON.stringify({ user: { id: this.name, name: this.name, colour: '#3366cc', role: 'dispatcher' }, dragging: null });
    const update = encoding.createEncoder();
    encoding.writeVarUint(update, 1);
    encoding.writeVarUint(update, this.doc.clientID);
    encoding.writeVarUint(update, ++this.#awarenessClock);
    encoding.writeVarString(update, state);
    const e = this.#message(MESSAGE_AWARENESS);
    encoding.writeVarUint8Array(e, encoding.toUint8Array(update));
    this.send(encoding.toUint8Array(e));
  }

  send(bytes) {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    this.ws.send(bytes);
    this.#lastSent = performance.now();
  }

  /**
   * Calls `seen(key, now)` for every job placement this client applies from elsewhere, keyed
   * like workload.mjs's placementKey. Returns a function that stops watching.
   */
  watchPlacements(seen) {
    const jobs = this.doc.getMap('jobs');
    const f = (events, txn) => {
      if (txn.local) return;
      const now = performance.now();
      for (const ev of events) {
        if (ev.target === jobs || !ev.keysChanged.has('placement')) continue;
        const p = ev.target.get('placement');
        if (Array.isArray(p)) seen(`${ev.path[0]}|${p[0]}|${p[1]}|${p[2]}`, now);
      }
    };
    jobs.observeDeep(f);
    return () => jobs.unobserveDeep(f);
  }

  close() {
    clearInterval(this.#keepalive);
    return new Promise((resolve) => {
      if (this.ws.readyState === WebSocket.CLOSED) return resolve();
      const t = setTimeout(() => {
        this.ws.terminate();
        resolve();
      }, 2000);
      this.ws.once('close', () => {
        clearTimeout(t);
        resolve();
      });
      this.ws.close(1000, 'done');
    });
  }
}

/** Opens one client and waits for its sync step 2 (rejects after `timeoutMs`). */
export async function openClient(url, opts = {}, timeoutMs = 30_000) {
  const c = new BenchClient(url, opts);
  let timer;
  try {
    await Promise.race([
      c.ready,
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no sync from ${url} within ${timeoutMs} ms`)), timeoutMs))),
    ]);
  } catch (e) {
    c.ws.terminate();
    throw e;
  } finally {
    clearTimeout(timer);
  }
  return c;
}

/** `n` synced clients, opened `parallel` at a time; the first `observers` keep applying updates. */
export async function openClients(url, { n, observers, headers, hocuspocus, parallel = 10, label = 'client' }) {
  const out = [];
  try {
    for (let i = 0; i < n; i += parallel) {
      const batch = [];
      for (let j = i; j < Math.min(n, i + parallel); j++)
        batch.push(openClient(url, { headers, hocuspocus, observer: j < observers, name: `${label}-${j}` }));
      out.push(...(await Promise.all(batch)));
    }
  } catch (e) {
    await closeClients(out);
    throw e;
  }
  return out;
}

export async function closeClients(clients) {
  await Promise.all(clients.map((c) => c.close()));
}
