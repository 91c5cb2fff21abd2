/**
 * The shape of the request metrics, shared by the Worker that counts them
 * (worker/monitoring/metrics-batch.ts), the org's metrics room that sums them
 * (rooms/metrics-room.ts) and the scrape that prints them (worker/monitoring/prometheus.ts).
 *
 * A series is keyed by the route's pattern (`/api/jobs/:id`), never by the path, so ids stay out
 * of the labels and the number of series stays bounded by the number of routes.
 */

/**
 * Latency histogram bounds, in seconds (Prometheus' own defaults): an API answer is usually tens
 * of milliseconds (one or two libSQL round trips), an import or an export page can take seconds.
 */
export const LATENCY_BUCKETS_S = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

/** The bucket a duration falls in; LATENCY_BUCKETS_S.length is the +Inf bucket. */
export function bucketIndex(seconds: number): number {
  const i = LATENCY_BUCKETS_S.findIndex((le) => seconds <= le);
  return i === -1 ? LATENCY_BUCKETS_S.length : i;
}

/** Methods the API answers; anything else is counted as 'other', so a client cannot invent label values. */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
export const methodLabel = (method: string) => (METHODS.has(method) ? method : 'other');

/** What one isolate counted for one org since its last flush. */
export interface RequestBatch {
  /** Requests by method, route and status. */
  requests: { method: string; route: string; status: number; count: number }[];
  /** Latency by method and route: per-bucket counts (not cumulative; the last is +Inf) and the sum in seconds. */
  latency: { method: string; route: string; buckets: number[]; sum: number }[];
}

/** The board rooms' outbox, as one room last reported it after a drain (rooms/outbox-report.ts). */
export interface OutboxReport {
  backlog: number;
  deadLetters: number;
}

/** Everything an org's metrics room holds, as the scrape reads it. */
export interface MetricsSnapshot extends RequestBatch {
  outbox: OutboxReport & { rooms: number };
}
