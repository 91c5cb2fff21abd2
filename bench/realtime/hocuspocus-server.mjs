// The persisting peer: Hocuspocus 4 (@hocuspocus/server) with @hocuspocus/extension-sqlite, in a
// child Node process of its own on a free loopback port (server-child.mjs), its SQLite file in a
// temp folder that goes when it stops. Hocuspocus's defaults stand: it stores a doc 2 s after the
// last change (`debounce`), at least every 10 s under steady edits (`maxDebounce`), and at once
// when the last client leaves; it fans out an edit before storing it. The room stores every edit
// before it shows it to anyone.
//
// extension-sqlite drives SQLite through better-sqlite3, a native addon this machine cannot
// install for Node 22: its prebuilt binary comes from GitHub, and building it needs Node 22's
// headers from nodejs.org (only Node 20's are here, and a build against them is refused by
// Node 22: NODE_MODULE_VERSION 115, not 127). So the extension runs as it is (its schema,
// queries, fetch and store) on Node's own synchronous SQLite, node:sqlite's DatabaseSync, which
// takes the same prepare/get/run calls. Both open the file with SQLite's defaults
// (journal_mode DELETE, synchronous FULL): every store is a durable transaction.
//
// Run as a script it is the server; imported, `startHocuspocus()` starts it, seeds docs through
// Hocuspocus itself (a direct connection, stored to SQLite and unloaded on disconnect) and stops it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { answerBench, forkServer } from './server-child.mjs';

const self = fileURLToPath(import.meta.url);

if (process.argv[1] === self && process.send) {
  const { DatabaseSync } = await import('node:sqlite');
  const Y = await import('yjs');
  const { Server } = await import('@hocuspocus/server');
  const { SQLite } = await import('@hocuspocus/extension-sqlite');

  /** extension-sqlite with node:sqlite in place of better-sqlite3 (see the top of this file); nothing else overridden. */
  class NodeSQLite extends SQLite {
    async onConfigure() {
      this.db = new DatabaseSync(this.configuration.database);
      this.db.exec(this.configuration.schema);
    }
  }
  const sqlite = new NodeSQLite({ database: join(process.argv[2], 'hocuspocus.sqlite') });
  const server = new Server({ address: '127.0.0.1', port: 0, quiet: true, stopOnSignals: false, extensions: [sqlite] });
  await server.listen();
  answerBench(server.address.port, {
    async seed({ name, state }) {
      const direct = await server.hocuspocus.openDirectConnection(name);
      await direct.transact((doc) => Y.applyUpdate(doc, Buffer.from(state, 'base64')));
      await direct.disconnect();
      return sqlite.db.prepare('SELECT length(data) AS bytes FROM documents WHERE name = ?').get(name)?.bytes ?? 0;
    },
    /** What SQLite holds for the doc now (a pending debounced store is not in it yet). */
    stored({ name }) {
      return sqlite.db.prepare('SELECT length(data) AS bytes FROM documents WHERE name = ?').get(name)?.bytes ?? null;
    },
    settings() {
      const { debounce, maxDebounce, unloadImmediately, flushDelay, timeout } = server.hocuspocus.configuration;
      const pragma = (p) => Object.values(sqlite.db.prepare(`PRAGMA ${p}`).get())[0];
      return {
        debounce,
        maxDebounce,
        unloadImmediately,
        flushDelay,
        timeout,
        journalMode: pragma('journal_mode'),
        synchronous: pragma('synchronous'),
      };
    },
  });
}

/** Starts Hocuspocus + SQLite; resolves with its URL, PID, `seed(name, stateBytes)`, `stored(name)`, `settings()` and `stop()`. */
export async function startHocuspocus() {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-hocuspocus-'));
  let child;
  try {
    child = await forkServer(self, { name: 'Hocuspocus server', args: [dir] });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    url: child.url,
    pid: child.pid,
    dir,
    seed: (name, state) => child.ask('seed', { name, state: Buffer.from(state).toString('base64') }),
    stored: (name) => child.ask('stored', { name }),
    settings: () => child.ask('settings'),
    async stop() {
      await child.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
