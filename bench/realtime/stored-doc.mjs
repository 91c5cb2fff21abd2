// What a board room actually stores: `wrangler dev` keeps each Durable Object's SQLite under its
// persist dir (v3/do/<worker>-BoardRoom/<id>.sqlite), with miniflare's `__miniflare_do_name`
// table naming the object. Each file is copied (with its WAL) and the copy opened with
// node:sqlite (Node 22): opening the original read-only can fail with "database is locked"
// when workerd left a WAL behind that only a writer may recover.
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function readRoom(DatabaseSync, file) {
  const db = new DatabaseSync(file);
  try {
    const tables = new Set(
      db
        .prepare(`select name from sqlite_master where type = 'table'`)
        .all()
        .map((r) => r.name),
    );
    if (!tables.has('doc_snapshot')) return null;
    const name = tables.has('__miniflare_do_name') ? db.prepare(`select name from __miniflare_do_name`).get()?.name : file;
    const snap = db.prepare(`select count(*) as parts, coalesce(sum(length(data)), 0) as bytes from doc_snapshot`).get();
    const upd = tables.has('doc_updates')
      ? db.prepare(`select count(*) as n, coalesce(sum(length(data)), 0) as bytes from doc_updates`).get()
      : { n: 0, bytes: 0 };
    // Rows of the room's other tables: an outbox still full at a restart is work the next load does.
    const rows = {};
    for (const t of ['outbox', 'outbox_dead', 'job_state'])
      if (tables.has(t)) rows[t] = Number(db.prepare(`select count(*) as n from ${t}`).get().n);
    return {
      name: String(name),
      snapshotBytes: Number(snap.bytes),
      snapshotParts: Number(snap.parts),
      updates: Number(upd.n),
      updateBytes: Number(upd.bytes),
      pages: Number(db.prepare(`pragma page_count`).get().page_count),
      freePages: Number(db.prepare(`pragma freelist_count`).get().freelist_count),
      rows,
    };
  } finally {
    db.close();
  }
}

/** Stored doc bytes per board room: { [roomName]: { snapshotBytes, updates, updateBytes, fileBytes, rows, ... } }. */
export async function storedRoomDocs(stateDir) {
  const doDir = join(stateDir, 'v3', 'do');
  if (!existsSync(doDir)) return {};
  // Imported here: node:sqlite prints an experimental warning on import.
  const { DatabaseSync } = await import('node:sqlite');
  const scratch = mkdtempSync(join(tmpdir(), 'switchboard-room-sqlite-'));
  const out = {};
  try {
    for (const dir of readdirSync(doDir).filter((d) => d.endsWith('-BoardRoom'))) {
      for (const f of readdirSync(join(doDir, dir)).filter((f) => f.endsWith('.sqlite') && f !== 'metadata.sqlite')) {
        const file = join(doDir, dir, f);
        const copy = join(scratch, f);
        copyFileSync(file, copy);
        const wal = existsSync(`${file}-wal`) ? statSync(`${file}-wal`).size : 0;
        if (wal) copyFileSync(`${file}-wal`, `${copy}-wal`);
        const room = readRoom(DatabaseSync, copy);
        if (room) out[room.name] = { ...room, fileBytes: statSync(file).size + wal };
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return out;
}
