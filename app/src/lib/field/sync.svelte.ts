/**
 * The outbox as the phone's pages see it: what waits, what was refused, when the phone last
 * synced, and the triggers that replay it (outbox.ts does the replaying). Replays run when an
 * action is added, when the browser says it is online, when the app opens or comes back to the
 * front (visibilitychange), and from the service worker on Background Sync where the browser has
 * it (Chromium; the service worker runs replayer.ts too).
 */
import { idbOutbox, readKv } from './db.ts';
import { enqueue, type NewEntry, type OutboxEntry } from './outbox.ts';
import { LAST_SYNCED, replayOutbox, SYNC_TAG } from './replayer.ts';

class FieldSync {
  userId = '';
  /** This person's entries, waiting and refused, in order. */
  entries = $state.raw<OutboxEntry[]>([]);
  lastSynced = $state<number | null>(null);
  replaying = $state(false);
  online = $state(typeof navigator === 'undefined' ? true : navigator.onLine);
  /** Why the last replay stopped early, in a few words. */
  stalled = $state<string | null>(null);

  readonly waiting = $derived(this.entries.filter((e) => e.state === 'waiting'));
  readonly refused = $derived(this.entries.filter((e) => e.state === 'refused'));

  #started = false;
  #again = false;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #retryDelay = 2_000;
  #listeners = new Set<(delivered: OutboxEntry) => void>();

  /** Once per page: the user whose outbox this is, and the triggers. */
  start(userId: string): void {
    if (this.#started && this.userId === userId) return;
    this.userId = userId;
    if (!this.#started && typeof window !== 'undefined') {
      window.addEventListener('online', () => {
        this.online = true;
        void this.sync();
      });
      window.addEventListener('offline', () => {
        this.online = false;
      });
      document.addEventListener('visibilitychange', () => {
        if (document.visibilityState === 'visible') void this.sync();
      });
      // The service worker replayed (Background Sync): read the outbox again.
      navigator.serviceWorker?.addEventListener('message', (e: MessageEvent) => {
        if ((e.data as { type?: string } | null)?.type === 'outbox-replayed') void this.refresh();
      });
    }
    this.#started = true;
    void this.refresh().then(() => this.sync());
  }

  /** Hears each delivered entry (pages reload what it changed). */
  onDelivered(fn: (entry: OutboxEntry) => void): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  async refresh(): Promise<void> {
    const all = await idbOutbox.all();
    this.entries = all.filter((e) => e.userId === this.userId);
    this.lastSynced = (await readKv<number>(LAST_SYNCED)) ?? null;
  }

  /** Puts an action in the outbox and tries to send it at once. */
  async add(draft: Omit<NewEntry, 'userId'>): Promise<OutboxEntry> {
    const entry = await enqueue(idbOutbox, { ...draft, userId: this.userId });
    await this.refresh();
    void this.#askBackgroundSync();
    void this.sync();
    return entry;
  }

  /** The technician read a refusal: it leaves the list (the office was told, or will be). */
  async dismiss(key: string): Promise<void> {
    await idbOutbox.delete(key);
    await this.refresh();
  }

  /** Replays now; a call during a replay runs one more after it (an action added meanwhile goes too). */
  async sync(): Promise<void> {
    if (!this.userId) return;
    if (this.replaying) {
      this.#again = true;
      return;
    }
    if (!this.entries.some((e) => e.state === 'waiting')) await this.refresh();
    if (!this.entries.some((e) => e.state === 'waiting')) return;
    this.replaying = true;
    clearTimeout(this.#retryTimer);
    try {
      // Each step changes the list in memory (the store holds the same); reading the whole
      // outbox back after each of 200 entries cost more than sending them.
      const report = await replayOutbox(this.userId, (entry, verdict) => {
        if (verdict === 'delivered') {
          this.entries = this.entries.filter((e) => e.key !== entry.key);
          for (const fn of this.#listeners) fn(entry);
        } else this.entries = this.entries.map((e) => (e.key === entry.key ? entry : e));
      });
      this.stalled = report.stoppedAt ? (report.stoppedAt.lastError ?? 'Waiting') : null;
      if (report.stoppedAt && this.online) {
        // Online but not delivered (a 5xx, the same key still being worked on): try again later, backing off.
        this.#retryTimer = setTimeout(() => void this.sync(), this.#retryDelay);
        this.#retryDelay = Math.min(this.#retryDelay * 2, 60_000);
      } else this.#retryDelay = 2_000;
    } finally {
      this.replaying = false;
      await this.refresh();
    }
    if (this.#again) {
      this.#again = false;
      await this.sync();
    }
  }

  async #askBackgroundSync(): Promise<void> {
    try {
      const reg = await navigator.serviceWorker?.ready;
      const sync = (reg as (ServiceWorkerRegistration & { sync?: { register(tag: string): Promise<void> } }) | undefined)?.sync;
      await sync?.register(SYNC_TAG);
    } catch {
      // No Background Sync here (Safari, Firefox): the page's own triggers cover it.
    }
  }
}

/** The one outbox view of this page. */
export const fieldSync = new FieldSync();
