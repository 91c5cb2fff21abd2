/**
 * One job's detail (GET /api/jobs/{id}: the job with its customer, location, crew, line items
 * and history in one answer), with the states a drawer or page shows: loading, ready, error
 * (retry), gone (404). A newer load aborts the one in flight, so a slow answer for the previous
 * job never replaces the current one.
 */
import { type ApiError, api, asApiError, isAbort } from '#lib/api.ts';
import type { JobDetail, JobRecord } from './types.ts';

export type JobLoadStatus = 'idle' | 'loading' | 'ready' | 'error';

export class JobLoader {
  job = $state<JobDetail | null>(null);
  status = $state<JobLoadStatus>('idle');
  error = $state<ApiError | null>(null);
  /** True while a quiet refresh (after a change) is in flight; the job stays on screen. */
  refreshing = $state(false);
  #controller: AbortController | null = null;
  #id: string | null = null;

  get id(): string | null {
    return this.#id;
  }

  /** The job is gone (deleted, or not one this person may see). */
  get gone(): boolean {
    return this.status === 'error' && this.error?.status === 404;
  }

  /**
   * Loads `id`. `quiet` keeps the current job on screen while it refreshes (after an edit, or
   * when the board says it moved) and keeps it there if the refresh fails.
   */
  async load(id: string, { quiet = false }: { quiet?: boolean } = {}): Promise<void> {
    this.#controller?.abort();
    const controller = (this.#controller = new AbortController());
    const sameJob = id === this.#id && this.job !== null;
    this.#id = id;
    if (quiet && sameJob) {
      this.refreshing = true;
    } else {
      this.job = null;
      this.status = 'loading';
      this.error = null;
    }
    try {
      const job = await api.get<JobDetail>(`/jobs/${encodeURIComponent(id)}`, { signal: controller.signal });
      if (controller.signal.aborted) return;
      this.job = job;
      this.status = 'ready';
      this.error = null;
    } catch (err) {
      if (isAbort(err) || controller.signal.aborted) return;
      const e = asApiError(err);
      // A failed quiet refresh leaves the job as it was, unless the job is gone.
      if (quiet && sameJob && e.status !== 404) return;
      this.job = null;
      this.error = e;
      this.status = 'error';
    } finally {
      if (this.#controller === controller) this.refreshing = false;
    }
  }

  /** Reloads the current job, keeping it on screen meanwhile. */
  refresh(): Promise<void> {
    return this.#id ? this.load(this.#id, { quiet: true }) : Promise.resolve();
  }

  retry(): Promise<void> {
    return this.#id ? this.load(this.#id) : Promise.resolve();
  }

  /** Takes a write's answer (a plain job, without relations) before the refresh brings the rest. */
  apply(record: JobRecord): void {
    if (this.job && this.job.id === record.id) this.job = { ...this.job, ...record };
  }

  cancel(): void {
    this.#controller?.abort();
    this.#controller = null;
    this.refreshing = false;
  }

  clear(): void {
    this.cancel();
    this.#id = null;
    this.job = null;
    this.error = null;
    this.status = 'idle';
  }
}
