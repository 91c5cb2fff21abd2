/**
 * The report cache (worker/kpis/cache.ts): GET /api/kpis answers again from the isolate while the
 * org's KPI data version (migration 0015's triggers) is unchanged and the answer is younger than
 * a minute, and reads again after any change that can move a figure, made through the API as the
 * people do it. An answer from the cache is told apart by its asOf (when it was read), with the
 * clock moved on a little between requests; "uncached" is report.ts's readReport against libSQL
 * at the same instant. Orgs of their own (kpis-org.ts), so no other file's work counts here.
 *
 *   day under test   Monday 2026-05-04 in America/Chicago
 *   the clock        pinned (kpis-org.ts clockAt), moved only by the tests
 */
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { openDb } from '../../worker/db.ts';
import { CACHE_TTL_MS, type CachedAnswer, ReportCache } from '../../worker/kpis/cache.ts';
import { readReport } from '../../worker/kpis/report.ts';
import { expectProblem } from './helpers.ts';
import { at, clockAt, type KpiOrg, makeOrg, ZONE } from './kpis-org.ts';

const DAY = '2026-05-04';
const RANGE = { from: DAY, to: DAY };
const REPORT = `/kpis?from=${DAY}&to=${DAY}`;

interface Place {
  org: KpiOrg;
  techId: string;
  where: { customerId: string; locationId: string; type: string; description: string };
}

let a: Place;
let b: Place;
/** The clock, as an instant the tests move forward from. */
let now: number;

function setClock(instant: number) {
  now = instant;
  vi.setSystemTime(instant);
}
const later = (ms: number) => setClock(now + ms);

async function place(name: string): Promise<Place> {
  const org = await makeOrg(name);
  const tech = await org.ok('admin', 'POST', '/technicians', {
    name: 'Ana Ruiz',
    userId: org.userIds.techA,
    shiftStart: '08:00',
    shiftEnd: '16:00',
    shiftDays: [1, 2, 3, 4, 5],
  });
  const customer = await org.ok('dispatcher', 'POST', '/customers', { name: `${name} customer` });
  const location = await org.ok('dispatcher', 'POST', '/locations', {
    customerId: customer.id,
    address: '500 E Cesar Chavez St',
    city: 'Austin',
    region: 'TX',
    postalCode: '78701',
    lat: 30.26,
    lng: -97.74,
  });
  return { org, techId: tech.id, where: { customerId: customer.id, locationId: location.id, type: 'Service call', description: 'Cache' } };
}

/** A job of the day under test, at `hour`, for the place's technician. */
async function scheduled(p: Place, hour: number): Promise<string> {
  const start = at(`${DAY} ${String(hour).padStart(2, '0')}:00`);
  return (await p.org.ok('dispatcher', 'POST', '/jobs', { ...p.where, technicianId: p.techId, scheduledStart: start })).id;
}

/** Dispatched by the office, then the technician's own steps through the API, done. */
async function complete(p: Place, jobId: string): Promise<void> {
  await p.org.ok('dispatcher', 'POST', `/jobs/${jobId}/transitions`, { to: 'dispatched' });
  for (const to of ['en_route', 'on_site', 'completed']) await p.org.ok('techA', 'POST', `/jobs/${jobId}/transitions`, { to });
}

/** An invoice for a done job, made and sent: revenue and a receivable. */
async function invoice(p: Place, jobId: string): Promise<{ id: string; totalCents: number }> {
  await p.org.ok('dispatcher', 'POST', '/line-items', { jobId, description: 'Labour', quantity: 1, unitPriceCents: 25_000 });
  const made = await p.org.ok('dispatcher', 'POST', '/invoices', { jobId });
  await p.org.ok('dispatcher', 'POST', `/invoices/${made.id}/transitions`, { to: 'sent' });
  return made;
}

const report = (p: Place, who: 'manager' | 'dispatcher' | 'admin' = 'manager') => p.org.call(who, 'GET', REPORT);

