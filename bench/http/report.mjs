// Writes the HTTP results into bench/RESULTS.md under their own heading, leaving every other
// section of the file as it was.

export const HEADING = '## HTTP API (bench/http)';

const ms = (v) => (Number.isFinite(v) ? v.toFixed(1) : '-');

export function renderSection(run) {
  const { budget } = run;
  const lines = [
    HEADING,
    '',
    `Rerun: \`npm run bench:http\` (env: \`BENCH_SECONDS\`, \`BENCH_CONNECTIONS\`, \`BENCH_WARMUP_SECONDS\`, \`BENCH_RATE\`, \`BENCH_GZIP=0\`).`,
    `It starts its own sqld, migrates, seeds the demo, runs \`wrangler dev\` on free loopback ports, signs in as the demo dispatcher and`,
    `drives each route with autocannon; \`/api/health\` (one trivial libSQL query through the same Worker) is the floor to compare with.`,
    '',
    `- Date: ${run.date}`,
    `- Machine: ${run.machine}`,
    `- Load: ${run.connections} concurrent connections, ${run.seconds} s per route after a ${run.warmup} s warm-up; requests ${run.gzip ? 'ask for gzip (`accept-encoding: gzip`), as browsers do' : 'without accept-encoding'}`,
    `- Data: demo seed (${run.seedSummary})`,
    `- Budget: p95 <= ${budget.p95} ms and 0 errors (non-2xx, socket errors, timeouts) at ${budget.connections} concurrent users`,
    `- CPU ms/request: CPU time from /proc over the closed-loop run divided by the requests answered; "worker" is the whole \`wrangler dev\``,
    `  process group (its Node process and both workerd processes: the dev proxy and the Worker), "sqld" the libSQL server. Unlike`,
    `  latency it hardly depends on what else the machine runs, and it bounds throughput: ${run.cores} CPUs / (worker + sqld + load generator).`,
    '',
    '| route | p50 ms | p95 ms | p99 ms | req/s | requests | non-2xx | errors | libSQL round trips | CPU ms/request: worker + sqld | budget |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  ];
  for (const r of run.results) {
    if (r.skipped) {
      lines.push(`| \`${r.label}\` | - | - | - | - | - | - | - | - | - | not available (${r.skipped}) |`);
      continue;
    }
    const errors = r.errors + r.timeouts;
    const pass = r.p95 <= budget.p95 && r.non2xx === 0 && errors === 0;
    lines.push(
      `| \`${r.label}\` | ${ms(r.p50)} | ${ms(r.p95)} | ${ms(r.p99)} | ${Math.round(r.rps)} | ${r.requests} | ${r.non2xx} | ${errors} | ${r.roundTrips ?? '?'} | ${r.cpu ? `${r.cpu.worker.toFixed(1)} + ${r.cpu.sqld.toFixed(1)}` : '-'} | ${r.reference ? 'reference' : pass ? 'pass' : 'FAIL'} |`,
    );
  }
  const paced = run.results.filter((r) => r.paced);
  if (paced.length) {
    lines.push(
      '',
      `Open loop: ${run.rate} requests/s sent at evenly spaced instants whatever the answers do (${run.connections} users each clicking about every`,
      `${Math.round(run.connections / run.rate)} s), so latency is mostly service time rather than queueing behind 99 back-to-back requests:`,
      '',
      '| route | p50 ms | p95 ms | p99 ms | req/s | non-2xx | errors | p95 <= budget |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    );
    for (const r of paced) {
      const p = r.paced;
      const errors = p.errors + p.timeouts;
      lines.push(
        `| \`${r.label}\` | ${ms(p.p50)} | ${ms(p.p95)} | ${ms(p.p99)} | ${Math.round(p.rps)} | ${p.non2xx} | ${errors} | ${r.reference ? 'reference' : p.p95 <= budget.p95 && p.non2xx === 0 && errors === 0 ? 'yes' : 'no'} |`,
      );
    }
  }
  const ceilings = run.results
    .filter((r) => r.cpu)
    .map((r) => {
      const perRequest = r.cpu.worker + r.cpu.sqld + r.cpu.client;
      const ceiling = (run.cores * 1000) / perRequest;
      return `\`${r.label}\` ~${Math.round(ceiling)} req/s (p50 >= ~${Math.round((run.connections / ceiling) * 1000)} ms)`;
    });
  if (ceilings.length)
    lines.push(
      '',
      `- CPU ceiling on this machine, and the p50 that implies for ${run.connections} back-to-back connections (Little's law): ${ceilings.join('; ')}.`,
    );
  if (run.notes?.length) lines.push(...run.notes.map((n) => `- ${n}`));
  return `${lines.join('\n')}\n`;
}
