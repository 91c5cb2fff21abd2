/**
 * The work behind tests/worker/kpis.test.ts's hand-computed numbers: one org's history, made
 * through the API in the order it happened, each step at its own local time (America/Chicago)
 * on the test clock. The week under test is Monday 2026-03-02 to Sunday 2026-03-08, the day
 * clocks went forward (02:00 CST became 03:00 CDT); the week before is the previous period.
 *
 *   technicians   Ana Ruiz (techA)  08:00-16:00 Mon-Fri        Ben Okoro (techB)  00:00-08:00 every day
 *   customers     C1 'Harbor Bakery, "Old Town"'  C2 '@Home Property Care'  C3 'Cedar Flats HOA'
 *
 *   job  tech  scheduled        window       field work (on site)                       billed (pre-tax)
 *   J12  Ana   2025-12-01 09:00 -            09:00-10:00                                20000, sent 2025-12-01 11:05
 *   J11  Ana   2026-01-20 09:00 -            09:00-10:00                                10000, sent 2026-01-20 11:05
 *   J0   Ana   02-25 09:00      09:00-09:30  09:45-11:15 (late)                         50000, paid 02-27
 *   J9   -     -                -            (waiting since 03-01 09:00)                -
 *   J1   Ana   03-03 09:00      08:30-09:30  09:10-11:10                                100000, paid 03-04
 *   J2   Ana   03-04 13:00      12:00-13:00  13:05-14:05 on hold, 15:00-15:45 (late)   40000, 20000 paid 03-06
 *   J7   Ana   03-05 10:00      -            cancelled 03-04                            -
 *   J10  -     -                -            (waiting since 03-05 12:00)                -
 *   J8   Ana   03-06 10:00      -            still scheduled                            -
 *   J3   Ben   03-06 02:00      -            02:10-03:40                                20000, sent 03-06
 *   J4   Ben   03-07 23:00      -            23:15-00:30 on 03-08: return visit of J3   $0, never billed
 *   J5   Ben   03-08 01:00 CST  01:00-03:00  01:30 CST-03:30 CDT (60 min, the DST hour) 30000 voided, 30000 again
 *   J6   Ben   03-08 23:00 CDT  -            23:45-00:30 on 03-09 (the next week)       -
 *
 * The report is read on Monday 2026-03-09 at 12:00 CDT.
 */
import { expect } from 'vitest';
import { at, clockAt, makeOrg, type KpiOrg, type Who } from './kpis-org.ts';

export const REPORT_AT = '2026-03-09 12:00';

type Job = { id: string; number: number; createdAt: number };

export interface Scenario {
  org: KpiOrg;
  techs: { ana: string; ben: string };
  customers: { c1: string; c2: string; c3: string };
  jobs: Record<'J0' | 'J1' | 'J2' | 'J3' | 'J4' | 'J5' | 'J6' | 'J7' | 'J8' | 'J9' | 'J10' | 'J11' | 'J12', Job>;
  invoices: Record<'J0' | 'J1' | 'J2' | 'J3' | 'J5void' | 'J5' | 'J11' | 'J12', { id: string; number: number }>;
  payments: Record<'J0' | 'J1' | 'J2', string>;
}

/** The field's steps of one job, each at its local time: [time, who, status, note?]. */
type Step = [string, Who, string, string?];

