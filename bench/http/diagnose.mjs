// `node bench/http/diagnose.mjs` (through npm's PATH, or node_modules/.bin/node): where the time
// of an API request goes. Same stack as run.mjs; each layer is loaded on its own at 1, 10 and
// 100 connections:
//   sqld            a Hrana pipeline "select 1" straight to sqld (no Worker)
//   bare worker     bench/http/floor-worker under the same `wrangler dev`: answers at once, or
//                   runs "select 1" by plain fetch, by a libSQL client made per request, or by
//                   one client shared by the isolate (no Hono, no drizzle)
//   worker, no db   an unknown /api route: middleware, a libSQL client created, no query
//   health          /api/health: the same plus one libSQL round trip
//   route           an authenticated list route (session lookup + query = 2 round trips)
// with and without gzip. Besides latency and throughput (which depend on whatever else the
// machine is doing) it prints the CPU time per request of each process from /proc: sqld, the
// `wrangler dev` process group (node + workerd) and this load generator. Their sum bounds
// the throughput this machine can reach at all. Prints a table; writes nothing.
import { COMMON_SURNAME } from '../../db/seed/people.ts';
import { load } from './measure.mjs';
import { fileURLToPath } from 'node:url';
import { availableParallelism } from 'node:os';
import { signInDispatcher } from './auth.mjs';
import { groupCpuMs, processCpuMs, selfCpuMs } from './cpu.mjs';
import { startStack, startWrangler } from './stack.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const LEVELS = (process.env.BENCH_LEVELS ?? '1,10,100').split(',').map(Number);
const ONLY = process.env.BENCH_ONLY ? new RegExp(process.env.BENCH_ONLY) : null;

let stack = null;
const stop = async (code) => {
  if (stack) await stack.stop();
  process.exit(code);
};
process.on('SIGINT', () => stop(130));
setTimeout(() => stop(2), (120 + LEVELS.length * 7 * (SECONDS + 3)) * 1000).unref();

try {
  stack = await startStack();
  const cookie = await signInDispatcher(stack.url);
  const gz = { 'accept-encoding': 'gzip' };
  // The floor of `wrangler dev` itself: bench/http/floor-worker, no framework.
  const config = fileURLToPath(new URL('./floor-worker/wrangler.toml', import.meta.url));
  const bareWorker = await startWrangler({ dir: stack.dir, name: 'floor', config, args: ['--var', `LIBSQL_URL:${stack.libsqlUrl}`] });
  stack.stops.push(bareWorker.stop);
  // What the session lookup sends as one batch, straight to sqld: a transaction holding the
  // conditional last_seen_at touch (matching no row here) and the select, and the same without it.
  const pipeline = (...sqls) =>
    JSON.stringify({ requests: [...sqls.map((sql) => ({ type: 'execute', stmt: { sql } })), { type: 'close' }] });
  const sqldCase = (name, body) => ({
    name,
    url: `${stack.libsqlUrl}/v2/pipeline`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  const select = "select u.id, u.role from sessions s join users u on u.id = s.user_id where s.token_hash = 'none'";
  const cases = [
    sqldCase('sqld select 1 (direct)', pipeline('select 1')),
    sqldCase('sqld txn: select', pipeline('begin deferred', select, 'commit')),
    sqldCase(
      'sqld txn: no-op update+select',
      pipeline('begin deferred', "update sessions set last_seen_at = 1 where token_hash = 'none'", select, 'commit'),
    ),
    { name: 'bare worker', url: `${bareWorker.url}/`, group: bareWorker.pid },
    { name: 'bare worker: fetch sqld', url: `${bareWorker.url}/fetch`, group: bareWorker.pid },
    { name: 'bare worker: client/request', url: `${bareWorker.url}/client-per-request`, group: bareWorker.pid },
    { name: 'bare worker: shared client', url: `${bareWorker.url}/client-shared`, group: bareWorker.pid },
    { name: 'worker, no db (404)', url: `${stack.url}/api/no-such-route`, expect404: true },
    { name: 'health', url: `${stack.url}/api/health` },
    { name: 'health, gzip', url: `${stack.url}/api/health`, headers: gz },
    { name: 'customers?limit=50', url: `${stack.url}/api/customers?limit=50`, headers: { cookie } },
    { name: 'customers?limit=50, gzip', url: `${stack.url}/api/customers?limit=50`, headers: { cookie, ...gz } },
    { name: `customers?q=${COMMON_SURNAME}, gzip`, url: `${stack.url}/api/customers?q=${COMMON_SURNAME}`, headers: { cookie, ...gz } },
    // Is the cost per request or per row/byte?
    { name: 'customers?limit=5', url: `${stack.url}/api/customers?limit=5`, headers: { cookie } },
    { name: 'customers?limit=50&fields=id,name', url: `${stack.url}/api/customers?limit=50&fields=id,name`, headers: { cookie } },
    { name: 'customers?limit=200', url: `${stack.url}/api/customers?limit=200`, headers: { cookie } },
  ];
  const rows = [];
  for (const c of cases.filter((c) => !ONLY || ONLY.test(c.name))) {
    for (const connections of LEVELS) {
      await load({
        url: c.url,
        method: c.method,
        body: c.body,
        headers: c.headers,
        connections: Math.min(connections, 10),
        seconds: 1,
        countAll: c.expect404,
      });
      const group = c.group ?? (c.url.startsWith(stack.libsqlUrl) ? null : stack.wranglerPid);
      const cpu = () => ({ sqld: processCpuMs(stack.sqldPid), worker: group ? groupCpuMs(group) : 0, client: selfCpuMs() });
      const before = cpu();
      const m = await load({
        url: c.url,
        method: c.method,
        body: c.body,
        headers: c.headers,
        connections,
        seconds: SECONDS,
        countAll: c.expect404,
      });
      const after = cpu();
      const per = (k) => (after[k] - before[k]) / Math.max(1, m.requests);
      const total = per('sqld') + per('worker') + per('client');
      const cpuText = `cpu/req ms: sqld ${per('sqld').toFixed(2)} wrangler+workerd ${per('worker').toFixed(2)} client ${per('client').toFixed(2)} = ${total.toFixed(2)} (ceiling ~${Math.round((availableParallelism() * 1000) / total)} req/s)`;
      const row = `${c.name.padEnd(34)} c=${String(connections).padStart(3)}  p50 ${m.p50.toFixed(1).padStart(7)}  p95 ${m.p95.toFixed(1).padStart(7)}  p99 ${m.p99.toFixed(1).padStart(7)} ms  ${String(Math.round(m.rps)).padStart(5)} req/s  non-2xx ${m.non2xx}  errors ${m.errors + m.timeouts}  ${cpuText}`;
      console.log(row);
      rows.push(row);
    }
  }
  await stop(0);
} catch (err) {
  console.error(err);
  await stop(1);
}
