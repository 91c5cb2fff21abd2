/**
 * The report cache: GET /api/kpis answers and its drill-downs' lists, serialized, kept in the
 * Worker's isolate by org, its timezone and what was asked, each with the org's KPI data version
 * (kpi_versions, raised by triggers in the same transaction as any change that can move a figure
 * or a listed row: migrations 0015 and 0018) that the answer's batch read beside its rows. An
 * answer is served again only while
 *   - that version is still the org's (read with the request's session, worker/auth/session.ts), and
 *   - it is younger than CACHE_TTL_MS, because the waiting queue's ages, receivables' aging and
 *     the shift hours that utilisation divides by move with the clock, not with a change.
 * So a cached figure is never older than the last change committed before the request, and at
 * most a minute behind the clock (the answer's asOf says when it was read).
 *
 * Round trips, with the session lookup: an answer whose version is current 1, the session
 * lookup alone (it reads the version); no answer kept, an expired one or one a change has
 * outdated 2, the session and the report's batch. A caller without the session's version
 * (`readVersion` reading it) pays one more for it.
 *
 * Single flight: requests for a key whose report is being read wait for that read rather than
 * each running the batch (every open KPI page reloads at once on the org room's notice). A
 * waiter takes it only if it was read at the version the waiter read itself, or later, so
 * waiting never hands out figures from before a change the waiter could have seen.
 *
 * A change the Worker itself commits (pulse.ts, as it tells the org room) also drops the org's
 * answers in this isolate at once, which frees their memory early. Changes made elsewhere (a
 * board room's outbox, another isolate, a trigger's other causes) are found by the version.
 *
 * Bounded by entries and bytes, least recently used first out. Each isolate has its own: the
 * version check makes them agree with libSQL, not with each other.
 */
import { eq } from 'drizzle-orm';
import { kpiVersions } from '../../db/schema.ts';
import type { Db } from '../db.ts';

/** How long an answer may be served while nothing changed: the figures that move with the clock move at most this far. */
export const CACHE_TTL_MS = 60_000;

/** A report read at `version` of the org's data, at `at` (Date.now()), as the JSON text sent. */
export interface CachedAnswer {
  version: number;
  at: number;
  body: string;
  /** The body gzipped, made once by the first client that asks for gzip (keptResponse). */
  gzip?: Promise<ArrayBuffer>;
}

const gzipped = (text: string) => new Response(new Response(text).body!.pipeThrough(new CompressionStream('gzip'))).arrayBuffer();

/**
 * A kept answer as a response. A client that accepts gzip (browsers do) gets the bytes compressed
 * once for every reader of this answer, marked encodeBody 'manual' so the runtime sends them as
 * they are instead of compressing the text again for each request (bench/kpis: a day's 265 KB
 * list cost about 5 ms of CPU to compress each time); others get the text.
 */
export async function keptResponse(answer: CachedAnswer, acceptEncoding: string | undefined): Promise<Response> {
  const headers = { 'content-type': 'application/json', vary: 'Accept-Encoding' };
  if (!/\bgzip\b/i.test(acceptEncoding ?? '')) return new Response(answer.body, { headers });
  answer.gzip ??= gzipped(answer.body);
  return new Response(await answer.gzip, { headers: { ...headers, 'content-encoding': 'gzip' }, encodeBody: 'manual' });
}

export interface CacheLimits {
  ttlMs: number;
  maxEntries: number;
  maxBytes: number;
}

/** The org's KPI data version now; an org no change has reached yet has no row: 0. */
export const versionStatement = (db: Db, orgId: string) =>
  db.select({ version: kpiVersions.version }).from(kpiVersions).where(eq(kpiVersions.orgId, orgId));

export const versionOf = (rows: { version: number }[]) => Number(rows[0]?.version ?? 0);

/**
 * The org's version for a request: as its session lookup read it (worker/auth/session.ts), so a
 * kept answer costs no round trip of its own; read now only for a session made otherwise.
 */
export const sessionVersion = (db: Db, auth: { orgId: string; kpiVersion?: number }) => async () =>
  auth.kpiVersion ?? versionOf(await versionStatement(db, auth.orgId));

/** An answer's key: the org first (forgetOrg drops by it), then what else the report depends on. */
export const reportKey = (orgId: string, timezone: string, range: { from: string; to: string }) =>
  `${orgId} ${timezone} report ${range.from} ${range.to}`;

