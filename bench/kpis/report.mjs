// Writes the KPI bench's results into bench/RESULTS.md under their own heading, leaving every
// other section of the file as it was.

export const HEADING = '## Manager KPIs (bench/kpis)';

const ms = (v) => (Number.isFinite(v) ? v.toFixed(1) : '-');
const n = (v) => Number(v).toLocaleString('en-US');

export function renderSection(run) {
  const { budget, data, seed } = run;
  const lines = [
    HEADING,
    '',
    'Rerun: `npm run bench:kpis` (env: `BENCH_SECONDS`, `BENCH_WARMUP_SECONDS`, `BENCH_LOG_LEVEL`). It bundles the Worker once, starts its own sqld, migrates,',
    'seeds the demo, runs `wrangler dev` on free loopback ports, adds an org with a year of work for 100 technicians (bench/kpis/data.mjs),',
    `signs in ${budget.managers} of its managers (password and authenticator code, ${budget.managers} sessions) and drives each route from ${budget.managers} connections, one per`,
    'session, each sending its next request when the last is answered; `/api/health` (one trivial libSQL query through the same Worker)',
    'is the floor to compare with. Then EXPLAIN QUERY PLAN of every statement the KPI requests run, with their own SQL and arguments',
    '(worker/kpis/report.ts `reportQueries`, drills.ts `drillStatement`), straight against sqld.',
    '',
    "The report and the drill-down's list are cached in the Worker (worker/kpis/cache.ts) while the org's KPI data version is unchanged, for at most 60 s, and a kept answer is gzipped once: the rows",
    `"a payment recorded every ${run.writer.everyMs / 1000} s" run the same ranges while the org's dispatcher, a session of their own, records a 1-cent payment`,
    'through the API about once a second (bench/kpis/writer.mjs), which outdates every cached answer of the org: misses under load.',
    '',
    `- Date: ${run.date}`,
    `- Machine: ${run.machine}`,
    `- Load: ${budget.managers} concurrent managers, ${run.seconds} s per route after a ${run.warmup} s warm-up; requests ask for gzip`,
    `- The Worker's log level: ${run.logLevel}${run.logLevel === 'warn' ? " (the request log's info lines off: `wrangler dev` relays each console line from workerd to its Node process through the inspector, about 3 ms of CPU per request here, which production does not spend in the isolate; `BENCH_LOG_LEVEL=info` puts them back)" : ''}`,
    `- Data: the KPI org (${n(data.counts.jobs)} jobs of which ${n(data.counts.returnVisits)} return visits, ${n(data.counts.events)} job events, ${n(data.counts.invoices)} invoices, ${n(data.counts.payments)} payments, ${n(data.counts.facts)} job facts, ${n(data.counts.quarters)} quarter-hours of facts, ${n(data.counts.techDays)} technician-days, ${n(data.counts.scheduleQuarters)} quarter-hours of the schedule; 100 technicians, 5,000 customers; today ${data.today} in ${data.timezone}) beside the demo org (${n(seed.counts.jobs)} jobs)`,
    `- Generated in ${(data.ms / 1000).toFixed(1)} s, by SQL inside sqld: ${data.steps.map((s) => `${s.label} ${(s.ms / 1000).toFixed(1)} s`).join(', ')}; the demo seed took ${(seed.ms / 1000).toFixed(1)} s`,
    `- Budget: p95 <= ${budget.p95} ms and 0 errors (non-2xx, socket errors, timeouts) at ${budget.managers} concurrent managers`,
    '- CPU ms/request: CPU time from /proc over the run divided by the requests answered; "worker" is the whole `wrangler dev` process group,',
    '  "sqld" the libSQL server',
    '- Alone: the median of three requests sent one at a time after the run, nothing else in flight (the service time the queue adds to):',
    '  "as it comes" (for the report, an answer from the cache), and "after a change", each request right after a payment was recorded',
    '  (the report read from libSQL again). Round trips: the first request of the route (nothing cached) / as it comes / after a change',
    `- Writes: ${run.writer.writes} payments recorded in all, ${run.writer.failures} refused or failed${run.writer.failures ? ` (last: ${run.writer.lastFailure})` : ''}`,
    '',
    '| route | p50 ms | p95 ms | p99 ms | max ms | req/s | requests | non-2xx | errors | payments during the run | alone ms: as it comes / after a change | libSQL round trips | response (uncompressed) | CPU ms/request: worker + sqld | budget |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  ];
  for (const r of run.results) {
    if (r.skipped) {
      lines.push(`| \`${r.label}\` | - | - | - | - | - | - | - | - | - | - | - | - | - | not available (${r.skipped}) |`);
      continue;
    }
    const errors = r.errors + r.timeouts;
    const pass = r.requests > 0 && r.p95 <= budget.p95 && r.non2xx === 0 && errors === 0;
    lines.push(
      `| \`${r.label}\` | ${ms(r.p50)} | ${ms(r.p95)} | ${ms(r.p99)} | ${ms(r.max)} | ${Math.round(r.rps)} | ${r.requests} | ${r.non2xx} | ${errors} | ${r.writes ? r.writes : '-'} | ${ms(r.alone)} / ${ms(r.aloneChanged)} | ${r.roundTrips ?? '?'} / ${r.tripsAlone ?? '?'} / ${r.tripsChanged ?? '?'} | ${(r.bytes / 1024).toFixed(1)} KB | ${r.cpu ? `${r.cpu.worker.toFixed(1)} + ${r.cpu.sqld.toFixed(1)}` : '- (none answered)'} | ${r.reference ? 'reference' : pass ? 'pass' : 'FAIL'} |`,
    );
  }
  // Closed loop on a shared machine: throughput is bounded by CPU per request, and 10 connections
  // queue behind it (Little's law), whatever the queries' plans.
  const ceilings = run.results
    .filter((r) => r.cpu)
    .map((r) => {
      const ceiling = (run.cores * 1000) / (r.cpu.worker + r.cpu.sqld + r.cpu.client);
      return `\`${r.label}\` ~${Math.round(ceiling)} req/s (p50 >= ~${Math.round((budget.managers / ceiling) * 1000)} ms)`;
    });
  lines.push(
    '',
    `- CPU ceiling on this machine (${run.cores} CPUs / (worker + sqld + load generator) per request), and the p50 that implies for ${budget.managers} back-to-back managers: ${ceilings.join('; ')}.`,
  );
  if (run.notes?.length) lines.push(...run.notes.map((note) => `- ${note}`));

  lines.push('', '### Query plans', '');
  const clean = run.plans.every((p) => p.queries.every((q) => !q.scans.length));
  lines.push(
    clean
      ? 'Every statement reads job_facts, jobs, invoices, payments and the KPI rollups (job_fact_quarters, job_fact_tech_days, job_schedule_quarters) through index searches only (no `SCAN` of those tables or of a whole index of theirs; `SCAN parts` is the rows the searches found, `SCAN json_each` the spans).'
      : `Statements that SCAN job_facts, jobs, invoices, payments or a rollup: ${run.plans
          .flatMap((p) => p.queries.filter((q) => q.scans.length).map((q) => `${p.label} ${q.name} (${q.scans.join('; ')})`))
          .join(', ')}.`,
    '',
  );
  const reports = run.plans.filter((p) => p.queries.length > 1);
  const drills = run.plans.filter((p) => p.queries.length === 1);
  lines.push(
    'Each statement run alone against sqld (median of 3, round trip included), ms:',
    '',
    `| report | ${reports[0].queries.map((q) => q.name).join(' | ')} |`,
    `| --- | ${reports[0].queries.map(() => '---:').join(' | ')} |`,
    ...reports.map((p) => `| ${p.label} | ${p.queries.map((q) => ms(q.ms)).join(' | ')} |`),
    '',
    ...drills.map((p) => `- ${p.label}: ${p.queries.map((q) => `\`${q.name}\` ${ms(q.ms)} ms`).join(', ')}`),
    '',
  );
  // The report's statements have the same plan for every range; they are shown once, with the ranges they were checked for.
  const shown = new Map();
  for (const p of run.plans)
    for (const q of p.queries) {
      const text = q.plan.map((row) => `${'  '.repeat(row.depth)}${row.detail}`).join('\n');
      const key = `${q.name}\n${text}`;
      if (!shown.has(key)) shown.set(key, { name: q.name, text, labels: [] });
      shown.get(key).labels.push(p.label);
    }
  for (const { name, text, labels } of shown.values()) lines.push(`\`${name}\` (${labels.join(', ')}):`, '', '```', text, '```', '');
  return `${lines.join('\n').trimEnd()}\n`;
}
