/**
 * The drain: sends the outbox's rows to libSQL in order (outbox-sql.ts says what they say) and
 * deletes them only after libSQL commits them (outbox-store.ts keeps them until then). A row
 * libSQL refuses as a statement is set aside; an outage leaves everything in place and the room
 * backs off (backoffMs).
 */
import type { Client } from '@libsql/client/web';
import { ackThrough, deadLetter, peekOutbox } from './outbox-store.ts';
import { coalesce, isStatementError, statementsFor, statementsForBatch } from './outbox-sql.ts';

export type DrainOutcome = { kind: 'done'; sent: number } | { kind: 'retry'; error: string };

/**
 * Sends up to `limit` rows in one libSQL batch (a transaction, so all or none). If libSQL
 * refuses a statement, rows go one at a time so only the bad one is set aside. If libSQL does
 * not answer, nothing is deleted and the caller backs off.
 */
export async function drainOnce(
  sql: SqlStorage,
  client: Client,
  orgId: string,
  roomDate: string,
  limit: number,
  timeoutMs: number,
): Promise<DrainOutcome> {
  const rows = peekOutbox(sql, limit);
  if (!rows.length) return { kind: 'done', sent: 0 };
  try {
    await withTimeout(client.batch(statementsForBatch(orgId, roomDate, coalesce(rows)), 'write'), timeoutMs);
    ackThrough(sql, rows[rows.length - 1]!.seq);
    return { kind: 'done', sent: rows.length };
  } catch (e) {
    if (!isStatementError(e)) return { kind: 'retry', error: String(e) };
  }
  let sent = 0;
  for (const row of rows) {
    try {
      await withTimeout(client.batch(statementsFor(orgId, roomDate, row), 'write'), timeoutMs);
      ackThrough(sql, row.seq);
      sent++;
    } catch (e) {
      if (!isStatementError(e)) return { kind: 'retry', error: String(e) };
      console.error(`outbox row ${row.seq} for job ${row.jobId} refused by libSQL; set aside`, e);
      deadLetter(sql, row, String(e));
    }
  }
  return { kind: 'done', sent };
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`libSQL did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** Exponential backoff with full jitter: 0.5 s, 1 s, 2 s ... capped at a minute. */
export function backoffMs(failures: number, baseMs = 500, maxMs = 60_000): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, failures - 1));
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}
