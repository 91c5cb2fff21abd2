/**
 * Brings up the whole product for the browser tests: a throwaway sqld in a temp dir, migrated
 * and seeded with the demo, the app built (skipped when build/ is newer than its sources), and
 * `wrangler dev` on a free loopback port. The returned function is the teardown: it stops both
 * children by the handles it started and removes the temp dir.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startSqld, waitForHttp } from '../../scripts/lib/sqld.mjs';
import { migrateDb } from '../../scripts/lib/migrate.mjs';
import { buildApp } from '../../scripts/build-app.mjs';
import { seedIfEmpty } from '../../db/seed/index.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export default async function globalSetup() {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-e2e-'));
  const sqld = await startSqld({ dbPath: join(dir, 'db'), port: await freePort() });
  let wrangler: ChildProcess | undefined;
  const teardown = async () => {
    if (wrangler) await stop(wrangler);
    await sqld.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await migrateDb(sqld.url);
    await seedIfEmpty(sqld.url);
    await buildApp({ ifStale: true });

    const port = await freePort();
    const inspectorPort = await freePort();
    const log: string[] = [];
    wrangler = spawn(
      join(root, 'node_modules/.bin/wrangler'),
      [
        'dev',
        '--ip',
        '127.0.0.1',
        '--port',
        String(port),
        // Its own devtools port too, so a `npm run dev` on this machine is not disturbed.
        '--inspector-port',
        String(inspectorPort),
        '--var',
        `LIBSQL_URL:${sqld.url}`,
        // WebAuthn refuses IP addresses as relying-party ids, so the browser uses
        // http://localhost:<port> and the Worker must accept exactly that origin.
        '--var',
        `WEBAUTHN_ORIGINS:http://localhost:${port}`,
        '--persist-to',
        join(dir, 'wrangler'),
        '--show-interactive-dev-session=false',
        '--log-level',
        'warn',
      ],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...process.env,
          WRANGLER_SEND_METRICS: 'false',
          CLOUDFLARE_CF_FETCH_ENABLED: 'false',
          XDG_CONFIG_HOME: dir,
        },
      },
    );
    // Kept for the error message if it never comes up; printed only then.
    const keep = (b: Buffer) => log.push(b.toString());
    wrangler.stdout?.on('data', keep);
    wrangler.stderr?.on('data', keep);
    // wrangler binds 127.0.0.1; the browser reaches it as localhost (the RP id), which Chromium
    // resolves to loopback itself (see the host-resolver rules in playwright.config.ts).
    const baseURL = `http://localhost:${port}`;
    const exited = new Promise<never>((_, reject) =>
      wrangler!.once('exit', (code) => reject(new Error(`wrangler dev exited (${code}):\n${log.join('')}`))),
    );
    await Promise.race([waitForHttp(`http://127.0.0.1:${port}/api/health`, 90_000), exited]);
    exited.catch(() => {});
    process.env.E2E_BASE_URL = baseURL;
    return teardown;
  } catch (err) {
    await teardown();
    throw err;
  }
}