/** A drill-down's key: its figure and everything that narrows it (a snapshot has no range). */
export const drillKey = (
  orgId: string,
  timezone: string,
  drill: string,
  q: { range: { from: string; to: string } | null; technicianId?: string; bucket?: string },
) => `${orgId} ${timezone} drill ${drill} ${q.range?.from ?? '-'} ${q.range?.to ?? '-'} ${q.technicianId ?? '-'} ${q.bucket ?? '-'}`;

export class ReportCache {
  /** Map order is recency: a served entry is moved to the end, the first one goes first. */
  readonly #entries = new Map<string, CachedAnswer>();
  readonly #flights = new Map<string, Promise<CachedAnswer>>();
  #bytes = 0;

  readonly limits: CacheLimits;

  // No parameter property: the benches import this module through Node's type stripping, which refuses them.
  constructor(limits: CacheLimits) {
    this.limits = limits;
  }

  get size(): { entries: number; bytes: number } {
    return { entries: this.#entries.size, bytes: this.#bytes };
  }

  /**
   * The answer for `key`: kept, joined or read by `compute` (which must read the version in the
   * same batch as the figures). `readVersion` is called only when there is something to check.
   */
  async answer(key: string, now: number, readVersion: () => Promise<number>, compute: () => Promise<CachedAnswer>): Promise<CachedAnswer> {
    const kept = this.#fresh(key, now);
    if (!kept && !this.#flights.has(key)) return this.#fly(key, compute);
    const version = await readVersion();
    // Looked up again: another request may have stored or started one during the read.
    const entry = this.#fresh(key, now);
    if (entry && entry.version === version) {
      this.#entries.delete(key);
      this.#entries.set(key, entry);
      return entry;
    }
    const flight = this.#flights.get(key);
    if (flight) {
      const joined = await flight;
      if (joined.version >= version) return joined;
    }
    return this.#fly(key, compute);
  }

  /** Drops every answer kept for the org (a change was just committed here); reads in flight are left to the version check. */
  forgetOrg(orgId: string): void {
    for (const [key, entry] of this.#entries) if (key.startsWith(`${orgId} `)) this.#drop(key, entry);
  }

  /** Kept and younger than the TTL (a clock set back counts as expired, too). */
  #fresh(key: string, now: number): CachedAnswer | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    const age = now - entry.at;
    if (age >= 0 && age < this.limits.ttlMs) return entry;
    this.#drop(key, entry);
    return undefined;
  }

  #fly(key: string, compute: () => Promise<CachedAnswer>): Promise<CachedAnswer> {
    const running = this.#flights.get(key);
    if (running) return running;
    const flight = compute()
      .then((answer) => {
        this.#store(key, answer);
        return answer;
      })
      .finally(() => {
        if (this.#flights.get(key) === flight) this.#flights.delete(key);
      });
    this.#flights.set(key, flight);
    return flight;
  }

  #store(key: string, answer: CachedAnswer): void {
    const old = this.#entries.get(key);
    // A read that finished after a newer one for the same key does not replace it.
    if (old && old.version > answer.version) return;
    if (old) this.#drop(key, old);
    const bytes = answer.body.length * 2;
    if (bytes > this.limits.maxBytes) return;
    this.#entries.set(key, answer);
    this.#bytes += bytes;
    for (const [k, e] of this.#entries) {
      if (this.#entries.size <= this.limits.maxEntries && this.#bytes <= this.limits.maxBytes) break;
      this.#drop(k, e);
    }
  }

  #drop(key: string, entry: CachedAnswer): void {
    if (this.#entries.get(key) !== entry) return;
    this.#entries.delete(key);
    this.#bytes -= entry.body.length * 2;
  }
}

/**
 * The isolate's cache of reports and lists. A year's report of an org of 100 technicians is about
 * 50 KB of JSON (UTF-16 in memory: twice that), a day's completions about 265 KB and the longest
 * list (5,000 rows) about 2 MB, so 16 MiB keeps the lists being looked at and a hundred reports.
 */
export const reports = new ReportCache({ ttlMs: CACHE_TTL_MS, maxEntries: 500, maxBytes: 16 * 1024 * 1024 });
