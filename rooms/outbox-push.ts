/**
 * The outbox's word to technicians' phones, by Web Push: after a drain that libSQL took, each
 * technician whose day it changed (a job put on it, moved on it, taken off it: core/push-notices.ts)
 * gets a push on every device they subscribed (push_subscriptions, worker/push/).
 *
 * Why here: every change to a schedule, a dispatcher's drag on the board or the API's through
 * the room's RPC, reaches libSQL through this drain, and the drain's rows say what changed
 * (before and after), coalesced, once libSQL has it (so the job the phone then opens is there).
 * The technicians' feeds (rooms/feeds.ts) are no place for it: they push only to technicians with
 * a phone connected, the ones a notification is not for, and know nothing of what changed. One
 * change has no outbox row: a job the API created already on a technician's day, which the room
 * adopts as libSQL has it (rooms/board-commands.ts announces that one here itself).
 *
 * Not awaited by the drain and never a reason for it to fail: nobody waits for a push. A room's
 * pushes go out in the order of its drains (a chain per room), so a "moved" never overtakes its
 * "new job". A subscription the push service calls gone (404/410) is deleted; other failures are
 * counted on its row (failures since the last success, last_failure_at). A push lost with the
 * room (evicted between libSQL's commit and the send) is not sent again: the phone's feed still
 * shows the change.
 */
import { env } from 'cloudflare:workers';
import type { Client, InStatement } from '@libsql/client/web';
import { netChanges, noticesFor, pushPayload, type JobFacts, type PushNotice, type ScheduleChange } from '../core/push-notices.ts';
import type { RoomEnv } from './env.ts';
import type { OutboxRow } from './outbox-store.ts';
import { vapidKeys } from './push-keys.ts';
import { deliver, type Delivery, type PushSubscriptionRow } from './push-send.ts';

/** Each room's pushes so far, so the next drain's go after them. */
const chains = new Map<string, Promise<void>>();

/**
 * Sends the pushes these changes call for (drained outbox rows; warnings rows change no schedule),
 * after the room's earlier ones; logs, never throws.
 */
export function pushToPhones(
  libsql: Client,
  orgId: string,
  room: string,
  changes: readonly (ScheduleChange & Partial<Pick<OutboxRow, 'kind'>>)[],
): void {
  const notices = netChanges(changes.filter((r) => r.kind !== 'warnings')).flatMap(noticesFor);
  if (!notices.length) return;
  const next = (chains.get(room) ?? Promise.resolve())
    .then(() => send(libsql, orgId, notices))
    .catch((e: unknown) => console.warn(`board room ${room}: pushes not sent`, e));
  chains.set(room, next);
  void next.finally(() => {
    if (chains.get(room) === next) chains.delete(room);
  });
}

async function send(libsql: Client, orgId: string, notices: PushNotice[]): Promise<void> {
  const jobIds = [...new Set(notices.map((n) => n.jobId))];
  const technicianIds = [...new Set(notices.map((n) => n.technicianId))];
  const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ');
  const [jobs, subs] = await libsql.batch(
    [
      {
        sql: `select j.id, j.number, j.type, c.name as customer, o.timezone from jobs j join customers c on c.id = j.customer_id join orgs o on o.id = j.org_id where j.org_id = ? and j.id in (${marks(jobIds.length)})`,
        args: [orgId, ...jobIds],
      },
      {
        sql: `select t.id as technician_id, s.id, s.endpoint, s.p256dh, s.auth from technicians t join users u on u.id = t.user_id and u.org_id = t.org_id and u.active = 1 join push_subscriptions s on s.org_id = t.org_id and s.user_id = t.user_id where t.org_id = ? and t.id in (${marks(technicianIds.length)})`,
        args: [orgId, ...technicianIds],
      },
    ],
    'read',
  );
  if (!subs!.rows.length) return;
  const facts = new Map<string, JobFacts>(
    jobs!.rows.map((r) => [
      String(r.id),
      { number: Number(r.number), type: String(r.type), customer: String(r.customer), timezone: String(r.timezone) },
    ]),
  );
  const devices = new Map<string, PushSubscriptionRow[]>();
  for (const r of subs!.rows) {
    const t = String(r.technician_id);
    devices.set(t, [
      ...(devices.get(t) ?? []),
      { id: String(r.id), endpoint: String(r.endpoint), p256dh: String(r.p256dh), auth: String(r.auth) },
    ]);
  }
  const keys = await vapidKeys(env as unknown as RoomEnv, libsql);
  const outcomes = await Promise.all(
    notices.flatMap((notice) => {
      const job = facts.get(notice.jobId);
      if (!job) return [];
      const payload = pushPayload(notice, job);
      return (devices.get(notice.technicianId) ?? []).map(async (sub) => ({ id: sub.id, delivery: await deliver(sub, payload, keys) }));
    }),
  );
  await libsql.batch(bookkeeping(orgId, outcomes, Date.now()), 'write');
}

/** What each answer does to its subscription's row. */
function bookkeeping(orgId: string, outcomes: { id: string; delivery: Delivery }[], now: number): InStatement[] {
  return outcomes.map(({ id, delivery }) =>
    delivery === 'gone'
      ? { sql: 'delete from push_subscriptions where org_id = ? and id = ?', args: [orgId, id] }
      : delivery === 'sent'
        ? { sql: 'update push_subscriptions set last_success_at = ?, failures = 0 where org_id = ? and id = ?', args: [now, orgId, id] }
        : {
            sql: 'update push_subscriptions set last_failure_at = ?, failures = failures + 1 where org_id = ? and id = ?',
            args: [now, orgId, id],
          },
  );
}
