/**
 * Prometheus' text exposition format (version 0.0.4), written from an org's metrics snapshot and
 * its libSQL figures. Pure: GET /api/metrics (metrics.ts) gathers, this prints.
 */
import { LATENCY_BUCKETS_S, type MetricsSnapshot } from '../../core/metrics.ts';

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Read from libSQL at scrape time (the same statement as the health view). */
export interface Gauges {
  roomConnections: number;
  webhooksPending: number;
  webhooksFailed: number;
  pushSubscriptionsFailing: number;
}

/** A label value as the format wants it: backslash, double quote and newline escaped. */
const esc = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const labels = (l: Record<string, string | number>) =>
  `{${Object.entries(l)
    .map(([k, v]) => `${k}="${esc(String(v))}"`)
    .join(',')}}`;

export function prometheusText(m: MetricsSnapshot, g: Gauges): string {
  const out: string[] = [];
  const family = (name: string, type: string, help: string) => out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);

  family('switchboard_http_requests_total', 'counter', 'API requests by route pattern, method and status.');
  for (const r of m.requests)
    out.push(`switchboard_http_requests_total${labels({ method: r.method, route: r.route, status: r.status })} ${r.count}`);

  family('switchboard_http_request_duration_seconds', 'histogram', 'API answer time by route pattern and method.');
  for (const l of m.latency) {
    const base = { method: l.method, route: l.route };
    let cumulative = 0;
    LATENCY_BUCKETS_S.forEach((le, i) => {
      cumulative += l.buckets[i] ?? 0;
      out.push(`switchboard_http_request_duration_seconds_bucket${labels({ ...base, le })} ${cumulative}`);
    });
    cumulative += l.buckets[LATENCY_BUCKETS_S.length] ?? 0;
    out.push(`switchboard_http_request_duration_seconds_bucket${labels({ ...base, le: '+Inf' })} ${cumulative}`);
    out.push(`switchboard_http_request_duration_seconds_sum${labels(base)} ${l.sum}`);
    out.push(`switchboard_http_request_duration_seconds_count${labels(base)} ${cumulative}`);
  }

  const gauge = (name: string, help: string, value: number) => {
    family(name, 'gauge', help);
    out.push(`${name} ${value}`);
  };
  gauge('switchboard_room_connections', 'Live WebSocket connections to the org’s rooms (room_connections).', g.roomConnections);
  family('switchboard_webhook_deliveries', 'gauge', 'Webhook deliveries waiting to be sent (pending) or given up on (failed).');
  out.push(`switchboard_webhook_deliveries${labels({ status: 'pending' })} ${g.webhooksPending}`);
  out.push(`switchboard_webhook_deliveries${labels({ status: 'failed' })} ${g.webhooksFailed}`);
  gauge('switchboard_push_subscriptions_failing', 'Push subscriptions whose last pushes failed.', g.pushSubscriptionsFailing);
  gauge(
    'switchboard_outbox_backlog',
    'Board edits not yet in libSQL, summed over the board rooms (as each last reported).',
    m.outbox.backlog,
  );
  gauge(
    'switchboard_outbox_dead_letters',
    'Board edits libSQL refused, set aside in the board rooms for a person to look at.',
    m.outbox.deadLetters,
  );
  return `${out.join('\n')}\n`;
}
