/**
 * Outgoing webhooks end to end: an admin registers an endpoint on a loopback receiver
 * (webhook-receiver.ts), a job is created, the receiver fails the first attempt, the retry
 * (the minute's cron run, after the backoff) succeeds; the receiver verified both signatures,
 * both attempts carry the same message id, and the delivery log shows both. Also: events nobody
 * asked for are not queued, another org's changes never reach this org's endpoint, "send again"
 * sends again, and bad input, other roles and other orgs are refused.
 */
import { env } from 'cloudflare:test';
import { describe, expect, inject, it } from 'vitest';
import { deliverDue } from '../../worker/webhooks/deliver.ts';
import type { Env } from '../../worker/env.ts';
import { api, count, dbFingerprint, expectProblem, fx } from './helpers.ts';

const receiver = inject('webhookReceiverUrl');
type Attempt = { id: string; verified: boolean; answered: number; body: { type: string; data: { jobId: string } } };

async function expectReceiver(name: string, secret: string, failFirst: number) {
  const res = await fetch(`${receiver}/receivers/${name}`, { method: 'PUT', body: JSON.stringify({ secret, failFirst }) });
  expect(res.status).toBe(204);
}
/** The receiver's attempts, once it has `count` of them (it holds the answer until then). */
const attempts = async (name: string, count: number): Promise<Attempt[]> =>
  (await fetch(`${receiver}/receivers/${name}?count=${count}`)).json();

/** The delivery log, once its newest delivery shows `n` attempts: the barrier between two sends. */
async function logWith(endpointId: string, n: number) {
  for (let i = 0; i < 200; i++) {
    const log = await api('a.admin', 'GET', `/webhooks/${endpointId}/deliveries`);
    if (log.body.items[0]?.attemptLog.length >= n) return log.body.items;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the delivery never reached ${n} attempts`);
}

describe('outgoing webhooks', () => {
  it('delivers a signed event, retries after a failure, and logs both attempts', async () => {
    const name = `r${crypto.randomUUID().slice(0, 8)}`;
    const made = await api('a.admin', 'POST', '/webhooks', {
      url: `${receiver}/hooks/${name}`,
      events: ['job.created', 'job.completed'],
      description: 'The test receiver',
    });
    expect(made.status).toBe(201);
    expect(made.body.secret).toMatch(/^whsec_/);
    const endpoint = made.body;
    await expectReceiver(name, endpoint.secret, 1);

    const job = await api('a.dispatcher', 'POST', '/jobs', {
      customerId: fx.a.customerId,
      locationId: fx.a.locationId,
      type: 'Webhook',
      description: 'Tell the other system',
    });
    expect(job.status).toBe(201);

    // The write's own send (after its answer) meets the receiver's failure.
    const [first] = await attempts(name, 1);
    expect(first).toMatchObject({ verified: true, answered: 500, body: { type: 'job.created', data: { jobId: job.body.id } } });
    await logWith(endpoint.id, 1);

    // The minute's run, past the first backoff (30 s): the retry goes through.
    await deliverDue(env as unknown as Env, { now: Date.now() + 61_000 });
    const both = await attempts(name, 2);
    expect(both.map((a) => [a.verified, a.answered])).toEqual([
      [true, 500],
      [true, 204],
    ]);
    expect(both[1]!.id).toBe(first!.id);

    const [delivery] = await logWith(endpoint.id, 2);
    expect(delivery).toMatchObject({ event: 'job.created', status: 'delivered', attempts: 2, lastStatusCode: 204 });
    expect(delivery.attemptLog.map((a: { statusCode: number }) => a.statusCode)).toEqual([500, 204]);
    expect(delivery.attemptLog[0].response).toBe('Receiver restarting');

    // Not asked for: a job's scheduling is not queued for this endpoint.
    const placed = await api('a.dispatcher', 'PATCH', `/jobs/${job.body.id}`, {
      technicianId: fx.a.technicianId,
      scheduledStart: Date.now() + 2 * 86_400_000,
    });
    expect(placed.status).toBe(200);
    expect(await count('webhook_deliveries', "endpoint_id = ? and event <> 'job.created'", [endpoint.id])).toBe(0);

    // Another org's job never reaches org a's endpoint.
    const theirs = await api('b.dispatcher', 'POST', '/jobs', {
      customerId: fx.b.customerId,
      locationId: fx.b.locationId,
      type: 'B',
      description: 'Org b',
    });
    expect(theirs.status).toBe(201);
    expect(await count('webhook_deliveries', 'endpoint_id = ?', [endpoint.id])).toBe(1);

    // Send again: a third attempt, same message.
    expect((await api('a.admin', 'POST', `/webhooks/${endpoint.id}/deliveries/${delivery.id}/retry`)).status).toBe(202);
    const three = await attempts(name, 3);
    expect(three[2]).toMatchObject({ id: first!.id, verified: true, answered: 204 });

    expect((await api('a.admin', 'DELETE', `/webhooks/${endpoint.id}`)).status).toBe(204);
    expect(await count('webhook_deliveries', 'endpoint_id = ?', [endpoint.id])).toBe(0);
  });

  it('refuses bad endpoints, other roles and other orgs, changing nothing', async () => {
    const mine = await api('a.admin', 'POST', '/webhooks', { url: 'https://hooks.example.com/a', events: ['invoice.paid'] });
    expect(mine.status).toBe(201);
    const before = await dbFingerprint();
    expectProblem(await api('a.admin', 'POST', '/webhooks', { url: 'ftp://hooks.example.com/a', events: ['job.created'] }), 422, 'url');
    expectProblem(await api('a.admin', 'POST', '/webhooks', { url: 'https://hooks.example.com/a', events: [] }), 422, 'events');
    expectProblem(
      await api('a.admin', 'POST', '/webhooks', { url: 'https://hooks.example.com/a', events: ['job.exploded'] }),
      422,
      'events.0',
    );
    expectProblem(await api('a.dispatcher', 'POST', '/webhooks', { url: 'https://hooks.example.com/a', events: ['job.created'] }), 403);
    expectProblem(await api('a.manager', 'GET', `/webhooks/${mine.body.id}/deliveries`), 403);
    expectProblem(await api('b.admin', 'PATCH', `/webhooks/${mine.body.id}`, { active: false }), 404);
    expectProblem(await api('b.admin', 'GET', `/webhooks/${mine.body.id}/deliveries`), 404);
    expectProblem(await api('b.admin', 'DELETE', `/webhooks/${mine.body.id}`), 404);
    expect(await dbFingerprint()).toBe(before);
    expect((await api('a.admin', 'DELETE', `/webhooks/${mine.body.id}`)).status).toBe(204);
  });
});
