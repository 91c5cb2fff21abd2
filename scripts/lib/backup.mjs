// Backup and restore of the system of record (README, "Backup and restore").
//
// A backup is sqld's own SQL dump (GET /dump: the schema, every row, the indexes), gzipped, behind
// a header that says when and from where. The rooms need nothing of their own in it: a board room
// keeps only the edits it has acknowledged and not yet written (its outbox, written within seconds),
// and a room with no stored day seeds it from the records on first load (rooms/day-loader.ts), which
// is what every room of a restored data folder does.
//
// Restore reads the dump statement by statement, writes it in transactions of a few megabytes
// into an empty database, and then checks that every table holds exactly as many rows as the dump
// carried for it: a restore that did not verify says so and exits non-zero.
import { createClient } from '@libsql/client';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';

/** sqld and Turso answer the dump over HTTP(S); a libsql:// URL is the same host over HTTPS. */
export function httpBase(url) {
  return url.replace(/^libsql:\/\//, 'https://').replace(/\/+$/, '');
}

/** Writes the database at `url` to `file` (gzip). Returns the number of bytes of SQL written. */
export async function backupTo(url, file, authToken) {
  const res = await fetch(`${httpBase(url)}/dump`, { headers: authToken ? { authorization: `Bearer ${authToken}` } : {} });
  if (!res.ok || !res.body) throw new Error(`${httpBase(url)}/dump answered ${res.status}: ${await res.text().catch(() => '')}`);
  const header = `-- Switchboard backup taken ${new Date().toISOString()} from ${new URL(httpBase(url)).host}\n`;
  let bytes = 0;
  async function* withHeader() {
    yield Buffer.from(header);
    for await (const chunk of Readable.fromWeb(res.body)) {
      bytes += chunk.length;
      yield chunk;
    }
  }
  await pipeline(Readable.from(withHeader()), createGzip(), createWriteStream(file));
  return bytes;
}

/** The table a dump's INSERT writes into, unquoted. */
function insertTarget(statement) {
  const m = /^INSERT INTO\s+(?:"([^"]+)"|`([^`]+)`|'([^']+)'|(\S+?))\s*(?:\(|VALUES)/i.exec(statement);
  return m ? (m[1] ?? m[2] ?? m[3] ?? m[4]) : null;
}

/**
 * The dump's statements, one at a time. sqld writes a line break inside a text value as
 * replace('..\n..','\n',char(10)), so an INSERT is one line, but a CREATE TABLE spans several: a
 * statement ends at a line ending in ';' outside a quoted string, and SQL escapes a quote inside a
 * string by doubling it, so an even count of quotes so far means we are outside one.
 */
async function* statementsOf(file) {
  const input = createReadStream(file).pipe(file.endsWith('.gz') ? createGunzip() : new PassThrough());
  let current = '';
  let quotes = 0;
  for await (const line of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
    if (!current && (line.startsWith('--') || !line.trim())) continue;
    current = current ? `${current}\n${line}` : line;
    for (const ch of line) if (ch === "'") quotes++;
    if (quotes % 2 === 0 && line.trimEnd().endsWith(';')) {
      yield current;
      current = '';
      quotes = 0;
    }
  }
  if (current.trim()) throw new Error('The backup ends in the middle of a statement: the file is cut short.');
}

// The dump's own transaction and foreign-key switch are replaced by ours, one per chunk.
const FRAMING = /^(BEGIN TRANSACTION|COMMIT|PRAGMA foreign_keys\s*=\s*OFF);$/i;
const CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * Loads `file` into the empty database at `url`. Returns the rows per table the dump carried,
 * after checking that the database now holds exactly those.
 */
