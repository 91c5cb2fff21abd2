/**
 * The one frame of the manager's numbers' live channel (rooms/org-room.ts): "the numbers may
 * have moved, read them again". It carries no figure and no record, only which kind of work
 * changed and when, so a socket learns nothing a GET /api/kpis would not tell the same person;
 * the page refetches. Shared by the room, the Worker that calls it and the app that listens.
 */

/** What changed: a job's done status (or a done job), an invoice, a payment. */
export const KPI_CHANGES = ['job', 'invoice', 'payment'] as const;
export type KpiChange = (typeof KPI_CHANGES)[number];

/** The text frame the org room sends every socket. `at`: when the room sent it (UTC ms). */
export interface KpisChanged {
  type: 'kpis.changed';
  what: KpiChange;
  at: number;
}

export function kpisChangedFrame(what: KpiChange, at: number): string {
  return JSON.stringify({ type: 'kpis.changed', what, at } satisfies KpisChanged);
}

/** A KpisChanged from a frame's text, or null when it is not one. */
export function parseKpisChanged(message: unknown): KpisChanged | null {
  if (typeof message !== 'string') return null;
  try {
    const m = JSON.parse(message) as Partial<KpisChanged> | null;
    if (m?.type !== 'kpis.changed' || !KPI_CHANGES.includes(m.what as KpiChange) || typeof m.at !== 'number') return null;
    return { type: m.type, what: m.what as KpiChange, at: m.at };
  } catch {
    return null;
  }
}
