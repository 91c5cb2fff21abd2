// The reference: @y/websocket-server's setupWSConnection (the stock y-websocket backend) in a
// child Node process of its own on a free loopback port, in memory (no YPERSISTENCE, so no
// leveldb). Its own process, like workerd for the room, so it neither competes with the bench's
// clients for one event loop nor gets timed by them.
//
// Run as a script it is the server; imported, `startReference()` starts it as a child, seeds
// docs over IPC and stops it by PID (server-child.mjs).
import { fileURLToPath } from 'node:url';
import { answerBench, forkServer } from './server-child.mjs';

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
  server.listen(0, '127.0.0.1', () =>
    answerBench(server.address().port, {
      seed({ name, state }) {
        const doc = getYDoc(name);
        Y.applyUpdate(doc, Buffer.from(state, 'base64'));
        return Y.encodeStateAsUpdate(doc).byteLength;
      },
    }),
  );
}

/** Starts the reference server; resolves with its URL, PID, `seed(name, stateBytes)` and `stop()`. */
export async function startReference() {
  const env = { ...process.env };
  delete env.YPERSISTENCE;
  const child = await forkServer(self, { name: 'reference server', env });
  return {
    url: child.url,
    pid: child.pid,
    seed: (name, state) => child.ask('seed', { name, state: Buffer.from(state).toString('base64') }),
    stop: child.stop,
  };
}
