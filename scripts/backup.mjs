// `npm run backup [-- FILE]`: writes the libSQL data to a gzipped SQL file (scripts/lib/backup.mjs).
// The source is LIBSQL_URL (with LIBSQL_AUTH_TOKEN) when set: a running sqld or a Turso database.
// Otherwise it is the local data folder of `npm run dev` (SWITCHBOARD_DATA, default .data): the
// running dev server's sqld if there is one, else a sqld started on the folder for the backup.
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { backupTo } from './lib/backup.mjs';
import { freePort, startSqld } from './lib/sqld.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const dataDir = process.env.SWITCHBOARD_DATA ?? `${root}.data`;
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const file = process.argv[2] ?? `${root}backups/switchboard-${stamp}.sql.gz`;
mkdirSync(dirname(file), { recursive: true });

async function source() {
  if (process.env.LIBSQL_URL) return { url: process.env.LIBSQL_URL, stop: async () => {} };
  // `npm run dev` writes its sqld's address here while it runs (scripts/dev.mjs).
  const running = `${dataDir}/sqld.url`;
  if (existsSync(running)) {
    const url = readFileSync(running, 'utf8').trim();
    if (
      await fetch(`${url}/health`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return { url, stop: async () => {} };
  }
  if (!existsSync(`${dataDir}/libsql`))
    throw new Error(`No data to back up: set LIBSQL_URL, or run \`npm run dev\` once (${dataDir} is empty).`);
  const sqld = await startSqld({ dbPath: `${dataDir}/libsql`, port: await freePort() });
  return sqld;
}

try {
  const db = await source();
  try {
    const bytes = await backupTo(db.url, file, process.env.LIBSQL_AUTH_TOKEN);
    console.log(
      `backed up ${(bytes / 1e6).toFixed(1)} MB of SQL from ${db.url} to ${file} (${(statSync(file).size / 1e6).toFixed(1)} MB gzipped)`,
    );
  } finally {
    await db.stop();
  }
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
}
