/**
 * Each KPI read starts from an index that leads with the org (EXPLAIN QUERY PLAN against the test
 * libSQL), so its cost follows the range asked for, not the size of the org's history or of
 * anyone else's. bench/kpis measures the same statements on a year of a large org's work.
 */
import { describe, expect, inject, it } from 'vitest';
import { DRILLS, type DrillId } from '../../core/kpis.ts';
import { openDb } from '../../worker/db.ts';
import { drillStatement } from '../../worker/kpis/drills.ts';
import { reportQueries } from '../../worker/kpis/report.ts';
import { fx, sql } from './helpers.ts';

const { db } = openDb({ LIBSQL_URL: inject('libsqlUrl') });
const RANGE = { from: '2026-03-02', to: '2026-03-08' };
const NOW = Date.UTC(2026, 2, 9, 17);

async function plan(q: { sql: string; params: unknown[] }): Promise<string[]> {
  const r = await sql.execute({ sql: `explain query plan ${q.sql}`, args: q.params as never });
  return r.rows.map((row) => String(row.detail));
}

/**
 * A step that reads a whole table (SCAN jobs, SCAN job_facts …). Not one: the spans' json_each (its
 * own argument) and the rollups' CTEs (parts, totals: the rows the searches found).
 */
const fullScans = (steps: string[]) => steps.filter((s) => /^SCAN /.test(s) && !/^SCAN (json_each|parts|totals)\b/.test(s));

describe('KPI query plans', () => {
  it('reads the report with one indexed search per statement', async () => {
    // A range's rows are read from the index alone (COVERING): a year of 100 technicians is a
    // quarter of a million facts, and a table lookup for each made the year's report seconds long.
    const covering = 'COVERING ';
    const expected: [string, string][][] = [
      [
        ['quarter', 'PRIMARY KEY'], // job_fact_quarters
        ['job_facts_org_completed_idx', covering],
      ], // each day of both periods: whole quarter-hours, and facts at the ends
      [
        ['day', 'PRIMARY KEY'], // job_fact_tech_days
        ['job_facts_org_completed_idx', ''], // the ends (at most two part days) read technician_id from the table
        ['technicians_org_idx', '(COVERING )?'],
      ], // each technician's sums: whole UTC days, and facts at the ends
      [
        ['quarter', 'PRIMARY KEY'], // job_schedule_quarters
        ['jobs_org_start_idx', covering],
      ], // scheduled in either period
      [['payments_org_received_idx', covering]], // collected
      [['jobs_org_status_idx', '(COVERING )?']], // the queue
      [['invoices_org_status_idx', covering]], // receivables
    ];
    const queries = reportQueries(db, fx.a.orgId, RANGE, 'America/Chicago', NOW);
    expect(queries).toHaveLength(expected.length);
    for (const [i, q] of queries.entries()) {
      const steps = await plan(q);
      // [index, how]: a rollup's own key is named by its column after org_id ([column, 'PRIMARY KEY']).
      for (const [index, how] of expected[i]!)
        expect(steps.join('\n'), `statement ${i}`).toMatch(
          how === 'PRIMARY KEY'
            ? new RegExp(`SEARCH \\w+ USING PRIMARY KEY \\(org_id=\\? AND ${index}>\\?`)
            : new RegExp(`USING ${how}INDEX ${index} \\(org_id=\\?`),
        );
      expect(fullScans(steps), `statement ${i}: ${steps.join(' | ')}`).toEqual([]);
    }
  });

  it('starts every drill-down from the index its figure uses', async () => {
    const first: Record<DrillId, string> = {
      invoiced: 'job_facts_org_completed_idx',
      collected: 'payments_org_received_idx',
      completed: 'job_facts_org_completed_idx',
      completionRate: 'jobs_org_start_idx',
      firstTimeFix: 'job_facts_org_completed_idx',
      onTime: 'job_facts_org_completed_idx',
      utilisation: 'job_facts_org_completed_idx',
      averageTicket: 'job_facts_org_completed_idx',
      queue: 'jobs_org_status_idx',
      receivables: 'invoices_org_status_idx',
    };
    for (const drill of DRILLS) {
      const steps = await plan(
        drillStatement(db, drill, { orgId: fx.a.orgId, timezone: 'America/Chicago', range: RANGE, now: NOW }).toSQL(),
      );
      expect(steps[0], drill).toMatch(new RegExp(`^SEARCH \\w+ USING (COVERING )?INDEX ${first[drill]} \\(org_id=\\?`));
      expect(fullScans(steps), `${drill}: ${steps.join(' | ')}`).toEqual([]);
    }
    // One technician's completions: the (org, technician, completed_at) index.
    const one = drillStatement(db, 'completed', {
      orgId: fx.a.orgId,
      timezone: 'America/Chicago',
      range: RANGE,
      now: NOW,
      technicianId: fx.a.technicianId,
    }).toSQL();
    expect((await plan(one))[0]).toMatch(
      /INDEX job_facts_org_tech_idx \(org_id=\? AND technician_id=\? AND completed_at>\? AND completed_at<\?\)/,
    );
  });
});
