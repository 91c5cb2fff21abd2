/**
 * GET /api/metrics, the org's Prometheus scrape: requests counted by route pattern (never by id),
 * method and status, with their latency histogram; the libSQL gauges as the database has them;
 * each org's numbers its own; admins only. The barrier is the scrape itself: it flushes its
 * isolate's counts for the org (the only isolate here) before it reads the org's metrics room,
 * so no test waits for the timed flush.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { LATENCY_BUCKETS_S } from '../../core/metrics.ts';
import type { Env } from '../../worker/env.ts';
import { api, count, expectProblem, fx, sql } from './helpers.ts';

type Series = { name: string; labels: Record<string, string>; value: number };

/** Prometheus text format 0.0.4, the lines with a sample (comments left out). */
function parse(text: string): Series[] {
  return text
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const m = /^([a-z_:]+)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!m) throw new Error(`not a sample line: ${line}`);
      const labels: Record<string, string> = {};
      for (const [, k, v] of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[k!] = v!;
      return { name: m[1]!, labels, value: Number(m[3]) };
    });
}

async function scrape(actor: 'a.admin' | 'b.admin'): Promise<Series[]> {
  const res = await api(actor, 'GET', '/metrics');
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  return parse(res.body);
}

/** One sample's value (0 when the series does not exist yet: a counter starts at 0). */
function value(series: Series[], name: string, labels: Record<string, string>): number {
  const found = series.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  return found?.value ?? 0;
}

const requests = (series: Series[], method: string, route: string, status: number) =>
  value(series, 'switchboard_http_requests_total', { method, route, status: String(status) });

describe('GET /api/metrics', () => {
  it('counts requests by route pattern, method and status, with no id in any label', async () => {
    const before = await scrape('a.admin');
    for (let i = 0; i < 3; i++) expect((await api('a.dispatcher', 'GET', `/customers/${fx.a.customerId}`)).status).toBe(200);
    expectProblem(await api('a.dispatcher', 'GET', '/customers/no-such-customer'), 404);
    expect((await api('a.admin', 'GET', '/customers')).status).toBe(200);
    expect((await api('a.admin', 'GET', '/customers')).status).toBe(200);

    const res = await api('a.admin', 'GET', '/metrics');
    const after = parse(res.body);
    expect(requests(after, 'GET', '/api/customers/:id', 200) - requests(before, 'GET', '/api/customers/:id', 200)).toBe(3);
    expect(requests(after, 'GET', '/api/customers/:id', 404) - requests(before, 'GET', '/api/customers/:id', 404)).toBe(1);
    expect(requests(after, 'GET', '/api/customers', 200) - requests(before, 'GET', '/api/customers', 200)).toBe(2);
    expect(res.body).not.toContain(fx.a.customerId);
    expect(res.body).not.toContain('no-such-customer');

    // The histogram: cumulative buckets, +Inf equal to the count, the four answers of the route in it.
    const route = { method: 'GET', route: '/api/customers/:id' };
    const buckets = after
      .filter(
        (s) => s.name === 'switchboard_http_request_duration_seconds_bucket' && s.labels.route === route.route && s.labels.method === 'GET',
      )
      .map((s) => s.value);
    expect(buckets).toHaveLength(LATENCY_BUCKETS_S.length + 1);
    expect(buckets).toEqual([...buckets].sort((x, y) => x - y));
    const total = value(after, 'switchboard_http_request_duration_seconds_count', route);
    expect(buckets.at(-1)).toBe(total);
    expect(total - value(before, 'switchboard_http_request_duration_seconds_count', route)).toBe(4);
    expect(value(after, 'switchboard_http_request_duration_seconds_sum', route)).toBeGreaterThan(0);
  });

  it('keeps each org’s requests in its own numbers', async () => {
    const [aBefore, bBefore] = [await scrape('a.admin'), await scrape('b.admin')];
    expect((await api('b.dispatcher', 'GET', '/locations')).status).toBe(200);
    expect((await api('b.dispatcher', 'GET', '/locations')).status).toBe(200);
    const [aAfter, bAfter] = [await scrape('a.admin'), await scrape('b.admin')];
    expect(requests(bAfter, 'GET', '/api/locations', 200) - requests(bBefore, 'GET', '/api/locations', 200)).toBe(2);
    expect(requests(aAfter, 'GET', '/api/locations', 200) - requests(aBefore, 'GET', '/api/locations', 200)).toBe(0);
  });

  it('reads the gauges from libSQL as they are now', async () => {
    const series = await scrape('a.admin');
    const orgId = fx.a.orgId;
    const connections = Number(
      (
        await sql.execute({
          sql: 'select count(*) as n from room_connections where user_id in (select id from users where org_id = ?)',
          args: [orgId],
        })
      ).rows[0]!.n,
    );
    expect(value(series, 'switchboard_room_connections', {})).toBe(connections);
    expect(value(series, 'switchboard_webhook_deliveries', { status: 'pending' })).toBe(
      await count('webhook_deliveries', "org_id = ? and status = 'pending'", [orgId]),
    );
    expect(value(series, 'switchboard_webhook_deliveries', { status: 'failed' })).toBe(
      await count('webhook_deliveries', "org_id = ? and status = 'failed'", [orgId]),
    );
    expect(series.some((s) => s.name === 'switchboard_outbox_backlog')).toBe(true);
    expect(series.some((s) => s.name === 'switchboard_outbox_dead_letters')).toBe(true);
  });

  it('is for admins only', async () => {
    for (const role of ['dispatcher', 'manager', 'technician'] as const) expectProblem(await api(`a.${role}`, 'GET', '/metrics'), 403);
    expectProblem(await api('anon', 'GET', '/metrics'), 401);
  });
});

describe('the metrics room', () => {
  it('sums the flushes of every isolate', async () => {
    // An org of its own, so nothing else in the suite counts here; two flushes as two isolates would send them.
    const room = (env as unknown as Env).METRICS_ROOM.getByName(`test-${crypto.randomUUID()}`);
    const buckets = (i: number) => LATENCY_BUCKETS_S.map((_, j) => (j === i ? 1 : 0)).concat([0]);
    await room.record({
      requests: [{ method: 'GET', route: '/api/jobs/:id', status: 200, count: 2 }],
      latency: [{ method: 'GET', route: '/api/jobs/:id', buckets: buckets(0), sum: 0.004 }],
    });
    await room.record({
      requests: [
        { method: 'GET', route: '/api/jobs/:id', status: 200, count: 3 },
        { method: 'GET', route: '/api/jobs/:id', status: 404, count: 1 },
      ],
      latency: [{ method: 'GET', route: '/api/jobs/:id', buckets: buckets(2), sum: 0.02 }],
    });
    const snapshot = await room.snapshot();
    expect(snapshot.requests).toEqual([
      { method: 'GET', route: '/api/jobs/:id', status: 200, count: 5 },
      { method: 'GET', route: '/api/jobs/:id', status: 404, count: 1 },
    ]);
    expect(snapshot.latency).toHaveLength(1);
    expect(snapshot.latency[0]!.buckets.slice(0, 3)).toEqual([1, 0, 1]);
    expect(snapshot.latency[0]!.sum).toBeCloseTo(0.024, 6);
    expect(snapshot.outbox).toEqual({ rooms: 0, backlog: 0, deadLetters: 0 });
  });
});
