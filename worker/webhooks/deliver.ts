/**
 * Sends the outgoing webhooks' pending deliveries (written by the triggers of migration 0011),
 * signed as Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature; `standardwebhooks`).
 *
 * Who calls it: the Worker after every write that succeeded (worker/app.ts, in waitUntil, so the
 * answer never waits for a receiver), the "send again" button, and the cron trigger every minute,
 * which also sends what a board room wrote and retries what failed (worker/index.ts).
 *
 * Each delivery is claimed before it is sent (its next attempt pushed a minute ahead, only if it
 * is still due), so two callers at once never send one message twice; a caller that dies after
 * its claim leaves the delivery to the next minute's run. A delivery that fails waits longer each
 * time (core/webhooks.ts) and is failed after the last try. Deliveries to one endpoint go out in
 * the order they were written, one at a time; a failed one does not hold back the next.
 */
import { createClient, type Client } from '@libsql/client/web';
import { Webhook } from 'standardwebhooks';
import { MAX_ATTEMPTS, nextAttemptAt } from '../../core/webhooks.ts';
import type { Env } from '../env.ts';

const BATCH = 50;
const TIMEOUT_MS = 10_000;
const CLAIM_MS = 60_000;
/** What the log keeps of a receiver's answer. */
const RESPONSE_CHARS = 500;

interface Due {
  id: string;
  org_id: string;
  message_id: string;
  payload: string;
  attempts: number;
  url: string;
  secret: string;
}

/** Sends what is due (of one org, or of all). Returns how many were sent and how many failed this time. */
export async function deliverDue(env: Pick<Env, 'LIBSQL_URL' | 'LIBSQL_AUTH_TOKEN'>, opts: { orgId?: string; now?: number } = {}) {
  const client = createClient({ url: env.LIBSQL_URL, authToken: env.LIBSQL_AUTH_TOKEN });
  const now = opts.now ?? Date.now();
  const result = { delivered: 0, failed: 0 };
  try {
    const due = await client.execute({
      sql: `select d.id, d.org_id, d.message_id, d.payload, d.attempts, e.url, e.secret
        from webhook_deliveries d join webhook_endpoints e on e.id = d.endpoint_id and e.org_id = d.org_id and e.active = 1
        where d.status = 'pending' and d.next_attempt_at <= ? ${opts.orgId ? 'and d.org_id = ?' : ''}
        order by d.created_at, d.id limit ${BATCH}`,
      args: opts.orgId ? [now, opts.orgId] : [now],
    });
    for (const row of due.rows as unknown as Due[]) {
      if (!(await claim(client, row.id, now))) continue;
      (await send(client, row, now)) ? result.delivered++ : result.failed++;
    }
  } finally {
    client.close();
  }
  return result;
}

async function claim(client: Client, id: string, now: number): Promise<boolean> {
  const rs = await client.execute({
    sql: `update webhook_deliveries set next_attempt_at = ? where id = ? and status = 'pending' and next_attempt_at <= ?`,
    args: [now + CLAIM_MS, id, now],
  });
  return rs.rowsAffected === 1;
}

async function send(client: Client, d: Due, now: number): Promise<boolean> {
  const attempts = Number(d.attempts) + 1;
  const sentAt = new Date(now);
  let status: number | null = null;
  let answer: string;
  try {
    const res = await fetch(d.url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(TIMEOUT_MS),
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Switchboard-Webhooks/1',
        'webhook-id': d.message_id,
        'webhook-timestamp': String(Math.floor(now / 1000)),
        'webhook-signature': new Webhook(d.secret).sign(d.message_id, sentAt, d.payload),
      },
      body: d.payload,
    });
    status = res.status;
    answer = (await res.text()).slice(0, RESPONSE_CHARS);
  } catch (err) {
    answer = `No answer: ${err instanceof Error ? err.message : String(err)}`.slice(0, RESPONSE_CHARS);
  }
  const ok = status !== null && status >= 200 && status < 300;
  const next = ok ? null : nextAttemptAt(attempts, now);
  await client.batch(
    [
      {
        sql: `update webhook_deliveries set status = ?, attempts = ?, next_attempt_at = ?, last_status_code = ?, last_response = ?, last_attempt_at = ?
          where id = ?`,
        args: [
          ok ? 'delivered' : next === null || attempts >= MAX_ATTEMPTS ? 'failed' : 'pending',
          attempts,
          next,
          status,
          answer,
          now,
          d.id,
        ],
      },
      {
        sql: 'insert into webhook_attempts (id, org_id, delivery_id, attempt, at, status_code, response) values (?, ?, ?, ?, ?, ?, ?)',
        args: [crypto.randomUUID(), d.org_id, d.id, attempts, now, status, answer],
      },
    ],
    'write',
  );
  return ok;
}
