/**
 * GET /api/kpis and its drill-downs against numbers worked out by hand from one org's history
 * (tests/worker/kpis-scenario.ts: read its table first). Every figure, both periods, each day,
 * each technician's scorecard and every list is compared to the arithmetic in the comments.
 *
 *   week under test   2026-03-02 .. 03-08: [03-02 00:00 CST, 03-09 00:00 CDT), 167 hours
 *   previous week     2026-02-23 .. 03-01
 *   read at           2026-03-09 12:00 CDT (the test clock, kpis-org.ts)
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { rebuildRollups, refreshFacts } from '../../db/job-facts.ts';
import { sql } from './helpers.ts';
import { at, clockAt, makeOrg, type KpiOrg } from './kpis-org.ts';
import { buildScenario, REPORT_AT, type Scenario } from './kpis-scenario.ts';

const WEEK = 'from=2026-03-02&to=2026-03-08';
let s: Scenario;
/** Another org with work of its own in the same week: none of it may count or be listed above. */
let other: KpiOrg;
let otherIds: string[];

/** The other org: a job done on Tuesday, invoiced and paid; one invoiced and sent, unpaid; one waiting. */
async function buildOther(): Promise<{ org: KpiOrg; ids: string[] }> {
  clockAt('2026-03-01 08:00');
  const org = await makeOrg('KPI neighbour');
  const tech = await org.ok('admin', 'POST', '/technicians', { name: 'Ana Ruiz', userId: org.userIds.techA });
  const customer = await org.ok('dispatcher', 'POST', '/customers', { name: 'Neighbour Co' });
  const location = await org.ok('dispatcher', 'POST', '/locations', {
    customerId: customer.id,
    address: '1 Main St',
    city: 'Austin',
    region: 'TX',
    postalCode: '78701',
    lat: 30.26,
    lng: -97.74,
  });
  const where = { customerId: customer.id, locationId: location.id, type: 'Service call', description: 'Neighbour' };
  const ids: string[] = [tech.id, customer.id];
  for (const [day, paid] of [
    ['2026-03-03', true],
    ['2026-03-05', false],
  ] as const) {
    const job = await org.ok('dispatcher', 'POST', '/jobs', {
      ...where,
      technicianId: tech.id,
      scheduledStart: at(`${day} 09:00`),
      arrivalWindowStart: at(`${day} 08:00`),
      arrivalWindowEnd: at(`${day} 10:00`),
    });
    for (const [time, who, to] of [
      ['08:00', 'dispatcher', 'dispatched'],
      ['08:30', 'techA', 'en_route'],
      ['09:00', 'techA', 'on_site'],
      ['11:00', 'techA', 'completed'],
    ] as const) {
      clockAt(`${day} ${time}`);
      await org.ok(who, 'POST', `/jobs/${job.id}/transitions`, { to });
    }
    clockAt(`${day} 12:00`);
    await org.ok('dispatcher', 'POST', '/line-items', { jobId: job.id, description: 'Labour', quantity: 1, unitPriceCents: 77700 });
    const invoice = await org.ok('dispatcher', 'POST', '/invoices', { jobId: job.id });
    await org.ok('dispatcher', 'POST', `/invoices/${invoice.id}/transitions`, { to: 'sent' });
    ids.push(job.id, invoice.id);
    if (paid)
      ids.push(
        (await org.ok('dispatcher', 'POST', '/payments', { invoiceId: invoice.id, amountCents: invoice.totalCents, method: 'cash' })).id,
      );
  }
  ids.push((await org.ok('dispatcher', 'POST', '/jobs', where)).id);
  return { org, ids };
}

beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  s = await buildScenario('KPI week');
  ({ org: other, ids: otherIds } = await buildOther());
  clockAt(REPORT_AT);
});
afterAll(() => vi.useRealTimers());