export async function buildScenario(name: string): Promise<Scenario> {
  clockAt('2025-11-20 09:00');
  const org = await makeOrg(name);
  const tech = async (who: 'techA' | 'techB', body: object) =>
    (await org.ok('admin', 'POST', '/technicians', { userId: org.userIds[who], skills: ['service'], ...body })).id as string;
  const techs = {
    ana: await tech('techA', { name: 'Ana Ruiz', shiftStart: '08:00', shiftEnd: '16:00', shiftDays: [1, 2, 3, 4, 5], colour: '#2563eb' }),
    ben: await tech('techB', {
      name: 'Ben Okoro',
      shiftStart: '00:00',
      shiftEnd: '08:00',
      shiftDays: [0, 1, 2, 3, 4, 5, 6],
      colour: '#16a34a',
    }),
  };
  const place = async (customerName: string) => {
    const customer = await org.ok('dispatcher', 'POST', '/customers', { name: customerName });
    const location = await org.ok('dispatcher', 'POST', '/locations', {
      customerId: customer.id,
      address: '500 E Cesar Chavez St',
      city: 'Austin',
      region: 'TX',
      postalCode: '78701',
      lat: 30.26,
      lng: -97.74,
    });
    return { customerId: customer.id as string, locationId: location.id as string };
  };
  const p1 = await place('Harbor Bakery, "Old Town"');
  const p2 = await place('@Home Property Care');
  const p3 = await place('Cedar Flats HOA');

  const job = async (when: string, where: typeof p1, body: object = {}): Promise<Job> => {
    clockAt(when);
    const j = await org.ok('dispatcher', 'POST', '/jobs', { ...where, type: 'Service call', description: 'KPI fixture', ...body });
    return { id: j.id, number: j.number, createdAt: j.createdAt };
  };
  const scheduled = (who: 'ana' | 'ben', start: string, extra: object = {}) => ({
    technicianId: techs[who],
    scheduledStart: at(start),
    durationMin: 60,
    ...extra,
  });
  const window = (from: string, to: string) => ({ arrivalWindowStart: at(from), arrivalWindowEnd: at(to) });
  const work = async (j: Job, steps: Step[]) => {
    for (const [when, who, to, note] of steps) {
      clockAt(when);
      const r = await org.ok(who, 'POST', `/jobs/${j.id}/transitions`, note ? { to, note } : { to });
      expect(r.status, `${to} at ${when}`).toBe(to);
    }
  };
  /** A line of `cents` (taxable, at 8.25%) and its invoice, made at `when`; sent `sentAt` if given. */
  const bill = async (j: Job, cents: number, when: string, sentAt?: string, line = true) => {
    clockAt(when);
    if (line) await org.ok('dispatcher', 'POST', '/line-items', { jobId: j.id, description: 'Labour', quantity: 1, unitPriceCents: cents });
    const invoice = await org.ok('dispatcher', 'POST', '/invoices', { jobId: j.id });
    if (sentAt) {
      clockAt(sentAt);
      await org.ok('dispatcher', 'POST', `/invoices/${invoice.id}/transitions`, { to: 'sent' });
    }
    return { id: invoice.id as string, number: invoice.number as number };
  };
  const pay = async (invoice: { id: string }, cents: number, when: string, method: string) => {
    clockAt(when);
    return (await org.ok('dispatcher', 'POST', '/payments', { invoiceId: invoice.id, amountCents: cents, method })).id as string;
  };
  /** The usual day: dispatched an hour before, on the way half an hour before, on site, done. */
  const visit = (j: Job, tech: 'techA' | 'techB', day: string, arrive: string, done: string, dispatch = '08:00', leave = '08:30') =>
    work(j, [
      [`${day} ${dispatch}`, 'dispatcher', 'dispatched'],
      [`${day} ${leave}`, tech, 'en_route'],
      [`${day} ${arrive}`, tech, 'on_site'],
      [`${day} ${done}`, tech, 'completed'],
    ]);

  // Old receivables: one 98 days old at the report, one 48.
  const J12 = await job('2025-11-28 09:00', p1, scheduled('ana', '2025-12-01 09:00'));
  await visit(J12, 'techA', '2025-12-01', '09:00', '10:00');
  const invJ12 = await bill(J12, 20000, '2025-12-01 11:00', '2025-12-01 11:05');
  const J11 = await job('2026-01-19 09:00', p1, scheduled('ana', '2026-01-20 09:00'));
  await visit(J11, 'techA', '2026-01-20', '09:00', '10:00');
  const invJ11 = await bill(J11, 10000, '2026-01-20 11:00', '2026-01-20 11:05');

  // The previous week.
  const J0 = await job('2026-02-23 09:00', p1, scheduled('ana', '2026-02-25 09:00', window('2026-02-25 09:00', '2026-02-25 09:30')));
  await visit(J0, 'techA', '2026-02-25', '09:45', '11:15', '07:30', '08:50');
  const invJ0 = await bill(J0, 50000, '2026-02-25 12:00', '2026-02-25 12:05');
  const payJ0 = await pay(invJ0, 54125, '2026-02-27 10:00', 'card');
  const J9 = await job('2026-03-01 09:00', p3);

  // The week under test: planned on Monday morning.
  const J1 = await job('2026-03-02 10:00', p2, scheduled('ana', '2026-03-03 09:00', window('2026-03-03 08:30', '2026-03-03 09:30')));
  const J2 = await job('2026-03-02 10:05', p1, scheduled('ana', '2026-03-04 13:00', window('2026-03-04 12:00', '2026-03-04 13:00')));
  const J7 = await job('2026-03-02 10:10', p1, scheduled('ana', '2026-03-05 10:00'));
  const J8 = await job('2026-03-02 10:15', p2, scheduled('ana', '2026-03-06 10:00'));
  const J3 = await job('2026-03-02 10:20', p3, scheduled('ben', '2026-03-06 02:00'));
  // 03:00 is the first minute of CDT that night, the same instant 02:00 CST would have been.
  const J5 = await job('2026-03-02 10:25', p2, scheduled('ben', '2026-03-08 01:00', window('2026-03-08 01:00', '2026-03-08 03:00')));
  const J6 = await job('2026-03-02 10:30', p3, scheduled('ben', '2026-03-08 23:00'));

  await visit(J1, 'techA', '2026-03-03', '09:10', '11:10', '07:30', '08:40');
  const invJ1 = await bill(J1, 100000, '2026-03-03 11:30', '2026-03-03 11:35');
  const payJ1 = await pay(invJ1, 108250, '2026-03-04 10:00', 'card');

  // Two visits: on site, on hold for a part, back on the schedule, on site again.
  await work(J2, [
    ['2026-03-04 11:00', 'dispatcher', 'dispatched'],
    ['2026-03-04 12:40', 'techA', 'en_route'],
    ['2026-03-04 13:05', 'techA', 'on_site'],
    ['2026-03-04 14:05', 'techA', 'on_hold', 'Waiting for a 200A breaker'],
    ['2026-03-04 14:30', 'dispatcher', 'scheduled'],
    ['2026-03-04 14:31', 'dispatcher', 'dispatched'],
    ['2026-03-04 14:35', 'techA', 'en_route'],
    ['2026-03-04 15:00', 'techA', 'on_site'],
    ['2026-03-04 15:45', 'techA', 'completed'],
  ]);
  const invJ2 = await bill(J2, 40000, '2026-03-04 16:00', '2026-03-04 16:05');
  await work(J7, [['2026-03-04 17:00', 'dispatcher', 'cancelled']]);
  const J10 = await job('2026-03-05 12:00', p3);

  await visit(J3, 'techB', '2026-03-06', '02:10', '03:40', '01:00', '01:50');
  const invJ3 = await bill(J3, 20000, '2026-03-06 04:00', '2026-03-06 04:05');
  const payJ2 = await pay(invJ2, 20000, '2026-03-06 09:00', 'check');

  // The return visit, booked from the API with its link, done after midnight and never billed.
  const J4 = await job('2026-03-06 09:30', p3, { ...scheduled('ben', '2026-03-07 23:00'), returnVisitOf: J3.id });
  await work(J4, [
    ['2026-03-07 22:00', 'dispatcher', 'dispatched'],
    ['2026-03-07 22:50', 'techB', 'en_route'],
    ['2026-03-07 23:15', 'techB', 'on_site'],
    ['2026-03-08 00:30', 'techB', 'completed'],
  ]);

  // Across the clock change: 01:30 CST to 03:30 CDT is one hour. Its first invoice is voided.
  await visit(J5, 'techB', '2026-03-08', '01:30', '03:30', '00:40', '00:45');
  const invJ5void = await bill(J5, 30000, '2026-03-08 04:00', '2026-03-08 04:05');
  clockAt('2026-03-08 04:10');
  await org.ok('dispatcher', 'POST', `/invoices/${invJ5void.id}/transitions`, { to: 'void', reason: 'Billed twice' });
  const invJ5 = await bill(J5, 30000, '2026-03-08 04:20', '2026-03-08 04:25', false);

  // Done at 00:30 CDT on Monday: the week's last day ended at 00:00 CDT, 23 hours after it began.
  await work(J6, [
    ['2026-03-08 22:00', 'dispatcher', 'dispatched'],
    ['2026-03-08 22:30', 'techB', 'en_route'],
    ['2026-03-08 23:45', 'techB', 'on_site'],
    ['2026-03-09 00:30', 'techB', 'completed'],
  ]);
  return {
    org,
    techs,
    customers: { c1: p1.customerId, c2: p2.customerId, c3: p3.customerId },
    jobs: { J0, J1, J2, J3, J4, J5, J6, J7, J8, J9, J10, J11, J12 },
    invoices: { J0: invJ0, J1: invJ1, J2: invJ2, J3: invJ3, J5void: invJ5void, J5: invJ5, J11: invJ11, J12: invJ12 },
    payments: { J0: payJ0, J1: payJ1, J2: payJ2 },
  };
}
