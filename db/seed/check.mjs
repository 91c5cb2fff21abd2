// A manual check of the demo seed against real libSQL servers (not part of `npm test`):
//   node_modules/.bin/node db/seed/check.mjs        (or: npx node db/seed/check.mjs)
// Starts two throwaway sqld servers on free loopback ports in a temp dir, migrates both, seeds
// the first twice (the second call must do nothing) and the second once, prints the time and
// the rows per table and per job status, checks that every done job has its facts (and nothing
// else has any), and compares values that must match between the two.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { freePort, startSqld } from '../../scripts/lib/sqld.mjs';
import { migrateDb } from '../../scripts/lib/migrate.mjs';
import { defaultDemoClock, seedDemo, seedIfEmpty } from './index.ts';

const dir = mkdtempSync(join(tmpdir(), 'switchboard-seed-check-'));
const servers = [];
let failed = false;
const fail = (msg) => {
  failed = true;
  console.error(`FAIL ${msg}`);
};

async function stopAll() {
  for (const s of servers.splice(0)) await s.stop();
  rmSync(dir, { recursive: true, force: true });
}
process.on('SIGINT', () => stopAll().then(() => process.exit(130)));
// Last resort if this process dies another way (e.g. its output pipe closes): no sqld outlives it.
process.on('exit', () => {
  servers.forEach((s) => s.child.exitCode === null && s.child.kill('SIGKILL'));
  rmSync(dir, { recursive: true, force: true });
});

async function freshDb(name) {
  const sqld = await startSqld({ dbPath: join(dir, name), port: await freePort() });
  servers.push(sqld);
  await migrateDb(sqld.url);
  return sqld.url;
}

async function rows(url, sql) {
  const c = createClient({ url });
  try {
    return (await c.execute(sql)).rows;
  } finally {
    c.close();
  }
}

const TABLES = [
  'orgs',
  'users',
  'technicians',
  'stock_locations',
  'customers',
  'locations',
  'parts',
  'price_book_items',
  'stock_levels',
  'jobs',
  'job_assignments',
  'job_events',
  'line_items',
  'invoices',
  'payments',
  'part_usages',
  'stock_movements',
  'purchase_orders',
  'purchase_order_lines',
  'job_facts',
];

try {
  // Both databases get the same clock so the comparison holds even across a half-hour boundary.
  const clock = defaultDemoClock();
  const [a, b] = [await freshDb('a'), await freshDb('b')];

  const report = await seedDemo(a, clock);
  if (!report) throw new Error('the first seed did nothing');
  console.log(`seeded ${a} in ${report.ms} ms (today ${report.today}, now ${report.pivot} America/Chicago)`);
  const t = performance.now();
  const again = await seedIfEmpty(a, clock);
  console.log(`second seed: ${again ? 'SEEDED AGAIN' : 'no-op'} (${Math.round(performance.now() - t)} ms)`);
  if (again) fail('the second seedIfEmpty wrote data');

  console.log('\nrows per table');
  for (const table of TABLES) {
    const [{ n }] = await rows(a, `select count(*) as n from ${table}`);
    console.log(`  ${table.padEnd(22)} ${String(n).padStart(6)}`);
  }
  console.log('\njobs per status');
  for (const r of await rows(a, 'select status, count(*) as n from jobs group by status order by n desc'))
    console.log(`  ${String(r.status).padEnd(12)} ${String(r.n).padStart(6)}`);
  console.log('invoices per status');
  for (const r of await rows(a, 'select status, count(*) as n from invoices group by status order by n desc'))
    console.log(`  ${String(r.status).padEnd(12)} ${String(r.n).padStart(6)}`);

  const [org] = await rows(a, 'select next_job_number, next_invoice_number, next_po_number from orgs');
  const [max] = await rows(
    a,
    'select max(number) + 1 as j, (select max(number) + 1 from invoices) as i, (select max(number) + 1 from purchase_orders) as p from jobs',
  );
  console.log(
    `\norg counters: job ${org.next_job_number}, invoice ${org.next_invoice_number}, po ${org.next_po_number} (max+1: ${max.j}, ${max.i}, ${max.p})`,
  );
  if (org.next_job_number !== max.j || org.next_invoice_number !== max.i || org.next_po_number !== max.p)
    fail('org counters do not follow the inserted numbers');
  // The manager's numbers read the facts: the seed writes them with the statements every job writer uses.
  const [facts] = await rows(
    a,
    `select (select count(*) from jobs where status in ('completed', 'invoiced', 'paid')) as done,
      (select count(*) from jobs j where j.status in ('completed', 'invoiced', 'paid')
        and not exists (select 1 from job_facts f where f.job_id = j.id)) as missing,
      (select count(*) from job_facts f join jobs j on j.id = f.job_id where j.status not in ('completed', 'invoiced', 'paid')) as stray`,
  );
  console.log(`\njob facts: ${facts.done} done jobs, ${facts.missing} without facts, ${facts.stray} facts of jobs not done`);
  if (facts.done === 0 || facts.missing !== 0 || facts.stray !== 0) fail('every done job must have its facts, and only those');
  // Each invoice reads its own copy of its lines (db/invoice-lines.ts): there, and adding up to the invoice.
  const [lines] = await rows(
    a,
    `select (select count(*) from invoice_lines) as lines,
      (select count(*) from invoices i where not exists (select 1 from invoice_lines l where l.invoice_id = i.id)) as bare,
      (select count(*) from invoices i where i.subtotal_cents <> (select sum(l.total_cents) from invoice_lines l where l.invoice_id = i.id)) as off`,
  );
  console.log(
    `invoice lines: ${lines.lines}, ${lines.bare} invoices without lines, ${lines.off} whose lines do not add up to the subtotal`,
  );
  if (lines.lines === 0 || lines.bare !== 0 || lines.off !== 0) fail('every invoice must have its own lines, adding up to its subtotal');
  const [low] = await rows(a, 'select count(*) as n from stock_levels where quantity < reorder_point');
  console.log(`stock levels below reorder point: ${low.n}`);

  const t2 = performance.now();
  await seedIfEmpty(b, clock);
  console.log(`\nseeded ${b} in ${Math.round(performance.now() - t2)} ms`);
  const probes = [
    ['first 5 customers by name', 'select id, name from customers order by name, id limit 5'],
    ['jobs 1000-1004', 'select number, id, status, type from jobs where number < 1005 order by number'],
    [
      'last job number and its customer',
      'select j.number, c.name from jobs j join customers c on c.id = j.customer_id order by j.number desc limit 1',
    ],
    ['invoice totals', 'select count(*) as n, sum(total_cents) as total, sum(paid_cents) as paid from invoices'],
    [
      'whole-table digest (jobs)',
      "select group_concat(id || ':' || number || ':' || status || ':' || coalesce(scheduled_start, ''), ',') as d from (select * from jobs order by id)",
    ],
  ];
  for (const [label, sql] of probes) {
    const [ra, rb] = [await rows(a, sql), await rows(b, sql)];
    const same = JSON.stringify(ra) === JSON.stringify(rb);
    if (!same) fail(`${label} differs between the two databases`);
    const shown = label.startsWith('whole') ? `${String(ra[0].d).length} chars` : JSON.stringify(ra.map((r) => Object.values(r)));
    console.log(`  ${same ? 'same' : 'DIFFERENT'}  ${label}: ${shown}`);
  }
} catch (err) {
  fail(err instanceof Error ? err.stack : String(err));
} finally {
  await stopAll();
}
console.log(failed ? '\nseed check FAILED' : '\nseed check passed');
process.exit(failed ? 1 : 0);
