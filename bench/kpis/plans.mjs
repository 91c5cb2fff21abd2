// EXPLAIN QUERY PLAN of every statement a KPI request runs, straight against sqld with the very
// SQL and arguments the Worker sends: worker/kpis/report.ts reportQueries (the report's batch)
// and drills.ts drillStatement (a drill-down's one statement), built with a drizzle instance of
// the same kind the Worker uses. A statement passes when it reads job_facts, jobs, invoices,
// payments and the KPI rollups only through an index search (SEARCH ... USING INDEX), never by a SCAN of the table
// or of a whole index.
import { createClient } from '@libsql/client/web';
import { drizzle } from 'drizzle-orm/libsql/web';
import * as schema from '../../db/schema.ts';
import { drillStatement } from '../../worker/kpis/drills.ts';
import { reportQueries } from '../../worker/kpis/report.ts';

export const WATCHED = ['job_facts', 'jobs', 'invoices', 'payments', 'job_fact_quarters', 'job_fact_tech_days', 'job_schedule_quarters'];
/** The report's statements, in the order report.ts sends them (its header names them so). */
export const REPORT_STATEMENTS = ['days', 'technicians', 'scheduled', 'collected', 'queue', 'receivables'];
/** The views of migration 0017, by the table they read. */
const VIEWS = { job_fact_terms: 'job_facts', job_schedule_terms: 'jobs' };
const KEYWORDS = new Set(['on', 'where', 'group', 'order', 'left', 'inner', 'join', 'limit', 'using', 'cross']);

/** Which table each name in a plan stands for: `from "jobs"`, `left join job_facts f`. */
function aliases(sql) {
  const out = new Map();
  for (const m of sql.matchAll(/\b(?:from|join)\s+"?([a-z_]+)"?(?:\s+(?:as\s+)?"?([a-z_]+)"?)?/gi)) {
    const table = VIEWS[m[1]] ?? m[1];
    out.set(m[1], table);
    if (m[2] && !KEYWORDS.has(m[2].toLowerCase())) out.set(m[2], table);
  }
  return out;
}

/** Runs a statement alone a few times: the median ms is what it costs sqld, round trip included, with nothing else running. */
async function time(client, { sql, params }, runs) {
  const ms = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await client.execute({ sql, args: params });
    ms.push(performance.now() - t);
  }
  return ms.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

async function explain(client, { sql, params }, runs) {
  const { rows } = await client.execute({ sql: `explain query plan ${sql}`, args: params });
  const names = aliases(sql);
  const depth = new Map([[0, -1]]);
  const plan = rows.map((r) => {
    const d = (depth.get(Number(r.parent)) ?? -1) + 1;
    depth.set(Number(r.id), d);
    return { depth: d, detail: String(r.detail) };
  });
  const scans = plan
    .map((p) => /^SCAN (\S+)/.exec(p.detail))
    .filter((m) => m && WATCHED.includes(names.get(m[1]) ?? m[1]))
    .map((m) => m.input);
  return { sql, plan, scans, ms: await time(client, { sql, params }, runs) };
}

/**
 * `ranges`: [{ label, range }]; `drill`: { label, drill, range }. Returns, per request, each
 * statement's plan, the watched tables it scans (none is the goal) and its median time alone
 * over `runs` runs.
 */
export async function explainAll(libsqlUrl, { orgId, timezone, ranges, drill, now, runs = 3 }) {
  const client = createClient({ url: libsqlUrl });
  const db = drizzle(client, { schema });
  try {
    const out = [];
    for (const { label, range } of ranges) {
      const queries = reportQueries(db, orgId, range, timezone, now);
      const explained = [];
      for (const [i, q] of queries.entries())
        explained.push({ name: REPORT_STATEMENTS[i] ?? `statement ${i + 1}`, ...(await explain(client, q, runs)) });
      out.push({ label, queries: explained });
    }
    const q = drillStatement(db, drill.drill, { orgId, timezone, range: drill.range, now }).toSQL();
    out.push({ label: drill.label, queries: [{ name: drill.drill, ...(await explain(client, q, runs)) }] });
    return out;
  } finally {
    client.close();
  }
}
