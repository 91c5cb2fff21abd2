/**
 * The phone's outbox: every action a technician takes (a status, a note, a part, a line item, a
 * photo, a signature) is written here first and sent from here, online or not, so nothing done
 * in a basement is lost. Each entry carries an Idempotency-Key made on the phone when the action
 * was taken (the server keeps each key with its first answer: worker/http/idempotency.ts), so sending an
 * entry twice (a lost response, the page and the service worker both replaying, the app closed
 * mid-send) has one effect.
 *
 * Order matters (arrived before completed, the part before the invoice the office makes from
 * it): entries go out one at a time in the order they were made, and a replay stops at the first
 * entry that could not be delivered (no signal, the server down, the same key still being worked
 * on) so nothing overtakes it. An entry the server refuses for good (the office cancelled or
 * reassigned the job meanwhile) is not retried and not dropped: it stays, marked refused with the
 * server's reason, for the technician to read and tell the office about, and the replay goes on.
 *
 * This module is plain TypeScript over a small store interface, so the page, the service worker
 * (Background Sync) and the unit tests share it: outbox-idb.ts is the IndexedDB store, and
 * `memoryStore` here serves the tests and the benchmark.
 */

import { replayVerdict, type Verdict } from '#core/replay-verdict.ts';

export type ActionKind = 'status' | 'note' | 'part' | 'line' | 'photo' | 'signature';

/** What the server said when it refused an entry for good, kept with the entry. */
export interface Refusal {
  status: number;
  title: string;
  detail?: string;
  /** The same, in plain words for the technician (refusalWords). */
  words: string;
  at: number;
}

export interface OutboxEntry {
  /** The Idempotency-Key, made on the phone when the action was taken; also the entry's id. */
  key: string;
  /** Creation order: entries are sent in this order. */
  seq: number;
  /** Whose action it is: a phone shared by two technicians replays each one's own under their session. */
  userId: string;
  jobId: string;
  kind: ActionKind;
  method: 'POST' | 'PUT';
  /** Path and query under the site, e.g. /api/jobs/{id}/notes. */
  path: string;
  /** JSON for most actions; the image itself for a photo or a signature. */
  body: unknown;
  /** Set when the body is a Blob. */
  contentType?: string;
  /** The action in a few words ("On my way", "Note: breaker replaced"), for the waiting list. */
  summary: string;
  createdAt: number;
  state: 'waiting' | 'refused';
  attempts: number;
  /** Why the last attempt did not get through (no signal, 503…), for the badge's detail. */
  lastError?: string;
  refusal?: Refusal;
}

export type NewEntry = Omit<OutboxEntry, 'key' | 'seq' | 'state' | 'attempts' | 'createdAt'> & { key?: string; createdAt?: number };

/** The storage the outbox needs; IndexedDB on the phone, memory in tests. */
export interface OutboxStore {
  /** Every entry, in `seq` order. */
  all(): Promise<OutboxEntry[]>;
  put(entry: OutboxEntry): Promise<void>;
  delete(key: string): Promise<void>;
  /** Several at once (a replay's delivered run), where the store can do it in one go. */
  deleteMany?(keys: string[]): Promise<void>;
}

/** What a send gave back: an HTTP answer, or none at all (no signal). */
export type SendResult =
  | { kind: 'answer'; status: number; retryAfter?: number; title?: string; detail?: string; body?: unknown }
  | { kind: 'unreachable'; message: string };

export type Send = (entry: OutboxEntry) => Promise<SendResult>;

export type { Verdict };

/** How an answer is taken: core/replay-verdict.ts, the rule the Worker's batch replay follows too. */
export function verdictOf(result: SendResult): Verdict {
  return replayVerdict(result.kind === 'unreachable' ? null : result);
}

/** A refusal in words a technician can act on. */
export function refusalWords(entry: Pick<OutboxEntry, 'summary'>, status: number, detail?: string): string {
  const what = `"${entry.summary}" was not accepted`;
  if (status === 404)
    return `${what}: this job is no longer on your list (the office reassigned or removed it). Kept on this phone; tell the office.`;
  if (status === 403) return `${what}: you are no longer allowed to do this. Kept on this phone; tell the office.`;
  if (status === 409)
    return `${what} because the office changed the job meanwhile${detail ? ` (${detail})` : ''}. Kept on this phone; tell the office.`;
  return `${what}${detail ? `: ${detail}` : ''}. Kept on this phone; tell the office.`;
}

let fallbackCounter = 0;

/** A fresh Idempotency-Key (a UUID; crypto.randomUUID needs a secure context, which the app is). */
export function newKey(): string {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  fallbackCounter++;
  return `k-${Date.now().toString(36)}-${fallbackCounter}-${Math.random().toString(36).slice(2)}`;
}

/** Adds an action at the end of the outbox; answers the stored entry. */
export async function enqueue(store: OutboxStore, draft: NewEntry, now = Date.now()): Promise<OutboxEntry> {
  const entries = await store.all();
  const last = entries.at(-1)?.seq ?? 0;
  const entry: OutboxEntry = {
    ...draft,
    key: draft.key ?? newKey(),
    // Never below the clock, so two tabs adding at once still order by time.
    seq: Math.max(last + 1, now * 1000),
    createdAt: draft.createdAt ?? now,
    state: 'waiting',
    attempts: 0,
  };
  await store.put(entry);
  return entry;
}

