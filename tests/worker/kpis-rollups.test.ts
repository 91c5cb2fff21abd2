/**
 * The KPI rollups (migrations 0016 and 0017, worker/kpis/rollups.ts) against the records they add
 * up: after real work through the API (the hand-computed scenario of kpis.test.ts: a DST week, a
 * voided invoice, a $0 return visit, a cancellation), after its facts are deleted and rebuilt, and
 * for ranges whose ends fall anywhere inside a bucket. tests/worker/kpis.test.ts checks the
 * figures themselves; this checks the shortcut under them cannot drift from the rows.
 */
import { and, eq, inArray, isNotNull, ne } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { DONE_STATUSES } from '../../core/lifecycle.ts';
import { FACT_TERMS, refreshFacts } from '../../db/job-facts.ts';
import { jobFacts, jobs } from '../../db/schema.ts';
import { openDb } from '../../worker/db.ts';
import { ticketJob } from '../../worker/kpis/measures.ts';
import { factSpans, scheduleSpans, technicianSums } from '../../worker/kpis/rollups.ts';
import { sql } from './helpers.ts';
import { at } from './kpis-org.ts';
import { buildScenario, REPORT_AT, type Scenario } from './kpis-scenario.ts';

const { db } = openDb({ LIBSQL_URL: inject('libsqlUrl') });
const COLUMNS = Object.values(FACT_TERMS);
const SUMS = COLUMNS.map((c) => `sum(${c})`).join(', ');
let s: Scenario;

beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  s = await buildScenario('KPI rollups');
  vi.setSystemTime(at(REPORT_AT));
});
afterAll(() => vi.useRealTimers());

const rows = async (text: string, args: unknown[] = []) => (await sql.execute({ sql: text, args: args as never })).rows;

/** Rows of `a` missing from `b` and of `b` missing from `a` (both should be none). */
async function difference(a: string, b: string) {
  return [...(await rows(`${a} except ${b}`)), ...(await rows(`${b} except ${a}`))];
}

/** Every rollup of every org in the test database equals a fresh GROUP BY of its view, with no bucket at zero. */
async function expectRollupsExact() {
  expect(
    await difference(
      `select org_id, quarter, ${SUMS} from job_fact_terms group by org_id, quarter`,
      `select org_id, quarter, ${COLUMNS.join(', ')} from job_fact_quarters`,
    ),
  ).toEqual([]);
  expect(
    await difference(
      `select org_id, day, technician_id, ${SUMS} from job_fact_terms where technician_id is not null group by org_id, day, technician_id`,
      `select org_id, day, technician_id, ${COLUMNS.join(', ')} from job_fact_tech_days`,
    ),
  ).toEqual([]);
  expect(
    await difference(
      'select org_id, quarter, sum(scheduled), sum(done) from job_schedule_terms group by org_id, quarter',
      'select org_id, quarter, scheduled, done from job_schedule_quarters',
    ),
  ).toEqual([]);
  const [empty] = await rows(
    'select (select count(*) from job_fact_quarters where completed = 0) + (select count(*) from job_fact_tech_days where completed = 0) + (select count(*) from job_schedule_quarters where scheduled = 0) as n',
  );
  expect(Number(empty!.n)).toBe(0);
}

/** The fact sums of [start, end) straight from the view, per technician when asked. */
async function rawFacts(start: number, end: number, byTechnician = false) {
  const found = await rows(
    `select ${byTechnician ? 'technician_id' : "'all'"} as k, ${SUMS} from job_fact_terms
     where org_id = ? and completed_at >= ? and completed_at < ? ${byTechnician ? 'and technician_id is not null group by technician_id' : ''}`,
    [s.org.orgId, start, end],
  );
  return new Map(found.map((r) => [String(r.k), COLUMNS.map((_, i) => Number(r[i + 1] ?? 0))]));
}

const sumsIn = (row: Record<string, unknown> | undefined) => Object.keys(FACT_TERMS).map((k) => Number(row?.[k] ?? 0));