/** The report as libSQL gives it now, no cache. */
async function uncached(p: Place) {
  const { db } = openDb({ LIBSQL_URL: inject('libsqlUrl') });
  return (await readReport(db, { orgId: p.org.orgId, timezone: ZONE }, RANGE, Date.now())).report;
}

/** Reads the report, moves the clock on 5 s and reads again: the second is the cache's if its asOf is the first's. */
async function warm(p: Place) {
  const first = await report(p);
  expect(first.status, JSON.stringify(first.body)).toBe(200);
  later(5_000);
  const again = await report(p);
  expect(again.body.asOf, 'warmed: the second read comes from the cache').toBe(first.body.asOf);
  expect(again.roundTrips, 'a cache hit: the session lookup alone, which reads the version').toBe(1);
  return first.body;
}

/** After a change: the next report is read again, at this instant, and is exactly what libSQL says. */
async function afterChange(p: Place) {
  later(5_000);
  const next = await report(p);
  expect(next.status).toBe(200);
  expect(next.body.asOf, 'read again after the change').toBe(now);
  expect(next.body).toEqual(await uncached(p));
  return next.body;
}

beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  clockAt('2026-05-01 09:00');
  a = await place('KPI cache');
  b = await place('KPI cache neighbour');
  setClock(at(`${DAY} 17:00`));
});
afterAll(() => vi.useRealTimers());

