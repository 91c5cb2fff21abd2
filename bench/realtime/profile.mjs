// Where the room's time goes: a V8 CPU profile of the Worker isolate (the Worker and its
// Durable Objects) while the bench's clients edit one 500-job day at a fixed rate.
//
//   node_modules/.bin/node bench/realtime/profile.mjs [edits/s = 100] [clients = 25] [seconds = 8]
//
// Prints self and inclusive time per function and writes the .cpuprofile (open it in Chrome
// DevTools' Performance panel). The profiler itself slows the isolate several times over, so
// read the shares, not the milliseconds; `npm run bench:realtime` measures without it. Starts
// sqld and `wrangler dev` (with its inspector on a free port) itself and stops them by PID.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { seedDemo } from '../../db/seed/index.ts';
import { migrateDb } from '../../scripts/lib/migrate.mjs';
import { freePort, startSqld } from '../../scripts/lib/sqld.mjs';
import { signInDispatcher } from '../http/auth.mjs';
import { startWrangler } from '../http/stack.mjs';
import { addBenchDays } from './board-days.mjs';
import { closeClients, openClients } from './clients.mjs';
import { snapshotWorker } from '../lib/worker-snapshot.mjs';
import { placementPicker, runEdits, shareJobs } from './workload.mjs';

const [rate = 100, n = 25, seconds = 8] = process.argv.slice(2).map(Number);
const TOP = 30;

/** A minimal Chrome DevTools Protocol session over the inspector's WebSocket. */
async function inspector(url) {
  const ws = new WebSocket(url);
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  let id = 0;
  const pending = new Map();
  ws.on('message', (m) => {
    const d = JSON.parse(m);
    pending.get(d.id)?.(d.result);
    pending.delete(d.id);
  });
  return {
    call: (method, params = {}) =>
      new Promise((resolve) => {
        pending.set(++id, resolve);
        ws.send(JSON.stringify({ id, method, params }));
      }),
    close: () => ws.close(),
  };
}

/** Self and inclusive microseconds per function name (inclusive counts a name once per stack). */
function summarise(profile) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes) for (const c of node.children ?? []) parent.set(c, node.id);
  const hits = new Map();
  profile.samples.forEach((s, i) => hits.set(s, (hits.get(s) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const self = new Map();
  const inclusive = new Map();
  const name = (node) => node.callFrame.functionName || '(anonymous)';
  for (const [nodeId, us] of hits) {
    const node = byId.get(nodeId);
    self.set(name(node), (self.get(name(node)) ?? 0) + us);
    const seen = new Set();
    for (let cur = nodeId; cur; cur = parent.get(cur)) {
      const k = name(byId.get(cur));
      if (!seen.has(k)) inclusive.set(k, (inclusive.get(k) ?? 0) + us);
      seen.add(k);
    }
  }
  return { self, inclusive, total: [...self.values()].reduce((a, b) => a + b, 0) };
}

const dir = mkdtempSync(join(tmpdir(), 'switchboard-profile-'));
const snapshot = snapshotWorker({ name: 'realtime-profile' });
let sqld = null;
let wrangler = null;
let clients = [];
const stop = async () => {
  await closeClients(clients).catch(() => {});
  if (wrangler) await wrangler.stop();
  if (sqld) await sqld.stop();
  snapshot.remove();
  rmSync(dir, { recursive: true, force: true });
};
process.on('SIGINT', () => stop().finally(() => process.exit(130)));
try {
  sqld = await startSqld({ dbPath: join(dir, 'libsql'), port: await freePort() });
  await migrateDb(sqld.url);
  const seed = await seedDemo(sqld.url);
  const inspectorPort = await freePort();
  wrangler = await startWrangler({
    dir,
    name: 'wrangler',
    config: snapshot.config,
    args: ['--var', `LIBSQL_URL:${sqld.url}`, '--inspector-port', String(inspectorPort)],
    readyPath: '/api/health',
  });
  const bench = await addBenchDays(sqld.url, { today: seed.today, offsets: [60] });
  const [date] = Object.keys(bench.days);
  const cookie = await signInDispatcher(wrangler.url);
  clients = await openClients(`${wrangler.url.replace(/^http/, 'ws')}/api/rooms/board/${date}`, {
    n,
    observers: Math.min(n, 8),
    headers: { cookie, origin: wrangler.url },
  });

  const [target] = await (await fetch(`http://127.0.0.1:${inspectorPort}/json`)).json();
  const cdp = await inspector(target.webSocketDebuggerUrl);
  await cdp.call('Profiler.enable');
  await cdp.call('Profiler.setSamplingInterval', { interval: 500 });
  await cdp.call('Profiler.start');
  const jobIds = [...clients[0].doc.getMap('jobs').keys()].sort();
  const r = await runEdits({
    clients,
    jobShares: shareJobs(jobIds, n),
    picker: placementPicker({ techIds: bench.techIds, day: bench.days[date].range }),
    rate,
    durationMs: seconds * 1000,
  });
  const { profile } = await cdp.call('Profiler.stop');
  cdp.close();

  const file = join(tmpdir(), `board-room-${n}x${rate}.cpuprofile`);
  writeFileSync(file, JSON.stringify(profile));
  const { self, inclusive, total } = summarise(profile);
  const line = ([k, us]) => `${((us / total) * 100).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${k}`;
  console.log(
    `${n} clients, ${rate} edits/s for ${seconds} s: ${r.sent} edits, p50 ${r.p50.toFixed(1)} p99 ${r.p99.toFixed(1)} ms (profiled, so slower than the bench)`,
  );
  console.log(`\nself time, top ${TOP}:`);
  for (const e of [...self].sort((a, b) => b[1] - a[1]).slice(0, TOP)) console.log(line(e));
  console.log(`\ninclusive time, top ${TOP}:`);
  for (const e of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, TOP)) console.log(line(e));
  console.log(`\nprofile written to ${file}`);
  await stop();
} catch (e) {
  console.error(e);
  await stop();
  process.exit(1);
}
