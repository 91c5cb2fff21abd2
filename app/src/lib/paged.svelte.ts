/**
 * Cursor pagination state for a list page: first page, "load more", and the error of the last
 * attempt. A new `reload()` aborts the request in flight, so a slow answer to an old search can
 * never overwrite the answer to the new one.
 */
import { ApiError, isAbort, type Page } from './api.ts';

export type ListStatus = 'loading' | 'ready' | 'loading-more' | 'error';

export class PagedList<T> {
  items = $state<T[]>([]);
  nextCursor = $state<string | null>(null);
  status = $state<ListStatus>('loading');
  error = $state<ApiError | null>(null);
  #controller: AbortController | null = null;
  #fetchPage: (cursor: string | undefined, signal: AbortSignal) => Promise<Page<T>>;

  constructor(fetchPage: (cursor: string | undefined, signal: AbortSignal) => Promise<Page<T>>) {
    this.#fetchPage = fetchPage;
  }

  reload(): Promise<void> {
    this.items = [];
    this.nextCursor = null;
    return this.#load(undefined, 'loading');
  }

  more(): Promise<void> {
    if (!this.nextCursor || this.status === 'loading-more' || this.status === 'loading') return Promise.resolve();
    return this.#load(this.nextCursor, 'loading-more');
  }

  /** Stops whatever is in flight (the page is going away). */
  cancel(): void {
    this.#controller?.abort();
  }

  async #load(cursor: string | undefined, status: ListStatus): Promise<void> {
    this.#controller?.abort();
    const controller = new AbortController();
    this.#controller = controller;
    this.status = status;
    this.error = null;
    try {
      const page = await this.#fetchPage(cursor, controller.signal);
      if (controller.signal.aborted) return;
      this.items = cursor ? [...this.items, ...page.items] : page.items;
      this.nextCursor = page.nextCursor ?? null;
      this.status = 'ready';
    } catch (err) {
      if (isAbort(err) || controller.signal.aborted) return;
      this.error = err instanceof ApiError ? err : new ApiError(0, 'Something went wrong', err instanceof Error ? err.message : undefined);
      this.status = 'error';
    }
  }
}
