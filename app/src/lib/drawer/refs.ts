/**
 * Reference data the drawer needs besides the job: technicians (names in the history, the
 * schedule and new-job pickers) and the org's tax rate (line totals). Each is fetched once and
 * shared for a few minutes; a failure is not cached, so the next drawer tries again.
 */
import { api, type Page } from '#lib/api.ts';
import type { TechnicianRef } from './types.ts';

const TTL_MS = 5 * 60_000;
const PAGE = 200;
const MAX_PAGES = 50;

interface Cached<T> {
  at: number;
  value: Promise<T>;
}

function cached<T>(load: () => Promise<T>): { get: () => Promise<T>; clear: () => void } {
  let entry: Cached<T> | null = null;
  return {
    get() {
      if (entry && Date.now() - entry.at < TTL_MS) return entry.value;
      const value = load();
      const mine = (entry = { at: Date.now(), value });
      value.catch(() => {
        if (entry === mine) entry = null;
      });
      return value;
    },
    clear() {
      entry = null;
    },
  };
}

async function fetchTechnicians(): Promise<TechnicianRef[]> {
  const out: TechnicianRef[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < MAX_PAGES; i++) {
    const page = await api.get<Page<TechnicianRef>>('/technicians', {
      query: { limit: PAGE, cursor, fields: 'id,name,active,skills,licenceClass', sort: 'name' },
    });
    out.push(...page.items);
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return out;
}

const technicians = cached(fetchTechnicians);
const taxRate = cached(async () => (await api.get<{ taxRateBps: number }>('/org')).taxRateBps);

/** Every technician of the org, active or not (the history names former ones too). */
export const loadTechnicians = (): Promise<TechnicianRef[]> => technicians.get();

/** The org's sales tax in basis points. */
export const loadTaxRate = (): Promise<number> => taxRate.get();

/** Skills and licence classes the org's active technicians hold: suggestions for "required". */
export function qualifications(techs: readonly TechnicianRef[]): { skills: string[]; licences: string[] } {
  const skills = new Set<string>();
  const licences = new Set<string>();
  for (const t of techs) {
    if (!t.active) continue;
    for (const s of t.skills ?? []) skills.add(s);
    if (t.licenceClass) licences.add(t.licenceClass);
  }
  return { skills: [...skills].sort(), licences: [...licences].sort() };
}

/** Forget what was fetched (after sign-out, or when technicians changed). */
export function clearDrawerRefs(): void {
  technicians.clear();
  taxRate.clear();
}
