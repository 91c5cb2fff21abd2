// `npm run dev`: the whole product on this machine. Starts sqld with its data under .data/,
// applies migrations, seeds the demo when empty, builds the app and runs `wrangler dev`.
// Ctrl-C stops every child; running it again keeps the data.
import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { freePort, startSqld, waitForHttp } from './lib/sqld.mjs';
import { migrateDb } from './lib/migrate.mjs';
import { seedIfEmpty, DEMO_PASSWORD, DEMO_USERS } from '../db/seed/index.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const port = Number(process.env.PORT ?? 8787);
const sqldPort = Number(process.env.SQLD_PORT ?? (await freePort()));
const dataDir = process.env.SWITCHBOARD_DATA ?? `${root}.data`;
const children = [];
let stopping = false;

async function stopAll(code = 0) {
  if (stopping) return;
  stopping = true;
  rmSync(`${dataDir}/sqld.url`, { force: true });
  for (const child of children.reverse()) {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  }
  process.exit(code);
}
process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));

function run(cmd, args, opts = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}`))));
  });
}

try {
  const sqld = await startSqld({ dbPath: `${dataDir}/libsql`, port: sqldPort });
  children.push(sqld.child);
  console.log(`libSQL (sqld) on ${sqld.url}, data in ${dataDir}/libsql`);
  // `npm run backup` finds the running database here (two sqld on one folder would fight over it).
  writeFileSync(`${dataDir}/sqld.url`, sqld.url);
  await migrateDb(sqld.url);
  if (await seedIfEmpty(sqld.url)) console.log('demo data seeded');

  // Builds the SPA and writes build/_headers (CSP with the hashes of Kit's inline bootstrap).
  await run(process.execPath, [`${root}scripts/build-app.mjs`]);

  const env = {
    ...process.env,
    WRANGLER_SEND_METRICS: 'false',
    CLOUDFLARE_CF_FETCH_ENABLED: 'false',
    // Keep wrangler's own files inside the project rather than the user's home.
    XDG_CONFIG_HOME: `${root}.config`,
  };
  const wrangler = spawn(
    `${root}node_modules/.bin/wrangler`,
    [
      'dev',
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--var',
      `LIBSQL_URL:${sqld.url}`,
      // Passkeys belong to a domain, never an IP address: the app is used at localhost.
      '--var',
      `WEBAUTHN_ORIGINS:http://localhost:${port}`,
      '--persist-to',
      `${dataDir}/wrangler`,
      '--show-interactive-dev-session=false',
    ],
    { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], env },
  );
  children.push(wrangler);
  wrangler.on('exit', (code) => {
    if (!stopping) {
      console.error(`wrangler dev exited (${code})`);
      stopAll(code ?? 1);
    }
  });
  await waitForHttp(`http://127.0.0.1:${port}/api/health`, 90_000);
  const url = `http://localhost:${port}`;
  console.log(`\nSwitchboard is running at ${url}\n`);
  console.log(`Sign in with any demo user and the password "${DEMO_PASSWORD}":`);
  for (const u of DEMO_USERS) console.log(`  ${u.role.padEnd(11)} ${u.email}`);
  console.log('Office roles then give an authenticator code: `npm run demo:code` prints the current one');
  console.log('(or add the secret from the README to an authenticator app).');
  console.log('\nPress Ctrl-C to stop.');
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  await stopAll(1);
}
