/**
 * GET /api/metrics: the org's metrics for a Prometheus scraper (an admin's session token as its
 * Bearer token). Requests and latency come from the org's metrics room (rooms/metrics-room.ts),
 * where every isolate flushes its counts; the gauges are read from libSQL now, with the health
 * view's statement (health.ts), so the two never disagree.
 */
import { z } from '@hono/zod-openapi';
import { problemResponses } from '../http/resource.ts';
import { route, router } from '../http/router.ts';
import { readFigures } from './health.ts';
import { flushOrg } from './metrics-batch.ts';
import { PROMETHEUS_CONTENT_TYPE, prometheusText } from './prometheus.ts';

export const metricsRoutes = router();

metricsRoutes.openapi(
  route({
    method: 'get',
    path: '/',
    tags: ['Monitoring'],
    summary: 'The org’s metrics, in Prometheus’ text format',
    description:
      'Requests by route pattern, method and status; answer time by route (histogram); live room connections; webhook deliveries pending and failed; the board rooms’ outbox backlog and dead letters. Other isolates’ counts arrive within a few seconds.',
    permission: 'monitoring.read',
    responses: {
      200: { description: 'Prometheus text format 0.0.4', content: { 'text/plain': { schema: z.string() } } },
      ...problemResponses,
    },
  }),
  async (c) => {
    const orgId = c.get('auth').orgId;
    const room = c.env.METRICS_ROOM.getByName(orgId);
    // This isolate's own counts first, so the scrape misses nothing it counted (and a test can
    // count on the requests it made before).
    const [snapshot, row] = await Promise.all([flushOrg(c.env, orgId).then(() => room.snapshot()), readFigures(c.get('db'), orgId)]);
    const n = (k: string) => Number(row?.[k] ?? 0);
    const text = prometheusText(snapshot, {
      roomConnections: n('connections'),
      webhooksPending: n('pending'),
      webhooksFailed: n('failed'),
      pushSubscriptionsFailing: n('failing'),
    });
    return c.body(text, 200, { 'Content-Type': PROMETHEUS_CONTENT_TYPE });
  },
);