describe('GET /api/kpis from the cache', () => {
  it('answers again from the cache while nothing changed, in 1 round trip (the session), the same bytes', async () => {
    const first = await report(a);
    expect(first.roundTrips).toBe(2);
    later(10_000);
    const second = await report(a);
    expect(second.roundTrips).toBe(1);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get('content-type')).toBe('application/json');
  });

  it('reads again after a completion through the API (the technician finishing a job)', async () => {
    const job = await scheduled(a, 9);
    const before = await warm(a);
    later(1_000);
    await complete(a, job);
    const next = await afterChange(a);
    expect(next.figures.completed.value).toBe((before.figures.completed.value ?? 0) + 1);
  });

  it('reads again after an invoice is made and sent, and after a payment', async () => {
    const job = await scheduled(a, 11);
    await complete(a, job);
    const before = await warm(a);
    const inv = await invoice(a, job);
    const invoiced = await afterChange(a);
    expect(invoiced.figures.invoiced.value).toBe((before.figures.invoiced.value ?? 0) + 25_000);
    expect(invoiced.receivables.reduce((n: number, r: { count: number }) => n + r.count, 0)).toBe(1);

    await warm(a);
    await a.org.ok('dispatcher', 'POST', '/payments', { invoiceId: inv.id, amountCents: inv.totalCents, method: 'cash' });
    const paid = await afterChange(a);
    expect(paid.figures.collected.value).toBe(inv.totalCents);
    expect(paid.receivables.reduce((n: number, r: { count: number }) => n + r.count, 0)).toBe(0);
  });

  it('a change the Worker commits itself drops the answers at once: the next report is read again, in 2 round trips', async () => {
    const job = await scheduled(a, 12);
    await complete(a, job);
    const inv = await invoice(a, job);
    const before = await warm(a);
    // A payment is recorded by the Worker, which tells the org room and forgets the org's answers here.
    await a.org.ok('dispatcher', 'POST', '/payments', { invoiceId: inv.id, amountCents: 100, method: 'cash' });
    later(5_000);
    const next = await report(a);
    expect(next.roundTrips, 'no outdated answer left to check: the session and the batch').toBe(2);
    expect(next.body.asOf).toBe(now);
    expect(next.body.figures.collected.value).toBe((before.figures.collected.value ?? 0) + 100);
    expect(next.body).toEqual(await uncached(a));
  });

  it('reads again after a scheduled job goes back to the queue', async () => {
    const job = await scheduled(a, 13);
    const before = await warm(a);
    await a.org.ok('dispatcher', 'POST', `/jobs/${job}/transitions`, { to: 'unscheduled' });
    const next = await afterChange(a);
    expect(next.queue.size).toBe(before.queue.size + 1);
  });

  it('reads again after a technician is deactivated: the scorecard loses them', async () => {
    const before = await warm(a);
    expect(before.technicians.map((t: { id: string }) => t.id)).toContain(a.techId);
    await a.org.ok('admin', 'PATCH', `/technicians/${a.techId}`, { active: false });
    const next = await afterChange(a);
    expect(next.technicians.map((t: { id: string }) => t.id)).not.toContain(a.techId);
    await a.org.ok('admin', 'PATCH', `/technicians/${a.techId}`, { active: true });
  });

  it("another org's change keeps this org's answer, and neither sees the other's", async () => {
    const theirs = await scheduled(b, 9);
    const ours = await warm(a);
    await complete(b, theirs);
    await invoice(b, theirs);
    later(5_000);
    const still = await report(a);
    expect(still.roundTrips).toBe(1);
    expect(still.body.asOf, "the neighbour's change did not reach this org's answer").toBe(ours.asOf);
    const neighbour = await report(b);
    expect(neighbour.body.figures.completed.value).toBe(1);
    expect(neighbour.body.technicians.map((t: { id: string }) => t.id)).toEqual([b.techId]);
    expect(neighbour.body).toEqual(await uncached(b));
    expect(still.body.technicians.map((t: { id: string }) => t.id)).not.toContain(b.techId);
  });

  it('checks the role before the cache: a technician is refused what a manager just warmed; a dispatcher may read it', async () => {
    const warmed = await warm(a);
    expectProblem(await a.org.call('techA', 'GET', REPORT), 403);
    const dispatcher = await report(a, 'dispatcher');
    expect(dispatcher.status).toBe(200);
    expect(dispatcher.body.asOf).toBe(warmed.asOf);
  });

  it('serves an answer for less than a minute: the queue ages with the clock, not with a change', async () => {
    const first = await report(a);
    const readAt = first.body.asOf;
    setClock(readAt + CACHE_TTL_MS - 1);
    expect((await report(a)).body.asOf).toBe(readAt);
    setClock(readAt + CACHE_TTL_MS);
    const next = await report(a);
    expect(next.body.asOf).toBe(readAt + CACHE_TTL_MS);
    expect(next.roundTrips, 'an expired answer: read again without checking the version').toBe(2);
    expect(next.body).toEqual(await uncached(a));
  });

  it('reads once for many at once: ten managers reloading after a change wait for one batch', async () => {
    await warm(a);
    await a.org.ok('dispatcher', 'POST', '/jobs', a.where);
    later(1_000);
    const answers = await Promise.all(Array.from({ length: 10 }, () => report(a)));
    expect(new Set(answers.map((r) => r.body.asOf))).toEqual(new Set([now]));
    // One request finds its answer outdated by the version its session lookup read and reads the
    // batch (session, batch: 2); the nine others take that read (the session: 1 each). Each
    // reading for itself would be 20.
    expect(answers.reduce((n, r) => n + r.roundTrips, 0)).toBe(2 + 9 * 1);
  });
});

