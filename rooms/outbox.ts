/**
 * The drain: sends the outbox's rows to libSQL in order (outbox-sql.ts says what they say) and
 * deletes them only after libSQL commits them (outbox-store.ts keeps them until then). A row
 * libSQL refuses as a statement is set aside; an outage leaves everything in place and the room
 * backs off (backoffMs). A drain that completed or reopened a job tells the org's room
 * (outbox-pulse.ts), for the manager's numbers; one that changed a technician's day sends their
 * phones a push (outbox-push.ts). Each drain's backlog and dead letters go to the org's metrics
 * when they change (outbox-report.ts).
 */
import type { Client } from '@libsql/client/web';
import { ackThrough, deadLetter, deadLetterCount, hasPendingRows, outboxSize, peekOutbox, type OutboxRow } from './outbox-store.ts';
import { getMeta, setMeta } from './persistence.ts';
import { coalesce, isStatementError, statementsFor, statementsForBatch } from './outbox-sql.ts';
import { crossesDone, pulseKpis } from './outbox-pulse.ts';
import { pushToPhones } from './outbox-push.ts';
import { OutboxReporter } from './outbox-report.ts';

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
  const coalesced = coalesce(rows);
  try {
    await withTimeout(client.batch(statementsForBatch(orgId, roomDate, coalesced), 'write'), timeoutMs);
    ackThrough(sql, rows[rows.length - 1]!.seq);
    // A completion (or a reopened job) is in libSQL now: the manager's numbers moved.
    if (crossesDone(coalesced)) pulseKpis(orgId);
    pushToPhones(client, orgId, `${orgId}:${roomDate}`, coalesced);
    return { kind: 'done', sent: rows.length };
  } catch (e) {
    if (!isStatementError(e)) return { kind: 'retry', error: String(e) };
  }
  let sent = 0;
  const taken: OutboxRow[] = [];
  try {
    for (const row of rows) {
      try {
        await withTimeout(client.batch(statementsFor(orgId, roomDate, row), 'write'), timeoutMs);
        ackThrough(sql, row.seq);
        taken.push(row);
        sent++;
      } catch (e) {
        if (!isStatementError(e)) return { kind: 'retry', error: String(e) };
        console.error(`outbox row ${row.seq} for job ${row.jobId} refused by libSQL; set aside`, e);
        deadLetter(sql, row, String(e));
      }
    }
  } finally {
    // Rows libSQL took before an outage stopped the rest are in libSQL all the same.
    if (crossesDone(taken)) pulseKpis(orgId);
    pushToPhones(client, orgId, `${orgId}:${roomDate}`, taken);
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

/**
 * Outbox rows one drain sends (coalesced first). A busy board makes hundreds of rows a second
 * (bench/realtime: 800 edits/s gave about three rows an edit with the warnings); with 100 a
 * drain, and a drain every DRAIN_DELAY_MS, the outbox grew by thousands of rows a second and
 * libSQL fell minutes behind.
 */
export const DRAIN_BATCH = 2000;
export const LIBSQL_TIMEOUT_MS = 10_000;
/** How long accepted board edits may gather before one drain sends them to libSQL together. */
const DRAIN_DELAY_MS = 100;
/**
 * On a busy board (the last drain sent BUSY_ROWS or more) edits gather for longer: a person's
 * run of moves of one job then reaches libSQL as one change and one event (coalesce), and the
 * rules run once a second rather than ten times. libSQL is then up to this far behind the
 * board; the API's changes drain at once whatever this says.
 */
const BUSY_DRAIN_DELAY_MS = 1000;
const BUSY_ROWS = 200;

/**
 * When a room's outbox drains: on the Durable Object's alarm, DRAIN_DELAY_MS after an edit
 * (BUSY_DRAIN_DELAY_MS on a busy board) rather than once per edit; at once while a backlog
 * remains or when the API needs the record now (projectNow); with backoff while libSQL is away
 * (the count of failures survives a restart in the room's meta). One drain at a time.
 */
export class DrainSchedule {
  #draining: Promise<void> | null = null;
  #failures: number;
  #due = false;
  /** The last drain sent BUSY_ROWS or more. */
  #busy = false;
  /** The backlog and dead letters after each drain, for the org's metrics (outbox-report.ts). */
  #report: OutboxReporter;

  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly name: string,
    private readonly steps: { before: () => Promise<void>; send: () => Promise<DrainOutcome> },
  ) {
    this.#failures = Number(getMeta(storage.sql, 'drainFailures') ?? 0);
    this.#report = new OutboxReporter(name);
  }

  /**
   * Schedules a drain unless one is already due. Edits on the board are visible to everyone the
   * moment they are stored; libSQL can take them a beat later in one batch, rather than one
   * alarm, one rules pass and one libSQL round trip per edit.
   */
  kick(delayMs = this.#busy ? BUSY_DRAIN_DELAY_MS : DRAIN_DELAY_MS): void {
    // While backing off, the alarm is already set for the next attempt; edits do not hurry it.
    if (this.#failures > 0 || this.#due) return;
    this.#due = true;
    this.storage.setAlarm(Date.now() + delayMs).catch((e) => {
      this.#due = false;
      console.error('board room: could not set the drain alarm', e);
    });
  }

  async onAlarm(): Promise<void> {
    this.#due = false;
    await this.drain();
  }

  /** One drain at a time; a caller arriving mid-drain waits for it and then drains again. */
  async drain(): Promise<void> {
    while (this.#draining) await this.#draining;
    this.#draining = this.#once().finally(() => (this.#draining = null));
    await this.#draining;
  }

  /** After an RPC: try to get the change into libSQL before answering, so the API reads it back. */
  async projectNow(jobId: string): Promise<boolean> {
    if (this.#failures === 0) await this.drain();
    return !hasPendingRows(this.storage.sql, jobId);
  }

  async #once(): Promise<void> {
    await this.steps.before();
    const outcome = await this.steps.send();
    if (outcome.kind === 'retry') {
      this.#failures++;
      setMeta(this.storage.sql, 'drainFailures', this.#failures);
      const wait = backoffMs(this.#failures);
      console.warn(`board room ${this.name}: libSQL unavailable (${outcome.error}); retry ${this.#failures} in ${wait} ms`);
      await this.storage.setAlarm(Date.now() + wait);
      this.#report.after({ backlog: outboxSize(this.storage.sql), deadLetters: deadLetterCount(this.storage.sql) });
      return;
    }
    if (this.#failures) {
      this.#failures = 0;
      setMeta(this.storage.sql, 'drainFailures', 0);
    }
    // A backlog (a burst, or libSQL just back) drains again at once rather than after the delay.
    const left = outboxSize(this.storage.sql);
    this.#report.after({ backlog: left, deadLetters: deadLetterCount(this.storage.sql) });
    this.#busy = outcome.sent >= BUSY_ROWS;
    if (left > 0) this.kick(left >= DRAIN_BATCH ? 0 : undefined);
  }
}
