// Yjs clients for the bench: the standard y-websocket sync + awareness protocol spoken directly
// with y-protocols and lib0 over `ws` (as tests/rooms/board-client.ts does), so the room and the
// reference server see byte-identical client behaviour.
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

  /**
   * @param {string} url ws:// URL of the room or the reference doc
   * @param {{headers?: Record<string,string>, observer?: boolean, name?: string}} opts
   *   observer: keep applying updates after the initial sync (see the top of this file)
   */
  constructor(url, { headers = {}, observer = true, name = 'bench' } = {}) {
    this.observer = observer;
    this.name = name;
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
      this.#onFail(new Error(`closed before sync: ${code} ${reason}`));
    });
    this.ws.on('open', () => {
      this.times.open = performance.now();
      const e = encoding.createEncoder();
      encoding.writeVarUint(e, MESSAGE_SYNC);
      syncProtocol.writeSyncStep1(e, this.doc);
      this.send(encoding.toUint8Array(e));
    });
    this.ws.on('message', (data, isBinary) => this.#receive(data, isBinary));
    this.doc.on('update', (update, origin) => {
      if (origin === this) return;
      const e = encoding.createEncoder();
      encoding.writeVarUint(e, MESSAGE_SYNC);
      syncProtocol.writeUpdate(e, update);
      this.send(encoding.toUint8Array(e));
    });
  }

  #receive(data, isBinary) {
    this.framesIn++;
    this.bytesIn += data.length;
    if (!isBinary) return; // y-partyserver's custom text messages: the board defines none
    if (this.synced && !this.observer) return;
    const d = decoding.createDecoder(data);
    if (decoding.readVarUint(d) !== MESSAGE_SYNC) return; // awareness from peers: not measured
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, MESSAGE_SYNC);
    const kind = syncProtocol.readSyncMessage(d, e, this.doc, this);
    if (encoding.length(e) > 1) this.send(encoding.toUint8Array(e));
    if (kind === syncProtocol.messageYjsSyncStep2 && !this.synced) {
      this.synced = true;
      this.times.synced = performance.now();
      this.#announce();
      this.#onSynced(this);
    }
  }

  /** One awareness state, as a board client sends after every sync (core/board-doc.ts BoardAwareness). */
  #announce() {
    const state = JSON.stringify({ user: { id: this.name, name: this.name, colour: '#3366cc', role: 'dispatcher' }, dragging: null });
    const update = encoding.createEncoder();
    encoding.writeVarUint(update, 1);
    encoding.writeVarUint(update, this.doc.clientID);
    encoding.writeVarUint(update, 1);
    encoding.writeVarString(update, state);
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, MESSAGE_AWARENESS);
    encoding.writeVarUint8Array(e, encoding.toUint8Array(update));
    this.send(encoding.toUint8Array(e));
  }

  send(bytes) {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(bytes);
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
export async function openClients(url, { n, observers, headers, parallel = 10, label = 'client' }) {
  const out = [];
  try {
    for (let i = 0; i < n; i += parallel) {
      const batch = [];
      for (let j = i; j < Math.min(n, i + parallel); j++)
        batch.push(openClient(url, { headers, observer: j < observers, name: `${label}-${j}` }));
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