export async function restoreFrom(file, url, authToken, onProgress = () => {}) {
  const client = createClient({ url, authToken });
  try {
    const existing = await client.execute("select count(*) as n from sqlite_master where type = 'table' and name not like 'sqlite_%'");
    if (Number(existing.rows[0].n) > 0)
      throw new Error(`${url} already has tables: restore writes only into an empty database (a new data folder or a new Turso database).`);
    const expected = new Map();
    let chunk = [];
    let size = 0;
    let statements = 0;
    const flush = async () => {
      if (!chunk.length) return;
      // foreign_keys is a no-op inside a transaction, so it is switched off before each one: rows
      // arrive table by table, not in the order their references need.
      await client.executeMultiple(`PRAGMA foreign_keys=OFF;\nBEGIN;\n${chunk.join('\n')}\nCOMMIT;`);
      statements += chunk.length;
      onProgress(statements);
      chunk = [];
      size = 0;
    };
    for await (const statement of statementsOf(file)) {
      if (FRAMING.test(statement.trim())) continue;
      const table = insertTarget(statement);
      if (table) expected.set(table, (expected.get(table) ?? 0) + 1);
      chunk.push(statement);
      size += statement.length;
      if (size >= CHUNK_BYTES) await flush();
    }
    await flush();
    const found = await rowCounts(client);
    const wrong = [...new Set([...expected.keys(), ...found.keys()])].filter((t) => (expected.get(t) ?? 0) !== (found.get(t) ?? 0));
    if (wrong.length)
      throw new Error(
        `Restore did not verify: ${wrong.map((t) => `${t} has ${found.get(t) ?? 0} rows, the backup ${expected.get(t) ?? 0}`).join('; ')}`,
      );
    return expected;
  } finally {
    client.close();
  }
}

async function tableNames(client) {
  const rs = await client.execute(
    "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like 'libsql_%' order by name",
  );
  return rs.rows.map((r) => String(r.name));
}

async function rowCounts(client) {
  const counts = new Map();
  for (const name of await tableNames(client)) {
    const rs = await client.execute(`select count(*) as n from "${name}"`);
    counts.set(name, Number(rs.rows[0].n));
  }
  return counts;
}

/** A cell as JSON can carry it: big integers as text, blobs as base64. */
function cell(v) {
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof ArrayBuffer) return Buffer.from(v).toString('base64');
  return v;
}

/**
 * A WITHOUT ROWID table's primary key columns, in key order (it has no rowid to page by), or null
 * for an ordinary table.
 */
async function withoutRowidKey(client, name) {
  const { rows } = await client.execute({ sql: "select sql from sqlite_master where type = 'table' and name = ?", args: [name] });
  if (!/without\s+rowid\s*$/i.test(String(rows[0]?.sql ?? '').trim())) return null;
  const key = await client.execute({ sql: 'select name from pragma_table_info(?) where pk > 0 order by pk', args: [name] });
  return key.rows.map((r) => `"${String(r.name)}"`).join(', ');
}

/**
 * Every table's row count and a SHA-256 of its rows, so two databases can be compared table by
 * table. Rows are read in rowid order, a page at a time (a whole table is too big for one answer):
 * a dump lists each table in rowid order and a restore inserts in that order, so a faithful
 * restore keeps the order even where the rowids themselves are renumbered. A WITHOUT ROWID table
 * (the KPI rollups) is read in its primary key's order, which is the data itself.
 */
export async function fingerprints(url, authToken) {
  const client = createClient({ url, authToken, intMode: 'bigint' });
  try {
    const out = {};
    for (const name of await tableNames(client)) {
      const hash = createHash('sha256');
      let rows = 0;
      const key = await withoutRowidKey(client, name);
      if (key) {
        for (;;) {
          const rs = await client.execute({ sql: `select * from "${name}" order by ${key} limit 5000 offset ?`, args: [rows] });
          for (const row of rs.rows) hash.update(`${JSON.stringify(Array.from(row, cell))}\n`);
          rows += rs.rows.length;
          if (rs.rows.length < 5000) break;
        }
        out[name] = { rows, sha256: hash.digest('hex') };
        continue;
      }
      let after = -(2n ** 63n);
      for (;;) {
        const rs = await client.execute({
          sql: `select rowid as "__rowid", * from "${name}" where rowid > ? order by rowid limit 5000`,
          args: [after],
        });
        for (const row of rs.rows) hash.update(`${JSON.stringify(Array.from(row, cell).slice(1))}\n`);
        rows += rs.rows.length;
        if (rs.rows.length < 5000) break;
        after = rs.rows.at(-1).__rowid;
      }
      out[name] = { rows, sha256: hash.digest('hex') };
    }
    return out;
  } finally {
    client.close();
  }
}
