/**
 * The org's active technicians as a board room knows them: what the scheduling rules read
 * (skills, shifts, licences) and which ids a placement may name. Kept in the room's meta table
 * so a wake does not wait for libSQL, and re-read from libSQL at most every TTL_MS for the
 * rules, or sooner when a placement names an id the room has not seen (at most every
 * RECHECK_MS, in the background): a technician added a moment ago is refused once, then known.
 */
import type { Client } from '@libsql/client/web';
import type { RuleTechnician } from '../core/schedule-rules.ts';
import { loadTechnicians } from './board-records.ts';
import { getMeta, setMeta } from './persistence.ts';

/** Technicians are re-read from libSQL at most this often for the rules. */
const TTL_MS = 5 * 60_000;
/** A placement on a technician the room does not know re-reads them, at most this often. */
const RECHECK_MS = 10_000;

export class TechnicianCache {
  #list: RuleTechnician[] = [];
  #ids = new Set<string>();
  #at = 0;

  constructor(
    private readonly sql: SqlStorage,
    private readonly libsql: () => Client,
    private readonly orgId: string,
    /** Called after every reload: the rules must look at every row again. */
    private readonly onReload: () => void,
    private readonly background: (p: Promise<unknown>) => void,
  ) {
    this.#set(JSON.parse(String(getMeta(sql, 'technicians') ?? '[]')), 0);
  }

  get list(): readonly RuleTechnician[] {
    return this.#list;
  }

  /** Stores a list read from libSQL (the first load of a day reads it with the jobs). */
  store(technicians: RuleTechnician[]): void {
    this.#set(technicians, Date.now());
    setMeta(this.sql, 'technicians', JSON.stringify(technicians));
  }

  async reload(): Promise<void> {
    this.store(await loadTechnicians(this.libsql(), this.orgId));
    this.onReload();
  }

  /** Re-reads the list when it is older than TTL_MS; libSQL away, the cached one serves. */
  async refreshIfStale(): Promise<void> {
    if (Date.now() - this.#at <= TTL_MS) return;
    try {
      await this.reload();
    } catch {
      // libSQL away: the cached technicians serve; the drain backs off anyway.
    }
  }

  /** Whether a placement may name this technician (schedule-guard's isTechnician). */
  readonly has = (id: string): boolean => {
    if (this.#ids.has(id)) return true;
    if (Date.now() - this.#at > RECHECK_MS) {
      this.#at = Date.now();
      this.background(this.reload().catch(() => {}));
    }
    return false;
  };

  /** Changes from the API name technicians libSQL has just checked: know them before deciding. */
  async know(id: string | null | undefined): Promise<void> {
    if (id && !this.#ids.has(id)) await this.reload();
  }

  #set(list: RuleTechnician[], at: number): void {
    this.#list = list;
    this.#ids = new Set(list.map((t) => t.id));
    this.#at = at;
  }
}