export interface ReplayReport {
  delivered: number;
  refused: OutboxEntry[];
  /** Set when the replay stopped before the end: why (the first entry that could not be delivered). */
  stoppedAt?: OutboxEntry;
  /** Entries still waiting after this replay. */
  waiting: number;
}

/**
 * Sends a run of entries in one request (POST /api/replay, worker/http/replay.ts), which runs
 * them in order and stops where the phone would: answers one result per entry it ran, or null
 * when the run cannot go that way (the entries then go one at a time).
 */
export type SendRun = (entries: OutboxEntry[]) => Promise<SendResult[] | null>;

/** The most entries one run carries (the server's limit). */
export const RUN_SIZE = 50;

/** Entries from `i` on that can share one run: JSON bodies only (a photo goes on its own), at most RUN_SIZE. */
function runFrom(entries: readonly OutboxEntry[], i: number): OutboxEntry[] {
  const run: OutboxEntry[] = [];
  for (let j = i; j < entries.length && run.length < RUN_SIZE && !entries[j]!.contentType; j++) run.push(entries[j]!);
  return run;
}

/**
 * Sends the waiting entries of `userId` in order. Delivered ones leave the store; refused ones
 * stay, marked; the first that cannot be delivered stops the replay (it and everything after it
 * wait for the next one). With `sendRun`, consecutive JSON entries go several to a request; the
 * outcome is the same as one at a time, only with fewer round trips. `onEach` hears every step
 * with the entry as stored after it (the badge updates).
 */
export async function replay(
  store: OutboxStore,
  send: Send,
  userId: string,
  onEach?: (entry: OutboxEntry, verdict: Verdict) => void,
  now: () => number = Date.now,
  sendRun?: SendRun,
): Promise<ReplayReport> {
  const report: ReplayReport = { delivered: 0, refused: [], waiting: 0 };
  const entries = (await store.all()).filter((e) => e.userId === userId && e.state === 'waiting');
  const unreachable = (err: unknown): SendResult => ({ kind: 'unreachable', message: err instanceof Error ? err.message : String(err) });
  let i = 0;
  while (i < entries.length) {
    const run = sendRun ? runFrom(entries, i) : [];
    let results: SendResult[] | null = null;
    if (run.length > 1) results = await sendRun!(run).catch((err: unknown) => [unreachable(err)]);
    // A run the server did not take (or that answered nothing) goes one entry at a time.
    if (!results?.length) results = [await send(entries[i]!).catch(unreachable)];
    // Delivered entries leave the store together once their run is read (were the app closed
    // before that, they are sent again and answered from their keys, with no second effect).
    const delivered: OutboxEntry[] = [];
    const forget = async () => {
      if (!delivered.length) return;
      const keys = delivered.map((e) => e.key);
      if (store.deleteMany) await store.deleteMany(keys);
      else for (const key of keys) await store.delete(key);
      report.delivered += delivered.length;
      for (const e of delivered.splice(0)) onEach?.(e, 'delivered');
    };
    for (const result of results) {
      const entry = entries[i];
      if (!entry) break;
      const verdict = verdictOf(result);
      if (verdict === 'delivered') delivered.push(entry);
      else if (verdict === 'refused' && result.kind === 'answer') {
        const refused: OutboxEntry = {
          ...entry,
          state: 'refused',
          attempts: entry.attempts + 1,
          refusal: {
            status: result.status,
            title: result.title ?? `HTTP ${result.status}`,
            detail: result.detail,
            words: refusalWords(entry, result.status, result.detail),
            at: now(),
          },
        };
        await store.put(refused);
        report.refused.push(refused);
        onEach?.(refused, verdict);
      } else {
        const lastError = result.kind === 'unreachable' ? 'No connection' : `The server answered ${result.status}`;
        const waiting = { ...entry, attempts: entry.attempts + 1, lastError };
        await forget();
        await store.put(waiting);
        report.stoppedAt = waiting;
        report.waiting = entries.length - i;
        onEach?.(waiting, verdict);
        return report;
      }
      i++;
    }
    await forget();
  }
  return report;
}

/** The outbox in memory, for tests and the benchmark; same contract as the IndexedDB store. */
export function memoryStore(initial: OutboxEntry[] = []): OutboxStore & { entries: Map<string, OutboxEntry> } {
  const entries = new Map(initial.map((e) => [e.key, e]));
  return {
    entries,
    async all() {
      return [...entries.values()].sort((a, b) => a.seq - b.seq).map((e) => ({ ...e }));
    },
    async put(entry) {
      entries.set(entry.key, { ...entry });
    },
    async delete(key) {
      entries.delete(key);
    },
  };
}

/** One job's entries still to send or refused, in order (the job screen shows them as pending). */
export function entriesOfJob(entries: readonly OutboxEntry[], jobId: string): OutboxEntry[] {
  return entries.filter((e) => e.jobId === jobId);
}
