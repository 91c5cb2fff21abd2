// The reference: @y/websocket-server's setupWSConnection (the stock y-websocket backend) in a
// child Node process of its own on a free loopback port, in memory (no YPERSISTENCE, so no
// leveldb). Its own process, like workerd for the room, so it neither competes with the bench's
// clients for one event loop nor gets timed by them.
//
// Run as a script it is the server; imported, `startReference()` starts it as a child, seeds
// docs over IPC and stops it by PID.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const self = fileURLToPath(import.meta.url);

if (process.argv[1] === self && process.send) {
  const http = await import('node:http');
  const { WebSocketServer } = await import('ws');
  const Y = await import('yjs');
  const { setupWSConnection, getYDoc } = await import('@y/websocket-server/utils');

  const wss = new WebSocketServer({ noServer: true });
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('okay');
  });
  // As @y/websocket-server's own server.js, minus the host/port from env: the doc is named by the path.
  server.on('upgrade', (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => setupWSConnection(ws, req)));
  process.on('message', (msg) => {
    if (msg?.type === 'seed') {
      const doc = getYDoc(msg.name);
      Y.applyUpdate(doc, Buffer.from(msg.state, 'base64'));
      process.send({ type: 'seeded', name: msg.name, bytes: Y.encodeStateAsUpdate(doc).byteLength });
    }
  });
  process.on('disconnect', () => process.exit(0));
  server.listen(0, '127.0.0.1', () => process.send({ type: 'listening', port: server.address().port }));
}

/** Starts the reference server; resolves with its URL, PID, `seed(name, stateBytes)` and `stop()`. */
export async function startReference() {
  const env = { ...process.env };
  delete env.YPERSISTENCE;
  const child = fork(self, [], { env, execPath: process.execPath, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const kill = () => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL');
  process.on('exit', kill);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const waiters = [];
  child.on('message', (msg) => {
    const i = waiters.findIndex((w) => w.match(msg));
    if (i >= 0) waiters.splice(i, 1)[0].resolve(msg);
  });
  const next = (match, what) =>
    Promise.race([
      new Promise((resolve) => waiters.push({ match, resolve })),
      exited.then((code) => {
        throw new Error(`reference server exited (${code}) while waiting for ${what}`);
      }),
      new Promise((_, reject) => setTimeout(() => reject(new Error(`reference server: no ${what} within 20 s`)), 20_000).unref()),
    ]);
  const { port } = await next((m) => m.type === 'listening', 'listening');
  return {
    url: `ws://127.0.0.1:${port}`,
    pid: child.pid,
    async seed(name, state) {
      child.send({ type: 'seed', name, state: Buffer.from(state).toString('base64') });
      return next((m) => m.type === 'seeded' && m.name === name, `seed of ${name}`);
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
