// The local stack for the HTTP bench, started from scratch in a temp dir on free loopback
// ports: sqld, migrations, the demo seed, then `wrangler dev`. Every child is remembered by
// PID and stopped by `stop()`, which is safe to call more than once.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startSqld, waitForHttp } from '../../scripts/lib/sqld.mjs';
import { migrateDb } from '../../scripts/lib/migrate.mjs';
import { seedDemo } from '../../db/seed/index.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Last resort if the bench dies without stopping (an uncaught error, a closed pipe): kill synchronously. */
function onExit(kill) {
  process.on('exit', kill);
}

/**
 * `wranglerConfig`: another wrangler config to run (bench/realtime runs a bundle made before it starts);
 * `wranglerArgs`: more arguments for `wrangler dev` (`--var NAME:value`).
 */
export async function startStack({ log = console.log, wranglerConfig, wranglerArgs = [] } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-bench-'));
  const stops = [];
  let stopped = false;
  const stack = {
    dir,
    stops,
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const stop of stops.reverse()) await stop().catch(() => {});
      rmSync(dir, { recursive: true, force: true });
      // wrangler keeps its bundle next to a config it is given (bench/http/floor-worker/.wrangler).
      rmSync(fileURLToPath(new URL('./floor-worker/.wrangler', import.meta.url)), { recursive: true, force: true });
    },
  };
  try {
    const sqld = await startSqld({ dbPath: join(dir, 'libsql'), port: await freePort() });
    stops.push(() => sqld.stop());
    onExit(() => sqld.child.exitCode === null && sqld.child.kill('SIGKILL'));
    stack.libsqlUrl = sqld.url;
    stack.sqldPid = sqld.child.pid;
    await migrateDb(sqld.url);
    stack.seed = await seedDemo(sqld.url);
    log(
      `sqld ${sqld.url} (pid ${sqld.child.pid}); demo seeded in ${stack.seed.ms} ms: ${stack.seed.counts.jobs} jobs, ${stack.seed.counts.customers} customers`,
    );

    // wrangler.toml serves build/ as static assets; the API does not need the app built.
    mkdirSync(join(root, 'build'), { recursive: true });
    const wranglerOpts = {
      dir,
      name: 'wrangler',
      config: wranglerConfig,
      args: ['--var', `LIBSQL_URL:${sqld.url}`, ...wranglerArgs],
      readyPath: '/api/health',
    };
    let w = await startWrangler(wranglerOpts);
    stops.push(() => w.stop());
    stack.url = w.url;
    stack.wranglerPid = w.pid;
    stack.wranglerStateDir = join(dir, 'wrangler-state');
    log(`wrangler dev ${w.url} (pid ${w.pid}) answered /api/health after ${w.startMs} ms`);
    /**
     * Stops `wrangler dev` and starts it again on the same persisted state (on a new port), so
     * Durable Objects start cold from their own storage. `between` runs while nothing is running.
     */
    stack.restartWrangler = async (between = async () => {}) => {
      await w.stop();
      await between();
      w = await startWrangler(wranglerOpts);
      stack.url = w.url;
      stack.wranglerPid = w.pid;
      log(`wrangler dev restarted: ${w.url} (pid ${w.pid}) answered /api/health after ${w.startMs} ms`);
      return w;
    };
    return stack;
  } catch (err) {
    await stack.stop();
    throw err;
  }
}

/** `wrangler dev` on a free loopback port, output in `<dir>/<name>.log`; resolves once `readyPath` answers 2xx. */
export async function startWrangler({ dir, name, args = [], config, readyPath = '/' }) {
  const port = await freePort();
  const logFile = join(dir, `${name}.log`);
  const out = createWriteStream(logFile);
  const child = spawn(
    join(root, 'node_modules/.bin/wrangler'),
    [
      'dev',
      ...(config ? ['--config', config] : []),
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--persist-to',
      join(dir, `${name}-state`),
      '--show-interactive-dev-session=false',
      '--log-level',
      'warn',
      ...args,
    ],
    {
      cwd: root,
      // Its own process group, so stopping it also stops the workerd it starts.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        // wrangler's `#!/usr/bin/env node` must find this Node (22), not the machine's, even when
        // the bench is started without `npm run`.
        PATH: [dirname(process.execPath), join(root, 'node_modules/.bin'), process.env.PATH].join(delimiter),
        WRANGLER_SEND_METRICS: 'false',
        CLOUDFLARE_CF_FETCH_ENABLED: 'false',
        // wrangler dev's local trace collector (the local explorer's "observability") gets every
        // invocation's tail events in the Worker's own workerd process and stores them in
        // SQLite: under the realtime bench's 100 sockets that was about a quarter of that
        // process's CPU (perf, bench/realtime/steady.mjs). It is a development tool that
        // production does not run beside the Worker, so the benches measure without it;
        // X_LOCAL_OBSERVABILITY=true puts it back.
        X_LOCAL_OBSERVABILITY: process.env.X_LOCAL_OBSERVABILITY ?? 'false',
        XDG_CONFIG_HOME: join(dir, 'config'),
      },
    },
  );
  child.stdout.pipe(out);
  child.stderr.pipe(out);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      return;
    }
    const gone = await Promise.race([exited.then(() => true), new Promise((r) => setTimeout(() => r(false), 5000))]);
    if (!gone) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {}
    }
  };
  onExit(() => {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {}
    }
  });
  const url = `http://127.0.0.1:${port}`;
  const t = performance.now();
  try {
    await Promise.race([
      waitForHttp(`${url}${readyPath}`, 90_000),
      exited.then((code) => {
        // The temp dir goes with the stack, so the reason is copied into the error.
        const tail = readFileSync(logFile, 'utf8').split('\n').slice(-25).join('\n');
        throw new Error(`wrangler dev exited with ${code} before it answered:\n${tail}`);
      }),
    ]);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, pid: child.pid, stop, startMs: Math.round(performance.now() - t) };
}
