/**
 * A technician's day on the phone: the jobs of one local day, live from their own feed room
 * (rooms/technician-room.ts, `/api/rooms/technician/YYYY-MM-DD`: a read-only Yjs doc of the same
 * shape as the board, holding only this technician's jobs), and kept in IndexedDB so the day
 * opens with no signal. The feed carries what the board shows (time, status, customer, address);
 * each job's details (arrival window, phone, access notes, notes, photos) come over REST and are
 * kept too (job-data.ts).
 *
 * What changed is worked out against what the phone showed before (day-changes.ts), so a job the
 * dispatcher added, moved or took away is marked on its card, also after a reload.
 */
import * as Y from 'yjs';
import YProvider from 'y-partyserver/provider';
import { readBoard } from '#core/board-client.ts';
import type { BoardJob } from '#core/board-doc.ts';
import { roomCloseOf, type RoomClose } from '#core/room-close.ts';
import { readDay, saveDay } from './db.ts';
import { dayChanges, inDayOrder, type DayChange, type DayJob } from './day-changes.ts';

export type FeedState = 'connecting' | 'live' | 'offline' | 'ended';

function dayJobOf(j: BoardJob): DayJob {
  return {
    id: j.id,
    number: j.number,
    type: j.type,
    priority: j.priority,
    status: j.status,
    start: j.start,
    durationMin: j.durationMin,
    customerName: j.customerName,
    address: j.address,
    lat: j.lat,
    lng: j.lng,
  };
}

export interface DayOptions {
  date: string;
  userId: string;
  /** Formats a start for the change words ("Moved from 9:00 to 10:30"). */
  time: (at: number) => string;
  /** Each job that is new or changed on the live feed (its details are fetched again). */
  onJobsChanged?: (ids: string[]) => void;
  connect?: boolean;
}

export class FieldDay {
  readonly date: string;
  readonly userId: string;
  jobs = $state.raw<DayJob[]>([]);
  /** Per job id, the latest change seen while this page is open or since the phone last saw the day. */
  changes = $state.raw<Record<string, DayChange>>({});
  /** Jobs taken off the day since the phone last saw it, shown until the technician leaves the day. */
  removed = $state.raw<DayJob[]>([]);
  /** Where the jobs shown come from: nothing yet, the phone's copy, or the live feed. */
  source = $state<'none' | 'cache' | 'live'>('none');
  /** When the phone's copy was saved (shown while offline). */
  savedAt = $state<number | null>(null);
  connection = $state<FeedState>('connecting');
  ended = $state.raw<RoomClose | null>(null);
  /** The org's timezone, from the feed's meta once synced. */
  timezone = $state<string | null>(null);

  readonly provider: YProvider | null = null;
  readonly #doc = new Y.Doc();
  readonly #opts: DayOptions;
  #cleanups: (() => void)[] = [];
  #cacheRead: Promise<void>;

  constructor(opts: DayOptions) {
    this.date = opts.date;
    this.userId = opts.userId;
    this.#opts = opts;
    this.#cacheRead = this.#readCache();
    if (opts.connect === false || typeof location === 'undefined') return;
    const provider = new YProvider(location.host, opts.date, this.#doc, {
      prefix: `/api/rooms/technician/${opts.date}`,
      protocol: location.protocol === 'https:' ? 'wss' : 'ws',
      disableBc: true,
      maxBackoffTime: 5_000,
    });
    this.provider = provider;
    this.#watch(provider);
  }

  async #readCache(): Promise<void> {
    try {
      const cached = await readDay<DayJob>(this.userId, this.date);
      if (cached && this.source === 'none') {
        this.jobs = inDayOrder(cached.jobs);
        this.savedAt = cached.savedAt;
        this.source = 'cache';
      }
    } catch (err) {
      console.warn('the day kept on this phone could not be read', err);
    }
  }

  async #fromFeed(): Promise<void> {
    await this.#cacheRead;
    const board = readBoard(this.#doc);
    if (board.meta) this.timezone = board.meta.timezone;
    const after = inDayOrder(Object.values(board.jobs).map(dayJobOf));
    const before = this.source === 'none' ? null : this.jobs;
    const found = dayChanges(before, after, this.#opts.time);
    if (found.length) {
      const changes = { ...this.changes };
      for (const c of found) changes[c.jobId] = c;
      this.changes = changes;
      const gone = found.filter((c) => c.kind === 'removed').map((c) => c.jobId);
      const back = new Set(after.map((j) => j.id));
      this.removed = [...this.removed.filter((j) => !back.has(j.id)), ...(before ?? []).filter((j) => gone.includes(j.id))];
    }
    const first = this.source !== 'live';
    this.jobs = after;
    this.source = 'live';
    this.savedAt = Date.now();
    const changed = first ? after.map((j) => j.id) : found.filter((c) => c.kind !== 'removed').map((c) => c.jobId);
    if (changed.length) this.#opts.onJobsChanged?.(changed);
    try {
      await saveDay(this.userId, this.date, after);
    } catch (err) {
      console.warn('the day could not be kept on this phone', err);
    }
  }

  /** The technician has seen this job's change (opened the job). */
  seen(jobId: string): void {
    if (!this.changes[jobId]) return;
    const { [jobId]: _, ...rest } = this.changes;
    this.changes = rest;
  }

  /** Sends a custom message to the room (the position notice); false when not connected. */
  send(message: string): boolean {
    const p = this.provider;
    if (!p?.wsconnected) return false;
    p.sendMessage(message);
    return true;
  }

  #watch(provider: YProvider): void {
    const offline = () => typeof navigator !== 'undefined' && navigator.onLine === false;
    const update = () => {
      if (this.ended) this.connection = 'ended';
      else if (offline()) this.connection = 'offline';
      else if (provider.wsconnected && provider.synced) this.connection = 'live';
      else this.connection = 'connecting';
    };
    let synced = false;
    provider.on('status', update);
    provider.on('sync', (s: boolean) => {
      if (s) {
        synced = true;
        void this.#fromFeed();
      }
      update();
    });
    const onUpdate = () => {
      if (synced) void this.#fromFeed();
    };
    this.#doc.on('update', onUpdate);
    this.#cleanups.push(() => this.#doc.off('update', onUpdate));
    provider.on('connection-close', (event: CloseEvent | null) => {
      const ended = event ? roomCloseOf(event.code) : null;
      if (ended) {
        provider.disconnect();
        this.ended = ended;
      }
      queueMicrotask(update);
    });
    if (typeof window !== 'undefined') {
      window.addEventListener('online', update);
      window.addEventListener('offline', update);
      this.#cleanups.push(() => {
        window.removeEventListener('online', update);
        window.removeEventListener('offline', update);
      });
    }
    update();
  }

  destroy(): void {
    for (const c of this.#cleanups) c();
    this.provider?.destroy();
    this.#doc.destroy();
  }
}