describe('ReportCache', () => {
  const answer = (version: number, at: number, body = 'x'.repeat(100)): CachedAnswer => ({ version, at, body });

  it('evicts the least recently used past its entries or bytes', async () => {
    const cache = new ReportCache({ ttlMs: 60_000, maxEntries: 2, maxBytes: 1_000 });
    const version = async () => 1;
    for (const key of ['k1', 'k2']) await cache.answer(key, 0, version, async () => answer(1, 0));
    // k1 served again: k2 is now the least recent, and goes when k3 comes.
    await cache.answer('k1', 0, version, async () => answer(1, 0));
    await cache.answer('k3', 0, version, async () => answer(1, 0));
    let computed = 0;
    const count = async () => {
      computed++;
      return answer(1, 0);
    };
    await cache.answer('k1', 0, version, count);
    expect(computed).toBe(0);
    await cache.answer('k2', 0, version, count);
    expect(computed).toBe(1);
    // 300 characters are 600 bytes in memory: two of them pass 1,000.
    await cache.answer('big1', 0, version, async () => answer(1, 0, 'y'.repeat(300)));
    await cache.answer('big2', 0, version, async () => answer(1, 0, 'y'.repeat(300)));
    expect(cache.size.bytes).toBeLessThanOrEqual(1_000);
    expect(cache.size.entries).toBe(1);
  });

  it('hands a read in flight only to those whose version it is, or older', async () => {
    const cache = new ReportCache({ ttlMs: 60_000, maxEntries: 10, maxBytes: 100_000 });
    let finish!: (a: CachedAnswer) => void;
    let computed = 0;
    const slow = () => {
      computed++;
      return new Promise<CachedAnswer>((resolve) => {
        finish = resolve;
      });
    };
    const leader = cache.answer('k', 0, async () => 4, slow);
    // Same version as the read in flight will have: waits for it.
    const sameVersion = cache.answer('k', 0, async () => 4, slow);
    // Saw a newer version than that read will have: reads again for itself, once the first is done.
    const newer = cache.answer(
      'k',
      0,
      async () => 5,
      async () => answer(5, 0, 'newer'),
    );
    await Promise.resolve();
    await new Promise((r) => setTimeout(r, 0));
    finish(answer(4, 0, 'first'));
    expect((await leader).body).toBe('first');
    expect((await sameVersion).body).toBe('first');
    expect((await newer).body).toBe('newer');
    expect(computed).toBe(1);
  });
});

describe('GET /api/kpis/{drill} from the cache', () => {
  const LIST = `/kpis/completionRate?from=${DAY}&to=${DAY}`;
  const list = () => a.org.call('manager', 'GET', LIST);
  type Row = { id: string; customerName: string; returnVisitOf: string | null };
  const row = (body: { items: Row[] }, id: string) => body.items.find((r) => r.id === id)!;

  it('keeps a list while nothing changed, and reads it again when a row it shows changes: a customer renamed, a return-visit link set', async () => {
    const first = await scheduled(a, 11);
    const job = await scheduled(a, 12);
    const read = await list();
    expect(read.status, JSON.stringify(read.body)).toBe(200);
    expect(read.roundTrips).toBe(2);
    expect(row(read.body, job).customerName).toBe('KPI cache customer');
    later(5_000);
    const kept = await list();
    expect(kept.roundTrips, 'from the cache: the session lookup alone').toBe(1);
    expect(kept.body).toEqual(read.body);

    // Neither changes a figure; both change what the list shows (migration 0018).
    await a.org.ok('dispatcher', 'PATCH', `/customers/${a.where.customerId}`, { name: 'KPI cache customer, renamed' });
    later(5_000);
    const renamed = await list();
    expect(renamed.roundTrips).toBe(2);
    expect(row(renamed.body, job).customerName).toBe('KPI cache customer, renamed');
    await a.org.ok('dispatcher', 'PATCH', `/jobs/${job}`, { returnVisitOf: first });
    later(5_000);
    const linked = await list();
    expect(linked.roundTrips).toBe(2);
    expect(row(linked.body, job).returnVisitOf).toBe(first);

    // An export is read as it is, every time.
    const csv = await a.org.call('manager', 'GET', `${LIST}&format=csv`);
    expect(csv.status).toBe(200);
    expect(csv.roundTrips).toBe(2);
    await a.org.ok('dispatcher', 'PATCH', `/customers/${a.where.customerId}`, { name: 'KPI cache customer' });
  });

  it("keeps each org's lists apart: a neighbour's rename reaches neither this org's list nor its key", async () => {
    const warmList = await list();
    expect(warmList.status).toBe(200);
    later(5_000);
    expect((await list()).roundTrips).toBe(1);
    await b.org.ok('dispatcher', 'PATCH', `/customers/${b.where.customerId}`, { name: 'Neighbour, renamed' });
    later(5_000);
    const still = await list();
    expect(still.roundTrips).toBe(1);
    expect(JSON.stringify(still.body)).not.toContain('Neighbour');
    const theirs = await b.org.call('manager', 'GET', LIST);
    expect(theirs.status).toBe(200);
    expect(JSON.stringify(theirs.body)).not.toContain('KPI cache customer');
  });
});
