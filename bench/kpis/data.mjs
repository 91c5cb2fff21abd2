// The KPI bench's data: a year of work for 100 technicians in an org of its own, written by SQL
// inside libSQL (recursive CTEs and INSERT ... SELECT), so a quarter of a million jobs take
// seconds to make rather than minutes of rows built in Node and sent over HTTP:
//
// - 100 technicians working 07:00-17:00 every day, 5,000 customers with a location each;
// - every day of the 365 before today, 7 jobs per technician (one every 85 minutes from 07:00,
//   an hour booked, a 2-hour arrival window from the hour the slot starts in): 255,500 jobs, plus
//   300 unscheduled ones waiting in the queue;
// - each job's events as the lifecycle has them (created already scheduled, dispatched, en route,
//   on site, completed, then invoiced and paid as far as "now" has got): 2.5% cancelled, 6%
//   arriving late, 5% return visits of the same slot a week before (three in five of them free);
// - an invoice per job done and billed (tax 8.25%), paid a day to a month later (2% take two to
//   four months, 3.5% have not paid at all, so every aging bucket has some), one payment each;
// - the job facts, by db/job-facts.ts refreshFacts(org, 'all'): the statements every job writer
//   appends to its batch, so the facts are what the live path would have kept.
//
// A job's times all follow from its slot number n (the pseudo-random r = a hash of n), so the
// statements agree with each other without reading back what the others wrote. Line items and
// job_assignments are left out: no KPI reads them.
import { createClient } from '@libsql/client';
import { refreshFacts } from '../../db/job-facts.ts';
import { DEMO_PASSWORD, DEMO_TOTP_SECRET, hashPasswordNode } from '../../db/seed/index.ts';
import { addDays, localDateOf, zonedInstant } from '../../core/time.ts';

export const ORG_ID = 'b0b0b0b0-0000-4000-8000-000000000001';
export const TIMEZONE = 'America/Chicago';
export const TECHNICIANS = 100;
export const SLOTS = 7;
export const DAYS = 365;
export const CUSTOMERS = 5_000;
export const QUEUED = 300;
export const MANAGERS = 10;
const SLOT_MIN = 85;
const DAY_MS = 86_400_000;
const MINUTE = 60_000;
/** Slots per statement: each insert is its own transaction of about this many jobs. */
const CHUNK = 40_000;

/** Ids are uuid-shaped and sequential within a kind, so each table's primary key grows at its end. */
const idOf = (kind, n) => `printf('b0b0b0b0-%04x-4000-8000-%012d', ${kind}, ${n})`;
const KIND = { job: 1, event: 2, technician: 3, customer: 4, location: 5, user: 6, invoice: 7, payment: 8 };
export const managerEmail = (i) => `manager${String(i + 1).padStart(2, '0')}@bench-kpis.switchboard.test`;
/** The office's dispatcher, who records payments while the managers read (bench/kpis/writer.mjs). */
export const DISPATCHER_EMAIL = 'dispatcher@bench-kpis.switchboard.test';

const TYPES = [
  ['Service call', 18_500],
  ['Troubleshooting', 29_000],
  ['GFCI / outlet replacement', 14_500],
  ['Lighting retrofit', 42_000],
  ['EV charger install', 95_000],
];

/**
 * Adds the org and its year. `now` decides how far billing has got. Returns what the bench needs:
 * the org's today, the managers' emails, counts and how long each step took.
 */