const report = async () => {
  const r = await s.org.call('manager', 'GET', `/kpis?${WEEK}`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r;
};
const drill = async (name: string, query = WEEK) => {
  const r = await s.org.call('manager', 'GET', `/kpis/${name}?${query}`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
};

/** Each job as a drill-down shows it, by hand from the scenario's table. */
function jobItems() {
  const { jobs: J, techs, invoices: _ } = s;
  const ana = { technicianId: techs.ana, technicianName: 'Ana Ruiz' };
  const ben = { technicianId: techs.ben, technicianName: 'Ben Okoro' };
  const c1 = 'Harbor Bakery, "Old Town"';
  const c2 = '@Home Property Care';
  const c3 = 'Cedar Flats HOA';
  const base = (j: keyof typeof J, customerName: string) => ({
    id: J[j].id,
    number: J[j].number,
    customerName,
    returnVisitOf: null as string | null,
    createdAt: J[j].createdAt,
  });
  const notDone = { completedAt: null, invoicedCents: null, firstTimeFix: null, onTime: null, onSiteMinutes: null };
  return {
    // 09:10-11:10 on site, arrived inside 08:30-09:30.
    J1: {
      ...base('J1', c2),
      ...ana,
      status: 'paid',
      scheduledStart: at('2026-03-03 09:00'),
      completedAt: at('2026-03-03 11:10'),
      invoicedCents: 100000,
      firstTimeFix: true,
      onTime: true,
      onSiteMinutes: 120,
    },
    // Two visits: 13:05-14:05 (60) + 15:00-15:45 (45) = 105; first arrival 13:05, after the 12:00-13:00 window.
    J2: {
      ...base('J2', c1),
      ...ana,
      status: 'invoiced',
      scheduledStart: at('2026-03-04 13:00'),
      completedAt: at('2026-03-04 15:45'),
      invoicedCents: 40000,
      firstTimeFix: true,
      onTime: false,
      onSiteMinutes: 105,
    },
    // J4 is its return visit, so not fixed first time; no window.
    J3: {
      ...base('J3', c3),
      ...ben,
      status: 'invoiced',
      scheduledStart: at('2026-03-06 02:00'),
      completedAt: at('2026-03-06 03:40'),
      invoicedCents: 20000,
      firstTimeFix: false,
      onTime: null,
      onSiteMinutes: 90,
    },
    // The $0 return visit: 23:15-00:30, done on Sunday; never invoiced, not counted for first-time fix.
    J4: {
      ...base('J4', c3),
      returnVisitOf: J.J3.id,
      ...ben,
      status: 'completed',
      scheduledStart: at('2026-03-07 23:00'),
      completedAt: at('2026-03-08 00:30'),
      invoicedCents: null,
      firstTimeFix: null,
      onTime: null,
      onSiteMinutes: 75,
    },
    // 01:30 CST (07:30Z) to 03:30 CDT (08:30Z): one hour. Window 07:00Z-08:00Z. The voided invoice does not count.
    J5: {
      ...base('J5', c2),
      ...ben,
      status: 'invoiced',
      scheduledStart: at('2026-03-08 01:00'),
      completedAt: at('2026-03-08 03:30'),
      invoicedCents: 30000,
      firstTimeFix: true,
      onTime: true,
      onSiteMinutes: 60,
    },
    // Scheduled on Sunday 23:00 CDT (in the week), done Monday 00:30 CDT (not in it); 23:45-00:30 = 45.
    J6: {
      ...base('J6', c3),
      ...ben,
      status: 'completed',
      scheduledStart: at('2026-03-08 23:00'),
      completedAt: at('2026-03-09 00:30'),
      invoicedCents: null,
      firstTimeFix: true,
      onTime: null,
      onSiteMinutes: 45,
    },
    J8: { ...base('J8', c2), ...ana, status: 'scheduled', scheduledStart: at('2026-03-06 10:00'), ...notDone },
    J9: { ...base('J9', c3), technicianId: null, technicianName: null, status: 'unscheduled', scheduledStart: null, ...notDone },
    J10: { ...base('J10', c3), technicianId: null, technicianName: null, status: 'unscheduled', scheduledStart: null, ...notDone },
  };
}

describe('GET /api/kpis', () => {
  it('adds up the week and the week before exactly as worked out by hand', async () => {
    const r = await report();
    // The session lookup and one batch.
    expect(r.roundTrips).toBeLessThanOrEqual(2);
    const { figures, ...rest } = r.body;
    expect(figures).toEqual({
      // J1 100000 + J2 40000 + J3 20000 + J4 0 + J5 30000 (its void 30000 left out) = 190000; before: J0 50000.
      invoiced: { value: 190000, previous: 50000, change: (190000 - 50000) / 50000 },
      // Payments received: J1 108250 (03-04) + J2 20000 (03-06) = 128250; before: J0 54125 (02-27).
      collected: { value: 128250, previous: 54125, change: (128250 - 54125) / 54125 },
      // Completed in the week: J1, J2, J3, J4 (00:30 Sunday), J5; J6 was done after the week ended. Before: J0.
      completed: { value: 5, previous: 1, change: 4 },
      // Scheduled to start in the week, J7 (cancelled) left out: J1 J2 J3 J8 J4 J5 J6 = 7, done now: all but J8 = 6. Before: J0 1 of 1.
      completionRate: { value: 6 / 7, previous: 1, change: (6 / 7 - 1) / 1 },
      // Not return visits: J1 J2 J3 J5; J3 had a return visit: 3 of 4. Before: J0 1 of 1.
      firstTimeFix: { value: 3 / 4, previous: 1, change: -0.25 },
      // With a window: J1 (on time) J2 (late) J5 (on time) = 2 of 3. Before: J0 late, 0 of 1: no change to speak of.
      onTime: { value: 2 / 3, previous: 0, change: null },
      // On site 120 + 105 + 90 + 75 + 60 = 450 min against shifts: Ana 5 x 480 = 2400, Ben 6 x 480 + 420 on the
      // 23-hour Sunday (00:00 CST to 08:00 CDT is 7 hours) = 3300; 5700. Before: 90 / (2400 + 7 x 480 = 5760).
      utilisation: { value: 450 / 5700, previous: 90 / 5760, change: (450 / 5700 - 90 / 5760) / (90 / 5760) },
      // Invoiced jobs, the $0 return visit J4 left out: 190000 / 4 = 47500. Before: 50000 / 1.
      averageTicket: { value: 47500, previous: 50000, change: -0.05 },
    });
    expect(rest).toEqual({
      from: '2026-03-02',
      to: '2026-03-08',
      timezone: 'America/Chicago',
      previous: { from: '2026-02-23', to: '2026-03-01' },
      asOf: at(REPORT_AT),
      // Waiting now: J9 since 03-01 09:00 CST (8 days 2 hours) and J10 since 03-05 12:00 CST (3 days 23 hours);
      // on average (194 + 95) / 2 = 144.5 hours = 6.02 days.
      queue: { size: 2, oldestDays: 8, averageDays: 6 },
      receivables: [
        // J2 43300 - 20000 paid = 23300, J3 21650, J5 32475 (sent 4, 3 and 1 days ago).
        { bucket: '0-30', label: '0-30 days', cents: 23300 + 21650 + 32475, count: 3 },
        // J11 10825, sent 2026-01-20 11:05 CST: 47 whole days.
        { bucket: '31-60', label: '31-60 days', cents: 10825, count: 1 },
        { bucket: '61-90', label: '61-90 days', cents: 0, count: 0 },
        // J12 21650, sent 2025-12-01: 97 days.
        { bucket: '90+', label: 'Over 90 days', cents: 21650, count: 1 },
      ],
      // By local day of completion: J4 (00:30) and J5 (03:30 CDT) both on Sunday, nothing on Saturday.
      days: [
        { day: '2026-03-02', completed: 0, invoicedCents: 0 },
        { day: '2026-03-03', completed: 1, invoicedCents: 100000 },
        { day: '2026-03-04', completed: 1, invoicedCents: 40000 },
        { day: '2026-03-05', completed: 0, invoicedCents: 0 },
        { day: '2026-03-06', completed: 1, invoicedCents: 20000 },
        { day: '2026-03-07', completed: 0, invoicedCents: 0 },
        { day: '2026-03-08', completed: 2, invoicedCents: 30000 },
      ],
      technicians: [
        // J1, J2: both first-time fixes, one of two on time, 225 of 2400 minutes.
        {
          id: s.techs.ana,
          name: 'Ana Ruiz',
          colour: '#2563eb',
          completed: 2,
          invoicedCents: 140000,
          firstTimeFix: 1,
          onTime: 0.5,
          utilisation: 225 / 2400,
          onSiteMinutes: 225,
          shiftMinutes: 2400,
        },
        // J3, J4, J5: J3 not fixed first time, J5 is (J4 does not count); J5 on time; 90 + 75 + 60 = 225 of 3300.
        {
          id: s.techs.ben,
          name: 'Ben Okoro',
          colour: '#16a34a',
          completed: 3,
          invoicedCents: 50000,
          firstTimeFix: 0.5,
          onTime: 1,
          utilisation: 225 / 3300,
          onSiteMinutes: 225,
          shiftMinutes: 3300,
        },
      ],
    });
  });

  it('is the same for a dispatcher and an admin, and refused to a technician', async () => {
    const { body } = await report();
    for (const who of ['dispatcher', 'admin'] as const) {
      const r = await s.org.call(who, 'GET', `/kpis?${WEEK}`);
      expect(r.status).toBe(200);
      expect(r.body).toEqual(body);
      expect((await s.org.call(who, 'GET', `/kpis/completed?${WEEK}`)).status).toBe(200);
    }
    for (const path of [`/kpis?${WEEK}`, `/kpis/completed?${WEEK}`, '/kpis/queue', `/kpis/completed?${WEEK}&format=csv`]) {
      const r = await s.org.call('techA', 'GET', path);
      expect(r.status, path).toBe(403);
      expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
  });
});

describe('GET /api/kpis/{drill}', () => {
  it('lists exactly the jobs behind each job figure, oldest first, in at most 2 round trips', async () => {
    const i = jobItems();
    const lists: Record<string, object[]> = {
      completed: [i.J1, i.J2, i.J3, i.J4, i.J5],
      utilisation: [i.J1, i.J2, i.J3, i.J4, i.J5],
      invoiced: [i.J1, i.J2, i.J3, i.J5],
      averageTicket: [i.J1, i.J2, i.J3, i.J5],
      firstTimeFix: [i.J1, i.J2, i.J3, i.J5],
      onTime: [i.J1, i.J2, i.J5],
      // By scheduled start: J8 (03-06 10:00) comes after J3 (03-06 02:00).
      completionRate: [i.J1, i.J2, i.J3, i.J8, i.J4, i.J5, i.J6],
      // By how long they have waited.
      queue: [i.J9, i.J10],
    };
    for (const [name, items] of Object.entries(lists)) {
      const r = await s.org.call('manager', 'GET', `/kpis/${name}?${WEEK}`);
      expect(r.roundTrips, name).toBeLessThanOrEqual(2);
      expect(r.body, name).toEqual({ drill: name, lists: 'jobs', items, truncated: false });
    }
    // The queue and receivables are about now: no range needed.
    expect(await drill('queue', '')).toEqual({ drill: 'queue', lists: 'jobs', items: [i.J9, i.J10], truncated: false });
    // One technician's scorecard, opened: Ben's completions.
    expect((await drill('completed', `${WEEK}&technicianId=${s.techs.ben}`)).items).toEqual([i.J3, i.J4, i.J5]);
    expect((await drill('onTime', `${WEEK}&technicianId=${s.techs.ana}`)).items).toEqual([i.J1, i.J2]);
  });

  it('lists the payments and the receivables behind the money figures', async () => {
    const { invoices: inv, payments: pay, jobs: J } = s;
    expect(await drill('collected')).toEqual({
      drill: 'collected',
      lists: 'payments',
      truncated: false,
      items: [
        {
          id: pay.J1,
          invoiceId: inv.J1.id,
          invoiceNumber: inv.J1.number,
          customerName: '@Home Property Care',
          amountCents: 108250,
          method: 'card',
          receivedAt: at('2026-03-04 10:00'),
        },
        {
          id: pay.J2,
          invoiceId: inv.J2.id,
          invoiceNumber: inv.J2.number,
          customerName: 'Harbor Bakery, "Old Town"',
          amountCents: 20000,
          method: 'check',
          receivedAt: at('2026-03-06 09:00'),
        },
      ],
    });
    const receivable = (
      k: 'J2' | 'J3' | 'J5' | 'J11' | 'J12',
      customerName: string,
      sent: string,
      total: number,
      paid: number,
      bucket: string,
    ) => ({
      id: inv[k].id,
      number: inv[k].number,
      customerName,
      jobId: J[k].id,
      issuedAt: at(sent),
      totalCents: total,
      paidCents: paid,
      outstandingCents: total - paid,
      bucket,
    });
    const oldest = receivable('J12', 'Harbor Bakery, "Old Town"', '2025-12-01 11:05', 21650, 0, '90+');
    expect(await drill('receivables', '')).toEqual({
      drill: 'receivables',
      lists: 'invoices',
      truncated: false,
      // Oldest first; paid (J0, J1) and void (J5's first) invoices are not receivables.
      items: [
        oldest,
        receivable('J11', 'Harbor Bakery, "Old Town"', '2026-01-20 11:05', 10825, 0, '31-60'),
        receivable('J2', 'Harbor Bakery, "Old Town"', '2026-03-04 16:05', 43300, 20000, '0-30'),
        receivable('J3', 'Cedar Flats HOA', '2026-03-06 04:05', 21650, 0, '0-30'),
        receivable('J5', '@Home Property Care', '2026-03-08 04:25', 32475, 0, '0-30'),
      ],
    });
    expect((await drill('receivables', 'bucket=90%2B')).items).toEqual([oldest]);
    expect((await drill('receivables', 'bucket=61-90')).items).toEqual([]);
  });

  it('exports a list as CSV: the same rows, local times, quoted and formula-safe', async () => {
    const { jobs: J, techs } = s;
    const r = await s.org.call('manager', 'GET', `/kpis/completed?${WEEK}&format=csv`);
    expect(r.status).toBe(200);
    expect(r.roundTrips).toBeLessThanOrEqual(2);
    expect(r.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(r.headers.get('content-disposition')).toBe('attachment; filename="kpis-completed-2026-03-02-2026-03-08.csv"');
    expect(String(r.body).split('\r\n')).toEqual([
      'id,number,customerName,technicianId,technicianName,status,scheduledStart,completedAt,invoicedCents,returnVisitOf,firstTimeFix,onTime,onSiteMinutes,createdAt',
      // '@…' would be a formula in a spreadsheet: prefixed with ' and quoted.
      `${J.J1.id},${J.J1.number},"'@Home Property Care",${techs.ana},Ana Ruiz,paid,2026-03-03 09:00,2026-03-03 11:10,100000,,true,true,120,2026-03-02 10:00`,
      `${J.J2.id},${J.J2.number},"Harbor Bakery, ""Old Town""",${techs.ana},Ana Ruiz,invoiced,2026-03-04 13:00,2026-03-04 15:45,40000,,true,false,105,2026-03-02 10:05`,
      `${J.J3.id},${J.J3.number},Cedar Flats HOA,${techs.ben},Ben Okoro,invoiced,2026-03-06 02:00,2026-03-06 03:40,20000,,false,,90,2026-03-02 10:20`,
      `${J.J4.id},${J.J4.number},Cedar Flats HOA,${techs.ben},Ben Okoro,completed,2026-03-07 23:00,2026-03-08 00:30,,${J.J3.id},,,75,2026-03-06 09:30`,
      // Local wall-clock times: 01:00 CST and 03:30 CDT, an hour apart.
      `${J.J5.id},${J.J5.number},"'@Home Property Care",${techs.ben},Ben Okoro,invoiced,2026-03-08 01:00,2026-03-08 03:30,30000,,true,true,60,2026-03-02 10:25`,
      '',
    ]);
    const empty = await s.org.call('manager', 'GET', '/kpis/receivables?bucket=61-90&format=csv');
    expect(empty.headers.get('content-disposition')).toBe('attachment; filename="kpis-receivables-2026-03-09.csv"');
    expect(empty.body).toBe('id,number,customerName,jobId,issuedAt,totalCents,paidCents,outstandingCents,bucket\r\n');
  });
});

describe('org isolation', () => {
  it("never counts or lists another org's jobs, invoices or payments", async () => {
    // The figures above are exact with the neighbour's work in the same week; its ids appear in no list either.
    const everything = JSON.stringify([
      (await report()).body,
      ...(await Promise.all(['completed', 'invoiced', 'completionRate', 'collected', 'queue', 'receivables'].map((d) => drill(d)))),
    ]);
    for (const id of otherIds) expect(everything.includes(id), id).toBe(false);
    // And the neighbour sees its own: two jobs done (77700 each before tax), one paid (84110), one receivable, one waiting.
    const theirs = await other.call('manager', 'GET', `/kpis?${WEEK}`);
    expect(theirs.body.figures.completed.value).toBe(2);
    expect(theirs.body.figures.invoiced.value).toBe(2 * 77700);
    expect(theirs.body.figures.collected.value).toBe(84110);
    expect(theirs.body.queue.size).toBe(1);
    expect(theirs.body.receivables[0]).toEqual({ bucket: '0-30', label: '0-30 days', cents: 84110, count: 1 });
    expect(theirs.body.technicians.map((t: { name: string; completed: number }) => [t.name, t.completed])).toEqual([['Ana Ruiz', 2]]);
  });
});

describe('the rebuild (npm run kpis:rebuild)', () => {
  it('recomputes the same facts from the records: the same report and lists', async () => {
    const before = (await report()).body;
    const lists = await Promise.all(['completed', 'completionRate'].map((d) => drill(d)));
    const count = async (orgId: string) =>
      Number((await sql.execute({ sql: 'select count(*) as n from job_facts where org_id = ?', args: [orgId] })).rows[0]!.n);
    // J0, J1, J2, J3, J4, J5, J6, J11, J12 are done; the neighbour's two.
    expect(await count(s.org.orgId)).toBe(9);
    expect(await count(other.orgId)).toBe(2);

    await sql.execute({ sql: 'delete from job_facts where org_id = ?', args: [s.org.orgId] });
    expect((await report()).body.figures.completed.value).toBe(0);
    // Rollups edited by hand inside the week (the triggers never leave them so): the rebuild repairs them too.
    await sql.execute({
      sql: 'insert into job_fact_quarters select id, ?, 5, 5, 5, 5, 5, 5, 5, 5, 5 from orgs where id = ?',
      args: [at('2026-03-03 10:00'), s.org.orgId],
    });
    await sql.execute({ sql: 'update job_schedule_quarters set done = done + 3 where org_id = ?', args: [s.org.orgId] });
    // The script's statements for this org (scripts/kpis-rebuild.mjs runs them for every org).
    await sql.batch([...refreshFacts(s.org.orgId, 'all'), ...rebuildRollups(s.org.orgId)], 'write');

    expect(await count(s.org.orgId)).toBe(9);
    expect(await count(other.orgId)).toBe(2);
    expect((await report()).body).toEqual(before);
    expect(await Promise.all(['completed', 'completionRate'].map((d) => drill(d)))).toEqual(lists);
  });
});