describe('KPI rollups', () => {
  it('equal a fresh GROUP BY of the records after the work, and after the facts are deleted and rebuilt', async () => {
    expect(Number((await rows('select count(*) as n from job_fact_quarters where org_id = ?', [s.org.orgId]))[0]!.n)).toBeGreaterThan(0);
    await expectRollupsExact();
    const before = await rows('select * from job_fact_quarters where org_id = ? order by quarter', [s.org.orgId]);
    await sql.execute({ sql: 'delete from job_facts where org_id = ?', args: [s.org.orgId] });
    expect(await rows('select * from job_fact_quarters where org_id = ?', [s.org.orgId])).toEqual([]);
    expect(await rows('select * from job_fact_tech_days where org_id = ?', [s.org.orgId])).toEqual([]);
    await sql.batch(refreshFacts(s.org.orgId, 'all'), 'write');
    expect(await rows('select * from job_fact_quarters where org_id = ? order by quarter', [s.org.orgId])).toEqual(before);
    await expectRollupsExact();
  });

  it('count by the same rules as the drill-downs and the job lifecycle', async () => {
    // The average ticket's jobs: the view's ticket_jobs and measures.ts ticketJob (the drill-down's filter).
    const drill = await db.select({ id: jobFacts.jobId, ticket: ticketJob }).from(jobFacts).where(eq(jobFacts.orgId, s.org.orgId));
    const view = await rows('select job_id, ticket_jobs from job_fact_terms where org_id = ?', [s.org.orgId]);
    expect(new Map(view.map((r) => [String(r.job_id), Number(r.ticket_jobs)]))).toEqual(
      new Map(drill.map((r) => [r.id, Number(r.ticket)])),
    );
    expect(drill.some((r) => !Number(r.ticket))).toBe(true); // the $0 return visit is left out
    // Done is core/lifecycle.ts DONE_STATUSES.
    const jobsDone = await db
      .select({ id: jobs.id, done: inArray(jobs.status, [...DONE_STATUSES]) })
      .from(jobs)
      .where(and(eq(jobs.orgId, s.org.orgId), isNotNull(jobs.scheduledStart), ne(jobs.status, 'cancelled')));
    const scheduled = await rows('select job_id, done from job_schedule_terms where org_id = ?', [s.org.orgId]);
    expect(new Map(scheduled.map((r) => [String(r.job_id), Number(r.done)]))).toEqual(new Map(jobsDone.map((r) => [r.id, Number(r.done)])));
    expect(new Set(jobsDone.map((r) => Number(r.done)))).toEqual(new Set([0, 1]));
  });

  it('give exact sums for spans that start and end anywhere inside a bucket', async () => {
    const odd = (local: string, extraMs: number) => at(local) + extraMs;
    const spans = [
      { label: 'odd ends, across the DST night', start: odd('2026-02-24 13:07', 13_000), end: odd('2026-03-08 20:52', 999) },
      { label: 'whole quarters', start: at('2026-03-02 00:00'), end: at('2026-03-09 00:00') },
      { label: 'inside one quarter', start: odd('2026-03-03 09:16', 0), end: odd('2026-03-03 09:29', 0) },
      { label: 'nothing in it', start: at('2026-01-01 00:00'), end: at('2026-01-02 00:00') },
      { label: 'everything', start: at('2025-01-01 00:00'), end: at('2027-01-01 00:00') },
    ];
    const found = new Map((await factSpans(db, s.org.orgId, spans)).map((r) => [r.label, sumsIn(r)]));
    for (const span of spans) {
      const raw = (await rawFacts(span.start, span.end)).get('all')!;
      expect(found.get(span.label) ?? COLUMNS.map(() => 0), span.label).toEqual(raw);
    }
    expect(found.get('everything')![0]).toBe(9); // every done job of the scenario

    for (const span of spans) {
      const techs = await technicianSums(db, s.org.orgId, span);
      const raw = await rawFacts(span.start, span.end, true);
      expect(techs.map((t) => t.name)).toEqual(['Ana Ruiz', 'Ben Okoro']);
      for (const t of techs) expect(sumsIn(t), `${span.label}: ${t.name}`).toEqual(raw.get(t.id) ?? COLUMNS.map(() => 0));
    }

    const plans = new Map((await scheduleSpans(db, s.org.orgId, spans)).map((r) => [r.label, [Number(r.scheduled), Number(r.done)]]));
    for (const span of spans) {
      const [raw] = await rows(
        `select count(*) as scheduled, coalesce(sum(done), 0) as done from job_schedule_terms
         where org_id = ? and scheduled_start >= ? and scheduled_start < ?`,
        [s.org.orgId, span.start, span.end],
      );
      expect(plans.get(span.label) ?? [0, 0], span.label).toEqual([Number(raw!.scheduled), Number(raw!.done)]);
    }
  });
});
