// `npm run kpis:rebuild`: recomputes every org's job facts (the rows the manager's numbers add up)
// from the records, with the very statements every job change appends to its own batch
// (db/job-facts.ts refreshFacts, here for 'all' of an org's jobs), then the org's KPI rollups
// from them (rebuildRollups: the triggers keep them in step anyway; this repairs a hand edit).
// For a database whose facts were never kept (an import, a restore) or are suspected stale; on a
// healthy one it changes nothing, and the KPI report reads the same before and after.
//
// LIBSQL_URL (default http://127.0.0.1:8080) and LIBSQL_AUTH_TOKEN, as db:migrate and db:seed.
// One transaction per org, so a failure leaves each org's facts either as they were or rebuilt.
import { createClient } from '@libsql/client';
import { rebuildRollups, refreshFacts } from '../db/job-facts.ts';

const url = process.env.LIBSQL_URL ?? 'http://127.0.0.1:8080';
const client = createClient({ url, authToken: process.env.LIBSQL_AUTH_TOKEN });
const factsOf = (orgId) => ({ sql: 'select count(*) as n from job_facts where org_id = ?', args: [orgId] });

try {
  const { rows: orgs } = await client.execute('select id, name from orgs order by name, id');
  let total = 0;
  for (const org of orgs) {
    const started = performance.now();
    const results = await client.batch(
      [factsOf(org.id), ...refreshFacts(String(org.id), 'all'), ...rebuildRollups(String(org.id)), factsOf(org.id)],
      'write',
    );
    const [before, after] = [results[0], results.at(-1)];
    const n = Number(after.rows[0].n);
    total += n;
    const ms = Math.round(performance.now() - started);
    console.log(`${org.name} (${org.id}): ${n} job facts (${Number(before.rows[0].n)} before), ${ms} ms`);
  }
  console.log(`kpis:rebuild: ${total} job facts in ${orgs.length} org${orgs.length === 1 ? '' : 's'} of ${url}`);
} finally {
  client.close();
}
