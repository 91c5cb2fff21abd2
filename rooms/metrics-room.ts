/**
 * MetricsRoom: one org's request counters and latency histograms, summed across every Worker
 * isolate, plus what its board rooms last said of their outboxes. Read by `GET /api/metrics`
 * (worker/monitoring/metrics.ts).
 *
 * Why one per org (named by the org id) and not one global object: the scrape is an org admin's,
 * and one customer must not see another's traffic; and every isolate flushes to the org it served,
 * so no single object takes the whole platform's flushes one at a time. Requests with no org
 * (signing in, a public calendar feed, a refused session) are counted nowhere.
 *
 * Why an object at all: each isolate only sees its own requests, and Workers have no shared
 * memory. Isolates keep counts in memory and flush them here every few seconds
 * (worker/monitoring/metrics-batch.ts), so a request never waits for this. Counts are kept in the
 * object's SQLite, so a restart or an eviction does not reset the counters a scraper sums.
 */
import { DurableObject } from 'cloudflare:workers';
import { LATENCY_BUCKETS_S, type MetricsSnapshot, type OutboxReport, type RequestBatch } from '../core/metrics.ts';

export class MetricsRoom extends DurableObject<object> {
  #sql = this.ctx.storage.sql;

  constructor(ctx: DurableObjectState, env: object) {
    super(ctx, env);
    this.#sql.exec(
      `create table if not exists requests (method text not null, route text not null, status integer not null, count integer not null, primary key (method, route, status))`,
    );
    // One row per bucket (not cumulative), and the +Inf bucket as index LATENCY_BUCKETS_S.length.
    this.#sql.exec(
      `create table if not exists latency (method text not null, route text not null, bucket integer not null, count integer not null, primary key (method, route, bucket))`,
    );
    this.#sql.exec(
      `create table if not exists latency_sum (method text not null, route text not null, seconds real not null, primary key (method, route))`,
    );
    // Only rooms with something waiting or set aside: a room at zero is deleted, so old days cost nothing.
    this.#sql.exec(`create table if not exists outbox (room text primary key, backlog integer not null, dead_letters integer not null)`);
  }

  /** Adds one isolate's counts (a flush); all of it or nothing. */
  async record(batch: RequestBatch): Promise<void> {
    this.ctx.storage.transactionSync(() => {
      for (const r of batch.requests) {
        this.#sql.exec(
          `insert into requests values (?, ?, ?, ?) on conflict do update set count = count + excluded.count`,
          r.method,
          r.route,
          r.status,
          r.count,
        );
      }
      for (const l of batch.latency) {
        l.buckets.forEach((n, bucket) => {
          if (n > 0)
            this.#sql.exec(
              `insert into latency values (?, ?, ?, ?) on conflict do update set count = count + excluded.count`,
              l.method,
              l.route,
              bucket,
              n,
            );
        });
        this.#sql.exec(
          `insert into latency_sum values (?, ?, ?) on conflict do update set seconds = seconds + excluded.seconds`,
          l.method,
          l.route,
          l.sum,
        );
      }
    });
  }

  /** A board room's outbox after a drain (rooms/outbox-report.ts): the latest word of each room stands. */
  async reportOutbox(room: string, report: OutboxReport): Promise<void> {
    if (report.backlog === 0 && report.deadLetters === 0) this.#sql.exec(`delete from outbox where room = ?`, room);
    else this.#sql.exec(`insert or replace into outbox values (?, ?, ?)`, room, report.backlog, report.deadLetters);
  }

  async snapshot(): Promise<MetricsSnapshot> {
    const requests = this.#sql
      .exec<{ method: string; route: string; status: number; count: number }>(`select * from requests order by route, method, status`)
      .toArray();
    const sums = this.#sql
      .exec<{ method: string; route: string; seconds: number }>(`select * from latency_sum order by route, method`)
      .toArray();
    const latency = sums.map((s) => {
      const buckets: number[] = new Array(LATENCY_BUCKETS_S.length + 1).fill(0);
      for (const b of this.#sql.exec<{ bucket: number; count: number }>(
        `select bucket, count from latency where method = ? and route = ?`,
        s.method,
        s.route,
      ))
        buckets[b.bucket] = b.count;
      return { method: s.method, route: s.route, buckets, sum: s.seconds };
    });
    const outbox = this.#sql
      .exec<{ rooms: number; backlog: number | null; dead: number | null }>(
        `select count(*) as rooms, sum(backlog) as backlog, sum(dead_letters) as dead from outbox`,
      )
      .one();
    return {
      requests: requests.map((r) => ({ ...r })),
      latency,
      outbox: { rooms: outbox.rooms, backlog: outbox.backlog ?? 0, deadLetters: outbox.dead ?? 0 },
    };
  }
}