export async function addKpiOrg(libsqlUrl, { now = Date.now(), log = console.log } = {}) {
  const db = createClient({ url: libsqlUrl });
  const steps = [];
  const step = async (label, statements) => {
    const t = performance.now();
    for (const s of statements) await db.batch(Array.isArray(s) ? s : [s], 'write');
    const ms = Math.round(performance.now() - t);
    steps.push({ label, ms });
    log(`  ${label.padEnd(46)} ${String(ms).padStart(6)} ms`);
  };
  const t0 = performance.now();
  try {
    const today = localDateOf(now, TIMEZONE);
    const days = Array.from({ length: DAYS }, (_, i) => {
      const day = addDays(today, i - DAYS);
      return [day, zonedInstant(day, '07:00', TIMEZONE)];
    });
    const passwordHash = await hashPasswordNode(DEMO_PASSWORD);
    const created = now - 400 * DAY_MS;
    const everyDay = JSON.stringify({ open: '07:00', close: '17:00' });
    const hours = `{"0":${everyDay},"1":${everyDay},"2":${everyDay},"3":${everyDay},"4":${everyDay},"5":${everyDay},"6":${everyDay}}`;
    const slotCount = DAYS * TECHNICIANS * SLOTS;

    await step('org, managers, technicians, customers', [
      [
        {
          sql: `insert into orgs (id, name, timezone, tax_rate_bps, business_hours, next_job_number, next_invoice_number, next_po_number, created_at)
                values (?, 'KPI Bench Electric (100 technicians)', ?, 825, ?, ?, ?, 1, ?)`,
          args: [ORG_ID, TIMEZONE, hours, 1000 + slotCount + QUEUED, slotCount + 1, created],
        },
        {
          sql: `with recursive m (i) as (select 0 union all select i + 1 from m where i < ${MANAGERS - 1})
                insert into users (id, org_id, email, name, role, password_hash, totp_secret, totp_enabled_at, active, created_at, updated_at)
                select ${idOf(KIND.user, 'i')}, ?, 'manager' || printf('%02d', i + 1) || '@bench-kpis.switchboard.test',
                  'Bench Manager ' || (i + 1), 'manager', ?, ?, ?, 1, ?, ? from m`,
          args: [ORG_ID, passwordHash, DEMO_TOTP_SECRET, created, created, created],
        },
        {
          sql: `insert into users (id, org_id, email, name, role, password_hash, totp_secret, totp_enabled_at, active, created_at, updated_at)
                values (${idOf(KIND.user, MANAGERS)}, ?, ?, 'Bench Dispatcher', 'dispatcher', ?, ?, ?, 1, ?, ?)`,
          args: [ORG_ID, DISPATCHER_EMAIL, passwordHash, DEMO_TOTP_SECRET, created, created, created],
        },
        {
          sql: `with recursive t (i) as (select 0 union all select i + 1 from t where i < ${TECHNICIANS - 1})
                insert into technicians (id, org_id, name, skills, licence_class, shift_start, shift_end, shift_days, timezone, colour, active, created_at, updated_at)
                select ${idOf(KIND.technician, 'i')}, ?, 'Bench Technician ' || printf('%03d', i + 1), '["service","troubleshooting","lighting"]',
                  'journeyman', '07:00', '17:00', '[0,1,2,3,4,5,6]', ?, printf('#%06x', (i * 2654435761) % 16777216), 1, ?, ? from t`,
          args: [ORG_ID, TIMEZONE, created, created],
        },
        {
          sql: `with recursive c (i) as (select 0 union all select i + 1 from c where i < ${CUSTOMERS - 1})
                insert into customers (id, org_id, name, tags, created_at, updated_at)
                select ${idOf(KIND.customer, 'i')}, ?, 'Bench Customer ' || printf('%05d', i + 1), '["residential"]', ?, ? from c`,
          args: [ORG_ID, created, created],
        },
        {
          sql: `with recursive c (i) as (select 0 union all select i + 1 from c where i < ${CUSTOMERS - 1})
                insert into locations (id, org_id, customer_id, address, city, region, postal_code, lat, lng, timezone, created_at, updated_at)
                select ${idOf(KIND.location, 'i')}, ?, ${idOf(KIND.customer, 'i')}, (100 + i) || ' Bench Street', 'Austin', 'TX', '78701',
                  30.2 + (i % 100) * 0.0015, -97.8 + (i / 100) * 0.003, ?, ?, ? from c`,
          args: [ORG_ID, TIMEZONE, created, created],
        },
      ],
    ]);

    // Every slot's times, once, in a helper table the inserts read (dropped at the end).
    await db.execute('drop table if exists bench_kpi_slots');
    await db.execute(`create table bench_kpi_slots (n integer primary key, i integer, t integer, k integer, day text, ss integer, r integer,
      arrival integer, done_at integer, invoiced_at integer, paid_at integer, status text)`);
    await step(`slots (${slotCount.toLocaleString('en-US')})`, [
      {
        sql: `with recursive
          days (i, day, start) as (select key, value ->> 0, value ->> 1 from json_each(?)),
          techs (t) as (select 0 union all select t + 1 from techs where t < ${TECHNICIANS - 1}),
          slots (k) as (select 0 union all select k + 1 from slots where k < ${SLOTS - 1}),
          s as (select (i * ${TECHNICIANS} + t) * ${SLOTS} + k as n, i, t, k, day, start + k * ${SLOT_MIN * MINUTE} as ss from days, techs, slots),
          r as (select *, (n * 2654435761 + 12345) % 1000 as r from s),
          a as (select *, ss + (case when r % 100 >= 94 then 150 else r % 17 - 3 end) * ${MINUTE} as arrival from r),
          d as (select *, arrival + (55 + r % 40) * ${MINUTE} as done_at from a),
          b as (select *, done_at + ${DAY_MS} + (r % 5) * 3600000 as invoiced_at from d),
          p as (select *, invoiced_at + (case when r % 50 = 0 then 60 + r % 60 else 1 + (r * 7) % 30 end) * ${DAY_MS} as paid_at from b)
        insert into bench_kpi_slots
        select n, i, t, k, day, ss, r, arrival, done_at, invoiced_at, paid_at,
          case when r < 25 then 'cancelled' when invoiced_at > ?2 then 'completed'
            when r < 60 or paid_at > ?2 then 'invoiced' else 'paid' end
        from p order by n`,
        args: [JSON.stringify(days), now],
      },
    ]);

    const chunks = (sql, extraArgs = []) =>
      Array.from({ length: Math.ceil(slotCount / CHUNK) }, (_, c) => ({
        sql,
        args: [ORG_ID, c * CHUNK, (c + 1) * CHUNK, ...extraArgs],
      }));
    const typeCase = `case s.r % ${TYPES.length} ${TYPES.map(([name], i) => `when ${i} then '${name}'`).join(' ')} end`;
    const priceCase = `case s.r % ${TYPES.length} ${TYPES.map(([, price], i) => `when ${i} then ${price}`).join(' ')} end`;
    // A return visit: the same technician's same slot a week before; free for three in five.
    const isReturn = 's.r >= 60 and s.r < 110 and s.i >= 7';
    const isFree = `(${isReturn} and s.r < 90)`;

    await step('jobs', [
      ...chunks(`insert into jobs (id, org_id, number, customer_id, location_id, type, priority, description, status, scheduled_start,
          duration_min, board_date, technician_id, arrival_window_start, arrival_window_end, warnings, completed_at, return_visit_of,
          created_at, updated_at)
        select ${idOf(KIND.job, 's.n')}, ?1, 1000 + s.n, ${idOf(KIND.customer, `(s.n * 7919) % ${CUSTOMERS}`)},
          ${idOf(KIND.location, `(s.n * 7919) % ${CUSTOMERS}`)}, ${typeCase}, 'normal', 'Bench job', s.status, s.ss, 60, s.day,
          ${idOf(KIND.technician, 's.t')}, s.ss - ((s.k * ${SLOT_MIN}) % 60) * ${MINUTE}, s.ss - ((s.k * ${SLOT_MIN}) % 60) * ${MINUTE} + 7200000, '[]',
          case when s.status <> 'cancelled' then s.done_at end,
          case when ${isReturn} then ${idOf(KIND.job, `s.n - ${7 * TECHNICIANS * SLOTS}`)} end,
          s.ss - (1 + s.r % 10) * ${DAY_MS},
          case s.status when 'cancelled' then s.ss - (1 + s.r % 10) * ${DAY_MS} + 3600000 when 'completed' then s.done_at
            when 'invoiced' then s.invoiced_at else s.paid_at end
        from bench_kpi_slots s where s.n >= ?2 and s.n < ?3 order by s.n`),
      {
        sql: `with recursive q (i) as (select 0 union all select i + 1 from q where i < ${QUEUED - 1})
          insert into jobs (id, org_id, number, customer_id, location_id, type, priority, description, status, duration_min, warnings, created_at, updated_at)
          select ${idOf(KIND.job, `${slotCount} + i`)}, ?, 1000 + ${slotCount} + i, ${idOf(KIND.customer, 'i')}, ${idOf(KIND.location, 'i')},
            'Service call', 'normal', 'Bench request waiting for a slot', 'unscheduled', 60, '[]', ?2 - (i * 7 % 30) * ${DAY_MS} - i * ${MINUTE}, ?2 from q`,
        args: [ORG_ID, now],
      },
    ]);

    // Events: created (booked into the slot), then each status change as far as the job got.
    const EVENTS = [
      [0, 'created', 'scheduled', `s.ss - (1 + s.r % 10) * ${DAY_MS}`, 'true'],
      [1, 'status_changed', 'cancelled', `s.ss - (1 + s.r % 10) * ${DAY_MS} + 3600000`, "s.status = 'cancelled'"],
      [2, 'status_changed', 'dispatched', 's.ss - 3600000', "s.status <> 'cancelled'"],
      [3, 'status_changed', 'en_route', 's.arrival - 1200000', "s.status <> 'cancelled'"],
      [4, 'status_changed', 'on_site', 's.arrival', "s.status <> 'cancelled'"],
      [5, 'status_changed', 'completed', 's.done_at', "s.status <> 'cancelled'"],
      [6, 'status_changed', 'invoiced', 's.invoiced_at', "s.status in ('invoiced', 'paid')"],
      [7, 'status_changed', 'paid', `case when ${isFree} then s.invoiced_at + ${MINUTE} else s.paid_at end`, "s.status = 'paid'"],
    ];
    await step('job events', [
      ...chunks(`with e (step, kind, status) as (values ${EVENTS.map(([k, kind, status]) => `(${k}, '${kind}', '${status}')`).join(', ')})
        insert into job_events (id, org_id, job_id, actor_user_id, at, kind, before, after)
        select ${idOf(KIND.event, 's.n * 10 + e.step')}, ?1, ${idOf(KIND.job, 's.n')}, null,
          case e.step ${EVENTS.map(([k, , , at]) => `when ${k} then ${at}`).join(' ')} end,
          e.kind, null, json_object('status', e.status)
        from bench_kpi_slots s join e on case e.step ${EVENTS.map(([k, , , , when]) => `when ${k} then ${when}`).join(' ')} end
        where s.n >= ?2 and s.n < ?3 order by s.n, e.step`),
    ]);

    // Invoices of billed jobs: sent (3.5% never paid, the rest until their day comes; one in
    // three of those has paid half) or paid. A free return visit is settled when sent.
    const subtotal = `case when ${isFree} then 0 else ${priceCase} + (s.r % 10) * 1500 end`;
    const deposit = `case when s.status = 'invoiced' and s.r % 3 = 0 then (${subtotal} * 10825 / 10000) / 2 else 0 end`;
    await step('invoices', [
      ...chunks(`insert into invoices (id, org_id, number, job_id, customer_id, status, issued_at, due_date, subtotal_cents, tax_cents, total_cents,
          paid_cents, created_at, updated_at)
        select ${idOf(KIND.invoice, 's.n')}, ?1, 1 + s.n, ${idOf(KIND.job, 's.n')}, ${idOf(KIND.customer, `(s.n * 7919) % ${CUSTOMERS}`)},
          case when s.status = 'paid' then 'paid' else 'sent' end, s.invoiced_at,
          date(s.invoiced_at / 1000, 'unixepoch', '+15 days'),
          ${subtotal}, ${subtotal} * 825 / 10000, ${subtotal} * 10825 / 10000,
          case when s.status = 'paid' then ${subtotal} * 10825 / 10000 else ${deposit} end,
          s.invoiced_at, case when s.status = 'paid' then s.paid_at else s.invoiced_at end
        from bench_kpi_slots s where s.status in ('invoiced', 'paid') and s.n >= ?2 and s.n < ?3 order by s.n`),
    ]);
    await step('payments', [
      ...chunks(`insert into payments (id, org_id, invoice_id, amount_cents, method, received_at, created_at)
        select ${idOf(KIND.payment, 's.n')}, ?1, ${idOf(KIND.invoice, 's.n')}, i.paid_cents,
          case s.r % 4 when 0 then 'card' when 1 then 'check' when 2 then 'ach' else 'cash' end,
          case when s.status = 'paid' then s.paid_at else s.invoiced_at + 2 * ${DAY_MS} end,
          case when s.status = 'paid' then s.paid_at else s.invoiced_at + 2 * ${DAY_MS} end
        from bench_kpi_slots s join invoices i on i.id = ${idOf(KIND.invoice, 's.n')}
        where i.paid_cents > 0 and s.n >= ?2 and s.n < ?3 order by s.n`),
    ]);
    await step('job facts (refreshFacts all, with their rollups)', [refreshFacts(ORG_ID, 'all')]);
    await db.execute('drop table bench_kpi_slots');

    const count = async (sql) => Number((await db.execute({ sql, args: [ORG_ID] })).rows[0].n);
    const counts = {
      jobs: await count('select count(*) as n from jobs where org_id = ?'),
      events: await count('select count(*) as n from job_events where org_id = ?'),
      invoices: await count('select count(*) as n from invoices where org_id = ?'),
      payments: await count('select count(*) as n from payments where org_id = ?'),
      facts: await count('select count(*) as n from job_facts where org_id = ?'),
      returnVisits: await count('select count(*) as n from jobs where org_id = ? and return_visit_of is not null'),
      // Kept by migration 0017's triggers as the rows above went in.
      quarters: await count('select count(*) as n from job_fact_quarters where org_id = ?'),
      techDays: await count('select count(*) as n from job_fact_tech_days where org_id = ?'),
      scheduleQuarters: await count('select count(*) as n from job_schedule_quarters where org_id = ?'),
    };
    return {
      orgId: ORG_ID,
      timezone: TIMEZONE,
      today,
      managers: Array.from({ length: MANAGERS }, (_, i) => managerEmail(i)),
      dispatcher: DISPATCHER_EMAIL,
      counts,
      steps,
      ms: Math.round(performance.now() - t0),
    };
  } finally {
    db.close();
  }
}
