/**
 * Error tracking (worker/monitoring/errors.ts) against a stand-in for Sentry on loopback
 * (sentry-receiver.ts, the DSN the worker project's Worker runs with): an error raised in a route
 * reaches it with the request's id, and so does one raised inside a room, reported by the room
 * itself. Every answer carries X-Request-Id.
 */
import { describe, expect, inject, it } from 'vitest';
import { api, expectProblem } from './helpers.ts';

type SentryEvent = { exception?: { values?: { value?: string; mechanism?: { type?: string } }[] }; tags?: Record<string, string> };
const sentry = inject('sentryUrl');
const message = (e: SentryEvent) => e.exception?.values?.at(-1)?.value ?? '';

async function eventsWhen(found: (events: SentryEvent[]) => boolean): Promise<SentryEvent[]> {
  for (let count = 1; count < 50; count++) {
    const events: SentryEvent[] = await (await fetch(`${sentry}/events?count=${count}`)).json();
    if (found(events)) return events;
    if (events.length < count) break;
  }
  throw new Error('the error never reached the stand-in for Sentry');
}

describe('error tracking', () => {
  it('receives an error raised in a route, with the request id', async () => {
    const res = await api('a.admin', 'POST', '/monitoring/test-error', { where: 'worker' });
    expectProblem(res, 500);
    const requestId = res.headers.get('x-request-id');
    expect(requestId).toBeTruthy();
    const events = await eventsWhen((all) => all.some((e) => e.tags?.requestId === requestId));
    const event = events.find((e) => e.tags?.requestId === requestId)!;
    expect(message(event)).toContain('raised on purpose from the Worker');
    expect(event.tags).toMatchObject({ route: '/api/monitoring/test-error', method: 'POST' });
  });

  it('receives an error raised in a room, reported by the room', async () => {
    const res = await api('a.admin', 'POST', '/monitoring/test-error', { where: 'room' });
    expectProblem(res, 500);
    // The room's own report has no request id: the Worker's report of the same error has one.
    const events = await eventsWhen((all) => all.some((e) => message(e).includes('in the org room') && !e.tags?.requestId));
    expect(events.filter((e) => message(e).includes('in the org room')).length).toBeGreaterThanOrEqual(1);
  });

  it('is for admins only', async () => {
    expectProblem(await api('a.dispatcher', 'POST', '/monitoring/test-error', { where: 'worker' }), 403);
    expectProblem(await api('a.admin', 'POST', '/monitoring/test-error', { where: 'moon' }), 422, 'where');
  });
});

describe('health view', () => {
  it('answers the org’s figures in one statement, to admins only', async () => {
    const res = await api('a.admin', 'GET', '/monitoring/health');
    expect(res.status).toBe(200);
    // The session's lookup, then the figures.
    expect(res.roundTrips).toBeLessThanOrEqual(2);
    expect(res.body).toMatchObject({ errorTracking: true, libsql: { ms: expect.any(Number) }, webhooks: { failed: expect.any(Number) } });
    expectProblem(await api('a.manager', 'GET', '/monitoring/health'), 403);
  });
});
