/**
 * The board's technicians, from REST (`GET /api/technicians`, every page). They are records, not
 * part of the room's doc (core/board-doc.ts). A failure here leaves the rest of the board working:
 * the queue and the connection do not need technicians.
 */
import { ApiError, api, isAbort, type Page } from '#lib/api.ts';
import type { RuleTechnician } from '#core/schedule-rules.ts';

/** What GET /api/technicians returns, as far as the board reads it. */
export interface Technician extends RuleTechnician {
  colour: string;
  active: boolean;
  licenceNumber?: string | null;
}

const FIELDS = [
  'id',
  'name',
  'skills',
  'licenceClass',
  'licenceExpires',
  'shiftStart',
  'shiftEnd',
  'shiftDays',
  'timezone',
  'homeLat',
  'homeLng',
  'colour',
  'active',
].join(',');
const PAGE = 200;
/** A runaway cursor must not loop for ever: 50 pages is 10,000 technicians. */
const MAX_PAGES = 50;

export async function fetchAllTechnicians(signal?: AbortSignal): Promise<Technician[]> {
  const out: Technician[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < MAX_PAGES; i++) {
    const page = await api.get<Page<Technician>>('/technicians', { query: { limit: PAGE, cursor, fields: FIELDS, sort: 'name' }, signal });
    out.push(...page.items);
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return out;
}

export class TechnicianList {
  items = $state.raw<Technician[]>([]);
  status = $state<'loading' | 'ready' | 'error'>('loading');
  error = $state<ApiError | null>(null);
  #controller: AbortController | null = null;

  async load(): Promise<void> {
    this.#controller?.abort();
    const controller = (this.#controller = new AbortController());
    this.status = 'loading';
    this.error = null;
    try {
      const items = await fetchAllTechnicians(controller.signal);
      if (controller.signal.aborted) return;
      this.items = items;
      this.status = 'ready';
    } catch (err) {
      if (isAbort(err) || controller.signal.aborted) return;
      this.error =
        err instanceof ApiError ? err : new ApiError(0, 'Technicians could not be loaded', err instanceof Error ? err.message : undefined);
      this.status = 'error';
    }
  }

  cancel(): void {
    this.#controller?.abort();
  }
}
