/**
 * The report on the manager's page and how it stays current: fetched again for a new range at
 * once, and after a change notice from the org's live channel through the refresher (one fetch at
 * a time, a burst of notices as one). An answer for a range the page has left is dropped.
 */
import type { Range } from '#core/kpis.ts';
import type { KpiReport } from '#lib/types.ts';
import { type ApiError, asApiError, isAbort } from '#lib/api.ts';
import { fetchReport } from './load.ts';
import { refresher } from './refresher.ts';

export class KpiReportState {
  report = $state.raw<KpiReport | null>(null);
  error = $state.raw<ApiError | null>(null);
  /** A fetch is open (the first, or a refresh behind the numbers already shown). */
  busy = $state(false);
  /** Counts answers, so what depends on the numbers (an open drill-down) knows to fetch again. */
  generation = $state(0);
  #range: Range | null = null;
  #refresh = refresher((signal) => this.#fetch(signal));

  /** Show another range: its numbers replace the old ones, never mixed with them. */
  show(range: Range): void {
    if (this.#range && this.#range.from === range.from && this.#range.to === range.to) return;
    this.#range = range;
    this.report = null;
    this.error = null;
    this.#refresh.now();
  }

  /** Something changed in the org (a live notice, or the channel came back): fetch again soon. */
  changed(): void {
    if (this.#range) this.#refresh.soon();
  }

  retry(): void {
    this.error = null;
    this.#refresh.now();
  }

  stop(): void {
    this.#refresh.stop();
  }

  async #fetch(signal: AbortSignal): Promise<void> {
    const range = this.#range;
    if (!range) return;
    this.busy = true;
    try {
      const report = await fetchReport(range, signal);
      if (signal.aborted) return;
      this.report = report;
      this.error = null;
      this.generation++;
    } catch (err) {
      if (isAbort(err) || signal.aborted) return;
      this.error = asApiError(err);
    } finally {
      if (!signal.aborted) this.busy = false;
    }
  }
}
