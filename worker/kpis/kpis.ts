/**
 * The manager's numbers over HTTP: GET /api/kpis (the report) and GET /api/kpis/{drill} (the
 * rows behind one figure, as JSON or CSV). Both need kpis.read (admins, managers, dispatchers),
 * read the session's org only, and cost at most two libSQL round trips: the session lookup and
 * one batch. The report and a drill-down's JSON answered from the cache (cache.ts) cost the session
 * lookup alone, which reads the org's KPI data version too; a CSV export is always read anew. What
 * each figure means is core/kpis.ts's; the reads are report.ts's and drills.ts's.
 */
import { z } from '@hono/zod-openapi';
import { DEFINITIONS, DRILLS, isDrill, MAX_RANGE_DAYS, rangeProblem, type Range } from '../../core/kpis.ts';
import { localDateOf } from '../../core/time.ts';
import { ref } from '../http/fields.ts';
import { problemResponses } from '../http/resource.ts';
import { json, route, router } from '../http/router.ts';
import { fieldProblem, Problem } from '../problem.ts';
import { csvFileName, toCsv } from './csv.ts';
import { readDrill, SNAPSHOTS } from './drills.ts';
import { CACHE_TTL_MS, drillKey, keptResponse, reportKey, reports, sessionVersion } from './cache.ts';
import { AgingBucket, KpiDrillList, KpiReport } from './records.ts';
import { readReport } from './report.ts';

export const kpisRoutes = router();

// Optional to the schema so that a missing or malformed date is answered by core's rangeProblem,
// the one wording of what a range must be.
const rangeQuery = {
  from: z.string().max(10).optional().openapi({ description: "First local date, YYYY-MM-DD, in the org's timezone (required)." }),
  to: z
    .string()
    .max(10)
    .optional()
    .openapi({ description: `Last local date, YYYY-MM-DD, included (required; a range covers at most ${MAX_RANGE_DAYS} days).` }),
};

function rangeOf(q: { from?: string; to?: string }): Range {
  const problem = rangeProblem(q);
  if (problem) throw fieldProblem(400, problem.field, 'query', problem.message);
  return { from: q.from!, to: q.to! };
}

kpisRoutes.openapi(
  route({
    method: 'get',
    path: '/',
    tags: ['KPIs'],
    summary: "The org's figures for a range of local days, each against the previous equal period",
    description: `Figures are computed from per-job facts kept as the work happens, with the queue and receivables as they are now. What each counts: see the drill-downs and the page. An answer may be one read earlier and kept: never from before the org's last committed change, and at most ${CACHE_TTL_MS / 1000} s old (asOf says when it was read), since the queue's ages, receivables' aging and the shift hours move with the clock.`,
    permission: 'kpis.read',
    request: { query: z.object(rangeQuery) },
    responses: { 200: json(KpiReport, 'The figures'), ...problemResponses },
  }),
  async (c) => {
    const range = rangeOf(c.req.valid('query'));
    const db = c.get('db');
    const auth = c.get('auth');
    const now = Date.now();
    // The org and its timezone from the session (the permission is checked before this), so an
    // answer is only ever served to the org it was read for.
    const key = reportKey(auth.orgId, auth.timezone, range);
    const answer = await reports.answer(key, now, sessionVersion(db, auth), async () => {
      const { report, version } = await readReport(db, auth, range, now);
      return { version, at: now, body: JSON.stringify(report) };
    });
    return (await keptResponse(answer, c.req.header('accept-encoding'))) as never;
  },
);

const drillDescription = DRILLS.map((d) => `${d} (${DEFINITIONS[d].lists}): ${DEFINITIONS[d].counted}`).join('\n\n');

kpisRoutes.openapi(
  route({
    method: 'get',
    path: '/{drill}',
    tags: ['KPIs'],
    summary: 'The jobs, invoices or payments behind one figure, as JSON or CSV',
    description: drillDescription,
    permission: 'kpis.read',
    request: {
      params: z.object({
        drill: z
          .string()
          .max(40)
          .openapi({ param: { name: 'drill', in: 'path' }, description: `One of ${DRILLS.join(', ')}.` }),
      }),
      query: z.object({
        ...rangeQuery,
        technicianId: ref().optional().openapi({ description: "Only this technician's jobs (lists of jobs only)." }),
        bucket: AgingBucket.optional().openapi({ description: 'Only this aging bucket (receivables only).' }),
        format: z
          .enum(['json', 'csv'])
          .optional()
          .openapi({ description: "csv: text/csv as an attachment, the items' fields as columns, instants in the org's local time." }),
      }),
    },
    responses: {
      200: {
        description: 'The rows, oldest first',
        content: { 'application/json': { schema: KpiDrillList }, 'text/csv': { schema: z.string() } },
      },
      ...problemResponses,
    },
  }),
  async (c) => {
    const { drill } = c.req.valid('param');
    const q = c.req.valid('query');
    if (!isDrill(drill)) throw new Problem(404, 'Not found', `No figure called ${drill}; there are ${DRILLS.join(', ')}.`);
    const lists = DEFINITIONS[drill].lists;
    if (q.technicianId && lists !== 'jobs')
      throw fieldProblem(400, 'technicianId', 'query', `${drill} lists ${lists}; only lists of jobs narrow to a technician.`);
    if (q.bucket && drill !== 'receivables') throw fieldProblem(400, 'bucket', 'query', 'Only receivables have aging buckets.');
    // The snapshots are about now: a range, if given, must still be a range, but does not narrow them.
    const snapshot = SNAPSHOTS.includes(drill);
    const range = snapshot && q.from === undefined && q.to === undefined ? null : rangeOf(q);
    const auth = c.get('auth');
    const now = Date.now();
    const db = c.get('db');
    const query = {
      orgId: auth.orgId,
      timezone: auth.timezone,
      range: snapshot ? null : range,
      technicianId: q.technicianId,
      bucket: q.bucket,
      now,
    };
    if (q.format !== 'csv') {
      // Kept like the report: the version follows every row a list shows (migration 0018), and the
      // snapshots' ages move with the clock at most a TTL.
      const answer = await reports.answer(drillKey(auth.orgId, auth.timezone, drill, query), now, sessionVersion(db, auth), async () => {
        const { list, version } = await readDrill(db, drill, query);
        return { version, at: now, body: JSON.stringify(list) };
      });
      return (await keptResponse(answer, c.req.header('accept-encoding'))) as never;
    }
    // An export is read as it is now.
    const { list } = await readDrill(db, drill, query);
    return c.body(toCsv(list.lists, list.items, auth.timezone), 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${csvFileName(drill, range, localDateOf(now, auth.timezone))}"`,
      ...(list.truncated ? { 'x-truncated': 'true' } : {}),
    }) as never;
  },
);
