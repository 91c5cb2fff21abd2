/**
 * What GET /api/kpis and its drill-downs refuse, as problem+json naming the field (core/kpis.ts
 * rangeProblem says what a range must be), and who may read them. The numbers themselves are
 * kpis.test.ts's.
 */
import { describe, expect, it } from 'vitest';
import { DRILLS } from '../../core/kpis.ts';
import { api, expectProblem } from './helpers.ts';

describe('KPI requests', () => {
  it('refuses a missing, malformed, reversed or too long range, naming from or to', async () => {
    const cases: [string, 'from' | 'to', RegExp][] = [
      ['', 'from', /from must be a date/],
      ['to=2026-03-08', 'from', /from must be a date/],
      ['from=2026-03-02', 'to', /to must be a date/],
      ['from=2026-02-30&to=2026-03-08', 'from', /from must be a date/],
      ['from=03/02/2026&to=2026-03-08', 'from', /from must be a date/],
      ['from=2026-03-02&to=2026-3-8', 'to', /to must be a date/],
      ['from=2026-03-08&to=2026-03-02', 'to', /not be before from/],
      // 401 days.
      ['from=2026-01-01&to=2027-02-05', 'to', /at most 400 days/],
    ];
    for (const [query, field, message] of cases) {
      for (const path of [`/kpis?${query}`, `/kpis/completed?${query}`, `/kpis/collected?${query}&format=csv`]) {
        const r = await api('a.manager', 'GET', path);
        expectProblem(r, 400, field);
        expect(r.body.detail, path).toMatch(message);
      }
    }
    // 400 days is the most.
    expect((await api('a.manager', 'GET', '/kpis?from=2026-01-01&to=2027-02-04')).status).toBe(200);
    // The snapshots need no range, but one that is given must be one.
    expect((await api('a.manager', 'GET', '/kpis/receivables')).status).toBe(200);
    expectProblem(await api('a.manager', 'GET', '/kpis/queue?from=2026-03-08&to=2026-03-02'), 400, 'to');
  });

  it('answers 404 for a figure that does not exist', async () => {
    for (const name of ['revenue', 'Completed', 'completed.csv', '%20']) {
      const r = await api('a.manager', 'GET', `/kpis/${name}?from=2026-03-02&to=2026-03-08`);
      expectProblem(r, 404);
    }
  });

  it('refuses filters that do not apply to the list, naming them', async () => {
    const week = 'from=2026-03-02&to=2026-03-08';
    expectProblem(await api('a.manager', 'GET', `/kpis/collected?${week}&technicianId=x`), 400, 'technicianId');
    expectProblem(await api('a.manager', 'GET', `/kpis/receivables?technicianId=x`), 400, 'technicianId');
    expectProblem(await api('a.manager', 'GET', `/kpis/completed?${week}&bucket=0-30`), 400, 'bucket');
    expectProblem(await api('a.manager', 'GET', `/kpis/receivables?bucket=120`), 400, 'bucket');
    expectProblem(await api('a.manager', 'GET', `/kpis/completed?${week}&format=xlsx`), 400, 'format');
    // An unknown technician is not a problem: nothing of theirs is listed.
    const r = await api('a.manager', 'GET', `/kpis/completed?${week}&technicianId=nobody`);
    expect(r.body).toEqual({ drill: 'completed', lists: 'jobs', items: [], truncated: false });
  });

  it('lets admins, managers and dispatchers read every drill in at most 2 round trips; technicians and strangers not', async () => {
    const week = 'from=2026-03-02&to=2026-03-08';
    for (const who of ['a.admin', 'a.manager', 'a.dispatcher'] as const) {
      const report = await api(who, 'GET', `/kpis?${week}`);
      expect(report.status, who).toBe(200);
      expect(report.roundTrips).toBeLessThanOrEqual(2);
      for (const drill of DRILLS) {
        for (const format of ['json', 'csv']) {
          const r = await api(who, 'GET', `/kpis/${drill}?${week}&format=${format}`);
          expect(r.status, `${who} ${drill} ${format}`).toBe(200);
          expect(r.roundTrips, `${drill} round trips`).toBeLessThanOrEqual(2);
        }
      }
    }
    expectProblem(await api('a.technician', 'GET', `/kpis?${week}`), 403);
    expectProblem(await api('a.technician', 'GET', `/kpis/queue`), 403);
    expectProblem(await api('anon', 'GET', `/kpis?${week}`), 401);
  });
});
