// `npm run restore -- FILE [--data DIR | --into URL]`: brings a backup (npm run backup) back.
// --data DIR (default: SWITCHBOARD_DATA or .data) must hold no database yet: a sqld is started on
// DIR/libsql for the restore and stopped after it, and `SWITCHBOARD_DATA=DIR npm run dev` then
// serves it. --into URL restores into a running, empty database instead (a new Turso database:
// set LIBSQL_AUTH_TOKEN). Either way every table's rows are counted against the backup's.
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { restoreFrom } from './lib/backup.mjs';
import { freePort, startSqld } from './lib/sqld.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values, positionals } = parseArgs({ allowPositionals: true, options: { data: { type: 'string' }, into: { type: 'string' } } });
const file = positionals[0];
if (!file || !existsSync(file)) {
  console.error('Usage: npm run restore -- FILE [--data DIR | --into URL]   (FILE from `npm run backup`)');
  process.exit(2);
}

async function target() {
  if (values.into) return { url: values.into, where: values.into, stop: async () => {} };
  const dataDir = values.data ?? process.env.SWITCHBOARD_DATA ?? `${root}.data`;
  if (existsSync(`${dataDir}/libsql`) && readdirSync(`${dataDir}/libsql`).length)
    throw new Error(
      `${dataDir}/libsql already holds a database: restore into a new folder (--data DIR), then point SWITCHBOARD_DATA at it.`,
    );
  const sqld = await startSqld({ dbPath: `${dataDir}/libsql`, port: await freePort() });
  return { ...sqld, where: `${dataDir} (start it with SWITCHBOARD_DATA=${dataDir} npm run dev)` };
}

try {
  const db = await target();
  try {
    const started = Date.now();
    const tables = await restoreFrom(file, db.url, process.env.LIBSQL_AUTH_TOKEN, (n) => process.stdout.write(`\r${n} statements written`));
    const rows = [...tables.values()].reduce((a, b) => a + b, 0);
    console.log(
      `\nrestored and verified ${rows} rows in ${tables.size} tables into ${db.where} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  } finally {
    await db.stop();
  }
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
}
