/**
 * One replay of a person's outbox against the site, shared by the page (sync.svelte.ts) and the
 * service worker (Background Sync). One at a time across both: a Web Lock where the browser has
 * them; were two to overlap anyway, the Idempotency-Key makes the second send of an entry a no-op.
 */
import { idbOutbox, writeKv } from './db.ts';
import { replay, type OutboxEntry, type Verdict } from './outbox.ts';
import { httpSend, httpSendRun } from './send.ts';

/** The Background Sync tag the page registers and the service worker answers. */
export const SYNC_TAG = 'switchboard-outbox';
const LOCK_NAME = 'switchboard-outbox';
export const LAST_SYNCED = 'lastSynced';

export async function withOutboxLock<T>(fn: () => Promise<T>): Promise<T> {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  if (!locks) return fn();
  return locks.request(LOCK_NAME, fn) as Promise<T>;
}

export async function replayOutbox(userId: string, onEach?: (entry: OutboxEntry, verdict: Verdict) => void) {
  return withOutboxLock(async () => {
    const report = await replay(idbOutbox, httpSend(), userId, onEach, Date.now, httpSendRun());
    if (!report.stoppedAt) await writeKv(LAST_SYNCED, Date.now());
    return report;
  });
}
