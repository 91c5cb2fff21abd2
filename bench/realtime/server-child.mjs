// The bench's peer servers (reference-server.mjs, hocuspocus-server.mjs) each run in a child Node
// process of their own, like workerd for the room: they neither compete with the bench's clients
// for one event loop nor get timed by them, and their CPU is read from /proc by PID. This is the
// plumbing both share: the child says its port, then answers the bench's requests over IPC.
import { fork } from 'node:child_process';

/** In the child, once listening: reports `port` and answers `{ id, type, ...args }` with `await handlers[type](args)`. */
export function answerBench(port, handlers) {
  process.on('message', async ({ id, type, ...args }) => {
    try {
      process.send({ id, ok: true, value: await handlers[type](args) });
    } catch (e) {
      process.send({ id, ok: false, error: e instanceof Error ? e.message : String(e) });
    }
  });
  process.on('disconnect', () => process.exit(0));
  process.send({ type: 'listening', port });
}

/**
 * In the bench: forks `script` (which calls answerBench) and waits for its port. Resolves with its
 * ws:// URL, PID, `ask(type, args)` and `stop()`, which ends it by PID (SIGTERM, SIGKILL after 3 s).
 */
export async function forkServer(script, { name, args = [], env = process.env }) {
  const child = fork(script, args, { env, execPath: process.execPath, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const kill = () => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL');
  process.on('exit', kill);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const waiters = new Map();
  child.on('message', (msg) => {
    const w = waiters.get(msg.id ?? msg.type);
    if (!w) return;
    waiters.delete(msg.id ?? msg.type);
    w(msg);
  });
  const next = (key, what) =>
    Promise.race([
      new Promise((resolve) => waiters.set(key, resolve)),
      exited.then((code) => {
        throw new Error(`${name} exited (${code}) while waiting for ${what}`);
      }),
      new Promise((_, reject) => setTimeout(() => reject(new Error(`${name}: no ${what} within 20 s`)), 20_000).unref()),
    ]);
  const { port } = await next('listening', 'listening');
  let ids = 0;
  return {
    url: `ws://127.0.0.1:${port}`,
    pid: child.pid,
    async ask(type, args = {}) {
      const id = ++ids;
      child.send({ id, type, ...args });
      const answer = await next(id, type);
      if (!answer.ok) throw new Error(`${name} ${type}: ${answer.error}`);
      return answer.value;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      kill();
      process.off('exit', kill);
    },
  };
}
